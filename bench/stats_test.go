package bench

import (
	"os"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	s := Sample{5, 1, 4, 2, 3, 10, 9, 8, 7, 6}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{{50, 5}, {90, 9}, {99, 10}, {100, 10}, {0, 1}, {10, 1}, {11, 2}} {
		if got := s.Percentile(tc.p); got != tc.want {
			t.Errorf("Percentile(%v) = %v, want %v", tc.p, got, tc.want)
		}
	}
	if got := (Sample{}).Percentile(50); got != 0 {
		t.Errorf("empty Percentile = %v, want 0", got)
	}
	if s[0] != 5 {
		t.Errorf("Percentile reordered its receiver: %v", s)
	}
}

func TestReadMemory(t *testing.T) {
	m, err := ReadMemory(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if m.RSS <= 0 || m.Peak < m.RSS {
		t.Errorf("ReadMemory = %+v, want 0 < RSS <= Peak", m)
	}
	if _, err := ReadMemory(-1); err == nil {
		t.Error("ReadMemory(-1) succeeded")
	}
}

func TestReadCPU(t *testing.T) {
	before, err := ReadCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	// Spin until the process has used 50 ms more CPU; on a busy machine
	// that takes longer than 50 ms of wall time, but never 10 s.
	for start := time.Now(); time.Since(start) < 10*time.Second; {
		now, err := ReadCPU(os.Getpid())
		if err != nil {
			t.Fatal(err)
		}
		if now-before >= 50*time.Millisecond {
			return
		}
	}
	t.Error("ReadCPU did not grow by 50 ms while spinning for 10 s")
}
