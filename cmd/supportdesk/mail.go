package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-smtp"

	"desk"
	"desk/inbox"
	"desk/mail"
	"desk/notify"
	"desk/outbox"
)

// parseSMTPURL reads smtp://user:password@host:port?security=starttls.
func parseSMTPURL(s string) (outbox.SMTP, error) {
	var c outbox.SMTP
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "smtp" || u.Hostname() == "" {
		return c, fmt.Errorf("smtp server %q: write smtp://user:password@host:587?security=starttls", redact(s))
	}
	c.Host = u.Hostname()
	c.Security = u.Query().Get("security")
	switch c.Security {
	case "":
		c.Security = outbox.SecurityStartTLS
	case outbox.SecurityStartTLS, outbox.SecurityTLS, outbox.SecurityNone:
	default:
		return c, fmt.Errorf("smtp server: security %q: choose starttls, tls or none", c.Security)
	}
	c.Port = 587
	if c.Security == outbox.SecurityTLS {
		c.Port = 465
	}
	if p := u.Port(); p != "" {
		if c.Port, err = strconv.Atoi(p); err != nil || c.Port <= 0 || c.Port > 65535 {
			return c, fmt.Errorf("smtp server: port %q is not a port", p)
		}
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	return c, nil
}

// imapTarget is a mailbox to poll, from imaps://user:password@host:993/INBOX
// (implicit TLS), imap://…?security=starttls or imap://…?security=none.
type imapTarget struct {
	addr, security, user, password, mailbox string
}

func parseIMAPURL(s string) (imapTarget, error) {
	var t imapTarget
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "imap" && u.Scheme != "imaps") || u.Hostname() == "" {
		return t, fmt.Errorf("imap mailbox %q: write imaps://user:password@host:993/INBOX", redact(s))
	}
	t.security, t.mailbox = "tls", strings.TrimPrefix(u.Path, "/")
	port := "993"
	if u.Scheme == "imap" {
		t.security, port = u.Query().Get("security"), "143"
		if t.security != "starttls" && t.security != "none" {
			return t, fmt.Errorf("imap mailbox: imap:// needs ?security=starttls or ?security=none; use imaps:// for TLS")
		}
	}
	if p := u.Port(); p != "" {
		port = p
	}
	t.addr = net.JoinHostPort(u.Hostname(), port)
	if u.User != nil {
		t.user = u.User.Username()
		t.password, _ = u.User.Password()
	}
	if t.mailbox == "" {
		t.mailbox = "INBOX"
	}
	return t, nil
}

// redact hides the password of a URL in error messages.
func redact(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			return u.String()
		}
	}
	return s
}

