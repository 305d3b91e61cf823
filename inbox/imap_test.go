package inbox

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/big"
	"net"
	"net/mail"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"desk"
	"desk/blobs"
	"desk/eventbus"
	"desk/sqlite"
)

const (
	imapTestUser     = "desk"
	imapTestPassword = "s3cret"
)

// imapTestParse stands in for package mail's parser, which these tests do
// not need: they are about moving messages, not reading MIME.
func imapTestParse(raw []byte) (*desk.InMail, error) {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, &desk.Error{Kind: desk.EINVALID, Code: "mail_unreadable", Message: err.Error()}
	}
	in := &desk.InMail{MessageID: m.Header.Get("Message-Id"), Subject: m.Header.Get("Subject")}
	if a, err := mail.ParseAddress(m.Header.Get("From")); err == nil {
		in.From = strings.ToLower(a.Address)
	}
	if as, err := m.Header.AddressList("To"); err == nil {
		for _, a := range as {
			in.To = append(in.To, strings.ToLower(a.Address))
		}
	}
	body, _ := io.ReadAll(m.Body)
	in.Text = strings.TrimSpace(string(body))
	in.Trimmed = in.Text
	return in, nil
}

// lockedBuffer collects log output written from more than one goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// imapTestDesk is an inbox on a real SQLite store.
type imapTestDesk struct {
	ctx  context.Context
	db   *sqlite.DB
	ib   *Inbox
	logs *lockedBuffer
}

func newIMAPTestDesk(t testing.TB) *imapTestDesk {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "desk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	bl, err := blobs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	svc := desk.NewService(db, bl, eventbus.New(), desk.SystemClock{})
	svc.Mail = desk.MailConfig{Address: "support@desk.example", Secret: []byte("test")}
	logs := &lockedBuffer{}
	ib := &Inbox{Service: svc, Parse: imapTestParse, Logger: slog.New(slog.NewTextHandler(logs, nil))}
	return &imapTestDesk{ctx: ctx, db: db, ib: ib, logs: logs}
}

