package outbox_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"

	"desk"
	"desk/notify"
	"desk/outbox"
)

var renderer = &notify.Renderer{
	From:    "Supportdesk <support@desk.example>",
	BaseURL: "https://desk.example",
	Product: "Supportdesk",
}

// newMail returns a pending automatic mail to to, created at the clock's
// time.
func newMail(clock *testClock, n int, to string) *desk.OutMail {
	due := clock.Now().Add(4 * time.Hour)
	return &desk.OutMail{
		MessageID: fmt.Sprintf("<m%d.test@desk.example>", n),
		Kind:      desk.MailCaseOpened,
		CaseID:    int64(1000 + n),
		To:        to,
		ToName:    "Recipient " + fmt.Sprint(n),
		Language:  []string{"en", "nl", "de", "sv", "nb"}[n%5],
		ReplyTo:   "support+c1.token@desk.example",
		Auto:      true,
		Data:      desk.MailData{CaseTitle: fmt.Sprintf("Problem %d", n), DueAt: &due, TimeZone: "Europe/Oslo"},
		CreatedAt: clock.Now(),
	}
}

type env struct {
	store  *memStore
	clock  *testClock
	sink   *sink
	worker *outbox.Worker
}

// newEnv sets up a worker on the in-memory store that sends to a plain
// loopback SMTP server.
func newEnv(t *testing.T, o sinkOptions, security string) *env {
	e := &env{store: newMemStore(), clock: newClock()}
	e.sink = newSink(t, o)
	c := e.sink.config(security)
	c.TLSConfig = o.clientTLS
	e.worker = &outbox.Worker{Store: e.store, Renderer: renderer, Sender: outbox.NewSMTPSender(c), Clock: e.clock, Owner: "node-1"}
	return e
}

func (e *env) run(t *testing.T) int {
	t.Helper()
	n, err := e.worker.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	return n
}

