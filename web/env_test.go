package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"desk"
	"desk/blobs"
	"desk/demo"
	"desk/eventbus"
	"desk/sqlite"
)

// Demo users (see package demo).
const (
	ada   = "ada@fabrikam.example"  // Fabrikam super admin; Enterprise + extended support
	carl  = "carl@contoso.example"  // Contoso support admin; Business via a partner
	bill  = "bill@contoso.example"  // Contoso billing admin without the Support privilege
	uma   = "uma@contoso.example"   // Contoso ordinary user
	tess  = "tess@tailspin.example" // Tailspin super admin; Starter without support
	agent = "agent.nl@vendor.example"
	sam   = "sam@vendor.example" // supervisor
	root  = "root@vendor.example"
)

// env is a running API on a fresh, seeded store: SQLite unless the test
// asks for another with newEnvOn.
type env struct {
	t      *testing.T
	ctx    context.Context
	db     desk.Store
	svc    *desk.Service
	srv    *Server
	ts     *httptest.Server
	blobs  string
	tokens map[string]string
}

// testLogWriter sends the server's warnings and errors to the test log, so
// that an unexpected 500 shows its cause.
type testLogWriter struct{ t *testing.T }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func newEnv(t *testing.T, configure ...func(*Server)) *env {
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
	return newEnvOn(t, db, configure...)
}

// newEnvOn serves the API on db, a migrated and empty store, after seeding
// it with the demo data.
func newEnvOn(t *testing.T, db desk.Store, configure ...func(*Server)) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	blobDir := filepath.Join(dir, "blobs")
	bs, err := blobs.Open(blobDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bs.Close() })
	svc := desk.NewService(db, bs, eventbus.New(), desk.SystemClock{})
	if err := demo.Seed(ctx, svc); err != nil {
		t.Fatalf("seed: %v", err)
	}
	s := &Server{
		Service: svc, Store: db,
		Logger: slog.New(slog.NewTextHandler(testLogWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	for _, f := range configure {
		f(s)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return &env{t: t, ctx: ctx, db: db, svc: svc, srv: s, ts: ts, blobs: blobDir, tokens: map[string]string{}}
}

// user returns a demo user by e-mail.
func (e *env) user(email string) *desk.User {
	e.t.Helper()
	u, err := e.db.UserByEmail(e.ctx, email)
	if err != nil {
		e.t.Fatalf("user %s: %v", email, err)
	}
	return u
}

// token returns an API token of the user with the given e-mail, creating it
// the first time.
func (e *env) token(email string) string {
	e.t.Helper()
	if tok, ok := e.tokens[email]; ok {
		return tok
	}
	var b [32]byte
	rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	sum := sha256.Sum256([]byte(tok))
	if err := e.db.CreateToken(e.ctx, e.user(email).ID, sum[:], desk.SystemClock{}.Now()); err != nil {
		e.t.Fatalf("create token: %v", err)
	}
	e.tokens[email] = tok
	return tok
}

// result is a response with its body read.
type result struct {
	Status int
	Header http.Header
	Body   []byte
}

// request describes one call. Body is sent as is when it is a string or
// []byte and as JSON otherwise; JSON bodies get Content-Type
// application/json unless Header sets another.
type request struct {
	Method, Path string
	// As is the e-mail of the caller; empty sends no Authorization header.
	As     string
	Header map[string]string
	Body   any
	// Length sets the Content-Length; -1 sends the body chunked.
	Length int64
}

func (e *env) send(rq request) *result {
	e.t.Helper()
	var body io.Reader
	switch b := rq.Body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	case io.Reader:
		body = b
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		body = bytes.NewReader(j)
	}
	req, err := http.NewRequest(rq.Method, e.ts.URL+rq.Path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if rq.Length != 0 {
		req.ContentLength = rq.Length
	}
	if rq.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if rq.As != "" {
		req.Header.Set("Authorization", "Bearer "+e.token(rq.As))
	}
	for k, v := range rq.Header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", rq.Method, rq.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("%s %s: read body: %v", rq.Method, rq.Path, err)
	}
	return &result{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

func (e *env) get(as, path string) *result {
	e.t.Helper()
	return e.send(request{Method: "GET", Path: path, As: as})
}

func (e *env) post(as, path string, body any) *result {
	e.t.Helper()
	return e.send(request{Method: "POST", Path: path, As: as, Body: body})
}

// ok fails the test unless the response has the given status, and decodes
// its JSON body into v.
func (r *result) ok(t *testing.T, status int, v any) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %d, want %d; body: %s", r.Status, status, r.Body)
	}
	if v == nil {
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json", ct)
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// problem checks that the response is a problem with the given status and
// code and returns it.
func (r *result) problem(t *testing.T, status int, code string) problem {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %d, want %d; body: %s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json", ct)
	}
	var p problem
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("decode problem %s: %v", r.Body, err)
	}
	if p.Status != status || p.Title != http.StatusText(status) {
		t.Errorf("problem status/title = %d %q, want %d %q", p.Status, p.Title, status, http.StatusText(status))
	}
	if code != "" && p.Code != code {
		t.Fatalf("problem code = %q, want %q; body: %s", p.Code, code, r.Body)
	}
	if p.Type != problemTypeBase+p.Code {
		t.Errorf("problem type = %q, want %q", p.Type, problemTypeBase+p.Code)
	}
	if p.Detail == "" {
		t.Errorf("problem without detail: %s", r.Body)
	}
	return p
}

// openCase opens a case as the given customer and returns it.
func (e *env) openCase(as string, nc map[string]any) *desk.Case {
	e.t.Helper()
	var c desk.Case
	e.post(as, "/api/v1/cases", nc).ok(e.t, http.StatusCreated, &c)
	return &c
}

// newCase returns a valid case body for a product of the user's
// organisation.
func (e *env) newCase(as, title string) map[string]any {
	e.t.Helper()
	return map[string]any{
		"product": e.product(as), "title": title, "description": "It does not work as it should.",
		"severity": "normal",
	}
}

// product returns the first product the user's organisation subscribes to.
func (e *env) product(as string) string {
	e.t.Helper()
	var ps list[desk.Product]
	e.get(as, "/api/v1/products").ok(e.t, http.StatusOK, &ps)
	if len(ps.Items) == 0 {
		e.t.Fatalf("%s has no products", as)
	}
	return ps.Items[0].Code
}

// countCases counts every stored case, bypassing the API.
func (e *env) countCases() int {
	e.t.Helper()
	cs, err := e.db.Cases(e.ctx, desk.Scope{AllOrgs: true, Internal: true}, desk.CaseFilter{Limit: 1 << 20})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(cs)
}

// upload sends a raw-body attachment.
func (e *env) upload(as string, caseID int64, name string, content []byte) *result {
	e.t.Helper()
	return e.send(request{
		Method: "POST", Path: fmt.Sprintf("/api/v1/cases/%d/attachments", caseID), As: as, Body: content,
		Header: map[string]string{
			"Content-Type":        "application/octet-stream",
			"Content-Disposition": mime.FormatMediaType("attachment", map[string]string{"filename": name}),
		},
	})
}

func casePath(id int64, rest ...string) string {
	return fmt.Sprintf("/api/v1/cases/%d", id) + strings.Join(rest, "")
}