// stored returns every received mail in the store.
func (d *imapTestDesk) stored(t testing.TB) []*desk.InMail {
	t.Helper()
	all, err := d.ib.Service.Store.InMails(d.ctx, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// imapTestServer is an in-memory IMAP server with one user and an INBOX.
type imapTestServer struct {
	addr string
	user *imapmemserver.User
}

type imapServerOptions struct {
	caps imap.CapSet
	// tls, when set, serves implicit TLS if implicit, else offers
	// STARTTLS.
	tls      *tls.Config
	implicit bool
}

func startIMAPServer(t testing.TB, o imapServerOptions) *imapTestServer {
	t.Helper()
	mem := imapmemserver.New()
	user := imapmemserver.NewUser(imapTestUser, imapTestPassword)
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(user)
	if o.caps == nil {
		o.caps = imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}}
	}
	opts := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:   o.caps,
		Logger: log.New(io.Discard, "", 0),
		// Plaintext LOGIN is allowed so that the loopback "none" mode can
		// be tested; the client is what must refuse it elsewhere.
		InsecureAuth: true,
	}
	if o.tls != nil && !o.implicit {
		opts.TLSConfig = o.tls
	}
	srv := imapserver.New(opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if o.tls != nil && o.implicit {
		ln = tls.NewListener(ln, o.tls)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return &imapTestServer{addr: addr, user: user}
}

func (s *imapTestServer) append(t testing.TB, raw []byte) {
	t.Helper()
	if _, err := s.user.Append("INBOX", bytes.NewReader(raw), &imap.AppendOptions{}); err != nil {
		t.Fatal(err)
	}
}

// count returns how many messages are in the INBOX.
func (s *imapTestServer) count(t testing.TB) int {
	t.Helper()
	st, err := s.user.Status("INBOX", &imap.StatusOptions{NumMessages: true})
	if err != nil {
		t.Fatal(err)
	}
	return int(*st.NumMessages)
}

// search counts the messages in the INBOX that match, as another client
// of the mailbox sees them.
func (s *imapTestServer) search(t testing.TB, criteria *imap.SearchCriteria) int {
	t.Helper()
	c, err := imapclient.DialInsecure(s.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(imapTestUser, imapTestPassword).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	data, err := c.UIDSearch(criteria, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	return len(data.AllUIDs())
}

func (s *imapTestServer) config() IMAPConfig {
	return IMAPConfig{Addr: s.addr, Security: IMAPSecurityNone, Username: imapTestUser, Password: imapTestPassword}
}

func imapTestMessage(id int, extra string) []byte {
	return []byte(fmt.Sprintf("From: Customer <customer@client.example>\r\nTo: Support <support@desk.example>\r\n"+
		"Subject: Question %d\r\nMessage-ID: <q%d@client.example>\r\nDate: Mon, 2 Mar 2026 10:00:00 +0100\r\n%s"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\nQuestion number %d.\r\n", id, id, extra, id))
}

func TestPollOnce(t *testing.T) {
	for _, tc := range []struct {
		name string
		caps imap.CapSet
	}{
		{"uidplus", imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}}},
		{"expunge", imap.CapSet{imap.CapIMAP4rev1: {}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newIMAPTestDesk(t)
			srv := startIMAPServer(t, imapServerOptions{caps: tc.caps})
			srv.append(t, imapTestMessage(1, "Delivered-To: support+c7.tok@desk.example\r\n"))
			srv.append(t, imapTestMessage(2, "X-Original-To: <Help@Desk.Example>\r\n"))
			srv.append(t, imapTestMessage(3, ""))
			p := &Poller{Inbox: d.ib, Config: srv.config()}

			n, err := p.PollOnce(d.ctx)
			if err != nil || n != 3 {
				t.Fatalf("PollOnce = %d, %v; want 3, nil", n, err)
			}
			if c := srv.count(t); c != 0 {
				t.Fatalf("%d messages left in the mailbox, want 0", c)
			}
			stored := d.stored(t)
			if len(stored) != 3 {
				t.Fatalf("%d mails stored, want 3", len(stored))
			}
			to := map[string][]string{}
			for _, m := range stored {
				to[m.MessageID] = m.To
			}
			// The envelope recipients from the headers come first.
			if got := to["<q1@client.example>"]; !slices.Equal(got, []string{"support+c7.tok@desk.example", "support@desk.example"}) {
				t.Errorf("recipients from Delivered-To = %v", got)
			}
			if got := to["<q2@client.example>"]; !slices.Equal(got, []string{"help@desk.example", "support@desk.example"}) {
				t.Errorf("recipients from X-Original-To = %v", got)
			}
			if got := to["<q3@client.example>"]; !slices.Equal(got, []string{"support@desk.example"}) {
				t.Errorf("recipients without envelope headers = %v", got)
			}

			if n, err := p.PollOnce(d.ctx); err != nil || n != 0 {
				t.Fatalf("second PollOnce = %d, %v; want 0, nil", n, err)
			}
			if len(d.stored(t)) != 3 {
				t.Fatal("the second poll stored more mail")
			}
		})
	}
}

// TestPollOnceBatch checks that a poll takes the oldest messages first and
// no more than Batch.
func TestPollOnceBatch(t *testing.T) {
	d := newIMAPTestDesk(t)
	srv := startIMAPServer(t, imapServerOptions{})
	for i := 1; i <= 3; i++ {
		srv.append(t, imapTestMessage(i, ""))
	}
	cfg := srv.config()
	cfg.Batch = 2
	p := &Poller{Inbox: d.ib, Config: cfg}
	if n, err := p.PollOnce(d.ctx); err != nil || n != 2 {
		t.Fatalf("PollOnce = %d, %v; want 2, nil", n, err)
	}
	var ids []string
	for _, m := range d.stored(t) {
		ids = append(ids, m.MessageID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"<q1@client.example>", "<q2@client.example>"}) {
		t.Fatalf("first batch stored %v, want the two oldest", ids)
	}
	if n, err := p.PollOnce(d.ctx); err != nil || n != 1 {
		t.Fatalf("second PollOnce = %d, %v; want 1, nil", n, err)
	}
	if srv.count(t) != 0 {
		t.Fatal("mail left in the mailbox")
	}
}

// TestPollOnceDeliverFails checks that a message the inbox could not
// store stays in the mailbox, and is taken by the next poll that can.
func TestPollOnceDeliverFails(t *testing.T) {
	srv := startIMAPServer(t, imapServerOptions{})
	for i := 1; i <= 3; i++ {
		srv.append(t, imapTestMessage(i, ""))
	}
	broken := newIMAPTestDesk(t)
	broken.db.Close()
	n, err := (&Poller{Inbox: broken.ib, Config: srv.config()}).PollOnce(broken.ctx)
	if err == nil || n != 0 {
		t.Fatalf("PollOnce with a closed store = %d, %v; want 0 and an error", n, err)
	}
	if !strings.Contains(err.Error(), "deliver") {
		t.Errorf("error %q does not say delivery failed", err)
	}
	if c := srv.count(t); c != 3 {
		t.Fatalf("%d messages left in the mailbox, want all 3", c)
	}
	// BODY.PEEK left them unread.
	if c := srv.search(t, &imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen, imap.FlagDeleted}}); c != 3 {
		t.Fatalf("%d messages unread and not deleted, want 3", c)
	}

	d := newIMAPTestDesk(t)
	if n, err := (&Poller{Inbox: d.ib, Config: srv.config()}).PollOnce(d.ctx); err != nil || n != 3 {
		t.Fatalf("PollOnce after the store is back = %d, %v; want 3, nil", n, err)
	}
	if len(d.stored(t)) != 3 || srv.count(t) != 0 {
		t.Fatalf("stored %d, left %d; want 3 and 0", len(d.stored(t)), srv.count(t))
	}
}

// TestPollOnceParsePanics checks that a panicking parser costs one
// message, not the poll or the process.
func TestPollOnceParsePanics(t *testing.T) {
	d := newIMAPTestDesk(t)
	srv := startIMAPServer(t, imapServerOptions{})
	srv.append(t, imapTestMessage(1, "X-Boom: yes\r\n"))
	srv.append(t, imapTestMessage(2, ""))
	d.ib.Parse = func(raw []byte) (*desk.InMail, error) {
		if bytes.Contains(raw, []byte("X-Boom")) {
			panic("parser bug")
		}
		return imapTestParse(raw)
	}
	n, err := (&Poller{Inbox: d.ib, Config: srv.config()}).PollOnce(d.ctx)
	if n != 1 || err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Fatalf("PollOnce = %d, %v; want 1 and the panic as an error", n, err)
	}
	if srv.count(t) != 1 {
		t.Fatal("the message that made the parser panic was removed")
	}
}

