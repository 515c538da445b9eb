package ingest

import (
	"context"
	"errors"
	"runtime"
	"sync"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/geo/reportfile"
)

// Job is one report file on its way through Batch.Run.
type Job struct {
	Path      string
	Report    *geo.Report // nil when the file could not be read or parsed
	Incidents []*geo.Incident
	Created   bool  // stored now (false: already stored, or failed)
	Err       error // why the report was not stored
	ready     chan struct{}
}

// Batch ingests files of reports: Pipeline geoparses them in parallel and
// Store stores them in file order, several reports per transaction. When a
// whole transaction fails, Pipeline.Ingest (so Pipeline.Reports) stores
// its reports one by one.
type Batch struct {
	Pipeline *Pipeline
	Store    geo.BulkReportService
	// Source is the outlet of reports that name none.
	Source string
}

// ingestMaxBatch bounds the reports stored in one transaction: enough to
// spread a commit over many reports, few enough that a crash or an
// interrupt costs little work to redo and that the lines saying what was
// stored come steadily.
const ingestMaxBatch = 8

// Run reads the reports in paths, geoparses them in parallel
// (one worker per CPU but one) and stores them in file order, committing together
// the reports that are ready when the writer comes to them (at most
// ingestMaxBatch). done is called for every file, in order, once its
// outcome is final: a report it calls stored is committed, so a crash
// never leaves one half stored nor loses one that was announced. Reports
// without an outlet get b.Source. Run returns the first error of the
// store's transactions (after the fallback) or ctx's.
//
// The geoparser is most of the CPU and the store is one writer, so the
// writer stores a batch while the workers parse the next ones.
func (b *Batch) Run(parent context.Context, paths []string, done func(*Job)) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	work := make(chan *Job, 2*ingestMaxBatch)    // to the workers
	ordered := make(chan *Job, 2*ingestMaxBatch) // to the writer, in file order
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the reader
		defer wg.Done()
		defer close(work)
		defer close(ordered)
		send := func(ch chan<- *Job, j *Job) error {
			select {
			case ch <- j:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		// reportfile.Read passes unreadable files to fn, so its only error
		// is the cancellation fn returns.
		reportfile.Read(paths, func(path string, r *geo.Report, err error) error {
			j := &Job{Path: path, Report: r, Err: err, ready: make(chan struct{})}
			if err != nil {
				close(j.ready)
				return send(ordered, j)
			}
			if r.Source == "" {
				r.Source = b.Source
			}
			// First in line, then to a worker: the writer only ever
			// waits for a job a worker has.
			if err := send(ordered, j); err != nil {
				return err
			}
			return send(work, j)
		})
	}()
	// The writer has a CPU of its own and the workers share the others:
	// the store, one writer, is the slower half, so more workers than that
	// would only take CPU from it.
	for range max(1, runtime.GOMAXPROCS(0)-1) {
		wg.Add(1)
		go func() { // a worker
			defer wg.Done()
			for j := range work {
				if ctx.Err() == nil {
					j.Incidents, j.Err = b.Pipeline.Prepare(ctx, j.Report)
				}
				close(j.ready)
			}
		}()
	}
	err := b.write(ctx, ordered, done)
	cancel()
	for range ordered { // unblock the reader after an error
	}
	wg.Wait()
	if err != nil && parent.Err() != nil {
		return parent.Err()
	}
	return err
}

// write is Run's writer: it takes jobs in order, gathers
// those ready into a batch, stores it and calls done for each job.
func (b *Batch) write(ctx context.Context, ordered <-chan *Job, done func(*Job)) error {
	var next *Job // taken from ordered but not yet ready
	for {
		if next == nil {
			var ok bool
			if next, ok = <-ordered; !ok {
				return nil
			}
		}
		select {
		case <-next.ready:
		case <-ctx.Done():
			return ctx.Err()
		}
		batch := []*Job{next}
		next = nil
	gather:
		for len(batch) < ingestMaxBatch {
			select {
			case j, ok := <-ordered:
				if !ok {
					break gather
				}
				select {
				case <-j.ready:
					batch = append(batch, j)
				default:
					next = j
					break gather
				}
			default:
				break gather
			}
		}
		if err := b.store(ctx, batch); err != nil {
			return err
		}
		for _, j := range batch {
			if ctx.Err() != nil && errors.Is(j.Err, ctx.Err()) {
				return ctx.Err() // not attempted: neither stored nor failed
			}
			done(j)
		}
	}
}

// store stores the parsed reports of batch in one transaction,
// setting each job's outcome. If the transaction itself fails, it stores
// the reports one by one instead, so that one report cannot cost the
// others.
func (b *Batch) store(ctx context.Context, batch []*Job) error {
	var jobs []*Job
	var reports []geo.NewReport
	for _, j := range batch {
		if j.Err == nil {
			jobs = append(jobs, j)
			reports = append(reports, geo.NewReport{Report: j.Report, Incidents: j.Incidents})
		}
	}
	res, err := b.Store.CreateReports(ctx, reports)
	if err == nil {
		for i, j := range jobs {
			j.Created, j.Err = res[i].Created, res[i].Err
		}
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	for _, j := range jobs {
		// Ingest computes the incidents afresh: storing them has set
		// their IDs and may have marked them disputed.
		j.Created, j.Incidents, j.Err = b.Pipeline.Ingest(ctx, j.Report)
	}
	return nil
}
