package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"time"
)

// The durable queues (timers, the mail outbox, webhook deliveries) share
// one way of working: a node claims a batch of due rows for a lease,
// handles them, records each outcome, and claims again until nothing is
// due; a node that dies leaves its leases to run out, and another node
// claims the rows again. Drain and Every are that loop, so that each
// queue says only how it claims and what it does with a batch.

// Drain claims batches and hands each to process until a claim comes back
// empty, process reports no progress or an error, or ctx ends. It returns
// how many rows process finished. A batch without progress (a sender that
// attempted nothing) ends the run: claimed again at once, the same rows
// would only come straight back.
func Drain[T any](ctx context.Context, claim func(context.Context) ([]T, error),
	process func(context.Context, []T) (finished int, progress bool, err error)) (int, error) {
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		batch, err := claim(ctx)
		if err != nil || len(batch) == 0 {
			return total, err
		}
		n, progress, err := process(ctx, batch)
		total += n
		if err != nil || !progress {
			return total, err
		}
	}
}

// Every calls run at once and then every interval until ctx ends. Its
// errors are logged with what, not returned: a store or a server that is
// down now may be back at the next tick.
func Every(ctx context.Context, interval time.Duration, log *slog.Logger, what string, run func(context.Context) (int, error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := run(ctx); err != nil && ctx.Err() == nil {
			log.Error(what+" failed", "err", err, "finished", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Owner returns a name for this process's leases: the host name and a
// random part, so that two processes on one host never share leases.
func Owner() string {
	host, _ := os.Hostname()
	var b [4]byte
	rand.Read(b[:])
	return host + "-" + hex.EncodeToString(b[:])
}
