package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"desk"
)

// Config is the whole configuration of a node, from flags and SUPPORTDESK_*
// environment variables; a flag given on the command line wins over the
// environment.
type Config struct {
	// Addr is the HTTP listen address.
	Addr string
	// DataDir holds the SQLite file and the attachments.
	DataDir string
	// DB is a PostgreSQL DSN; empty means SQLite in DataDir.
	DB string
	// Demo seeds demo data into an empty store.
	Demo bool
	// SLAScheme is the SLA scheme (desk.SLASchemes) the demo's plans get
	// when the demo data is seeded; empty gives Business the Office 365
	// standard table and Enterprise the elevated one.
	SLAScheme string
	// AttachmentLimit is the largest attachment in bytes.
	AttachmentLimit int64
	// Secure marks the pages as served over HTTPS (directly or by a
	// proxy in front): session cookies get the __Host- prefix and Secure.
	Secure bool
	// CommunityURL is the vendor's user community, linked from the portal
	// for users who may not contact support; empty hides the link.
	CommunityURL string
	// Mail is the e-mail channel.
	Mail MailConfig
	// ShutdownTimeout bounds how long in-flight requests may take to finish
	// after SIGTERM.
	ShutdownTimeout time.Duration
	LogLevel        slog.Level
}

// MailConfig is how a node sends and receives mail.
type MailConfig struct {
	// Address is the support address; replies go to signed variants of it.
	Address string
	// Name is the display name mail is sent under.
	Name string
	// Secret signs reply addresses. Empty: a random secret kept in the
	// data directory, which suits one node; several nodes need the same
	// secret set here.
	Secret string
	// SMTP is the outgoing mail server as a URL,
	// smtp://user:password@host:587?security=starttls; empty keeps mail in
	// the outbox for staff to read (capture mode).
	SMTP string
	// Listen is the address of the inbound SMTP listener; empty for none.
	Listen string
	// IMAP is a mailbox to poll for inbound mail instead,
	// imaps://user:password@host:993/INBOX; empty for none.
	IMAP string
	// BaseURL is where links in mail point; empty for the HTTP address.
	BaseURL string
	// AutoLimit is the most automatic mails per address per hour.
	AutoLimit int
	// MaxBytes, MaxParts and CPU bound the work one received message may
	// cost; over them it is quarantined.
	MaxBytes int64
	MaxParts int
	CPU      time.Duration
}

// DefaultConfig returns the configuration used when nothing is set.
func DefaultConfig() Config {
	return Config{
		Addr:            "127.0.0.1:8080",
		DataDir:         "data",
		AttachmentLimit: desk.DefaultAttachmentLimit,
		ShutdownTimeout: 30 * time.Second,
		Mail: MailConfig{
			Address: "support@desk.example", Name: "Supportdesk", AutoLimit: desk.DefaultAutoLimit,
			MaxBytes: 25 << 20, MaxParts: 100, CPU: 2 * time.Second,
		},
		LogLevel: slog.LevelInfo,
	}
}

func defaultDemoDir() string { return filepath.Join(os.TempDir(), "supportdesk-demo") }

// StoreFlags defines the flags that select the store.
func (c *Config) StoreFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data directory: SQLite database and attachments (env SUPPORTDESK_DATA)")
	fs.StringVar(&c.DB, "db", c.DB, "PostgreSQL DSN, postgres://...; empty for SQLite in the data directory (env SUPPORTDESK_DB)")
}

// ServeFlags defines the flags of the serve and demo commands.
func (c *Config) ServeFlags(fs *flag.FlagSet) {
	c.StoreFlags(fs)
	fs.StringVar(&c.Addr, "addr", c.Addr, "HTTP listen address (env SUPPORTDESK_ADDR)")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "seed demo data into an empty store (env SUPPORTDESK_DEMO)")
	fs.StringVar(&c.CommunityURL, "community-url", c.CommunityURL, "address of the user community linked from the portal; empty hides it (env SUPPORTDESK_COMMUNITY_URL)")
	fs.StringVar(&c.SLAScheme, "sla-scheme", c.SLAScheme, "SLA scheme of the demo plans when seeding: "+
		strings.Join(desk.SLASchemes(), ", ")+"; empty for o365-standard on Business and o365-elevated on Enterprise (env SUPPORTDESK_SLA_SCHEME)")
	fs.Int64Var(&c.AttachmentLimit, "attachment-limit", c.AttachmentLimit, "largest attachment in bytes (env SUPPORTDESK_ATTACHMENT_LIMIT)")
	fs.BoolVar(&c.Secure, "secure-cookies", c.Secure, "the pages are reached over HTTPS: __Host- session cookies with Secure, and HSTS (env SUPPORTDESK_SECURE_COOKIES)")
	fs.StringVar(&c.Mail.Address, "mail-address", c.Mail.Address, "support e-mail address; replies come to signed variants of it (env SUPPORTDESK_MAIL_ADDRESS)")
	fs.StringVar(&c.Mail.Name, "mail-name", c.Mail.Name, "display name of outgoing mail (env SUPPORTDESK_MAIL_NAME)")
	fs.StringVar(&c.Mail.SMTP, "smtp", c.Mail.SMTP, "outgoing mail server, smtp://user:pass@host:587?security=starttls|tls|none; empty keeps mail in the outbox for staff to read (env SUPPORTDESK_SMTP)")
	fs.StringVar(&c.Mail.Listen, "smtp-listen", c.Mail.Listen, "address of the inbound SMTP listener, such as :2525; empty for none (env SUPPORTDESK_SMTP_LISTEN)")
	fs.StringVar(&c.Mail.IMAP, "imap", c.Mail.IMAP, "IMAP mailbox to poll for inbound mail, imaps://user:pass@host:993/INBOX; empty for none (env SUPPORTDESK_IMAP)")
	fs.StringVar(&c.Mail.BaseURL, "base-url", c.Mail.BaseURL, "public address of the pages, for links in mail; empty for the HTTP address (env SUPPORTDESK_BASE_URL)")
	fs.IntVar(&c.Mail.AutoLimit, "mail-auto-limit", c.Mail.AutoLimit, "most automatic mails per address per hour (env SUPPORTDESK_MAIL_AUTO_LIMIT)")
	fs.Int64Var(&c.Mail.MaxBytes, "mail-max-bytes", c.Mail.MaxBytes, "largest received message in bytes (env SUPPORTDESK_MAIL_MAX_BYTES)")
	fs.IntVar(&c.Mail.MaxParts, "mail-max-parts", c.Mail.MaxParts, "most MIME parts of a received message (env SUPPORTDESK_MAIL_MAX_PARTS)")
	fs.DurationVar(&c.Mail.CPU, "mail-cpu", c.Mail.CPU, "most time spent parsing one received message (env SUPPORTDESK_MAIL_CPU)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout, "how long in-flight requests may finish after SIGTERM")
}

