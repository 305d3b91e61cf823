package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"desk/postgres/pgtest"
)

// TestTwoNodesOnPostgres runs two nodes, as the serve command wires them,
// on one PostgreSQL database: an incident published through node A's API
// appears on node B's status page, which B serves from memory and rebuilds
// only when told.
func TestTwoNodesOnPostgres(t *testing.T) {
	db := pgtest.Open(t)
	ctx := context.Background()
	start := func(demo bool) *App {
		t.Helper()
		cfg := DefaultConfig()
		cfg.Addr, cfg.DataDir, cfg.Demo = "127.0.0.1:0", t.TempDir(), demo
		a := &App{Config: cfg, Logger: discardLogger(), Store: db}
		if err := a.Open(ctx); err != nil {
			t.Fatal(err)
		}
		a.StartJobs()
		go a.Serve()
		t.Cleanup(func() { a.Close() })
		return a
	}
	a, b := start(true), start(false)

	tok, err := newToken(ctx, db, "stan@vendor.example")
	if err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, base: a.URL(), token: tok}
	resp, body := c.do("POST", "/api/v1/incidents", map[string]any{"title": "Sign-in fails for some tenants",
		"impact": "major", "public": true, "affected": []map[string]string{{"component": "mail", "status": "partial_outage"}},
		"body": "We are looking into it."})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create incident on A = %d %s", resp.StatusCode, body)
	}

	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(b.URL() + "/api/v2/incidents/unresolved.json")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(page), "Sign-in fails for some tenants") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("node B's status page does not show the incident published on A:\n%s", page)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
