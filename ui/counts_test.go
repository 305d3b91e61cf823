package ui

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestCountCache: a missing count is computed once for concurrent askers;
// a fresh one is served as it is; a stale one is served while it is
// refreshed; a very old one is computed again first; errors are not kept.
func TestCountCache(t *testing.T) {
	var c countCache
	var calls atomic.Int64
	value := atomic.Int64{}
	value.Store(1)
	compute := func() (map[string]int64, int64, error) {
		calls.Add(1)
		time.Sleep(10 * time.Millisecond)
		return nil, value.Load(), nil
	}
	now := time.Now()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, n, _ := c.get("k", now, compute); n != 1 {
				t.Errorf("count = %d, want 1", n)
			}
		}()
	}
	wg.Wait()
	if calls.Load() != 1 {
		t.Fatalf("computed %d times for concurrent askers, want 1", calls.Load())
	}
	value.Store(2)
	if _, n, _ := c.get("k", now.Add(time.Second), compute); n != 1 || calls.Load() != 1 {
		t.Fatalf("fresh count: %d after %d computations", n, calls.Load())
	}
	// Stale: served at once, refreshed behind.
	if _, n, _ := c.get("k", now.Add(countTTL+time.Second), compute); n != 1 {
		t.Fatalf("stale count served as %d, want the old 1", n)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		if _, n, _ := c.get("k", time.Now(), compute); n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the stale count was never refreshed")
		}
		time.Sleep(5 * time.Millisecond)
	}
	value.Store(3)
	if _, n, _ := c.get("k", time.Now().Add(countMaxStale+time.Second), compute); n != 3 {
		t.Fatalf("a very old count was served (%d) instead of computed again", n)
	}
	c.clear()
	fail := errors.New("down")
	if _, _, err := c.get("e", time.Now(), func() (map[string]int64, int64, error) { return nil, 0, fail }); err != fail {
		t.Fatalf("error = %v", err)
	}
	if _, n, err := c.get("e", time.Now(), compute); err != nil || n != 3 {
		t.Fatalf("after an error: %d, %v; want a new computation", n, err)
	}
}
