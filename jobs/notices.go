package jobs

import (
	"context"
	"log/slog"
	"time"

	"desk"
)

// StatusMailer turns incident changes into mail to the status page's
// subscribers: it runs desk.Service.SendStatusNotices, which claims the
// queued changes with a lease and writes their mail to the outbox in the
// same transaction that marks them done, so that a change is mailed once
// across restarts and nodes. It also deletes subscriptions never
// confirmed in time.
type StatusMailer struct {
	Service *desk.Service
	// Owner names this node in leases; NewStatusMailer sets a random one.
	Owner string
	// Interval is the pause between runs that found nothing to do.
	Interval time.Duration
	// Batch is the most changes one claim takes.
	Batch  int
	Logger *slog.Logger
}

// NewStatusMailer returns a mailer with defaults: a run every two
// seconds, 20 changes a claim.
func NewStatusMailer(svc *desk.Service, logger *slog.Logger) *StatusMailer {
	return &StatusMailer{Service: svc, Owner: Owner(), Interval: 2 * time.Second,
		Batch: 20, Logger: logger}
}

// Run mails until ctx ends. A full batch is followed at once by another.
func (sm *StatusMailer) Run(ctx context.Context) {
	for {
		n, err := sm.Service.SendStatusNotices(ctx, sm.Owner, sm.Batch)
		if err != nil && ctx.Err() == nil {
			sm.Logger.Error("mail status subscribers", "err", err)
		}
		if n >= sm.Batch && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(sm.Interval):
		}
	}
}
