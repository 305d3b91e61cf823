package webhook

import (
	"bytes"
	"context"
	"desk/jobs"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"desk"
)

// UserAgent is sent with every delivery, so that receivers can tell the
// desk's requests apart in their logs.
const UserAgent = "Supportdesk-Webhooks/1"

// Defaults of Worker.
const (
	DefaultLease = 2 * time.Minute
	DefaultBatch = 20
)

// Retries: the delay before attempt n+1 is drawn uniformly from
// [0, min(firstRetry·2^(n-1), maxRetry)) (full jitter, so that deliveries
// that failed together, as when a receiver was down, do not come back
// together), at least minRetry. A delivery is retried until maxAge after
// it was queued; the attempt that would fall later fails it.
const (
	firstRetry = 30 * time.Second
	maxRetry   = 2 * time.Hour
	minRetry   = time.Second
	maxAge     = 24 * time.Hour
)

// parallel is how many deliveries of a batch are in flight at once: a
// slow receiver then holds up few others.
const parallel = 8

// maxErrorLen bounds LastError: the log shows the gist of an answer.
const maxErrorLen = 300

// Worker drains the queue of webhook deliveries.
type Worker struct {
	Store desk.WebhookStore
	// Client sends the deliveries; nil means NewClient(Options{}), which
	// production wants: HTTPS to public addresses only.
	Client *http.Client
	Clock  desk.Clock
	// Owner names the worker in leases, such as the node name. Workers
	// sharing a store must have different owners.
	Owner string
	// Lease is how long a claimed batch stays with this worker; default 2
	// minutes. No delivery of a batch starts after half of it, so that
	// none is sent after its lease could have passed to another worker.
	Lease time.Duration
	// Batch is how many deliveries one claim takes; default 20.
	Batch  int
	Logger *slog.Logger
}

var defaultClient = sync.OnceValue(func() *http.Client { return NewClient(Options{}) })

// RunOnce claims due deliveries until none are left and returns how many
// it finished: delivered or failed for good. Deliveries deferred for a
// retry are not counted.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	if w.Store == nil {
		return 0, errors.New("webhook worker: a store is required")
	}
	return jobs.Drain(ctx, func(ctx context.Context) ([]*desk.WebhookDelivery, error) {
		ds, err := w.Store.ClaimDeliveries(ctx, w.Owner, w.now(), w.lease(), w.batch())
		if err != nil {
			return nil, fmt.Errorf("claim webhook deliveries: %w", err)
		}
		return ds, nil
	}, w.process)
}

// Run calls RunOnce every interval until ctx ends. Errors are logged, not
// returned: a store that is down now may be back at the next tick.
func (w *Worker) Run(ctx context.Context, interval time.Duration) {
	jobs.Every(ctx, interval, w.logger(), "webhook run", w.RunOnce)
}

// outcome is what one attempt came to.
type outcome int

const (
	untouched outcome = iota // not attempted: back to the queue as it was
	delivered
	retry
	failed
	gone // failed, and the webhook is to be switched off
)

// process sends one claimed batch and records every result in one call.
// It returns how many deliveries it finished and whether any row changed.
func (w *Worker) process(ctx context.Context, ds []*desk.WebhookDelivery) (finished int, progress bool, err error) {
	log := w.logger()
	hooks := map[int64]*desk.Webhook{}
	results := make([]outcome, len(ds))
	var toSend []int
	for i, d := range ds {
		h, ok := hooks[d.WebhookID]
		if !ok {
			var lerr error
			h, lerr = w.Store.Webhook(ctx, d.OrgID, d.WebhookID)
			if lerr != nil && desk.ErrorKind(lerr) != desk.ENOTFOUND {
				return 0, false, fmt.Errorf("webhook of delivery %d: %w", d.ID, lerr)
			}
			hooks[d.WebhookID] = h // nil when deleted meanwhile
		}
		switch {
		case h == nil:
			d.Status, d.LastError, results[i] = desk.DeliveryFailed, "the webhook was deleted", failed
		case !h.Active && d.EventType != desk.EventWebhookTest:
			d.Status, d.LastError, results[i] = desk.DeliveryFailed, "the webhook is switched off", failed
		default:
			toSend = append(toSend, i)
		}
	}

	// Stop starting deliveries at half the lease, in wall-clock time,
	// which is what the lease runs on in production; the rest covers the
	// requests in flight (each at most Timeout) and recording the results.
	sendCtx, cancel := context.WithTimeout(ctx, w.lease()/2)
	var wg sync.WaitGroup
	sem := make(chan struct{}, parallel)
	for _, i := range toSend {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if sendCtx.Err() != nil {
				return // untouched
			}
			results[i] = w.attempt(ctx, hooks[ds[i].WebhookID], ds[i])
		}()
	}
	wg.Wait()
	cancel()

	var done []*desk.WebhookDelivery
	var off []*desk.WebhookDelivery
	kept := 0
	for i, d := range ds {
		switch results[i] {
		case untouched:
			kept++
		case delivered, failed:
			finished++
		case gone:
			finished++
			off = append(off, d)
		}
		done = append(done, d)
		if results[i] != untouched {
			log.Info("webhook delivery", "delivery", d.ID, "webhook", d.WebhookID, "event", d.EventType,
				"status", d.Status, "attempts", d.Attempts, "http_status", d.LastStatus, "err", d.LastError)
		}
	}

	// The results are recorded even when ctx has ended (a shutdown):
	// dropping them would send every delivered event of the batch again.
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer fcancel()
	if err := w.Store.FinishDeliveries(fctx, done); err != nil {
		return 0, false, fmt.Errorf("record webhook results: %w", err)
	}
	for _, d := range off {
		audit := &desk.AuditEntry{At: w.now(), OrgID: d.OrgID, Action: "webhook.deactivate", ObjectType: "webhook",
			ObjectID: strconv.FormatInt(d.WebhookID, 10), Detail: `{"reason":"the receiver answered 410 Gone"}`}
		if err := w.Store.SetWebhookActive(fctx, d.OrgID, d.WebhookID, false, audit); err != nil && desk.ErrorKind(err) != desk.ENOTFOUND {
			return finished, true, fmt.Errorf("switch off webhook %d: %w", d.WebhookID, err)
		}
		log.Warn("webhook switched off: the receiver answered 410 Gone", "webhook", d.WebhookID, "org", d.OrgID)
	}
	return finished, len(done) > kept, ctx.Err()
}

