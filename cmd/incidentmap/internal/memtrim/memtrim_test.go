package memtrim

import (
	"runtime/debug"
	"testing"
)

func TestShouldTrim(t *testing.T) {
	const mb = 1 << 20
	tests := []struct {
		name      string
		prev, cur memSample
		want      bool
	}{
		{"idle after a build", memSample{allocs: 900 * mb}, memSample{allocs: 900 * mb, spare: 200 * mb}, true},
		{"busy", memSample{allocs: 900 * mb}, memSample{allocs: 950 * mb, spare: 200 * mb}, false},
		{"idle, little to return", memSample{allocs: 900 * mb}, memSample{allocs: 901 * mb, spare: 8 * mb}, false},
		{"idle at the threshold", memSample{allocs: 10 * mb}, memSample{allocs: 10*mb + idleAllocs - 1, spare: trimMin}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := shouldTrim(tt.prev, tt.cur); got != tt.want {
				t.Errorf("shouldTrim(%+v, %+v)=%v, want %v", tt.prev, tt.cur, got, tt.want)
			}
		})
	}
}

// readMemSample must see the garbage a build leaves: without it the idle
// trim never fires. The collector is off while the garbage is made: run
// alone, in a small heap, it would otherwise collect and return the
// garbage before the second sample (the test failed alone, issue 15).
// garbageSink keeps the compiler from proving the garbage unused.
var garbageSink []byte

func TestReadMemSampleSeesGarbage(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	before := readMemSample()
	n := 0
	for range 64 {
		garbageSink = make([]byte, 1<<20) // too large for the stack: garbage on the heap
		n += len(garbageSink)
	}
	garbageSink = nil
	after := readMemSample()
	if after.allocs-before.allocs < uint64(n) {
		t.Errorf("allocs grew by %d bytes, want at least 64 MiB", after.allocs-before.allocs)
	}
	if after.spare < 32<<20 {
		t.Errorf("spare=%d bytes after dropping 64 MiB, want at least 32 MiB", after.spare)
	}
}
