// Package eventbus carries desk events between the parts of one process:
// the service publishes, and live-update websockets, notifiers and
// background jobs subscribe.
//
// Publishing happens on the request path after a change has committed, so
// it must never wait for a slow reader. Each subscriber gets its own
// buffered channel; when that buffer is full the event is dropped for that
// subscriber alone and counted. Dropping is safe because events carry ids,
// not data: a subscriber that missed one catches up by reading the store.
package eventbus

import (
	"context"
	"sync"
	"sync/atomic"

	"desk"
)

// Buffer is the number of events a subscriber may fall behind before
// events are dropped for it.
const Buffer = 64

// Local is an in-process desk.Bus. The zero value is not usable; call New.
type Local struct {
	mu   sync.RWMutex
	subs map[*subscriber]struct{}

	dropped atomic.Uint64
}

type subscriber struct {
	ch chan desk.Event
}

var _ desk.Bus = (*Local)(nil)

// New returns an empty bus.
func New() *Local {
	return &Local{subs: make(map[*subscriber]struct{})}
}

// Publish sends e to every current subscriber without blocking. A
// subscriber whose buffer is full misses e, and Dropped counts it.
func (b *Local) Publish(ctx context.Context, e desk.Event) {
	// The read lock is held while sending so that an unsubscribe, which
	// closes the channel under the write lock, cannot close it mid-send.
	b.mu.RLock()
	defer b.mu.RUnlock()
	for s := range b.subs {
		select {
		case s.ch <- e:
		default:
			b.dropped.Add(1)
		}
	}
}

// Subscribe returns a channel receiving every event published from now
// on, and a function that ends the subscription and closes the channel.
// The function may be called more than once.
func (b *Local) Subscribe() (<-chan desk.Event, func()) {
	s := &subscriber{ch: make(chan desk.Event, Buffer)}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	var once sync.Once
	return s.ch, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs, s)
			close(s.ch)
			b.mu.Unlock()
		})
	}
}

// Dropped returns how many deliveries have been dropped because a
// subscriber's buffer was full, for metrics.
func (b *Local) Dropped() uint64 { return b.dropped.Load() }