// TestPollOnceDuplicate checks that the same message twice in the mailbox
// is stored once, and both copies leave the mailbox.
func TestPollOnceDuplicate(t *testing.T) {
	d := newIMAPTestDesk(t)
	srv := startIMAPServer(t, imapServerOptions{})
	srv.append(t, imapTestMessage(1, ""))
	srv.append(t, imapTestMessage(1, ""))
	n, err := (&Poller{Inbox: d.ib, Config: srv.config()}).PollOnce(d.ctx)
	if err != nil || n != 2 {
		t.Fatalf("PollOnce = %d, %v; want 2, nil", n, err)
	}
	if s := d.stored(t); len(s) != 1 {
		t.Fatalf("%d mails stored, want 1", len(s))
	}
	if srv.count(t) != 0 {
		t.Fatal("a duplicate was left in the mailbox")
	}
}

// TestPollOnceTooLarge checks that a message over the limit is flagged and
// left, logged once, and passed over by later polls.
func TestPollOnceTooLarge(t *testing.T) {
	d := newIMAPTestDesk(t)
	srv := startIMAPServer(t, imapServerOptions{})
	srv.append(t, append(imapTestMessage(1, ""), strings.Repeat("x", 4096)...))
	srv.append(t, imapTestMessage(2, ""))
	cfg := srv.config()
	cfg.MaxBytes = 2048
	p := &Poller{Inbox: d.ib, Config: cfg}
	for i := 0; i < 2; i++ {
		if n, err := p.PollOnce(d.ctx); err != nil || n != 1-i {
			t.Fatalf("poll %d = %d, %v; want %d, nil", i+1, n, err, 1-i)
		}
	}
	if s := d.stored(t); len(s) != 1 || s[0].MessageID != "<q2@client.example>" {
		t.Fatalf("stored %+v, want only the small message", s)
	}
	if srv.count(t) != 1 {
		t.Fatal("the large message was removed")
	}
	if c := strings.Count(d.logs.String(), "too large"); c != 1 {
		t.Fatalf("the large message was logged %d times, want once:\n%s", c, d.logs)
	}
	if c := srv.search(t, &imap.SearchCriteria{Flag: []imap.Flag{imap.FlagFlagged}}); c != 1 {
		t.Fatalf("%d flagged messages, want the large one", c)
	}
}