// FromEnv fills in what the command line left unset from the environment.
func (c *Config) FromEnv(fs *flag.FlagSet) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	env := func(flagName, name string, apply func(string) error) error {
		v, ok := os.LookupEnv(name)
		if !ok || set[flagName] || fs.Lookup(flagName) == nil {
			return nil
		}
		if err := apply(v); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	}
	str := func(p *string) func(string) error { return func(v string) error { *p = v; return nil } }
	return firstErr(
		env("data", "SUPPORTDESK_DATA", str(&c.DataDir)),
		env("db", "SUPPORTDESK_DB", str(&c.DB)),
		env("addr", "SUPPORTDESK_ADDR", str(&c.Addr)),
		env("demo", "SUPPORTDESK_DEMO", func(v string) (err error) { c.Demo, err = strconv.ParseBool(v); return }),
		env("secure-cookies", "SUPPORTDESK_SECURE_COOKIES", func(v string) (err error) { c.Secure, err = strconv.ParseBool(v); return }),
		env("sla-scheme", "SUPPORTDESK_SLA_SCHEME", str(&c.SLAScheme)),
		env("community-url", "SUPPORTDESK_COMMUNITY_URL", str(&c.CommunityURL)),
		env("mail-address", "SUPPORTDESK_MAIL_ADDRESS", str(&c.Mail.Address)),
		env("mail-name", "SUPPORTDESK_MAIL_NAME", str(&c.Mail.Name)),
		env("smtp", "SUPPORTDESK_SMTP", str(&c.Mail.SMTP)),
		env("smtp-listen", "SUPPORTDESK_SMTP_LISTEN", str(&c.Mail.Listen)),
		env("imap", "SUPPORTDESK_IMAP", str(&c.Mail.IMAP)),
		env("base-url", "SUPPORTDESK_BASE_URL", str(&c.Mail.BaseURL)),
		env("mail-auto-limit", "SUPPORTDESK_MAIL_AUTO_LIMIT", func(v string) (err error) { c.Mail.AutoLimit, err = strconv.Atoi(v); return }),
		env("mail-max-bytes", "SUPPORTDESK_MAIL_MAX_BYTES", func(v string) (err error) { c.Mail.MaxBytes, err = strconv.ParseInt(v, 10, 64); return }),
		env("mail-max-parts", "SUPPORTDESK_MAIL_MAX_PARTS", func(v string) (err error) { c.Mail.MaxParts, err = strconv.Atoi(v); return }),
		env("mail-cpu", "SUPPORTDESK_MAIL_CPU", func(v string) (err error) { c.Mail.CPU, err = time.ParseDuration(v); return }),
		func() error {
			// A secret is not a flag: flags show in process listings.
			if v, ok := os.LookupEnv("SUPPORTDESK_MAIL_SECRET"); ok {
				c.Mail.Secret = v
			}
			return nil
		}(),
		env("attachment-limit", "SUPPORTDESK_ATTACHMENT_LIMIT", func(v string) (err error) {
			c.AttachmentLimit, err = strconv.ParseInt(v, 10, 64)
			return
		}),
		func() error {
			if v := os.Getenv("SUPPORTDESK_LOG_LEVEL"); v != "" {
				return c.LogLevel.UnmarshalText([]byte(strings.ToUpper(v)))
			}
			return nil
		}(),
	)
}

// Validate refuses settings that cannot work, before anything starts.
func (c *Config) Validate() error {
	if c.SLAScheme != "" && !desk.ValidSLAScheme(c.SLAScheme) {
		return fmt.Errorf("SLA scheme %q: choose one of %s", c.SLAScheme, strings.Join(desk.SLASchemes(), ", "))
	}
	if a, err := mail.ParseAddress(c.Mail.Address); err != nil || a.Address != c.Mail.Address || strings.Contains(c.Mail.Address, "+") {
		return fmt.Errorf("mail address %q: give a plain address such as support@example.com, without a +tag", c.Mail.Address)
	}
	if c.Mail.SMTP != "" {
		if _, err := parseSMTPURL(c.Mail.SMTP); err != nil {
			return err
		}
	}
	if c.Mail.IMAP != "" {
		if _, err := parseIMAPURL(c.Mail.IMAP); err != nil {
			return err
		}
	}
	if c.Mail.MaxBytes <= 0 || c.Mail.MaxParts <= 0 || c.Mail.CPU <= 0 || c.Mail.AutoLimit < 0 {
		return fmt.Errorf("mail limits must be positive")
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
