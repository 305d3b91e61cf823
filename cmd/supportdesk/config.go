package main

import (
	"flag"
	"fmt"
	"log/slog"
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
	// ShutdownTimeout bounds how long in-flight requests may take to finish
	// after SIGTERM.
	ShutdownTimeout time.Duration
	LogLevel        slog.Level
}

// DefaultConfig returns the configuration used when nothing is set.
func DefaultConfig() Config {
	return Config{
		Addr:            "127.0.0.1:8080",
		DataDir:         "data",
		AttachmentLimit: desk.DefaultAttachmentLimit,
		ShutdownTimeout: 30 * time.Second,
		LogLevel:        slog.LevelInfo,
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
	fs.StringVar(&c.SLAScheme, "sla-scheme", c.SLAScheme, "SLA scheme of the demo plans when seeding: "+
		strings.Join(desk.SLASchemes(), ", ")+"; empty for o365-standard on Business and o365-elevated on Enterprise (env SUPPORTDESK_SLA_SCHEME)")
	fs.Int64Var(&c.AttachmentLimit, "attachment-limit", c.AttachmentLimit, "largest attachment in bytes (env SUPPORTDESK_ATTACHMENT_LIMIT)")
	fs.BoolVar(&c.Secure, "secure-cookies", c.Secure, "the pages are reached over HTTPS: __Host- session cookies with Secure, and HSTS (env SUPPORTDESK_SECURE_COOKIES)")
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
