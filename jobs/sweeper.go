// Package jobs runs the desk's background work: the sweeper that fires
// due SLA timers (warnings, breaches, downgrades, automatic close) and the
// status mailer, and holds the lease loop (Drain, Every) that they and the
// mail outbox and webhook workers share. Work is kept in stored rows with
// leases, never only in memory, so a restart, a kill -9 or several nodes
// sharing one database neither lose a timer nor fire one twice.
package jobs

import (
	"context"
	"log/slog"
	"time"

	"desk"
)

// Sweeper claims due timers and fires them.
type Sweeper struct {
	Service *desk.Service
	// Owner names this node in leases; New sets a random one.
	Owner string
	// Interval is the pause between sweeps that found nothing to do.
	Interval time.Duration
	// Lease is how long a claimed timer belongs to this node; a node that
	// dies holding timers gives them up when their leases run out.
	Lease time.Duration
	// Batch is the most timers one claim takes.
	Batch  int
	Logger *slog.Logger
}

// New returns a sweeper with defaults: a sweep a second, 60 s leases, 200
// timers a claim.
func New(svc *desk.Service, logger *slog.Logger) *Sweeper {
	return &Sweeper{Service: svc, Owner: Owner(), Interval: time.Second,
		Lease: time.Minute, Batch: 200, Logger: logger}
}

// RunOnce claims and fires the timers due when it starts, batch by batch,
// returning how many it fired or found stale. It claims again after a
// batch because firing a timer stores the case's next one (a warning's
// breach), which may be due already.
func (sw *Sweeper) RunOnce(ctx context.Context) (int, error) {
	now := sw.Service.Clock.Now()
	return Drain(ctx, func(ctx context.Context) ([]*desk.Timer, error) {
		return sw.Service.Store.ClaimTimers(ctx, sw.Owner, now, sw.Lease, sw.Batch)
	}, func(ctx context.Context, ts []*desk.Timer) (int, bool, error) {
		done := 0
		for _, t := range ts {
			outcome, err := sw.Service.FireTimer(ctx, t)
			if err != nil {
				// The lease runs out and the timer is tried again.
				sw.Logger.Error("fire timer", "timer", t.ID, "case", t.CaseID, "kind", t.Kind, "err", err)
				continue
			}
			sw.Logger.Debug("timer fired", "timer", t.ID, "case", t.CaseID, "kind", t.Kind, "outcome", outcome)
			done++
		}
		// A timer that failed stays leased, so claiming again moves on.
		return done, true, nil
	})
}

// Run sweeps until ctx ends, every Interval.
func (sw *Sweeper) Run(ctx context.Context) {
	Every(ctx, sw.Interval, sw.Logger, "sweep timers", sw.RunOnce)
}
