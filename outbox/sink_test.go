package outbox_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"desk/outbox"
)

// sink is a real SMTP server on loopback that records every message it
// accepts. Recipients steer its answers: "reject…@" is refused with 550,
// and a recipient in busy is deferred with 451 as many times as it says.
type sink struct {
	srv  *smtp.Server
	addr *net.TCPAddr
	// user and pass, when set, are the only credentials accepted; mail
	// without authentication is refused.
	user, pass string
	// perConn, when positive, is how many messages a connection takes
	// before the server answers 421 and hangs up; hangUp does that before
	// the first.
	perConn int
	hangUp  bool

	mu       sync.Mutex
	msgs     []received
	sessions int
	busy     map[string]int
}

// received is one accepted message.
type received struct {
	from, to  string
	messageID string
	data      []byte
	tls       bool
	session   int
}

type sinkOptions struct {
	tls *tls.Config // offers STARTTLS with it
	// clientTLS is the configuration the desk's side uses.
	clientTLS *tls.Config
	implicit  bool // the listener speaks TLS from the start
	user      string
	pass      string
	perConn   int
	hangUp    bool
}

func newSink(t testing.TB, o sinkOptions) *sink {
	s := &sink{user: o.user, pass: o.pass, perConn: o.perConn, hangUp: o.hangUp, busy: make(map[string]int)}
	s.srv = smtp.NewServer(smtp.BackendFunc(s.newSession))
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	// Authentication is allowed without TLS here only because the tests
	// that use it run on loopback; the sender decides whether to send
	// credentials, which is what the tests check.
	s.srv.AllowInsecureAuth = true
	var l net.Listener
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if o.implicit {
		l = tls.NewListener(l, o.tls)
	} else {
		s.srv.TLSConfig = o.tls
	}
	s.addr = l.Addr().(*net.TCPAddr)
	go s.srv.Serve(l)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

// config returns the client side's settings for this server.
func (s *sink) config(security string) outbox.SMTP {
	return outbox.SMTP{Host: "127.0.0.1", Port: s.addr.Port, Security: security, HeloName: "desk.test", Timeout: 5 * time.Second}
}

func (s *sink) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

func (s *sink) sessionCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions
}

// defer451 makes the server defer mail to rcpt n times.
func (s *sink) defer451(rcpt string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busy[rcpt] = n
}

func (s *sink) newSession(c *smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions++
	return &session{sink: s, conn: c, id: s.sessions}, nil
}

type session struct {
	sink      *sink
	conn      *smtp.Conn
	id        int
	authed    bool
	from      string
	to        []string
	delivered int
}

var _ smtp.AuthSession = (*session)(nil)

func (ss *session) AuthMechanisms() []string {
	if ss.sink.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != ss.sink.user || password != ss.sink.pass {
			return smtp.ErrAuthFailed
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.sink.user != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	if ss.sink.hangUp || ss.sink.perConn > 0 && ss.delivered >= ss.sink.perConn {
		// Hang up after the reply, as a server with a per-connection
		// message limit does.
		go func() {
			time.Sleep(20 * time.Millisecond)
			ss.conn.Close()
		}()
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "too many messages, closing"}
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasPrefix(to, "reject") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	ss.sink.mu.Lock()
	defer ss.sink.mu.Unlock()
	if ss.sink.busy[to] > 0 {
		ss.sink.busy[to]--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "malformed message"}
	}
	_, isTLS := ss.conn.TLSConnectionState()
	ss.sink.mu.Lock()
	defer ss.sink.mu.Unlock()
	for _, to := range ss.to {
		ss.sink.msgs = append(ss.sink.msgs, received{from: ss.from, to: to, messageID: msg.Header.Get("Message-Id"),
			data: data, tls: isTLS, session: ss.id})
	}
	ss.delivered++
	return nil
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }

// selfSigned returns a server certificate for 127.0.0.1 and localhost and
// a client configuration that trusts it, and nothing else.
func selfSigned(t testing.TB) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "outbox test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool}
}

// testClock is a clock the test moves by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock {
	return &testClock{t: time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// countByMessageID counts the copies of each message the sink received.
func countByMessageID(msgs []received) map[string]int {
	n := make(map[string]int)
	for _, m := range msgs {
		n[m.messageID]++
	}
	return n
}

// sendDirect sends envelopes with a sender and returns the errors, for the
// tests of the SMTP sender alone.
func sendDirect(c outbox.SMTP, envs ...outbox.Envelope) []error {
	return outbox.NewSMTPSender(c).Send(context.Background(), envs)
}

func envelope(to string, n int) outbox.Envelope {
	id := "<direct" + strconv.Itoa(n) + "@desk.test>"
	return outbox.Envelope{From: "support@desk.example", To: to,
		Data: []byte("From: support@desk.example\r\nTo: " + to + "\r\nMessage-Id: " + id + "\r\nSubject: test\r\n\r\nHello.\r\n")}
}

var errCrash = errors.New("simulated crash before the results were recorded")
