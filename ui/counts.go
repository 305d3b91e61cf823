package ui

import (
	"sync"
	"time"
)

// countTTL is how old a queue count may be. Counting every open case for
// each view on every page load would cost more than the page itself; a
// count a few seconds old is what queue badges in every help desk show.
const countTTL = 5 * time.Second

// countMaxStale is the age beyond which a count is computed again before
// the page is served rather than after: a queue left alone for a while
// must not open with an old figure.
const countMaxStale = 30 * time.Second

// countCache keeps recent case counts by key. A stale entry is served
// while one goroutine refreshes it, so that pages never wait for a count
// that was known a moment ago; a missing entry is computed once, however
// many requests ask for it at the same time.
type countCache struct {
	mu sync.Mutex
	m  map[string]*countEntry
}

type countEntry struct {
	ready      chan struct{} // closed when the first computation ends
	byValue    map[string]int64
	total      int64
	err        error
	at         time.Time
	refreshing bool
}

// clear forgets every count, after a change made on this node.
func (c *countCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = nil
}

// get returns the counts for key, computing them with compute when there
// are none or they are older than countTTL.
func (c *countCache) get(key string, now time.Time, compute func() (map[string]int64, int64, error)) (map[string]int64, int64, error) {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]*countEntry{}
	}
	e, ok := c.m[key]
	if ok && !e.at.IsZero() && now.Sub(e.at) > countMaxStale && !e.refreshing {
		delete(c.m, key)
		ok = false
	}
	if !ok {
		e = &countEntry{ready: make(chan struct{})}
		c.m[key] = e
		c.mu.Unlock()
		e.byValue, e.total, e.err = compute()
		c.mu.Lock()
		e.at = time.Now()
		if e.err != nil {
			delete(c.m, key) // try again next time
		}
		c.mu.Unlock()
		close(e.ready)
		return e.byValue, e.total, e.err
	}
	c.mu.Unlock()
	<-e.ready
	c.mu.Lock()
	defer c.mu.Unlock()
	if now.Sub(e.at) > countTTL && !e.refreshing && e.err == nil {
		e.refreshing = true
		go func() {
			m, n, err := compute()
			c.mu.Lock()
			defer c.mu.Unlock()
			if err == nil {
				e.byValue, e.total, e.at = m, n, time.Now()
			}
			e.refreshing = false
		}()
	}
	return e.byValue, e.total, e.err
}
