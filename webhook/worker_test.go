package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"desk"
	"desk/postgres/pgtest"
	"desk/sqlite"
	"desk/webhook"
)

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// fixture is a migrated SQLite store with one organisation, its admin, a
// clock and a receiver.
type fixture struct {
	ctx   context.Context
	db    desk.Store
	org   *desk.Org
	admin *desk.User
	clock *clock
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "desk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return newFixtureOn(t, db)
}

// newPostgresFixture is a fixture on PostgreSQL, or skips the test when no
// server is configured (see package pgtest).
func newPostgresFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureOn(t, pgtest.Open(t))
}

func newFixtureOn(t *testing.T, db desk.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{ctx: ctx, db: db, clock: &clock{t: start}}
	f.org = &desk.Org{Name: "One", TimeZone: "UTC", Language: "en", CreatedAt: start}
	if err := db.CreateOrg(ctx, f.org); err != nil {
		t.Fatal(err)
	}
	f.admin = &desk.User{OrgID: f.org.ID, Email: "admin@one.example", Name: "Ann", Role: desk.RoleSupportAdmin, Language: "en", TimeZone: "UTC", CreatedAt: start}
	if err := db.CreateUser(ctx, f.admin); err != nil {
		t.Fatal(err)
	}
	return f
}

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// webhook stores a webhook as is: no check of its URL, as for one saved
// before the checks or by a name that resolved elsewhere then.
func (f *fixture) webhook(t *testing.T, url string, format desk.WebhookFormat) *desk.Webhook {
	t.Helper()
	w := &desk.Webhook{OrgID: f.org.ID, URL: url, Format: format, Components: []string{}, Active: true, CreatedBy: f.admin.ID, CreatedAt: start}
	if format == desk.WebhookStandard {
		w.Secret = secret
	}
	if err := f.db.CreateWebhook(f.ctx, w, 100, nil); err != nil {
		t.Fatal(err)
	}
	return w
}

var seq atomic.Int64

// queue queues n events for a webhook now.
func (f *fixture) queue(t *testing.T, w *desk.Webhook, n int) []*desk.WebhookDelivery {
	t.Helper()
	var ds []*desk.WebhookDelivery
	for range n {
		id := fmt.Sprintf("msg_%d", seq.Add(1))
		ds = append(ds, &desk.WebhookDelivery{WebhookID: w.ID, OrgID: w.OrgID, EventID: id, EventType: desk.EventIncidentUpdated,
			Payload: json.RawMessage(fmt.Sprintf(`{"type":"incident.updated","id":%q}`, id)), CreatedAt: f.clock.Now()})
	}
	if err := f.db.QueueDeliveries(f.ctx, ds, nil); err != nil {
		t.Fatal(err)
	}
	return ds
}