// attempt posts one delivery and records the result on it.
func (w *Worker) attempt(ctx context.Context, h *desk.Webhook, d *desk.WebhookDelivery) outcome {
	ans, err := w.post(ctx, h, d)
	if err != nil && ctx.Err() != nil {
		// A shutdown cut the request short: whether it arrived is unknown,
		// and the next worker will send it again under the same id.
		return untouched
	}
	now := w.now()
	d.Attempts++
	d.LastStatus = ans.status
	switch {
	case err == nil && ans.status >= 200 && ans.status < 300:
		d.Status, d.LastError, d.DeliveredAt = desk.DeliveryDelivered, "", &now
		return delivered
	case err == nil && ans.status == http.StatusGone:
		d.Status, d.LastError = desk.DeliveryFailed, "410 Gone: the receiver wants no more events; the webhook is switched off"
		return gone
	case errors.Is(err, ErrRefused):
		// The destination will not become allowed by waiting.
		d.Status, d.LastError = desk.DeliveryFailed, clip(refusalText(err))
		return failed
	case err != nil:
		d.LastError = clip(describe(err))
	default:
		d.LastError = fmt.Sprintf("HTTP %d", ans.status)
		if ans.body != "" {
			d.LastError = clip(d.LastError + ": " + ans.body)
		}
	}
	delay := backoff(d.Attempts)
	// A receiver that says when to come back is believed, within the cap.
	if ra := ans.retryAfter(now); ra > delay && ra <= maxRetry {
		delay = ra
	}
	next := now.Add(delay)
	if next.After(d.CreatedAt.Add(maxAge)) {
		d.Status = desk.DeliveryFailed
		d.LastError = clip(d.LastError + " (given up after 24 hours of retries)")
		return failed
	}
	d.NextAttemptAt = next
	return retry
}

// answer is what a receiver answered.
type answer struct {
	status int
	// retryAfterHeader is the Retry-After header of a failed answer.
	retryAfterHeader string
	// body is the start of a failed answer's body, for the log.
	body string
}

// retryAfter returns the wait the Retry-After header asks for, in seconds
// or until a date; zero when there is none.
func (a answer) retryAfter(now time.Time) time.Duration {
	v := strings.TrimSpace(a.retryAfterHeader)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return t.Sub(now)
	}
	return 0
}

// post sends a delivery and returns the answer. At most MaxResponse bytes
// of the body are read.
func (w *Worker) post(ctx context.Context, h *desk.Webhook, d *desk.WebhookDelivery) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(d.Payload))
	if err != nil {
		return answer{}, refuse("malformed URL")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	// Chat services ignore signatures; only the standard format is signed.
	if h.Format == desk.WebhookStandard && h.Secret != "" {
		if err := SetHeaders(req.Header, h.Secret, d.EventID, w.now(), d.Payload); err != nil {
			return answer{}, err
		}
	}
	resp, err := w.client().Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, MaxResponse))
	a := answer{status: resp.StatusCode}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		a.retryAfterHeader, a.body = resp.Header.Get("Retry-After"), printable(body, 200)
	}
	return a, nil
}

// describe turns a client error into a line for the delivery log. The
// URL, which the *url.Error around it repeats and which may hold the
// credential of a chat channel, is left out.
func describe(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return fmt.Sprintf("no answer within %s", Timeout)
		}
		err = ue.Err
	}
	return err.Error()
}

// refusalText is the line for a refused destination, without the address
// that the error chain's *net.OpError would name.
func refusalText(err error) string {
	var re *RefusedError
	if errors.As(err, &re) {
		return re.Error()
	}
	return ErrRefused.Error()
}

// printable returns the start of b as one line of valid text.
func printable(b []byte, n int) string {
	s := strings.ToValidUTF8(string(b), "")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n]) + "…"
	}
	return s
}

// backoff returns the delay after attempt number n (1 for the delay after
// the first attempt): full jitter under 30 s doubling up to two hours.
func backoff(n int) time.Duration {
	d := maxRetry
	if n < 20 { // beyond, the shift would overflow; the cap applies anyway
		d = min(firstRetry<<(n-1), maxRetry)
	}
	return max(rand.N(d), minRetry)
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

func (w *Worker) client() *http.Client {
	if w.Client != nil {
		return w.Client
	}
	return defaultClient()
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

func (w *Worker) logger() *slog.Logger {
	if w.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return w.Logger
}
