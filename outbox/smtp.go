package outbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTP is how to reach the mail server.
type SMTP struct {
	Host string
	Port int
	// Security is "starttls" (the default: the server must offer STARTTLS
	// or nothing is sent), "tls" (implicit TLS, usually port 465) or
	// "none" (plain text, for loopback and tests only).
	Security string
	// Username and Password, when set, authenticate with AUTH PLAIN (or
	// LOGIN if the server offers only that). They are never sent over an
	// unencrypted connection except to a loopback address.
	Username, Password string
	// HeloName is the name the desk gives in EHLO; "localhost" if empty.
	HeloName string
	// Timeout bounds each step: dialling, the greeting, every command and
	// the reply to a message's data. The default is 30 seconds.
	Timeout time.Duration
	// TLSConfig is used for STARTTLS and implicit TLS; its ServerName
	// defaults to Host.
	TLSConfig *tls.Config
}

// Security values of SMTP.
const (
	SecurityStartTLS = "starttls"
	SecurityTLS      = "tls"
	SecurityNone     = "none"
)

// maxConns is the most connections one Send opens at once. A few parallel
// connections hide the round trips of a single SMTP session; more would
// only invite the server's per-client connection limits.
const maxConns = 4

// minPerConn is the fewest messages worth a connection of their own: below
// it the TLS handshake and EHLO cost more than the parallelism gains.
const minPerConn = 8

// NewSMTPSender returns a Sender that delivers through the SMTP server c
// describes. A batch goes over up to four connections at once, each
// delivering its share of the messages one after another.
func NewSMTPSender(c SMTP) Sender {
	if c.Security == "" {
		c.Security = SecurityStartTLS
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if c.HeloName == "" {
		c.HeloName = "localhost"
	}
	if c.Port == 0 {
		c.Port = 587
		if c.Security == SecurityTLS {
			c.Port = 465
		}
	}
	return &smtpSender{c: c}
}

type smtpSender struct {
	c SMTP
}

// Send delivers msgs and reports an error for each message that the server
// did not accept. Errors carry the server's *smtp.SMTPError where there was
// one, so that Permanent can tell a 5xx refusal from a 4xx deferral.
func (s *smtpSender) Send(ctx context.Context, msgs []Envelope) []error {
	errs := make([]error, len(msgs))
	if len(msgs) == 0 {
		return errs
	}
	if err := s.check(); err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	n := min(maxConns, (len(msgs)+minPerConn-1)/minPerConn)
	var wg sync.WaitGroup
	for i := range n {
		lo, hi := i*len(msgs)/n, (i+1)*len(msgs)/n
		wg.Go(func() { s.sendShare(ctx, msgs[lo:hi], errs[lo:hi]) })
	}
	wg.Wait()
	return errs
}

// check refuses a configuration that cannot work before any connection is
// made.
func (s *smtpSender) check() error {
	switch s.c.Security {
	case SecurityStartTLS, SecurityTLS:
	case SecurityNone:
		if s.c.Username != "" && !isLoopback(s.c.Host) {
			return fmt.Errorf("smtp %s: refusing to send credentials without TLS to a host that is not loopback", s.c.Host)
		}
	default:
		return fmt.Errorf("smtp %s: unknown security %q (want starttls, tls or none)", s.c.Host, s.c.Security)
	}
	return nil
}

// sendShare delivers msgs over one connection. When the connection drops,
// it reconnects and goes on, but only if the lost connection delivered
// something or it is the first loss: a server that hangs up on every
// attempt must not be hammered for the rest of the batch, whose messages
// then share the error and wait for the next run.
func (s *smtpSender) sendShare(ctx context.Context, msgs []Envelope, errs []error) {
	var c *client
	defer func() {
		if c != nil {
			c.quit()
		}
	}()
	reconnected := false
	for i := 0; i < len(msgs); i++ {
		if err := ctx.Err(); err != nil {
			errs[i] = fmt.Errorf("%w: %w", ErrNotAttempted, err)
			continue
		}
		if c == nil {
			var err error
			if c, err = s.dial(ctx); err != nil {
				// The server cannot be reached: every message left shares
				// the failure rather than dialling once for each.
				for j := i; j < len(msgs); j++ {
					errs[j] = err
				}
				return
			}
		}
		err := c.send(msgs[i])
		switch {
		case err == nil:
			c.delivered++
		case !connectionLost(err):
			// The server refused this message; RSET ends the failed
			// transaction so that the next message starts clean.
			errs[i] = fmt.Errorf("smtp %s: deliver to %s: %w", s.c.Host, msgs[i].To, err)
			if rerr := c.Reset(); rerr != nil {
				c.close()
				c = nil
			}
		default:
			c.close()
			retry := !reconnected || c.delivered > 0
			c, reconnected = nil, true
			if retry && ctx.Err() == nil {
				// Try this message again on a new connection. Had the server
				// taken it just before the line dropped, it arrives twice,
				// with one Message-ID: the same as a resend after a crash.
				i--
				continue
			}
			err = fmt.Errorf("smtp %s: deliver to %s: %w", s.c.Host, msgs[i].To, err)
			errs[i] = err
			for j := i + 1; j < len(msgs); j++ {
				if ctx.Err() != nil {
					errs[j] = fmt.Errorf("%w: %w", ErrNotAttempted, ctx.Err())
				} else {
					errs[j] = err
				}
			}
			return
		}
	}
}

// client is one SMTP session and what it achieved.
type client struct {
	*smtp.Client
	stop      func() bool // unhooks the context watcher
	delivered int
}

// dial opens a session: connect, TLS as configured, EHLO and AUTH.
func (s *smtpSender) dial(ctx context.Context) (*client, error) {
	addr := net.JoinHostPort(s.c.Host, strconv.Itoa(s.c.Port))
	fail := func(step string, err error) (*client, error) {
		return nil, fmt.Errorf("smtp %s: %s: %w", addr, step, err)
	}
	dialer := &net.Dialer{Timeout: s.c.Timeout}
	var conn net.Conn
	var err error
	if s.c.Security == SecurityTLS {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: s.tlsConfig()}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fail("connect", err)
	}
	// go-smtp takes no context; closing the connection when ctx ends
	// interrupts whatever it is waiting for.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	var c *smtp.Client
	if s.c.Security == SecurityStartTLS {
		// NewClientStartTLS says EHLO as "localhost" before STARTTLS; the
		// HeloName follows on the encrypted connection, where it counts.
		// It fails when the server does not offer STARTTLS, which is the
		// point: the desk does not fall back to plain text.
		// The client's own command timeout (five minutes) cannot be set
		// before this exchange, so a timer bounds it instead.
		timer := time.AfterFunc(s.c.Timeout, func() { conn.Close() })
		c, err = smtp.NewClientStartTLS(conn, s.tlsConfig())
		if !timer.Stop() && err == nil {
			c.Close()
			err = errors.New("timed out")
		}
		if err != nil {
			stop()
			conn.Close()
			return fail("starttls", err)
		}
	} else {
		c = smtp.NewClient(conn)
	}
	c.CommandTimeout = s.c.Timeout
	c.SubmissionTimeout = s.c.Timeout
	cl := &client{Client: c, stop: stop}
	if err := c.Hello(s.c.HeloName); err != nil {
		cl.close()
		return fail("hello", err)
	}
	if s.c.Username != "" {
		if err := s.auth(c); err != nil {
			cl.close()
			return fail("auth", err)
		}
	}
	return cl, nil
}

