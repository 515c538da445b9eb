package spatial

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/incidentmap/incidentmap/geo"
	"github.com/incidentmap/incidentmap/tiles"
)

func TestKeyRangesCoverTheBound(t *testing.T) {
	for _, b := range [][4]float64{geo.WorldBound(), {36, 35, 37, 36}, {-0.5, -0.5, 0.5, 0.5}, {179, -10, 180, 10}, {36.6, 35.9, 36.6, 35.9}} {
		ranges := keyRanges(b)
		if len(ranges) == 0 || len(ranges) > 16 {
			t.Fatalf("keyRanges(%v) = %d ranges", b, len(ranges))
		}
		for _, p := range [][2]float64{{b[0], b[1]}, {b[2], b[3]}, {(b[0] + b[2]) / 2, (b[1] + b[3]) / 2}, {b[0], b[3]}} {
			k := uint64(tiles.Morton16(p[0], p[1]))
			if !slices.ContainsFunc(ranges, func(r [2]uint64) bool { return k >= r[0] && k < r[1] }) {
				t.Errorf("keyRanges(%v) misses point %v (key %d)", b, p, k)
			}
		}
	}
}

// testSnapshot builds a snapshot of n random incidents around the eastern
// Mediterranean, returning the records too.
func testSnapshot(n int) (*Snapshot, []Record) {
	rng := rand.New(rand.NewPCG(1, 2))
	b := NewBuilder(7, n)
	var recs []Record
	for i := range n {
		r := Record{ID: int64(i*3 + 1), Lon: 30 + rng.Float64()*10, Lat: 30 + rng.Float64()*10,
			Day: int32(18000 + rng.IntN(100)), Precision: int8(1 + rng.IntN(3)),
			Disputed: rng.IntN(4) == 0, NeedsReview: rng.IntN(5) == 0, Mention: rng.IntN(6) == 0,
			Source: []byte([]string{"A", "B", "c"}[rng.IntN(3)])}
		b.Add(r)
		recs = append(recs, r)
	}
	for k, src := range []string{"A", "B", "c"} {
		var ids []uint32
		for _, r := range recs {
			if string(r.Source) == src {
				ids = append(ids, uint32(r.ID))
			}
		}
		if k == 2 {
			ids = ids[:3] // sparse
		}
		b.AddSource(src, geo.SourceOutlet, ids)
	}
	return b.Build(), recs
}

func TestSnapshotMatchesABruteForceFilter(t *testing.T) {
	s, recs := testSnapshot(5000)
	if s.Version() != 7 || s.Len() != len(recs) || s.MaxID() != recs[len(recs)-1].ID {
		t.Fatalf("snapshot: version %d, %d records, max id %d", s.Version(), s.Len(), s.MaxID())
	}
	yes, no := true, false
	from := time.Unix(18020*86400, 0).UTC()
	box := [4]float64{32, 31, 36.5, 35}
	for _, f := range []geo.IncidentFilter{
		{},
		{Roles: []geo.Role{geo.RoleIncident, geo.RoleMention}},
		{Roles: []geo.Role{geo.RoleMention}, MaxPrecision: 2},
		{Disputed: &yes, NeedsReview: &no, From: &from},
		{BBox: &box, Offset: 10, AfterID: 900},
	} {
		bound := geo.WorldBound()
		if f.BBox != nil {
			bound = *f.BBox
		}
		inc, men := Roles(f.Roles)
		var want []int64
		days := map[int32]int{}
		for _, r := range recs {
			if r.Lon < bound[0] || r.Lon > bound[2] || r.Lat < bound[1] || r.Lat > bound[3] ||
				(f.From != nil && r.Day < 18020) || (f.MaxPrecision > 0 && int(r.Precision) > f.MaxPrecision) ||
				(f.Disputed != nil && r.Disputed != *f.Disputed) || (f.NeedsReview != nil && r.NeedsReview != *f.NeedsReview) ||
				(r.Mention && !men) || (!r.Mention && !inc) {
				continue
			}
			want = append(want, r.ID)
			days[r.Day]++
		}
		m := NewMatcher(f)
		var got []int64
		err := s.Each(context.Background(), m, bound, func(p geo.PointRow) error { got = append(got, p.ID); return nil })
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%+v: Each gave %d ids, want %d", f, len(got), len(want))
		}
		page, n, err := s.Page(context.Background(), m, f, 25)
		if err != nil {
			t.Fatal(err)
		}
		after := want[:0:0]
		for _, id := range want {
			if id > f.AfterID {
				after = append(after, id)
			}
		}
		if wantPage := after[min(f.Offset, len(after)):min(f.Offset+25, len(after))]; n != len(want) || !slices.Equal(page, wantPage) {
			t.Errorf("%+v: Page = %v, %d; want %v, %d", f, page, n, wantPage, len(want))
		}
		dc, err := s.Days(context.Background(), m, f.BBox)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for i, d := range dc {
			if d.N != days[d.Day] || (i > 0 && d.Day <= dc[i-1].Day) {
				t.Errorf("%+v: Days[%d] = %v, want %d, ascending", f, i, d, days[d.Day])
			}
			total += d.N
		}
		if total != len(want) {
			t.Errorf("%+v: Days total %d, want %d", f, total, len(want))
		}
	}
}