func (f *fixture) log(t *testing.T, w *desk.Webhook) []*desk.WebhookDelivery {
	t.Helper()
	ds, err := f.db.Deliveries(f.ctx, w.OrgID, w.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func (f *fixture) worker(owner string, client *http.Client) *webhook.Worker {
	return &webhook.Worker{Store: f.db, Client: client, Clock: f.clock, Owner: owner}
}

func (f *fixture) run(t *testing.T, w *webhook.Worker) int {
	t.Helper()
	n, err := w.RunOnce(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// receiver is an httptest server that records what it is sent and answers
// with the statuses it is given in turn (the last one from then on).
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	requests []*http.Request
	bodies   [][]byte
	statuses []int
	header   http.Header
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	t.Helper()
	r := &receiver{statuses: statuses, header: http.Header{}}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.requests = append(r.requests, req)
		r.bodies = append(r.bodies, b)
		status := http.StatusNoContent
		if len(r.statuses) > 0 {
			status = r.statuses[0]
			if len(r.statuses) > 1 {
				r.statuses = r.statuses[1:]
			}
		}
		for k, v := range r.header {
			w.Header()[k] = v
		}
		r.mu.Unlock()
		w.WriteHeader(status)
		if status >= 400 {
			fmt.Fprint(w, "the receiver is\nbusy\x00 ")
		}
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) count() int { r.mu.Lock(); defer r.mu.Unlock(); return len(r.requests) }

// client returns a client that may reach the receivers, over http.
func client(t *testing.T, rs ...*receiver) *http.Client {
	t.Helper()
	var srvs []*httptest.Server
	for _, r := range rs {
		srvs = append(srvs, r.Server)
	}
	return allowed(t, webhook.Options{AllowHTTP: true}, srvs...)
}

// TestWorkerDelivers: a standard delivery arrives signed, with the event
// id as webhook-id; a chat delivery arrives unsigned; both are marked
// delivered and never sent again.
func TestWorkerDelivers(t *testing.T) {
	f := newFixture(t)
	r := newReceiver(t)
	std := f.webhook(t, r.URL+"/std", desk.WebhookStandard)
	chat := f.webhook(t, r.URL+"/chat", desk.WebhookChat)
	sd := f.queue(t, std, 1)[0]
	f.queue(t, chat, 1)
	w := f.worker("a", client(t, r))
	if n := f.run(t, w); n != 2 {
		t.Fatalf("finished %d, want 2", n)
	}
	if r.count() != 2 {
		t.Fatalf("receiver got %d requests", r.count())
	}
	for i, req := range r.requests {
		if req.Method != http.MethodPost || req.Header.Get("Content-Type") != "application/json" || req.Header.Get("User-Agent") != "Supportdesk-Webhooks/1" {
			t.Fatalf("request %d: %s %v", i, req.Method, req.Header)
		}
		switch req.URL.Path {
		case "/std":
			if string(r.bodies[i]) != string(sd.Payload) || req.Header.Get("webhook-id") != sd.EventID {
				t.Fatalf("standard delivery: %s %v", r.bodies[i], req.Header)
			}
			if err := webhook.Verify(secret, req.Header, r.bodies[i], f.clock.Now()); err != nil {
				t.Fatalf("signature: %v", err)
			}
		case "/chat":
			if req.Header.Get("webhook-signature") != "" || req.Header.Get("webhook-id") != "" {
				t.Fatalf("chat delivery signed: %v", req.Header)
			}
		}
	}
	for _, h := range []*desk.Webhook{std, chat} {
		d := f.log(t, h)[0]
		if d.Status != desk.DeliveryDelivered || d.Attempts != 1 || d.LastStatus != 204 || d.DeliveredAt == nil || d.LastError != "" {
			t.Fatalf("delivery = %+v", d)
		}
	}
	f.clock.Add(48 * time.Hour)
	if n := f.run(t, w); n != 0 || r.count() != 2 {
		t.Fatalf("a second run finished %d and sent %d", n, r.count()-2)
	}
}

// TestWorkerRetries: failures are retried with growing, jittered delays,
// a Retry-After is honoured, and the delivery succeeds once the receiver
// recovers.
func TestWorkerRetries(t *testing.T) {
	f := newFixture(t)
	r := newReceiver(t, 503, 500, 429, 200)
	h := f.webhook(t, r.URL+"/", desk.WebhookStandard)
	d := f.queue(t, h, 1)[0]
	w := f.worker("a", client(t, r))
	var ids []string
	check := func(attempts, status int, maxDelay time.Duration) {
		t.Helper()
		got := f.log(t, h)[0]
		delay := got.NextAttemptAt.Sub(f.clock.Now())
		if got.Status != desk.DeliveryPending || got.Attempts != attempts || got.LastStatus != status ||
			!strings.HasPrefix(got.LastError, fmt.Sprintf("HTTP %d: the receiver is busy", status)) || delay < time.Second || delay > maxDelay {
			t.Fatalf("after attempt %d: %+v (delay %v, at most %v)", attempts, got, delay, maxDelay)
		}
		// Not due before its time.
		if n := f.run(t, w); n != 0 || r.count() != attempts {
			t.Fatalf("sent before due: %d requests", r.count())
		}
		f.clock.Add(delay)
	}
	f.run(t, w)
	check(1, 503, 30*time.Second)
	f.run(t, w)
	check(2, 500, time.Minute)
	r.mu.Lock()
	r.header.Set("Retry-After", "600")
	r.mu.Unlock()
	f.run(t, w)
	// The receiver asked for ten minutes, longer than the backoff.
	if got := f.log(t, h)[0]; got.NextAttemptAt.Sub(f.clock.Now()) != 10*time.Minute {
		t.Fatalf("Retry-After: next attempt in %v, want 10m", got.NextAttemptAt.Sub(f.clock.Now()))
	}
	check(3, 429, 10*time.Minute)
	if n := f.run(t, w); n != 1 {
		t.Fatalf("finished %d, want 1", n)
	}
	got := f.log(t, h)[0]
	if got.Status != desk.DeliveryDelivered || got.Attempts != 4 || got.LastStatus != 200 {
		t.Fatalf("after recovery: %+v", got)
	}
	for _, req := range r.requests {
		ids = append(ids, req.Header.Get("webhook-id"))
	}
	// Every attempt carried the same id and body, so the receiver can tell
	// them apart from new events.
	for i, id := range ids {
		if id != d.EventID || string(r.bodies[i]) != string(d.Payload) {
			t.Fatalf("attempt %d: id %s body %s", i, id, r.bodies[i])
		}
	}
}

// TestWorkerBackoffGrows: the delays grow with the attempts and stay under
// the cap, with full jitter.
func TestWorkerBackoffGrows(t *testing.T) {
	f := newFixture(t)
	r := newReceiver(t, 500)
	h := f.webhook(t, r.URL+"/", desk.WebhookChat)
	f.queue(t, h, 1)
	w := f.worker("a", client(t, r))
	var delays []time.Duration
	for range 12 {
		f.run(t, w)
		got := f.log(t, h)[0]
		if got.Status != desk.DeliveryPending {
			t.Fatalf("failed early: %+v", got)
		}
		d := got.NextAttemptAt.Sub(f.clock.Now())
		delays = append(delays, d)
		f.clock.Add(d)
	}
	for i, d := range delays {
		limit := min(30*time.Second<<i, 2*time.Hour)
		if d < time.Second || d > limit {
			t.Fatalf("delay %d = %v, want within [1s, %v]", i+1, d, limit)
		}
	}
}

// TestWorkerGivesUpAfterADay: a delivery is retried for 24 hours from its
// creation, then failed.
func TestWorkerGivesUpAfterADay(t *testing.T) {
	f := newFixture(t)
	r := newReceiver(t, 502)
	h := f.webhook(t, r.URL+"/", desk.WebhookStandard)
	f.queue(t, h, 1)
	w := f.worker("a", client(t, r))
	f.run(t, w)
	if got := f.log(t, h)[0]; got.Status != desk.DeliveryPending {
		t.Fatalf("first failure: %+v", got)
	}
	// The last retry before the day is over finds the receiver still down;
	// any next attempt would fall after the day.
	f.clock.Add(24*time.Hour - 500*time.Millisecond)
	if n := f.run(t, w); n != 1 {
		t.Fatalf("finished %d, want 1", n)
	}
	got := f.log(t, h)[0]
	if got.Status != desk.DeliveryFailed || got.Attempts != 2 || got.LastStatus != 502 || !strings.Contains(got.LastError, "given up after 24 hours") {
		t.Fatalf("after a day: %+v", got)
	}
	f.clock.Add(time.Hour)
	if f.run(t, w); r.count() != 2 {
		t.Fatalf("a failed delivery was sent again: %d requests", r.count())
	}
}

// TestWorkerGone: 410 Gone fails the delivery and switches the webhook
// off; its other incident events are not sent, but a test event is.
func TestWorkerGone(t *testing.T) {
	f := newFixture(t)
	r := newReceiver(t, 410, 204)
	h := f.webhook(t, r.URL+"/", desk.WebhookStandard)
	f.queue(t, h, 1)
	w := f.worker("a", client(t, r))
	if n := f.run(t, w); n != 1 {
		t.Fatalf("finished %d", n)
	}
	got := f.log(t, h)[0]
	if got.Status != desk.DeliveryFailed || got.LastStatus != 410 || !strings.Contains(got.LastError, "switched off") {
		t.Fatalf("delivery = %+v", got)
	}
	if hook, err := f.db.Webhook(f.ctx, f.org.ID, h.ID); err != nil || hook.Active {
		t.Fatalf("webhook after 410 = %+v, %v", hook, err)
	}
	es, _ := f.db.Audit(f.ctx, f.org.ID, 10)
	if len(es) == 0 || es[0].Action != "webhook.deactivate" || es[0].ObjectID != fmt.Sprint(h.ID) {
		t.Fatalf("audit = %+v", es)
	}
	// An event queued before the switch-off is dropped without a request.
	f.queue(t, h, 1)
	test := &desk.WebhookDelivery{WebhookID: h.ID, OrgID: h.OrgID, EventID: "msg_test_after_gone", EventType: desk.EventWebhookTest,
		Payload: json.RawMessage(`{"type":"webhook.test"}`), CreatedAt: f.clock.Now()}
	if err := f.db.QueueDeliveries(f.ctx, []*desk.WebhookDelivery{test}, nil); err != nil {
		t.Fatal(err)
	}
	f.run(t, w)
	log := f.log(t, h)
	if r.count() != 2 || log[0].Status != desk.DeliveryDelivered || log[1].Status != desk.DeliveryFailed || log[1].Attempts != 0 {
		t.Fatalf("after the switch-off: %d requests, log %+v %+v", r.count(), log[0], log[1])
	}
}

// TestWorkerRefusesAtSend: webhooks that point at internal addresses,
// however they were stored, fail at send time without a connection, and
// their log does not name the address.
func TestWorkerRefusesAtSend(t *testing.T) {
	f := newFixture(t)
	c := newCounter(t)
	var hooks []*desk.Webhook
	for _, host := range badHosts {
		h := f.webhook(t, "http://"+host+":"+c.port+"/hook", desk.WebhookStandard)
		f.queue(t, h, 1)
		hooks = append(hooks, h)
	}
	// A redirect from an allowed receiver to the loopback listener.
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://127.0.0.1:"+c.port+"/", http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	rh := f.webhook(t, redirect.URL+"/", desk.WebhookChat)
	f.queue(t, rh, 1)
	hooks = append(hooks, rh)
	// Production's client apart from http: no loopback allowed.
	cl := allowed(t, webhook.Options{AllowHTTP: true}, redirect)
	if n := f.run(t, f.worker("a", cl)); n != len(hooks) {
		t.Fatalf("finished %d, want %d", n, len(hooks))
	}
	for _, h := range hooks {
		d := f.log(t, h)[0]
		if d.Status != desk.DeliveryFailed || !strings.HasPrefix(d.LastError, "webhook destination refused") ||
			strings.Contains(d.LastError, c.port) || strings.Contains(d.LastError, "127.0.0.1") {
			t.Errorf("%s: %+v", h.URL, d)
		}
	}
	c.check(t)
}

// TestWorkerDefaultClientIsStrict: a worker without a client refuses an
// http webhook on loopback.
func TestWorkerDefaultClientIsStrict(t *testing.T) {
	f := newFixture(t)
	r := newReceiver(t)
	h := f.webhook(t, r.URL+"/", desk.WebhookStandard)
	f.queue(t, h, 1)
	f.run(t, f.worker("a", nil))
	if d := f.log(t, h)[0]; d.Status != desk.DeliveryFailed || r.count() != 0 {
		t.Fatalf("delivery = %+v, %d requests", d, r.count())
	}
}

// TestWorkerNetworkError: a receiver that does not answer is retried, and
// the log names the failure without the URL, which may hold a credential.
func TestWorkerNetworkError(t *testing.T) {
	f := newFixture(t)
	gone := httptest.NewServer(http.NotFoundHandler())
	addr := gone.Listener.Addr().String()
	cl := allowed(t, webhook.Options{AllowHTTP: true}, gone)
	gone.Close()
	h := f.webhook(t, "http://"+addr+"/services/T000/B000/secret-token", desk.WebhookChat)
	f.queue(t, h, 1)
	f.run(t, f.worker("a", cl))
	d := f.log(t, h)[0]
	if d.Status != desk.DeliveryPending || d.Attempts != 1 || d.LastStatus != 0 || d.LastError == "" || strings.Contains(d.LastError, "secret-token") {
		t.Fatalf("delivery = %+v", d)
	}
}

// TestWorkersRace: two workers draining one queue deliver each event
// exactly once, on both engines.
func TestWorkersRace(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testWorkersRace(t, newFixture(t)) })
	t.Run("postgres", func(t *testing.T) { testWorkersRace(t, newPostgresFixture(t)) })
}

func testWorkersRace(t *testing.T, f *fixture) {
	var mu sync.Mutex
	seen := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(time.Millisecond)
		mu.Lock()
		seen[r.Header.Get("webhook-id")]++
		mu.Unlock()
	}))
	defer srv.Close()
	cl := allowed(t, webhook.Options{AllowHTTP: true}, srv)
	h := f.webhook(t, srv.URL+"/", desk.WebhookStandard)
	ds := f.queue(t, h, 60)
	var wg sync.WaitGroup
	var total atomic.Int64
	for _, owner := range []string{"node-a", "node-b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := f.worker(owner, cl)
			w.Batch = 7
			n, err := w.RunOnce(f.ctx)
			if err != nil {
				t.Error(err)
			}
			total.Add(int64(n))
		}()
	}
	wg.Wait()
	if total.Load() != 60 || len(seen) != 60 {
		t.Fatalf("finished %d, received %d distinct events; want 60", total.Load(), len(seen))
	}
	for _, d := range ds {
		if seen[d.EventID] != 1 {
			t.Fatalf("event %s received %d times", d.EventID, seen[d.EventID])
		}
	}
}

