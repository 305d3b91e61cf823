// Package loadtest drives a bounded number of requests from concurrent
// clients and summarises throughput and latency. Benchmarks use it so that
// the figures in docs/performance.md are measured the same way each time.
package loadtest

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Result summarises one run.
type Result struct {
	Requests int
	Errors   int
	Elapsed  time.Duration
	P50, P99 time.Duration
	Max      time.Duration
}

// PerSecond returns the completed requests per second.
func (r Result) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests-r.Errors) / r.Elapsed.Seconds()
}

func (r Result) String() string {
	return fmt.Sprintf("%d requests (%d errors) in %v: %.0f/s, p50 %v, p99 %v, max %v",
		r.Requests, r.Errors, r.Elapsed.Round(time.Millisecond), r.PerSecond(), r.P50, r.P99, r.Max)
}

// Run calls do n times in total from clients goroutines and measures each
// call. do gets the client number and the call's sequence number; an error
// counts the call as failed.
func Run(clients, n int, do func(client, seq int) error) Result {
	if clients < 1 {
		clients = 1
	}
	lat := make([]time.Duration, n)
	var next, errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t0 := time.Now()
				if err := do(c, i); err != nil {
					errs.Add(1)
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	r := Result{Requests: n, Errors: int(errs.Load()), Elapsed: time.Since(start)}
	if n > 0 {
		slices.Sort(lat)
		r.P50, r.P99, r.Max = lat[percentile(n, 50)], lat[percentile(n, 99)], lat[n-1]
	}
	return r
}

// percentile returns the index of the p-th percentile of n sorted values
// (nearest rank).
func percentile(n, p int) int {
	i := (n*p+99)/100 - 1
	return max(0, min(i, n-1))
}

// Timer records durations measured elsewhere, such as the time a server
// spends in its handler, and summarises them like Run does.
type Timer struct {
	mu sync.Mutex
	d  []time.Duration
}

// Add records one duration.
func (t *Timer) Add(d time.Duration) {
	t.mu.Lock()
	t.d = append(t.d, d)
	t.mu.Unlock()
}

// Reset forgets what was recorded.
func (t *Timer) Reset() {
	t.mu.Lock()
	t.d = t.d[:0]
	t.mu.Unlock()
}

// Percentiles returns the median and the 99th percentile recorded.
func (t *Timer) Percentiles() (p50, p99 time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.d) == 0 {
		return 0, 0
	}
	d := slices.Clone(t.d)
	slices.Sort(d)
	return d[percentile(len(d), 50)], d[percentile(len(d), 99)]
}