func TestPollOnceWrongPassword(t *testing.T) {
	d := newIMAPTestDesk(t)
	srv := startIMAPServer(t, imapServerOptions{})
	srv.append(t, imapTestMessage(1, ""))
	cfg := srv.config()
	cfg.Password = "wrong"
	n, err := (&Poller{Inbox: d.ib, Config: cfg}).PollOnce(d.ctx)
	if err == nil || n != 0 || !strings.Contains(err.Error(), "login") {
		t.Fatalf("PollOnce = %d, %v; want a login error", n, err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Fatalf("the error shows the password: %v", err)
	}
	if srv.count(t) != 1 {
		t.Fatal("mail left the mailbox")
	}
}

// TestPollOnceRefusesPlaintext checks that the password is never sent
// unencrypted to another machine; the addresses are not dialled at all.
func TestPollOnceRefusesPlaintext(t *testing.T) {
	d := newIMAPTestDesk(t)
	for _, addr := range []string{"192.0.2.1:143", "imap.example.com:143", "[2001:db8::1]:143", "imap.example.com"} {
		p := &Poller{Inbox: d.ib, Config: IMAPConfig{Addr: addr, Security: "none", Username: "u", Password: "p"}}
		start := time.Now()
		_, err := p.PollOnce(d.ctx)
		if err == nil || !strings.Contains(err.Error(), "refusing to send the imap password unencrypted") {
			t.Errorf("%s: %v, want a refusal", addr, err)
		}
		if time.Since(start) > time.Second {
			t.Errorf("%s: the refusal took %v; was the address dialled?", addr, time.Since(start))
		}
	}
	p := &Poller{Inbox: d.ib, Config: IMAPConfig{Addr: "127.0.0.1:143", Security: "plain", Username: "u"}}
	if _, err := p.PollOnce(d.ctx); err == nil || !strings.Contains(err.Error(), "unknown imap security") {
		t.Errorf("unknown security: %v", err)
	}
}

// testCertificate is a self-signed certificate for 127.0.0.1 and the pool
// that trusts it.
func testCertificate(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "imap test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func TestPollOnceTLS(t *testing.T) {
	cert, pool := testCertificate(t)
	serverTLS := &tls.Config{Certificates: []tls.Certificate{cert}}
	for _, tc := range []struct {
		security string
		implicit bool
	}{
		{IMAPSecurityTLS, true},
		{IMAPSecurityStartTLS, false},
	} {
		t.Run(tc.security, func(t *testing.T) {
			d := newIMAPTestDesk(t)
			srv := startIMAPServer(t, imapServerOptions{tls: serverTLS, implicit: tc.implicit})
			srv.append(t, imapTestMessage(1, ""))
			cfg := srv.config()
			cfg.Security = tc.security

			// Without trusting the certificate, the poller does not log in.
			if _, err := (&Poller{Inbox: d.ib, Config: cfg}).PollOnce(d.ctx); err == nil || !strings.Contains(err.Error(), "certificate") {
				t.Fatalf("untrusted certificate: %v", err)
			}
			cfg.TLSConfig = &tls.Config{RootCAs: pool}
			if n, err := (&Poller{Inbox: d.ib, Config: cfg}).PollOnce(d.ctx); err != nil || n != 1 {
				t.Fatalf("PollOnce = %d, %v; want 1, nil", n, err)
			}
		})
	}

	// A server that offers no STARTTLS is not talked to in the clear.
	d := newIMAPTestDesk(t)
	srv := startIMAPServer(t, imapServerOptions{})
	cfg := srv.config()
	cfg.Security, cfg.TLSConfig = IMAPSecurityStartTLS, &tls.Config{RootCAs: pool}
	if _, err := (&Poller{Inbox: d.ib, Config: cfg}).PollOnce(d.ctx); err == nil || !strings.Contains(err.Error(), "starttls") {
		t.Fatalf("STARTTLS not offered: %v", err)
	}
}

// TestRun checks that Run delivers mail as it arrives and returns when its
// context ends, also after failed polls.
func TestRun(t *testing.T) {
	d := newIMAPTestDesk(t)
	srv := startIMAPServer(t, imapServerOptions{})
	cfg := srv.config()
	cfg.Interval = 10 * time.Millisecond
	p := &Poller{Inbox: d.ib, Config: cfg}
	ctx, cancel := context.WithCancel(d.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.Run(ctx)
	}()
	srv.append(t, imapTestMessage(1, ""))
	srv.append(t, imapTestMessage(2, ""))
	deadline := time.Now().Add(10 * time.Second)
	for len(d.stored(t)) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("Run stored %d mails in 10 s, want 2", len(d.stored(t)))
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}

	// A poller that cannot log in keeps trying, and stops all the same.
	bad := *p
	bad.Config.Password = "wrong"
	ctx, cancel = context.WithTimeout(d.ctx, 100*time.Millisecond)
	defer cancel()
	bad.Run(ctx)
	if !strings.Contains(d.logs.String(), "imap poll failed") {
		t.Fatalf("the failed polls were not logged:\n%s", d.logs)
	}
}

