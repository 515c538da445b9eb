package spatial

import (
	"context"
	"errors"
	"testing"
)

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
