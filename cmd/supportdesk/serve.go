package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"desk"
	"desk/blobs"
	"desk/demo"
	"desk/jobs"
	"desk/passwd"
	"desk/postgres"
	"desk/sqlite"
	"desk/status"
	"desk/ui"
	"desk/web"
	"desk/webhook"
)

// store is a desk.Store that can migrate its schema.
type store interface {
	desk.Store
	Migrate(ctx context.Context) error
}

// openStore opens and migrates the configured store.
func openStore(ctx context.Context, cfg Config) (store, error) {
	var s store
	if cfg.DB != "" {
		db, err := postgres.Open(ctx, cfg.DB)
		if err != nil {
			return nil, err
		}
		s = db
	} else {
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		db, err := sqlite.Open(ctx, filepath.Join(cfg.DataDir, "supportdesk.db"))
		if err != nil {
			return nil, err
		}
		s = db
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// App is one running node: store, service and HTTP server.
type App struct {
	Config  Config
	Logger  *slog.Logger
	Store   store
	Blobs   *blobs.Dir
	Service *desk.Service
	server  *http.Server
	ln      net.Listener
	// stopJobs ends the background jobs; jobsDone closes when they have.
	stopJobs context.CancelFunc
	jobsDone chan struct{}
	mail     *mailParts
	// status is the public status page, served from a snapshot that a
	// background job keeps current.
	status *status.Page
	// closeBus stops the PostgreSQL event bus's listener; nil on SQLite.
	closeBus func() error
}

// Open opens the store, seeds demo data if configured and starts listening.
// A Store set beforehand is used as it is.
func (a *App) Open(ctx context.Context) error {
	var err error
	if a.Store == nil {
		if a.Store, err = openStore(ctx, a.Config); err != nil {
			return err
		}
	}
	s := a.Store
	if err := os.MkdirAll(filepath.Join(a.Config.DataDir, "attachments"), 0o700); err != nil {
		return fmt.Errorf("create attachment directory: %w", err)
	}
	if a.Blobs, err = blobs.Open(filepath.Join(a.Config.DataDir, "attachments")); err != nil {
		return err
	}
	bus, err := a.openBus(ctx)
	if err != nil {
		return err
	}
	a.Service = desk.NewService(s, a.Blobs, bus, desk.SystemClock{})
	a.Service.AttachmentLimit = a.Config.AttachmentLimit
	a.Service.Passwords = passwd.Checker{}
	a.Service.Logger = a.Logger
	// Webhook destinations are vetted when saved; the sending client
	// checks every connection again (package webhook).
	a.Service.CheckURL = webhook.CheckURL
	if h, err := passwd.Hash("no user has this password"); err == nil {
		desk.SetDummyHash(h)
	}
	// The calendars the desk ships with are data an admin may change;
	// store those missing, so that SLA policies can name them.
	if _, err := a.Service.SeedCalendars(ctx); err != nil {
		return err
	}
	if a.ln, err = net.Listen("tcp", a.Config.Addr); err != nil {
		return err
	}
	if err := a.openMail(a.URL()); err != nil {
		return err
	}
	// Seeding after the mail set-up gives the demo's capture page the
	// notifications its cases caused.
	if a.Config.Demo {
		if err := demo.SeedScheme(ctx, a.Service, a.Config.SLAScheme); err != nil {
			return fmt.Errorf("seed demo data: %w", err)
		}
	}
	a.status = &status.Page{Service: a.Service, Bus: a.Service.Bus, Logger: a.Logger,
		BaseURL: a.Service.Mail.BaseURL, Name: "Supportdesk"}
	if a.status.BaseURL == "" {
		a.status.BaseURL = a.URL()
	}
	// A first snapshot now, so that the page answers even before the jobs
	// start; StartJobs keeps it current.
	if err := a.status.Rebuild(ctx); err != nil {
		return err
	}
	statusPage := a.status.Handler()
	api := (&web.Server{Service: a.Service, Store: s, Logger: a.Logger}).Handler()
	pages := (&ui.Server{Service: a.Service, Logger: a.Logger, Secure: a.Config.Secure,
		SeverityScheme: severityLabels(a.Config.SLAScheme),
		MailPreview:    a.mail.preview(a.Service.Mail), MailCapture: a.mail.capture,
		CommunityURL: a.Config.CommunityURL}).Handler()
	mux := http.NewServeMux()
	mux.Handle("/api/", api)
	mux.Handle("/api/v2/", statusPage)
	mux.Handle("/status", statusPage)
	mux.Handle("/status/", statusPage)
	mux.Handle("/healthz", api)
	mux.Handle("/readyz", api)
	mux.Handle("/", pages)
	a.server = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		// Long enough for a 25 MB attachment over a slow line; bounded, so
		// a trickled body cannot hold a connection for ever.
		ReadTimeout: 5 * time.Minute,
		IdleTimeout: 2 * time.Minute,
		ErrorLog:    slog.NewLogLogger(a.Logger.Handler(), slog.LevelWarn),
	}
	return nil
}

// severityLabels is how the pages label severities for an SLA scheme: the
// Google policy speaks of P1–P4, the Microsoft tables of A, B and C.
func severityLabels(scheme string) string {
	if scheme == desk.SchemeGoogle {
		return "p"
	}
	return "abc"
}

// URL returns the address the node serves on.
func (a *App) URL() string { return "http://" + a.ln.Addr().String() }

// StartJobs starts the background jobs (the SLA timer sweeper, the
// outbox worker, the inbound mail listener and poller) until Close.
func (a *App) StartJobs() {
	ctx, cancel := context.WithCancel(context.Background())
	a.stopJobs, a.jobsDone = cancel, make(chan struct{})
	sw := jobs.New(a.Service, a.Logger)
	var wg sync.WaitGroup
	wg.Go(func() { sw.Run(ctx) })
	// Incident news to the status page's e-mail subscribers.
	wg.Go(func() { jobs.NewStatusMailer(a.Service, a.Logger).Run(ctx) })
	if a.mail != nil {
		wg.Go(func() { a.mail.run(ctx, a) })
	}
	host, _ := os.Hostname()
	hooks := &webhook.Worker{Store: a.Store, Clock: desk.SystemClock{}, Logger: a.Logger,
		Owner: fmt.Sprintf("%s:%d", host, os.Getpid())}
	wg.Go(func() { hooks.Run(ctx, webhookInterval) })
	// Calendars and SLA policies changed on another node drop out of
	// this node's cache when the bus announces them.
	wg.Go(func() { a.Service.FollowCatalogue(ctx) })
	if a.status != nil {
		if err := a.status.Start(ctx); err != nil {
			a.Logger.Error("status page", "err", err)
		}
	}
	go func() {
		wg.Wait()
		close(a.jobsDone)
	}()
}

// webhookInterval is how often the webhook queue is polled for deliveries
// that have come due.
const webhookInterval = 5 * time.Second

// Serve serves requests until Shutdown.
func (a *App) Serve() error {
	if err := a.server.Serve(a.ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Close stops accepting requests, lets in-flight ones finish within the
// configured timeout, and closes the store.
func (a *App) Close() error {
	var errs []error
	if a.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
		defer cancel()
		errs = append(errs, a.server.Shutdown(ctx))
	} else if a.ln != nil {
		errs = append(errs, a.ln.Close())
	}
	if a.stopJobs != nil {
		a.stopJobs()
		<-a.jobsDone
	} else if a.mail != nil && a.mail.smtp != nil {
		errs = append(errs, a.mail.smtp.ln.Close())
	}
	if a.closeBus != nil {
		errs = append(errs, a.closeBus())
	}
	if a.Blobs != nil {
		errs = append(errs, a.Blobs.Close())
	}
	if a.Store != nil {
		errs = append(errs, a.Store.Close())
	}
	return errors.Join(errs...)
}

func serve(ctx context.Context, cfg Config, logger *slog.Logger, stdout io.Writer) error {
	a := &App{Config: cfg, Logger: logger}
	if err := a.Open(ctx); err != nil {
		a.Close()
		return err
	}
	a.StartJobs()
	done := make(chan error, 1)
	go func() { done <- a.Serve() }()
	store := "SQLite in " + cfg.DataDir
	if cfg.DB != "" {
		store = "PostgreSQL"
	}
	fmt.Fprintf(stdout, "Supportdesk is serving on %s (%s)\n", a.URL(), store)
	fmt.Fprintf(stdout, "Sign in at %s/login (customers: support portal; staff: agent console)\n", a.URL())
	fmt.Fprintf(stdout, "API description: %s/api/v1/openapi.json\n", a.URL())
	fmt.Fprintf(stdout, "Status page: %s/status (feeds and /api/v2/summary.json; no sign-in)\n", a.URL())
	if a.mail.capture {
		fmt.Fprintf(stdout, "Mail: capture mode, outgoing mail is kept for staff at %s/console/mail (set --smtp to send)\n", a.URL())
	} else {
		fmt.Fprintf(stdout, "Mail: sending through %s\n", redact(cfg.Mail.SMTP))
	}
	if a.mail.smtp != nil {
		fmt.Fprintf(stdout, "Mail: receiving SMTP for %s on %s\n", cfg.Mail.Address, a.mail.smtp.ln.Addr())
	}
	if cfg.Demo {
		if err := printDemoLogins(ctx, a, stdout); err != nil {
			a.Close()
			return err
		}
	}
	select {
	case err := <-done:
		a.Close()
		return err
	case <-ctx.Done():
		logger.Info("shutting down: draining in-flight requests")
		err := a.Close()
		<-done
		return err
	}
}

func printDemoLogins(ctx context.Context, a *App, w io.Writer) error {
	fmt.Fprintf(w, "\nDemo logins (password %q for all), each with a fresh API token:\n\n", demo.Password)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  LOGIN\tROLE\tORGANISATION\tAPI TOKEN")
	for _, l := range demo.Logins() {
		tok, err := newToken(ctx, a.Store, l.Email)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", l.Email, l.Role, l.Org, tok)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nTry: curl -H 'Authorization: Bearer <token>' %s/api/v1/cases\n", a.URL())
	return nil
}

func migrate(ctx context.Context, cfg Config, stdout io.Writer) error {
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintln(stdout, "migrations applied")
	return nil
}

func token(ctx context.Context, cfg Config, email string, stdout io.Writer) error {
	if email == "" {
		return errors.New("token: --user EMAIL is required")
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	tok, err := newToken(ctx, s, email)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "API token for %s: %s\n", strings.ToLower(email), tok)
	return nil
}

// newToken creates an API token for a user: 160 random bits, of which the
// store keeps only the SHA-256.
func newToken(ctx context.Context, s desk.Store, email string) (string, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return "", fmt.Errorf("token for %s: %w", email, err)
	}
	var b [20]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	tok := "sdk_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
	h := sha256.Sum256([]byte(tok))
	now := desk.SystemClock{}.Now()
	if err := s.CreateToken(ctx, u.ID, h[:], now); err != nil {
		return "", err
	}
	// The token itself is never recorded; a prefix of its hash identifies it.
	if err := s.AppendAudit(ctx, &desk.AuditEntry{At: now, OrgID: u.OrgID, Action: "token.create",
		ObjectType: "user", ObjectID: fmt.Sprint(u.ID), RemoteAddr: "cli",
		Detail: fmt.Sprintf(`{"token_sha256_prefix":"%x"}`, h[:4])}); err != nil {
		return "", err
	}
	return tok, nil
}