func (e *env) mail(t *testing.T, id int64) *desk.OutMail {
	t.Helper()
	m, err := e.store.OutMail(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestPlainDelivery(t *testing.T) {
	e := newEnv(t, sinkOptions{}, outbox.SecurityNone)
	var queued []*desk.OutMail
	for i := range 3 {
		queued = append(queued, e.store.add(newMail(e.clock, i, fmt.Sprintf("user%d@example.com", i))))
	}
	if n := e.run(t); n != 3 {
		t.Fatalf("finished %d, want 3", n)
	}
	got := e.sink.received()
	if len(got) != 3 {
		t.Fatalf("server received %d messages, want 3", len(got))
	}
	for i, q := range queued {
		r := got[slices.IndexFunc(got, func(r received) bool { return r.messageID == q.MessageID })]
		if r.from != "support@desk.example" || r.to != q.To {
			t.Errorf("mail %d: envelope %s → %s", i, r.from, r.to)
		}
		h, err := mail.CreateReader(bytes.NewReader(r.data))
		if err != nil {
			t.Fatal(err)
		}
		if subject, _ := h.Header.Subject(); !strings.Contains(subject, fmt.Sprintf("#%d]", q.CaseID)) {
			t.Errorf("mail %d: subject %q", i, subject)
		}
		m := e.mail(t, q.ID)
		if m.Status != desk.OutSent || m.Attempts != 1 || m.SentAt == nil || !m.SentAt.Equal(e.clock.Now()) || m.LastError != "" {
			t.Errorf("mail %d after sending: %s, %d attempts, sent %v, error %q", i, m.Status, m.Attempts, m.SentAt, m.LastError)
		}
	}
	if n := e.run(t); n != 0 || len(e.sink.received()) != 3 {
		t.Errorf("second run finished %d and sent more", n)
	}
}

func TestStartTLS(t *testing.T) {
	serverTLS, clientTLS := selfSigned(t)
	e := newEnv(t, sinkOptions{tls: serverTLS, clientTLS: clientTLS}, outbox.SecurityStartTLS)
	m := e.store.add(newMail(e.clock, 1, "ann@example.com"))
	if n := e.run(t); n != 1 {
		t.Fatalf("finished %d", n)
	}
	got := e.sink.received()
	if len(got) != 1 || !got[0].tls || got[0].messageID != m.MessageID {
		t.Fatalf("received %+v, want one message over TLS", got)
	}

	// A client that does not trust the certificate sends nothing.
	untrusting := e.sink.config(outbox.SecurityStartTLS)
	if errs := sendDirect(untrusting, envelope("ann@example.com", 1)); errs[0] == nil || outbox.Permanent(errs[0]) {
		t.Errorf("untrusted certificate: %v", errs[0])
	}
}

// TestStartTLSRequired checks that the default security refuses a server
// that does not offer STARTTLS: the mail waits instead of going out in the
// clear.
func TestStartTLSRequired(t *testing.T) {
	e := newEnv(t, sinkOptions{}, "") // the default is starttls
	m := e.store.add(newMail(e.clock, 1, "ann@example.com"))
	if n := e.run(t); n != 0 {
		t.Fatalf("finished %d, want 0", n)
	}
	if got := e.sink.received(); len(got) != 0 {
		t.Fatalf("sent %d messages without TLS", len(got))
	}
	got := e.mail(t, m.ID)
	if got.Status != desk.OutPending || got.Attempts != 1 || !strings.Contains(got.LastError, "STARTTLS") {
		t.Errorf("mail: %s, %d attempts, %q", got.Status, got.Attempts, got.LastError)
	}
}

func TestImplicitTLS(t *testing.T) {
	serverTLS, clientTLS := selfSigned(t)
	e := newEnv(t, sinkOptions{tls: serverTLS, clientTLS: clientTLS, implicit: true}, outbox.SecurityTLS)
	e.store.add(newMail(e.clock, 1, "ann@example.com"))
	if n := e.run(t); n != 1 {
		t.Fatalf("finished %d", n)
	}
	if got := e.sink.received(); len(got) != 1 || !got[0].tls {
		t.Fatalf("received %+v, want one message over TLS", got)
	}
}

func TestAuth(t *testing.T) {
	serverTLS, clientTLS := selfSigned(t)
	s := newSink(t, sinkOptions{tls: serverTLS, user: "desk", pass: "s3cret"})
	c := s.config(outbox.SecurityStartTLS)
	c.TLSConfig, c.Username, c.Password = clientTLS, "desk", "s3cret"
	if errs := sendDirect(c, envelope("ann@example.com", 1)); errs[0] != nil {
		t.Fatalf("with the right password: %v", errs[0])
	}
	if len(s.received()) != 1 {
		t.Fatal("message not received")
	}
	// Without credentials the server refuses the mail: permanent.
	c.Username, c.Password = "", ""
	if errs := sendDirect(c, envelope("ann@example.com", 2)); !outbox.Permanent(errs[0]) {
		t.Errorf("without credentials: %v, want a permanent error", errs[0])
	}

	// A wrong password fails the mail at once, through the worker.
	e := &env{store: newMemStore(), clock: newClock(), sink: s}
	c.Username, c.Password = "desk", "wrong"
	e.worker = &outbox.Worker{Store: e.store, Renderer: renderer, Sender: outbox.NewSMTPSender(c), Clock: e.clock, Owner: "n"}
	m := e.store.add(newMail(e.clock, 1, "ann@example.com"))
	if n := e.run(t); n != 1 {
		t.Fatalf("finished %d, want 1", n)
	}
	got := e.mail(t, m.ID)
	if got.Status != desk.OutFailed || got.Attempts != 1 || !strings.Contains(got.LastError, "535") {
		t.Errorf("wrong password: %s, %d attempts, %q", got.Status, got.Attempts, got.LastError)
	}
	if len(s.received()) != 1 {
		t.Error("a message went through with a wrong password")
	}
}

// TestNoCredentialsInTheClear checks that credentials are never sent over
// an unencrypted connection to anything but loopback.
func TestNoCredentialsInTheClear(t *testing.T) {
	c := outbox.SMTP{Host: "mail.example.invalid", Port: 25, Security: outbox.SecurityNone, Username: "u", Password: "p", Timeout: time.Second}
	errs := sendDirect(c, envelope("ann@example.com", 1))
	if errs[0] == nil || !strings.Contains(errs[0].Error(), "credentials") {
		t.Errorf("plain credentials to a remote host: %v", errs[0])
	}
	// To loopback it is allowed: the credentials never leave the machine.
	s := newSink(t, sinkOptions{user: "u", pass: "p"})
	c = s.config(outbox.SecurityNone)
	c.Username, c.Password = "u", "p"
	if errs := sendDirect(c, envelope("ann@example.com", 1)); errs[0] != nil {
		t.Errorf("plain credentials to loopback: %v", errs[0])
	}
	if errs := sendDirect(outbox.SMTP{Host: "127.0.0.1", Security: "ssl"}, envelope("a@example.com", 1)); errs[0] == nil {
		t.Error("unknown security accepted")
	}
}

// TestTemporaryFailureThenRetry checks a 451: the mail stays pending with
// one attempt counted and comes back after the backoff, not before.
func TestTemporaryFailureThenRetry(t *testing.T) {
	e := newEnv(t, sinkOptions{}, outbox.SecurityNone)
	e.sink.defer451("busy@example.com", 1)
	m := e.store.add(newMail(e.clock, 1, "busy@example.com"))
	start := e.clock.Now()
	if n := e.run(t); n != 0 {
		t.Fatalf("finished %d, want 0", n)
	}
	got := e.mail(t, m.ID)
	wait := got.NextAttemptAt.Sub(start)
	if got.Status != desk.OutPending || got.Attempts != 1 || !strings.Contains(got.LastError, "451") ||
		wait <= 30*time.Second*3/4 || wait > 30*time.Second {
		t.Fatalf("after 451: %s, %d attempts, next in %v, %q", got.Status, got.Attempts, wait, got.LastError)
	}
	// Not due yet: nothing happens.
	e.clock.advance(wait - time.Second)
	if n := e.run(t); n != 0 || len(e.sink.received()) != 0 {
		t.Fatal("retried before the backoff ran out")
	}
	e.clock.advance(time.Second)
	if n := e.run(t); n != 1 {
		t.Fatalf("retry finished %d, want 1", n)
	}
	got = e.mail(t, m.ID)
	if got.Status != desk.OutSent || got.Attempts != 2 || got.LastError != "" || len(e.sink.received()) != 1 {
		t.Errorf("after the retry: %s, %d attempts, %q", got.Status, got.Attempts, got.LastError)
	}
}

// TestBackoffAndLastAttempt walks a mail that is always deferred through
// every attempt: the delays double from 30 seconds up to an hour, and the
// last attempt fails it.
func TestBackoffAndLastAttempt(t *testing.T) {
	e := newEnv(t, sinkOptions{}, outbox.SecurityNone)
	e.sink.defer451("busy@example.com", 1000)
	m := e.store.add(newMail(e.clock, 1, "busy@example.com"))
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
		16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour, time.Hour, time.Hour}
	for i, w := range want {
		e.run(t)
		got := e.mail(t, m.ID)
		wait := got.NextAttemptAt.Sub(e.clock.Now())
		if got.Status != desk.OutPending || got.Attempts != i+1 || wait <= w*3/4 || wait > w {
			t.Fatalf("attempt %d: %s, %d attempts, next in %v, want (%v, %v]", i+1, got.Status, got.Attempts, wait, w*3/4, w)
		}
		e.clock.advance(wait)
	}
	if n := e.run(t); n != 1 {
		t.Fatalf("last attempt finished %d, want 1", n)
	}
	if got := e.mail(t, m.ID); got.Status != desk.OutFailed || got.Attempts != 12 || !strings.Contains(got.LastError, "451") {
		t.Errorf("after the last attempt: %s, %d attempts, %q", got.Status, got.Attempts, got.LastError)
	}
}

// TestPermanentFailure checks that a 550 fails the mail at once and that
// the rest of the batch still goes out over the same connection.
func TestPermanentFailure(t *testing.T) {
	e := newEnv(t, sinkOptions{}, outbox.SecurityNone)
	bad := e.store.add(newMail(e.clock, 1, "reject@example.com"))
	good := e.store.add(newMail(e.clock, 2, "ann@example.com"))
	if n := e.run(t); n != 2 {
		t.Fatalf("finished %d, want 2", n)
	}
	got := e.mail(t, bad.ID)
	if got.Status != desk.OutFailed || got.Attempts != 1 || !strings.Contains(got.LastError, "550") || got.SentAt != nil {
		t.Errorf("rejected mail: %s, %d attempts, %q", got.Status, got.Attempts, got.LastError)
	}
	if got := e.mail(t, good.ID); got.Status != desk.OutSent {
		t.Errorf("good mail: %s %q", got.Status, got.LastError)
	}
	if r := e.sink.received(); len(r) != 1 || r[0].to != "ann@example.com" || e.sink.sessionCount() != 1 {
		t.Errorf("received %d messages over %d connections", len(r), e.sink.sessionCount())
	}
}

// TestFloodLimit checks the per-address hourly limit of automatic mail,
// counting both what was sent in the last hour and the batch itself.
func TestFloodLimit(t *testing.T) {
	e := newEnv(t, sinkOptions{}, outbox.SecurityNone)
	e.worker.AutoLimit = 3
	const to = "ann@example.com"
	// Sent before: one more than an hour ago, which no longer counts, and
	// two within the hour.
	for i, ago := range []time.Duration{61 * time.Minute, 30 * time.Minute, 5 * time.Minute} {
		m := newMail(e.clock, 100+i, to)
		at := e.clock.Now().Add(-ago)
		m.Status, m.SentAt = desk.OutSent, &at
		e.store.add(m)
	}
	var auto []*desk.OutMail
	for i := range 3 {
		auto = append(auto, e.store.add(newMail(e.clock, i, to)))
	}
	person := newMail(e.clock, 9, to)
	person.Kind, person.Auto, person.Data.Body = desk.MailReply, false, "Written by a person."
	person = e.store.add(person)
	other := e.store.add(newMail(e.clock, 10, "bo@example.com"))

	if n := e.run(t); n != 5 {
		t.Fatalf("finished %d, want 5", n)
	}
	var status []desk.OutStatus
	for _, m := range auto {
		got := e.mail(t, m.ID)
		status = append(status, got.Status)
		if got.Status == desk.OutSuppressed && (got.LastError != "flood limit" || got.Attempts != 0) {
			t.Errorf("suppressed mail: %q, %d attempts", got.LastError, got.Attempts)
		}
	}
	if want := []desk.OutStatus{desk.OutSent, desk.OutSuppressed, desk.OutSuppressed}; !slices.Equal(status, want) {
		t.Errorf("automatic mails: %v, want %v", status, want)
	}
	if got := e.mail(t, person.ID); got.Status != desk.OutSent {
		t.Errorf("mail written by a person: %s, want sent: the limit is for automatic mail", got.Status)
	}
	if got := e.mail(t, other.ID); got.Status != desk.OutSent {
		t.Errorf("mail to another address: %s", got.Status)
	}
	if got := len(e.sink.received()); got != 3 {
		t.Errorf("server received %d, want 3", got)
	}
}

func TestFailingAddress(t *testing.T) {
	e := newEnv(t, sinkOptions{}, outbox.SecurityNone)
	ctx := context.Background()
	if err := e.store.MarkAddressFailing(ctx, "gone@example.com", "550 5.1.1 mailbox unavailable", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	m := newMail(e.clock, 1, "Gone@example.com")
	m.Kind, m.Auto = desk.MailReply, false // even a person's reply: it would bounce
	m = e.store.add(m)
	ok := e.store.add(newMail(e.clock, 2, "ann@example.com"))
	if n := e.run(t); n != 2 {
		t.Fatalf("finished %d, want 2", n)
	}
	got := e.mail(t, m.ID)
	if got.Status != desk.OutSuppressed || got.LastError != "address failing: 550 5.1.1 mailbox unavailable" || got.Attempts != 0 {
		t.Errorf("mail to a failing address: %s, %q, %d attempts", got.Status, got.LastError, got.Attempts)
	}
	if r := e.sink.received(); len(r) != 1 || r[0].to != "ann@example.com" {
		t.Errorf("received %+v", r)
	}
	if e.mail(t, ok.ID).Status != desk.OutSent {
		t.Error("mail to a good address not sent")
	}
}

// TestUnrenderable checks that a row that cannot become a message fails at
// once and does not hold up the batch.
func TestUnrenderable(t *testing.T) {
	e := newEnv(t, sinkOptions{}, outbox.SecurityNone)
	bad := newMail(e.clock, 1, "ann@example.com")
	bad.MessageID = "no brackets"
	bad = e.store.add(bad)
	e.store.add(newMail(e.clock, 2, "bo@example.com"))
	if n := e.run(t); n != 2 {
		t.Fatalf("finished %d, want 2", n)
	}
	if got := e.mail(t, bad.ID); got.Status != desk.OutFailed || !strings.HasPrefix(got.LastError, "render: ") {
		t.Errorf("unrenderable mail: %s %q", got.Status, got.LastError)
	}
	if len(e.sink.received()) != 1 {
		t.Error("the good mail was not sent")
	}
}

// TestConnections checks that a small batch shares one connection and a
// large one is spread over at most four.
func TestConnections(t *testing.T) {
	for _, tt := range []struct{ mails, minConns, maxConns int }{{5, 1, 1}, {100, 2, 4}} {
		s := newSink(t, sinkOptions{})
		var envs []outbox.Envelope
		for i := range tt.mails {
			envs = append(envs, envelope(fmt.Sprintf("u%d@example.com", i), i))
		}
		for i, err := range sendDirect(s.config(outbox.SecurityNone), envs...) {
			if err != nil {
				t.Fatalf("message %d: %v", i, err)
			}
		}
		if n := len(s.received()); n != tt.mails {
			t.Errorf("%d mails: received %d", tt.mails, n)
		}
		if n := s.sessionCount(); n < tt.minConns || n > tt.maxConns {
			t.Errorf("%d mails over %d connections, want %d to %d", tt.mails, n, tt.minConns, tt.maxConns)
		}
	}
}

// TestReconnect checks that a connection the server drops is replaced and
// that no message is lost or sent twice on the way.
func TestReconnect(t *testing.T) {
	s := newSink(t, sinkOptions{perConn: 3})
	var envs []outbox.Envelope
	for i := range 7 {
		envs = append(envs, envelope(fmt.Sprintf("u%d@example.com", i), i))
	}
	for i, err := range sendDirect(s.config(outbox.SecurityNone), envs...) {
		if err != nil {
			t.Errorf("message %d: %v", i, err)
		}
	}
	got := s.received()
	for id, n := range countByMessageID(got) {
		if n != 1 {
			t.Errorf("%s received %d times", id, n)
		}
	}
	if len(got) != 7 || s.sessionCount() != 3 {
		t.Errorf("received %d messages over %d connections, want 7 over 3", len(got), s.sessionCount())
	}

	// A server that hangs up before taking anything is given one more
	// connection, not one per message.
	s = newSink(t, sinkOptions{hangUp: true})
	errs := sendDirect(s.config(outbox.SecurityNone), envs[:3]...)
	for i, err := range errs {
		if err == nil || outbox.Permanent(err) {
			t.Errorf("message %d to a server that hangs up: %v, want a temporary error", i, err)
		}
	}
	if n := s.sessionCount(); n != 2 {
		t.Errorf("%d connections to a server that hangs up, want 2", n)
	}

	// Nothing listens: every message fails, temporarily.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	closed := outbox.SMTP{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, Security: outbox.SecurityNone}
	for i, err := range sendDirect(closed, envs[:3]...) {
		if err == nil || outbox.Permanent(err) {
			t.Errorf("message %d to a closed port: %v, want a temporary error", i, err)
		}
	}
}

func TestCapture(t *testing.T) {
	store, clock := newMemStore(), newClock()
	w := &outbox.Worker{Store: store, Renderer: renderer, Sender: outbox.Capture{}, Clock: clock, Owner: "demo"}
	m := store.add(newMail(clock, 1, "ann@example.com"))
	n, err := w.RunOnce(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("RunOnce = %d, %v", n, err)
	}
	if got, _ := store.OutMail(context.Background(), m.ID); got.Status != desk.OutSent || got.SentAt == nil {
		t.Errorf("captured mail: %s", got.Status)
	}
}

func TestPermanent(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&smtp.SMTPError{Code: 550}, true},
		{fmt.Errorf("deliver: %w", &smtp.SMTPError{Code: 554}), true},
		{&smtp.SMTPError{Code: 451}, false},
		{&smtp.SMTPError{Code: 421}, false},
		{errors.New("connection reset"), false},
		{context.DeadlineExceeded, false},
	}
	for _, tt := range tests {
		if got := outbox.Permanent(tt.err); got != tt.want {
			t.Errorf("Permanent(%v) = %v", tt.err, got)
		}
	}
}