// TestWorkerAfterCrash: deliveries claimed by a worker that died are
// sent once its lease has run out, not before, on both engines.
func TestWorkerAfterCrash(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testWorkerAfterCrash(t, newFixture(t)) })
	t.Run("postgres", func(t *testing.T) { testWorkerAfterCrash(t, newPostgresFixture(t)) })
}

func testWorkerAfterCrash(t *testing.T, f *fixture) {
	r := newReceiver(t)
	h := f.webhook(t, r.URL+"/", desk.WebhookStandard)
	f.queue(t, h, 3)
	claimed, err := f.db.ClaimDeliveries(f.ctx, "dead-node", f.clock.Now(), webhook.DefaultLease, 10)
	if err != nil || len(claimed) != 3 {
		t.Fatalf("claimed %d, %v", len(claimed), err)
	}
	w := f.worker("survivor", client(t, r))
	if n := f.run(t, w); n != 0 || r.count() != 0 {
		t.Fatalf("sent %d during the dead worker's lease", r.count())
	}
	f.clock.Add(webhook.DefaultLease + time.Second)
	if n := f.run(t, w); n != 3 || r.count() != 3 {
		t.Fatalf("after the lease: finished %d, sent %d; want 3", n, r.count())
	}
	for _, d := range f.log(t, h) {
		if d.Status != desk.DeliveryDelivered || d.Attempts != 1 {
			t.Fatalf("delivery = %+v", d)
		}
	}
}

