// Package outbox delivers the desk's outgoing mail.
//
// Mail is not sent where an event happens: the event's transaction writes a
// row to the outbox (desk.OutMail), and a Worker drains the outbox. A
// worker claims due rows under a lease, decides per row whether to send it
// at all (an address that bounces and a flood of automatic mail to one
// address are suppressed), renders it with package notify, hands the batch
// to a Sender and records the results, retrying temporary failures with
// backoff. Several workers, on one node or many, may drain one store: the
// lease keeps each row with one of them at a time.
//
// Delivery is at least once. A worker that stops after the SMTP server has
// accepted a mail but before the result is recorded leaves the row pending;
// once its lease runs out, the row is claimed and sent again. That second
// copy carries the same Message-ID, fixed when the row was written, so mail
// clients and servers that deduplicate by Message-ID show it once, and the
// desk itself recognises any reply to either copy.
package outbox

import (
	"context"
	"desk/jobs"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/emersion/go-smtp"

	"desk"
	"desk/notify"
)

// Envelope is one message to deliver: the SMTP envelope's sender and
// recipient, and the message itself.
type Envelope struct {
	From string
	To   string
	Data []byte
}

// Sender sends messages. Send delivers a batch over as few connections as
// it can and reports per message: errs[i] is nil when msgs[i] was accepted.
type Sender interface {
	Send(ctx context.Context, msgs []Envelope) []error
}

// ErrNotAttempted marks a message a Sender did not try to deliver, because
// its context ended first. The worker returns such a row to the outbox as
// it was, without counting an attempt.
var ErrNotAttempted = errors.New("not attempted")

// Permanent reports whether a delivery error means the message will never
// be accepted, so that retrying is pointless: an SMTP reply in the 5xx
// range, or an error that says so with a Permanent() bool method. Anything
// else (4xx replies, network and TLS failures) is worth a retry.
func Permanent(err error) bool {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code >= 500 && se.Code < 600
	}
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}

// Capture is the demo's sender: it sends nothing. The outbox rows are the
// record of what would have gone out: the worker marks them sent, and the
// staff page of captured mail renders them.
type Capture struct{}

// Send accepts every message.
func (Capture) Send(_ context.Context, msgs []Envelope) []error { return make([]error, len(msgs)) }

// Defaults of Worker.
const (
	DefaultLease       = 2 * time.Minute
	DefaultBatch       = 100
	DefaultMaxAttempts = 12
)

// The retry delays double from firstRetry up to maxRetry: 30s, 1m, 2m, 4m
// ... 1h, so that twelve attempts span about five hours, enough to ride
// out a mail server's maintenance window.
const (
	firstRetry = 30 * time.Second
	maxRetry   = time.Hour
)

// maxErrorLen bounds LastError: a server's reply may be long, and the staff
// page needs the gist, not pages.
const maxErrorLen = 500

// Worker drains the outbox.
type Worker struct {
	Store    desk.MailStore
	Renderer *notify.Renderer
	Sender   Sender
	Clock    desk.Clock
	// Owner names the worker in leases, such as the node name. Workers
	// sharing a store must have different owners.
	Owner string
	// Lease is how long a claimed batch stays with this worker; default
	// 2 minutes. A batch that takes longer to send than half of it stops
	// starting new messages, so that no row is sent after its lease could
	// have passed to another worker.
	Lease time.Duration
	// Batch is how many mails one claim takes; default 100.
	Batch int
	// MaxAttempts is how often a mail is tried before it fails; default
	// 12. The retry delays grow from 30 seconds, doubling, to at most an
	// hour, each shortened by up to a quarter at random so that mails
	// deferred together do not come back together.
	MaxAttempts int
	// AutoLimit is the most automatic mails per address per hour; default
	// desk.DefaultAutoLimit.
	AutoLimit int
	// Complete, when set, fills in what a row leaves to sending time: the
	// case's signed reply address and thread headers
	// (desk.MailConfig.Complete).
	Complete func(m *desk.OutMail)
	Logger   *slog.Logger
}