func TestHeaderRecipients(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want []string
	}{
		{"Delivered-To: a@x.example\r\nX-Original-To: <b@x.example>\r\nEnvelope-To: c@x.example, D <d@x.example>\r\nSubject: hi\r\n\r\nDelivered-To: body@x.example\r\n",
			[]string{"a@x.example", "b@x.example", "c@x.example", "d@x.example"}},
		{"Delivered-To: a@x.example\nDelivered-To: e@x.example\n\nbody", []string{"a@x.example", "e@x.example"}},
		{"Subject: none\r\n\r\nbody", nil},
		{"Delivered-To: not an address\r\n\r\n", nil},
		{"Delivered-To: only-a-header@x.example", []string{"only-a-header@x.example"}},
	} {
		if got := headerRecipients([]byte(tc.raw)); !slices.Equal(got, tc.want) {
			t.Errorf("headerRecipients(%q) = %v, want %v", tc.raw, got, tc.want)
		}
	}
}

func TestIMAPBackoff(t *testing.T) {
	s := time.Second
	for _, tc := range []struct {
		interval time.Duration
		failures int
		want     time.Duration
	}{
		{30 * s, 1, 30 * s},
		{30 * s, 2, 60 * s},
		{30 * s, 3, 120 * s},
		{30 * s, 100, imapMaxBackoff},
		{time.Hour, 5, time.Hour},
	} {
		if got := imapBackoff(tc.interval, tc.failures); got != tc.want {
			t.Errorf("imapBackoff(%v, %d) = %v, want %v", tc.interval, tc.failures, got, tc.want)
		}
	}
}
