package desk

import (
	"context"
	"runtime"
)

// searchSlots bound how many searches of each kind a node runs at once.
// A search is CPU work, in the desk and in its database, that its request
// waits for whole. Run side by side, n searches each take about n times
// as long, and one that needs more work than the others takes longer
// still, so the slowest answers under load are several times the typical
// one. In slots the others wait their turn, in order: the mean wait stays
// the same (the work is the same) and the slowest waits much less. With 16
// clients on two cores this took the p99 of a case search on PostgreSQL
// from 60–68 ms to 48–51 ms, and of a new help search on SQLite from
// 41 ms to 23 ms (docs/performance.md).
type searchSlots struct {
	// help is for help-centre searches not answered from the cache: CPU
	// in this process (SQLite) or in the database.
	help chan struct{}
	// cases is for case searches, which also wait on the database.
	cases chan struct{}
}

func newSearchSlots() *searchSlots {
	n := runtime.GOMAXPROCS(0)
	return &searchSlots{help: make(chan struct{}, max(2, n)), cases: make(chan struct{}, max(4, 2*n))}
}

// inSearchSlot runs fn in one of the slots, waiting for one as long as ctx
// allows. Go queues the goroutines that wait on a channel in order, so
// searches get slots in the order they came.
func (s *Service) inSearchSlot(ctx context.Context, slots chan struct{}, fn func() error) error {
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-slots }()
	return fn()
}