// RunOnce claims due mails until none are left and returns how many it
// finished: sent, failed for good or suppressed. Mails deferred for a
// retry are not counted.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	if w.Store == nil || w.Renderer == nil || w.Sender == nil {
		return 0, errors.New("outbox worker: store, renderer and sender are required")
	}
	from, err := w.Renderer.EnvelopeFrom()
	if err != nil {
		return 0, fmt.Errorf("outbox worker: %w", err)
	}
	var claimedAt time.Time
	return jobs.Drain(ctx, func(ctx context.Context) ([]*desk.OutMail, error) {
		claimedAt = w.now()
		ms, err := w.Store.ClaimOutbox(ctx, w.Owner, claimedAt, w.lease(), w.batch())
		if err != nil {
			return nil, fmt.Errorf("claim outbox: %w", err)
		}
		return ms, nil
	}, func(ctx context.Context, ms []*desk.OutMail) (int, bool, error) {
		return w.process(ctx, from, claimedAt, ms)
	})
}

// Run calls RunOnce every interval until ctx ends. Errors are logged, not
// returned: a store or mail server that is down now may be back at the
// next tick.
func (w *Worker) Run(ctx context.Context, interval time.Duration) {
	jobs.Every(ctx, interval, w.logger(), "outbox run", w.RunOnce)
}

// process handles one claimed batch and records every result in one call.
// It returns how many mails it finished and whether any row changed.
func (w *Worker) process(ctx context.Context, from string, claimedAt time.Time, ms []*desk.OutMail) (finished int, progress bool, err error) {
	log := w.logger()
	pol, err := w.policy(ctx, claimedAt, ms)
	if err != nil {
		return 0, false, err
	}

	var done []*desk.OutMail // rows whose new state is recorded
	var envs []Envelope
	var sending []*desk.OutMail
	untouched := 0 // rows that go back as they were
	for i, m := range ms {
		if reason := pol[i]; reason != "" {
			m.Status, m.LastError = desk.OutSuppressed, reason
			done = append(done, m)
			finished++
			log.Info("mail suppressed", "mail", m.ID, "to", m.To, "reason", reason)
			continue
		}
		if w.Complete != nil {
			w.Complete(m)
		}
		data, err := w.Renderer.Message(m)
		if err != nil {
			// A row that cannot be rendered will not render next time
			// either: no retry.
			m.Status, m.LastError = desk.OutFailed, clip("render: "+err.Error())
			done = append(done, m)
			finished++
			log.Error("mail not rendered", "mail", m.ID, "err", err)
			continue
		}
		envs = append(envs, Envelope{From: from, To: m.To, Data: data})
		sending = append(sending, m)
	}

	if len(envs) > 0 {
		// Stop starting new messages at half the lease, in wall-clock time,
		// which is what the lease runs on in production. The rest of the
		// lease covers the messages in flight and recording the results.
		sendCtx, cancel := context.WithTimeout(ctx, w.lease()/2)
		errs := w.Sender.Send(sendCtx, envs)
		cancel()
		if len(errs) != len(envs) {
			// The leases run out and the rows come back; sending them again
			// is better than guessing which were sent.
			return 0, false, fmt.Errorf("outbox worker: sender reported %d results for %d mails", len(errs), len(envs))
		}
		now := w.now()
		for i, m := range sending {
			err := errs[i]
			switch {
			case err == nil:
				m.Attempts++
				m.Status, m.LastError, m.SentAt = desk.OutSent, "", &now
				finished++
			case errors.Is(err, ErrNotAttempted):
				// Back to the queue untouched: recording the row as it was
				// ends our lease on it, so another run may take it at once.
				untouched++
			case Permanent(err):
				m.Attempts++
				m.Status, m.LastError = desk.OutFailed, clip(err.Error())
				finished++
				log.Warn("mail refused", "mail", m.ID, "to", m.To, "err", err)
			default:
				m.Attempts++
				m.LastError = clip(err.Error())
				if m.Attempts >= w.maxAttempts() {
					m.Status = desk.OutFailed
					finished++
					log.Warn("mail failed after the last attempt", "mail", m.ID, "to", m.To, "attempts", m.Attempts, "err", err)
				} else {
					m.NextAttemptAt = now.Add(backoff(m.Attempts))
					log.Info("mail deferred", "mail", m.ID, "to", m.To, "attempts", m.Attempts, "next", m.NextAttemptAt, "err", err)
				}
			}
			done = append(done, m)
		}
	}

	// The results are recorded even when ctx has ended (a shutdown):
	// dropping them would send every accepted mail of the batch again.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := w.Store.FinishOutbox(fctx, done); err != nil {
		return 0, false, fmt.Errorf("record outbox results: %w", err)
	}
	return finished, len(done) > untouched, ctx.Err()
}

