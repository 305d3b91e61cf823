package main

import (
	"context"
	"strings"
	"testing"
)

// TestReindexCommand: the reindex command rebuilds the case search index
// of a running desk's database, and searches find the same afterwards.
func TestReindexCommand(t *testing.T) {
	dir := t.TempDir()
	runCmd(t, "migrate", "--data", dir)
	cfg := DefaultConfig()
	cfg.Addr, cfg.DataDir, cfg.Demo = "127.0.0.1:0", dir, true
	a := &App{Config: cfg, Logger: discardLogger()}
	if err := a.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	go a.Serve()
	defer a.Close()

	c := &client{t: t, base: a.URL(), token: lastWord(runCmd(t, "token", "--data", dir, "--user", "agent.nl@vendor.example"))}
	search := func() string {
		resp, body := c.do("GET", "/api/v1/search/cases?q=mail&lang=en", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("search = %d %s", resp.StatusCode, body)
		}
		return string(body)
	}
	before := search()
	if !strings.Contains(before, `"case"`) {
		t.Fatalf("the demo has no case about mail: %s", before)
	}
	out := runCmd(t, "reindex", "--data", dir)
	if !strings.Contains(out, "case search index rebuilt") {
		t.Fatalf("reindex said %q", out)
	}
	if after := search(); after != before {
		t.Fatalf("after reindex:\n%s\nbefore:\n%s", after, before)
	}
}
