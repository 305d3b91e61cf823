package desk

import "time"

// Clock tells the time. The service takes one so that due times, retention
// and timers are tested exactly.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time in UTC, truncated to microseconds, the
// resolution both stores keep.
func (SystemClock) Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
