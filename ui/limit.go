package ui

import (
	"sync"
	"time"
)

// Sign-in throttling: after maxFailures wrong passwords for one e-mail
// address, or maxIPFailures from one client address (higher, because an
// office shares one), within failureWindow, sign-in is refused until the
// window has passed. The counts live in this node's memory; a
// cluster spreads guesses over its nodes, which multiplies the allowance
// by the number of nodes but still stops a brute force.
const (
	maxFailures   = 10
	maxIPFailures = 100
	failureWindow = 15 * time.Minute
)

type limiter struct {
	mu sync.Mutex
	m  map[string][]time.Time
}

func (l *limiter) recent(key string, now time.Time) []time.Time {
	ts := l.m[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) > failureWindow {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.m, key)
	} else {
		l.m[key] = ts
	}
	return ts
}

func (l *limiter) allow(ip, email string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		return true
	}
	return len(l.recent("ip:"+ip, now)) < maxIPFailures && len(l.recent("email:"+email, now)) < maxFailures
}

func (l *limiter) fail(ip, email string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string][]time.Time{}
	}
	for _, k := range []string{"ip:" + ip, "email:" + email} {
		l.m[k] = append(l.recent(k, now), now)
	}
}
