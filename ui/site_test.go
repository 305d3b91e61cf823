package ui

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"desk"
	"desk/blobs"
	"desk/demo"
	"desk/eventbus"
	"desk/passwd"
	"desk/sqlite"
)

// site is the pages of a fresh node with the demo data.
type site struct {
	t   *testing.T
	ctx context.Context
	svc *desk.Service
	srv *Server
	ts  *httptest.Server
}

type testLog struct{ t *testing.T }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func newSite(t *testing.T) *site {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "desk.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	bs, err := blobs.Open(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bs.Close() })
	svc := desk.NewService(db, bs, eventbus.New(), desk.SystemClock{})
	svc.Passwords = passwd.Checker{}
	if _, err := svc.SeedCalendars(ctx); err != nil {
		t.Fatal(err)
	}
	if err := demo.Seed(ctx, svc); err != nil {
		t.Fatal(err)
	}
	srv := &Server{Service: svc, Logger: slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
		CommunityURL: "https://community.desk.example"}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &site{t: t, ctx: ctx, svc: svc, srv: srv, ts: ts}
}

// browser is one visitor with its own cookies. It does not follow
// redirects, so tests see where they lead.
type browser struct {
	s    *site
	c    *http.Client
	lang string
}

func (s *site) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{s: s, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// page is a response read whole.
type page struct {
	status int
	header http.Header
	body   string
}

func (b *browser) do(req *http.Request) page {
	b.s.t.Helper()
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

func (b *browser) get(path string) page {
	b.s.t.Helper()
	req, _ := http.NewRequest("GET", b.s.ts.URL+path, nil)
	return b.do(req)
}

// post sends a form as a same-origin browser would.
func (b *browser) post(path string, form url.Values) page {
	b.s.t.Helper()
	req, _ := http.NewRequest("POST", b.s.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

// signIn signs the browser in as a demo user.
func (b *browser) signIn(email string) {
	b.s.t.Helper()
	p := b.post("/login", url.Values{"email": {email}, "password": {demo.Password}})
	if p.status != http.StatusSeeOther {
		b.s.t.Fatalf("sign in %s: %d\n%s", email, p.status, p.body)
	}
}

func (p page) has(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(p.body, s) {
			t.Fatalf("page (%d) lacks %q:\n%s", p.status, s, p.body)
		}
	}
}

func (p page) lacks(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(p.body, s) {
			t.Fatalf("page (%d) has %q:\n%s", p.status, s, p.body)
		}
	}
}
