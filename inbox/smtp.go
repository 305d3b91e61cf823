package inbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// SMTPConfig is how the listener takes mail.
type SMTPConfig struct {
	// Domain is the name the server greets with, and the only mail domain
	// it accepts recipients for: it is no relay.
	Domain string
	// MaxBytes is the largest message accepted (default 25 MB).
	MaxBytes int64
	// TLSConfig, when set, offers STARTTLS.
	TLSConfig *tls.Config
	// Timeout bounds each read and write (default 60 s).
	Timeout time.Duration
}

// DefaultMaxBytes is the default size limit of a received message.
const DefaultMaxBytes = 25 << 20

// SMTPServer returns an SMTP server that hands each accepted message to
// the inbox. Serve it on a listener; Close or Shutdown it to stop.
func (ib *Inbox) SMTPServer(c SMTPConfig) *smtp.Server {
	if c.MaxBytes <= 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.Timeout <= 0 {
		c.Timeout = 60 * time.Second
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{ib: ib, domain: strings.ToLower(c.Domain), max: c.MaxBytes}, nil
	}))
	srv.Domain = c.Domain
	srv.MaxMessageBytes = c.MaxBytes
	srv.MaxRecipients = 50
	srv.ReadTimeout, srv.WriteTimeout = c.Timeout, c.Timeout
	srv.TLSConfig = c.TLSConfig
	srv.ErrorLog = slogAdapter{ib}
	return srv
}

type slogAdapter struct{ ib *Inbox }

func (a slogAdapter) Printf(format string, v ...any) {
	a.ib.logger().Warn("smtp", "msg", strings.TrimSpace(fmt.Sprintf(format, v...)))
}
func (a slogAdapter) Println(v ...any) {
	a.ib.logger().Warn("smtp", "msg", strings.TrimSpace(fmt.Sprintln(v...)))
}

// session is one SMTP conversation's current message.
type session struct {
	ib     *Inbox
	domain string
	max    int64
	rcpts  []string
}

func (s *session) Reset()        { s.rcpts = nil }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error { return nil }

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	at := strings.LastIndexByte(to, '@')
	if at < 0 || !strings.EqualFold(to[at+1:], s.domain) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "relay access denied"}
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(r, s.max+1)); err != nil {
		if errors.Is(err, smtp.ErrDataTooLarge) {
			return err
		}
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "message not received in full; try again"}
	}
	if int64(buf.Len()) > s.max {
		return smtp.ErrDataTooLarge
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := s.ib.Deliver(ctx, buf.Bytes(), s.rcpts); err != nil {
		s.ib.logger().Error("store received mail", "err", err)
		// Not stored, so not accepted: the sending server tries again.
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "temporary failure; try again later"}
	}
	return nil
}