func TestSourcesCountsAndSets(t *testing.T) {
	s, recs := testSnapshot(2000)
	counts, err := s.Sources(context.Background(), NewMatcher(geo.IncidentFilter{Roles: []geo.Role{geo.RoleIncident, geo.RoleMention}}), nil)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, r := range recs {
		n[string(r.Source)]++
	}
	want := []geo.SourceCount{{Name: "A", Kind: geo.SourceOutlet, Count: n["A"]}, {Name: "B", Kind: geo.SourceOutlet, Count: n["B"]}}
	slices.SortFunc(want, func(a, b geo.SourceCount) int { return b.Count - a.Count })
	want = append(want, geo.SourceCount{Name: "c", Kind: geo.SourceOutlet, Count: 3})
	if !slices.Equal(counts, want) {
		t.Errorf("Sources = %v, want %v", counts, want)
	}
	m := NewMatcher(geo.IncidentFilter{Roles: []geo.Role{geo.RoleIncident, geo.RoleMention}})
	m.AddSet(s.SourceSet([]string{"C", "a"}, ""))
	page, total, err := s.Page(context.Background(), m, geo.IncidentFilter{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if total != n["A"]+3 || len(page) != 10 {
		t.Errorf("Page over sources A and c: %d ids of %d, want 10 of %d", len(page), total, n["A"]+3)
	}
	if set := s.SourceSet([]string{"a"}, geo.SourceClaimant); slices.ContainsFunc(set, func(w uint64) bool { return w != 0 }) {
		t.Error("SourceSet of a claimant that is only an outlet is not empty")
	}
}

func TestBucketDays(t *testing.T) {
	day := func(s string) int32 { d, _ := time.Parse(time.DateOnly, s); return tiles.DateDays(d) }
	days := []DayCount{{day("1969-12-28"), 1}, {day("1969-12-29"), 2}, {day("1970-01-04"), 3}, {day("1970-01-05"), 4}, {day("1970-02-01"), 5}}
	for _, tc := range []struct {
		interval string
		want     []int
	}{{"day", []int{1, 2, 3, 4, 5}}, {"week", []int{1, 5, 4, 5}}, {"month", []int{3, 7, 5}}} {
		got, err := BucketDays(days, tc.interval)
		if err != nil {
			t.Fatal(err)
		}
		var n []int
		for _, b := range got {
			n = append(n, b.Count)
		}
		if !slices.Equal(n, tc.want) {
			t.Errorf("BucketDays(%s) = %v, want counts %v", tc.interval, got, tc.want)
		}
	}
	if got, _ := BucketDays(days, "week"); got[0].Date.Weekday() != time.Monday {
		t.Errorf("week starts on %v", got[0].Date.Weekday())
	}
	if _, err := BucketDays(days, "year"); geo.ErrorCode(err) != geo.EINVALID {
		t.Errorf("BucketDays(year) = %v, want EINVALID", err)
	}
}

func TestNoCase(t *testing.T) {
	if FoldNoCase("Ab-É") != "ab-É" || CompareNoCase("abc", "ABD") >= 0 || CompareNoCase("AB", "ab") != 0 || CompareNoCase("ab", "abc") >= 0 {
		t.Error("NOCASE folding differs from SQLite's")
	}
}

// fakeLoad returns a Load that yields snapshots at *version, nil below
// minPoints rows (*rows), or err, counting its calls.
func fakeLoad(version *int64, rows *int, err *error, calls *int) func(context.Context, int) (*Snapshot, error) {
	return func(_ context.Context, minPoints int) (*Snapshot, error) {
		*calls++
		if *err != nil {
			return nil, *err
		}
		if *rows < minPoints {
			return nil, nil
		}
		return NewBuilder(*version, 0).Build(), nil
	}
}

func TestIndexBuildsOncePerVersion(t *testing.T) {
	ctx := context.Background()
	var version int64 = 3
	rows, calls := MinPoints, 0
	var loadErr error
	x := &Index{Load: fakeLoad(&version, &rows, &loadErr, &calls)}
	if x.At(3) != nil {
		t.Fatal("a new Index has a snapshot")
	}
	if built := x.Refresh(3); built == nil {
		t.Fatal("Refresh started no build")
	} else {
		<-built
	}
	if s := x.At(3); s == nil || s.Version() != 3 || calls != 1 {
		t.Fatalf("after Refresh(3): At(3) = %v, %d loads", s, calls)
	}
	if x.Refresh(3) != nil || calls != 1 {
		t.Error("Refresh at the snapshot's version built again")
	}
	if s, err := x.Await(ctx, 3); err != nil || s == nil {
		t.Errorf("Await(3) = %v, %v", s, err)
	}
	// A write: the next Await waits for the build at the new version.
	version = 4
	if s, err := x.Await(ctx, 4); err != nil || s == nil || s.Version() != 4 || calls != 2 {
		t.Errorf("Await(4) = %v, %v after %d loads", s, err, calls)
	}
	// Too small: no snapshot, and no second count at the same version.
	version, rows = 5, MinPoints-1
	if s, err := x.Await(ctx, 5); err != nil || s != nil {
		t.Errorf("Await(5) on a small table = %v, %v", s, err)
	}
	if x.Refresh(5) != nil || calls != 3 {
		t.Errorf("a small table was loaded again: %d loads", calls)
	}
	// A failed build: Await gives up, Warm reports it.
	version, rows, loadErr = 6, MinPoints, errors.New("disk on fire")
	if s, err := x.Await(ctx, 6); err != nil || s != nil {
		t.Errorf("Await(6) after a failed build = %v, %v", s, err)
	}
	if err := x.Warm(ctx, func(context.Context) (int64, error) { return 6, nil }); !errors.Is(err, loadErr) {
		t.Errorf("Warm = %v, want %v", err, loadErr)
	}
	loadErr = nil
	if err := x.Warm(ctx, func(context.Context) (int64, error) { return 6, nil }); err != nil || x.At(6) == nil {
		t.Errorf("Warm = %v, At(6) = %v", err, x.At(6))
	}
}

func TestIndexHold(t *testing.T) {
	var version int64 = 1
	rows, calls := MinPoints, 0
	var loadErr error
	x := &Index{Load: fakeLoad(&version, &rows, &loadErr, &calls)}
	release := x.Hold(nil)
	if x.Refresh(1) != nil || calls != 0 {
		t.Error("Refresh built while the Index is held")
	}
	release()
	if built := x.Refresh(1); built == nil {
		t.Error("Refresh built nothing after release")
	} else {
		<-built
	}
	old := NewBuilder(0, 0).Build()
	x.Publish(old)
	if x.Current() != old {
		t.Error("Publish did not make the snapshot current")
	}
}