// mailSecret returns the reply-address secret: the configured one, or one
// made once and kept in the data directory.
func mailSecret(cfg Config) ([]byte, error) {
	if cfg.Mail.Secret != "" {
		return []byte(cfg.Mail.Secret), nil
	}
	path := filepath.Join(cfg.DataDir, "mail-secret")
	b, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return []byte(strings.TrimSpace(string(b))), nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read mail secret: %w", err)
	}
	var r [32]byte
	rand.Read(r[:])
	secret := hex.EncodeToString(r[:])
	// O_EXCL: two processes starting at once keep the same secret.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return mailSecret(cfg)
	} else if err != nil {
		return nil, fmt.Errorf("create mail secret: %w", err)
	}
	if _, err := f.WriteString(secret + "\n"); err != nil {
		f.Close()
		return nil, fmt.Errorf("write mail secret: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return []byte(secret), f.Close()
}

// mailParts are the pieces of the e-mail channel of a node.
type mailParts struct {
	renderer *notify.Renderer
	worker   *outbox.Worker
	inbox    *inbox.Inbox
	smtp     *inboxSMTP
	imap     *imapTarget
	capture  bool
}

// openMail sets up the e-mail channel: the desk's addresses, the outbox
// worker (SMTP or capture) and the inbox.
func (a *App) openMail(baseURL string) error {
	cfg := a.Config.Mail
	secret, err := mailSecret(a.Config)
	if err != nil {
		return err
	}
	if cfg.BaseURL != "" {
		baseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	a.Service.Mail = desk.MailConfig{Address: cfg.Address, Name: cfg.Name, Secret: secret, BaseURL: baseURL, AutoLimit: cfg.AutoLimit}
	from := cfg.Address
	if cfg.Name != "" {
		from = fmt.Sprintf("%q <%s>", cfg.Name, cfg.Address)
	}
	m := &mailParts{renderer: &notify.Renderer{From: from, BaseURL: baseURL, Product: "Supportdesk"}}
	var sender outbox.Sender = outbox.Capture{}
	m.capture = true
	if cfg.SMTP != "" {
		sc, err := parseSMTPURL(cfg.SMTP)
		if err != nil {
			return err
		}
		sender, m.capture = outbox.NewSMTPSender(sc), false
	}
	host, _ := os.Hostname()
	m.worker = &outbox.Worker{
		Store: a.Store, Renderer: m.renderer, Sender: sender, Clock: desk.SystemClock{},
		Owner: host + ":" + strconv.Itoa(os.Getpid()), AutoLimit: cfg.AutoLimit,
		Complete: a.Service.Mail.Complete, Logger: a.Logger,
	}
	limits := mail.Limits{MaxBytes: cfg.MaxBytes, MaxParts: cfg.MaxParts, CPU: cfg.CPU}
	m.inbox = &inbox.Inbox{Service: a.Service, Logger: a.Logger,
		Parse: func(raw []byte) (*desk.InMail, error) { return mail.Parse(raw, limits) }}
	if cfg.Listen != "" {
		domain := cfg.Address[strings.LastIndexByte(cfg.Address, '@')+1:]
		srv := m.inbox.SMTPServer(inbox.SMTPConfig{Domain: domain, MaxBytes: cfg.MaxBytes})
		ln, err := net.Listen("tcp", cfg.Listen)
		if err != nil {
			return fmt.Errorf("smtp listener: %w", err)
		}
		m.smtp = &inboxSMTP{srv: srv, ln: ln}
	}
	if cfg.IMAP != "" {
		t, err := parseIMAPURL(cfg.IMAP)
		if err != nil {
			return err
		}
		m.imap = &t
	}
	a.mail = m
	return nil
}

// preview renders an outgoing mail for the console's Mail page.
func (m *mailParts) preview(cfg desk.MailConfig) func(*desk.OutMail) (string, string, string, error) {
	return func(om *desk.OutMail) (string, string, string, error) {
		cfg.Complete(om)
		return m.renderer.Render(om)
	}
}

// run runs the mail jobs until ctx ends: recovery of stored but
// unprocessed mail, the outbox worker, the listener and the poller.
func (m *mailParts) run(ctx context.Context, a *App) {
	if n, err := m.inbox.Recover(ctx); err != nil {
		a.Logger.Error("recover received mail", "err", err)
	} else if n > 0 {
		a.Logger.Info("recovered received mail", "mails", n)
	}
	if m.smtp != nil {
		go func() {
			if err := m.smtp.srv.Serve(m.smtp.ln); err != nil && ctx.Err() == nil {
				a.Logger.Error("smtp listener", "err", err)
			}
		}()
		go func() { <-ctx.Done(); m.smtp.srv.Close() }()
	}
	m.startIMAP(ctx, a)
	m.worker.Run(ctx, mailInterval)
}

// mailInterval is how often the outbox is polled for due mail between the
// wake-ups that new mail brings.
const mailInterval = 2 * time.Second

// inboxSMTP is the inbound SMTP listener.
type inboxSMTP struct {
	srv *smtp.Server
	ln  net.Listener
}

// startIMAP starts polling the configured mailbox, if any.
func (m *mailParts) startIMAP(ctx context.Context, a *App) {
	if m.imap == nil {
		return
	}
	t := m.imap
	p := &inbox.Poller{Inbox: m.inbox, Config: inbox.IMAPConfig{
		Addr: t.addr, Security: t.security, Username: t.user, Password: t.password, Mailbox: t.mailbox,
	}}
	go p.Run(ctx)
}