// TestWorkerDeletedWebhook: deliveries of a webhook deleted while they
// were claimed are dropped without a request.
func TestWorkerDeletedWebhook(t *testing.T) {
	f := newFixture(t)
	r := newReceiver(t)
	h := f.webhook(t, r.URL+"/", desk.WebhookStandard)
	f.queue(t, h, 2)
	st := &deletingStore{WebhookStore: f.db, orgID: f.org.ID, id: h.ID}
	w := &webhook.Worker{Store: st, Client: client(t, r), Clock: f.clock, Owner: "a"}
	if _, err := w.RunOnce(f.ctx); err != nil {
		t.Fatal(err)
	}
	if r.count() != 0 {
		t.Fatalf("%d requests for a deleted webhook", r.count())
	}
}

// deletingStore deletes a webhook right after its deliveries are claimed.
type deletingStore struct {
	desk.WebhookStore
	orgID, id int64
	once      sync.Once
}

func (s *deletingStore) ClaimDeliveries(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*desk.WebhookDelivery, error) {
	ds, err := s.WebhookStore.ClaimDeliveries(ctx, owner, now, lease, limit)
	s.once.Do(func() {
		if err == nil {
			err = s.DeleteWebhook(ctx, s.orgID, s.id, nil)
		}
	})
	return ds, err
}
