package status

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"desk"
	"desk/blobs"
	"desk/eventbus"
	"desk/sqlite"
)

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// countingStore counts the queries the status page makes.
type countingStore struct {
	desk.Store
	incidents, components atomic.Int64
}

func (s *countingStore) Incidents(ctx context.Context, since time.Time) ([]*desk.Incident, error) {
	s.incidents.Add(1)
	return s.Store.Incidents(ctx, since)
}

func (s *countingStore) Components(ctx context.Context) ([]*desk.Component, error) {
	s.components.Add(1)
	return s.Store.Components(ctx)
}

func (s *countingStore) reset() { s.incidents.Store(0); s.components.Store(0) }

type env struct {
	t     testing.TB
	ctx   context.Context
	db    *sqlite.DB
	store *countingStore
	bus   *eventbus.Local
	svc   *desk.Service
	clock *clock
	org   *desk.Org
	stan  *desk.User
	page  *Page
	h     http.Handler
}

// monday10 is Monday 2 March 2026, 10:00 in Amsterdam.
var monday10 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// newEnv returns a SQLite-backed service with a status manager, one
// organisation, the services mail (with the feature group mail-delivery)
// and drive, and a status page on it that has not been built yet.
func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "desk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	bl, err := blobs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: monday10}
	bus := eventbus.New()
	cs := &countingStore{Store: db}
	e := &env{t: t, ctx: ctx, db: db, store: cs, bus: bus, clock: clk, svc: desk.NewService(cs, bl, bus, clk)}
	e.org = &desk.Org{Name: "Ent", TimeZone: "Europe/Amsterdam", Language: "nl", CreatedAt: monday10}
	e.must(db.CreateOrg(ctx, e.org))
	e.stan = &desk.User{Email: "stan@vendor.example", Name: "Stan", Role: desk.RoleStatusManager, Language: "en", TimeZone: "UTC", CreatedAt: monday10}
	e.must(db.CreateUser(ctx, e.stan))
	for _, c := range []desk.Component{
		{Code: "mail", Name: "Mail", Position: 1},
		{Code: "mail-delivery", Name: "Delivery", Parent: "mail", Position: 2},
		{Code: "drive", Name: "Drive", Position: 3},
	} {
		if _, err := e.svc.PutComponent(ctx, e.stan, c); err != nil {
			t.Fatal(err)
		}
	}
	e.page = &Page{Service: e.svc, Clock: clk, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		BaseURL: "http://status.test", Name: "Supportdesk"}
	e.h = e.page.Handler()
	return e
}

func (e *env) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) rebuild() {
	e.t.Helper()
	e.must(e.page.Rebuild(e.ctx))
}

// incident publishes an incident as the status manager.
func (e *env) incident(in desk.NewIncident) *desk.Incident {
	e.t.Helper()
	inc, err := e.svc.CreateIncident(e.ctx, e.stan, in)
	e.must(err)
	return inc
}

func (e *env) post(id int64, u desk.IncidentUpdate) *desk.Incident {
	e.t.Helper()
	inc, err := e.svc.PostUpdate(e.ctx, e.stan, id, u)
	e.must(err)
	return inc
}

// get serves a request through the handler; headers are name, value
// pairs.
func (e *env) get(path string, headers ...string) *httptest.ResponseRecorder {
	return e.do(http.MethodGet, path, headers...)
}

func (e *env) do(method, path string, headers ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

// body returns the response body, decompressed if it is gzipped.
func body(t testing.TB, w *httptest.ResponseRecorder) string {
	t.Helper()
	b := w.Body.Bytes()
	if w.Header().Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	return string(b)
}

// routes are every kind of document the handler serves, for tests that
// check all of them.
func routes(incidentID string) []string {
	return []string{
		"/status", "/status/", "/status?lang=nl", "/status/status.css",
		"/status/incidents/" + incidentID, "/status/incidents/" + incidentID + "?lang=sv",
		"/status/feed.rss", "/status/feed.rss?lang=de", "/status/feed.atom", "/status/feed.atom?lang=nb",
		"/api/v2/summary.json", "/api/v2/status.json", "/api/v2/components.json", "/api/v2/incidents.json",
		"/api/v2/incidents/unresolved.json", "/api/v2/scheduled-maintenances.json",
		"/api/v2/scheduled-maintenances/upcoming.json", "/api/v2/scheduled-maintenances/active.json",
	}
}
