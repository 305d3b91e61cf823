package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"strings"
	"testing"

	"desk"
	"desk/bizhours"
)

// TestSLASchemeConfig: the scheme comes from --sla-scheme or
// SUPPORTDESK_SLA_SCHEME, the flag winning, and an unknown one stops the
// command before it starts.
func TestSLASchemeConfig(t *testing.T) {
	t.Setenv("SUPPORTDESK_SLA_SCHEME", "google")
	parse := func(args ...string) Config {
		t.Helper()
		cfg := DefaultConfig()
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		cfg.ServeFlags(fs)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		if err := cfg.FromEnv(fs); err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	if cfg := parse(); cfg.SLAScheme != "google" {
		t.Errorf("from the environment: scheme %q, want google", cfg.SLAScheme)
	}
	if cfg := parse("--sla-scheme", "vianet"); cfg.SLAScheme != "vianet" || cfg.Validate() != nil {
		t.Errorf("from the flag: scheme %q (%v), want vianet", cfg.SLAScheme, cfg.Validate())
	}

	var errb bytes.Buffer
	code := run(context.Background(), []string{"serve", "--data", t.TempDir(), "--sla-scheme", "gold"}, io.Discard, &errb)
	if code != 2 || !strings.Contains(errb.String(), `SLA scheme "gold"`) {
		t.Fatalf("unknown scheme: exit %d, stderr %q", code, errb.String())
	}
}

// TestOpenSeedsCalendarsAndScheme: every start stores the shipped
// calendars; the demo seed gives its plans the chosen scheme.
func TestOpenSeedsCalendarsAndScheme(t *testing.T) {
	ctx := context.Background()
	cfg := DefaultConfig()
	cfg.Addr, cfg.DataDir = "127.0.0.1:0", t.TempDir()
	a := &App{Config: cfg, Logger: discardLogger()}
	if err := a.Open(ctx); err != nil {
		t.Fatal(err)
	}
	cals, err := a.Store.Calendars(ctx)
	if err != nil || len(cals) != len(bizhours.Seeded()) {
		t.Fatalf("calendars after start = %d (%v), want %d", len(cals), err, len(bizhours.Seeded()))
	}
	a.Close()

	cfg.Demo, cfg.SLAScheme = true, desk.SchemeVianet
	a = &App{Config: cfg, Logger: discardLogger()}
	if err := a.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	p, err := a.Store.SLAPolicy(ctx, "business", desk.SeverityHigh)
	if err != nil || p.Calendar != "beijing" || p.FirstResponse().Target != (bizhours.Target{BusinessDays: 1}) {
		t.Fatalf("business/high under vianet = %+v, %v", p, err)
	}
}