// policy decides for each claimed mail whether it may be sent: the reason
// to suppress it, or "". Addresses are looked up once per batch, and the
// batch's own automatic mails count against the flood limit as they are
// let through, so that a burst within one batch cannot exceed it.
func (w *Worker) policy(ctx context.Context, now time.Time, ms []*desk.OutMail) ([]string, error) {
	type state struct {
		failing bool
		reason  string
		auto    int // automatic mails in the last hour, counting this batch
		counted bool
	}
	seen := make(map[string]*state)
	out := make([]string, len(ms))
	for i, m := range ms {
		key := strings.ToLower(m.To)
		st := seen[key]
		if st == nil {
			st = &state{}
			failing, reason, err := w.Store.AddressFailing(ctx, m.To)
			if err != nil {
				return nil, fmt.Errorf("check address of mail %d: %w", m.ID, err)
			}
			st.failing, st.reason = failing, reason
			seen[key] = st
		}
		if st.failing {
			out[i] = clip("address failing: " + st.reason)
			continue
		}
		if !m.Auto {
			continue
		}
		if !st.counted {
			n, err := w.Store.CountAutoMail(ctx, m.To, now.Add(-time.Hour))
			if err != nil {
				return nil, fmt.Errorf("count automatic mail of mail %d: %w", m.ID, err)
			}
			st.auto, st.counted = n, true
		}
		if st.auto >= w.autoLimit() {
			out[i] = "flood limit"
			continue
		}
		st.auto++
	}
	return out, nil
}

// backoff returns the delay before the attempt after attempt number n (1
// for the delay after the first attempt): 30s doubling up to an hour,
// minus up to a quarter at random.
func backoff(n int) time.Duration {
	d := maxRetry
	if n < 20 { // beyond, the shift would overflow; the cap applies anyway
		d = min(firstRetry<<(n-1), maxRetry)
	}
	return d - rand.N(d/4)
}

func clip(s string) string {
	if len(s) <= maxErrorLen {
		return s
	}
	// Cut on a rune boundary so that the stored text stays valid UTF-8.
	cut := maxErrorLen
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

func (w *Worker) now() time.Time {
	if w.Clock == nil {
		return desk.SystemClock{}.Now()
	}
	return w.Clock.Now()
}

func (w *Worker) lease() time.Duration {
	if w.Lease <= 0 {
		return DefaultLease
	}
	return w.Lease
}

func (w *Worker) batch() int {
	if w.Batch <= 0 {
		return DefaultBatch
	}
	return w.Batch
}

func (w *Worker) maxAttempts() int {
	if w.MaxAttempts <= 0 {
		return DefaultMaxAttempts
	}
	return w.MaxAttempts
}

func (w *Worker) autoLimit() int {
	if w.AutoLimit <= 0 {
		return desk.DefaultAutoLimit
	}
	return w.AutoLimit
}

func (w *Worker) logger() *slog.Logger {
	if w.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return w.Logger
}
