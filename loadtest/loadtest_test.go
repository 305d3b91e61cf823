package loadtest

import (
	"errors"
	"testing"
	"time"
)

func TestRunCountsAndPercentiles(t *testing.T) {
	var calls [4]int
	r := Run(4, 100, func(c, i int) error {
		calls[c]++ // each client touches only its own counter
		time.Sleep(time.Duration(i%10) * 100 * time.Microsecond)
		if i%25 == 0 {
			return errors.New("boom")
		}
		return nil
	})
	if r.Requests != 100 || r.Errors != 4 {
		t.Fatalf("requests %d errors %d, want 100 and 4", r.Requests, r.Errors)
	}
	if total := calls[0] + calls[1] + calls[2] + calls[3]; total != 100 {
		t.Fatalf("do called %d times", total)
	}
	if !(r.P50 <= r.P99 && r.P99 <= r.Max) || r.P99 < 800*time.Microsecond {
		t.Fatalf("percentiles out of order or too small: %v", r)
	}
}

func TestPercentileIndex(t *testing.T) {
	for _, tc := range []struct{ n, p, want int }{{100, 50, 49}, {100, 99, 98}, {1, 99, 0}, {1000, 99, 989}, {10, 100, 9}} {
		if got := percentile(tc.n, tc.p); got != tc.want {
			t.Errorf("percentile(%d, %d) = %d, want %d", tc.n, tc.p, got, tc.want)
		}
	}
}