// TestTwoWorkersRace runs two workers, each with several concurrent runs,
// on one SQLite store: the leases must give every mail to exactly one of
// them.
func TestTwoWorkersRace(t *testing.T) {
	f := newSQLite(t)
	clock := newClock()
	const total = 300
	var ms []*desk.OutMail
	for i := range total {
		ms = append(ms, newMail(clock, i, fmt.Sprintf("user%d@example.com", i)))
	}
	f.queue(t, ms)
	s := newSink(t, sinkOptions{})
	sender := outbox.NewSMTPSender(s.config(outbox.SecurityNone))
	var wg sync.WaitGroup
	var mu sync.Mutex
	finished := 0
	for _, owner := range []string{"node-a", "node-b"} {
		w := &outbox.Worker{Store: f.db, Renderer: renderer, Sender: sender, Clock: clock, Owner: owner, Batch: 15}
		for range 3 {
			wg.Go(func() {
				n, err := w.RunOnce(context.Background())
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				finished += n
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	got := s.received()
	if len(got) != total || finished != total {
		t.Errorf("received %d, finished %d, want %d", len(got), finished, total)
	}
	for id, n := range countByMessageID(got) {
		if n != 1 {
			t.Errorf("%s received %d times", id, n)
		}
	}
	sent, err := f.db.Outbox(context.Background(), desk.OutboxFilter{Status: desk.OutSent, Limit: 500})
	if err != nil || len(sent) != total {
		t.Errorf("%d rows sent (%v), want %d", len(sent), err, total)
	}
}

// crashStore is a store whose worker dies between the server accepting
// the mail and the result being recorded.
type crashStore struct {
	desk.MailStore
}

func (crashStore) FinishOutbox(context.Context, []*desk.OutMail) error { return errCrash }

// TestCrashResends checks the guarantee the outbox gives: a worker that
// stops after the SMTP server accepted a mail but before recording it
// causes at most one duplicate, with the same Message-ID, and only once its
// lease has run out.
func TestCrashResends(t *testing.T) {
	f := newSQLite(t)
	clock := newClock()
	m := newMail(clock, 1, "ann@example.com")
	f.queue(t, []*desk.OutMail{m})
	s := newSink(t, sinkOptions{})
	sender := outbox.NewSMTPSender(s.config(outbox.SecurityNone))
	ctx := context.Background()

	crashed := &outbox.Worker{Store: crashStore{f.db}, Renderer: renderer, Sender: sender, Clock: clock, Owner: "node-a"}
	if _, err := crashed.RunOnce(ctx); !errors.Is(err, errCrash) {
		t.Fatalf("crashing run: %v", err)
	}
	if n := len(s.received()); n != 1 {
		t.Fatalf("received %d before the crash, want 1", n)
	}

	other := &outbox.Worker{Store: f.db, Renderer: renderer, Sender: sender, Clock: clock, Owner: "node-b"}
	// While the lease holds, the mail is left alone.
	clock.advance(outbox.DefaultLease - time.Second)
	if n, err := other.RunOnce(ctx); n != 0 || err != nil {
		t.Fatalf("run during the lease: %d, %v", n, err)
	}
	clock.advance(2 * time.Second)
	if n, err := other.RunOnce(ctx); n != 1 || err != nil {
		t.Fatalf("run after the lease: %d, %v", n, err)
	}
	for range 2 {
		clock.advance(time.Hour)
		if n, err := other.RunOnce(ctx); n != 0 || err != nil {
			t.Fatalf("later run: %d, %v", n, err)
		}
	}
	got := s.received()
	if len(got) != 2 || got[0].messageID != m.MessageID || got[1].messageID != m.MessageID {
		t.Fatalf("received %d copies, want 2 with Message-ID %s", len(got), m.MessageID)
	}
	row, err := f.db.OutMail(ctx, m.ID)
	if err != nil || row.Status != desk.OutSent || row.Attempts != 1 {
		t.Errorf("row after the resend: %+v, %v", row, err)
	}
}

// TestShutdownRecordsResults checks that a run interrupted by its context
// still records what it sent, so that a restart does not send it again.
func TestShutdownRecordsResults(t *testing.T) {
	store, clock := newMemStore(), newClock()
	ctx, cancel := context.WithCancel(context.Background())
	sender := senderFunc(func(_ context.Context, msgs []outbox.Envelope) []error {
		cancel() // the process is told to stop while the batch is on its way
		return make([]error, len(msgs))
	})
	w := &outbox.Worker{Store: store, Renderer: renderer, Sender: sender, Clock: clock, Owner: "n"}
	m := store.add(newMail(clock, 1, "ann@example.com"))
	if _, err := w.RunOnce(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("RunOnce: %v", err)
	}
	if got, _ := store.OutMail(context.Background(), m.ID); got.Status != desk.OutSent {
		t.Errorf("mail after shutdown: %s, want sent", got.Status)
	}
}

// TestNotAttempted checks that mails a sender did not get to return to
// the queue without an attempt counted.
func TestNotAttempted(t *testing.T) {
	store, clock := newMemStore(), newClock()
	calls := 0
	sender := senderFunc(func(_ context.Context, msgs []outbox.Envelope) []error {
		calls++
		errs := make([]error, len(msgs))
		if calls == 1 {
			errs[1] = fmt.Errorf("%w: deadline", outbox.ErrNotAttempted)
		}
		return errs
	})
	w := &outbox.Worker{Store: store, Renderer: renderer, Sender: sender, Clock: clock, Owner: "n"}
	a := store.add(newMail(clock, 1, "ann@example.com"))
	b := store.add(newMail(clock, 2, "bo@example.com"))
	n, err := w.RunOnce(context.Background())
	if err != nil || n != 2 || calls != 2 {
		t.Fatalf("RunOnce = %d, %v after %d sends", n, err, calls)
	}
	for _, m := range []*desk.OutMail{a, b} {
		if got, _ := store.OutMail(context.Background(), m.ID); got.Status != desk.OutSent || got.Attempts != 1 {
			t.Errorf("mail %d: %s after %d attempts", m.ID, got.Status, got.Attempts)
		}
	}
}

// TestNoProgress checks that a run whose sender attempts nothing ends
// instead of claiming the same rows over and over.
func TestNoProgress(t *testing.T) {
	store, clock := newMemStore(), newClock()
	calls := 0
	sender := senderFunc(func(_ context.Context, msgs []outbox.Envelope) []error {
		calls++
		errs := make([]error, len(msgs))
		for i := range errs {
			errs[i] = outbox.ErrNotAttempted
		}
		return errs
	})
	w := &outbox.Worker{Store: store, Renderer: renderer, Sender: sender, Clock: clock, Owner: "n"}
	m := store.add(newMail(clock, 1, "ann@example.com"))
	if n, err := w.RunOnce(context.Background()); n != 0 || err != nil || calls != 1 {
		t.Fatalf("RunOnce = %d, %v after %d sends", n, err, calls)
	}
	if got, _ := store.OutMail(context.Background(), m.ID); got.Status != desk.OutPending || got.Attempts != 0 {
		t.Errorf("mail: %s after %d attempts", got.Status, got.Attempts)
	}
}

type senderFunc func(ctx context.Context, msgs []outbox.Envelope) []error

func (f senderFunc) Send(ctx context.Context, msgs []outbox.Envelope) []error { return f(ctx, msgs) }

func TestRun(t *testing.T) {
	store := newMemStore()
	s := newSink(t, sinkOptions{})
	w := &outbox.Worker{Store: store, Renderer: renderer, Sender: outbox.NewSMTPSender(s.config(outbox.SecurityNone)), Owner: "n"}
	store.add(newMail(&testClock{t: time.Now().UTC().Add(-time.Minute)}, 1, "ann@example.com"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		w.Run(ctx, 10*time.Millisecond)
		close(done)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for len(s.received()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if len(s.received()) != 1 {
		t.Error("Run sent nothing")
	}
}