// auth authenticates with PLAIN, or LOGIN for servers that offer only that.
func (s *smtpSender) auth(c *smtp.Client) error {
	if _, tlsOn := c.TLSConnectionState(); !tlsOn && !isLoopback(s.c.Host) {
		return errors.New("refusing to send credentials over an unencrypted connection")
	}
	switch {
	case c.SupportsAuth(sasl.Plain):
		return c.Auth(sasl.NewPlainClient("", s.c.Username, s.c.Password))
	case c.SupportsAuth(sasl.Login):
		return c.Auth(sasl.NewLoginClient(s.c.Username, s.c.Password))
	}
	return errors.New("server offers neither AUTH PLAIN nor AUTH LOGIN")
}

func (s *smtpSender) tlsConfig() *tls.Config {
	var cfg *tls.Config
	if s.c.TLSConfig != nil {
		cfg = s.c.TLSConfig.Clone()
	} else {
		cfg = &tls.Config{}
	}
	if cfg.ServerName == "" {
		cfg.ServerName = s.c.Host
	}
	return cfg
}

// send runs one mail transaction. A completed DATA ends the transaction
// (RFC 5321, section 4.1.1.4), so a successful message needs no RSET
// before the next one; only a failed transaction is reset, by the caller.
func (c *client) send(e Envelope) error {
	return c.SendMail(e.From, []string{e.To}, bytes.NewReader(e.Data))
}

func (c *client) close() {
	c.stop()
	c.Close()
}

// quit ends the session politely; the messages are delivered already, so
// an error here changes nothing.
func (c *client) quit() {
	c.stop()
	if err := c.Quit(); err != nil {
		c.Close()
	}
}

// connectionLost reports whether err means the session is gone, rather
// than that the server refused one message: any error that is not an SMTP
// reply, and 421, with which a server announces that it closes the
// connection.
func connectionLost(err error) bool {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code == 421
	}
	return true
}

// isLoopback reports whether host names this machine, where credentials
// never cross a network.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
