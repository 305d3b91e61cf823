package web

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"desk"
	"desk/bizhours"
)

// TestScenarios walks the API's answers to what customers, staff and
// strangers send, one request at a time.
func TestScenarios(t *testing.T) {
	e := newEnv(t, func(s *Server) { s.MaxBody = 16 << 10 })
	fab := e.openCase(ada, e.newCase(ada, "Fabrikam mail is slow"))
	con := e.openCase(carl, e.newCase(carl, "Contoso cannot log in"))
	var fabAtt desk.Attachment
	e.upload(ada, fab.ID, "trace.txt", []byte("trace of the failure\n")).ok(t, http.StatusCreated, &fabAtt)
	fabProduct, conProduct, tessProduct := e.product(ada), e.product(carl), e.product(tess)

	valid := func(extra map[string]any) map[string]any {
		m := map[string]any{"product": fabProduct, "title": "A problem", "description": "Details of the problem."}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	rawToken := func(v string) map[string]string { return map[string]string{"Authorization": v} }
	expand := strings.NewReplacer(
		"{fab}", fmt.Sprint(fab.ID), "{con}", fmt.Sprint(con.ID), "{fabAtt}", fabAtt.ID,
	)

	for _, sc := range []struct {
		name   string
		rq     request
		status int
		code   string // problem code, for error answers
		check  func(t *testing.T, r *result)
	}{
		// Probes and the document are public.
		{name: "healthz", rq: request{Method: "GET", Path: "/healthz"}, status: 200,
			check: func(t *testing.T, r *result) {
				if string(r.Body) != "ok\n" {
					t.Errorf("body = %q", r.Body)
				}
			}},
		{name: "readyz", rq: request{Method: "GET", Path: "/readyz"}, status: 200},
		{name: "openapi without token", rq: request{Method: "GET", Path: "/api/v1/openapi.json"}, status: 200,
			check: func(t *testing.T, r *result) {
				var doc struct{ OpenAPI string }
				r.ok(t, 200, &doc)
				if doc.OpenAPI != "3.1.0" {
					t.Errorf("openapi = %q", doc.OpenAPI)
				}
			}},

		// 401: no token, a bad token, another scheme.
		{name: "no token", rq: request{Method: "GET", Path: "/api/v1/me"}, status: 401, code: "token_required",
			check: func(t *testing.T, r *result) {
				if got := r.Header.Get("WWW-Authenticate"); got != "Bearer" {
					t.Errorf("WWW-Authenticate = %q, want Bearer", got)
				}
			}},
		{name: "unknown token", rq: request{Method: "GET", Path: "/api/v1/me", Header: rawToken("Bearer not-a-token")}, status: 401, code: "invalid_token",
			check: func(t *testing.T, r *result) {
				if got := r.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
					t.Errorf("WWW-Authenticate = %q, want Bearer...", got)
				}
			}},
		{name: "basic auth", rq: request{Method: "GET", Path: "/api/v1/me", Header: rawToken("Basic YWRhOnNlY3JldA==")}, status: 401, code: "invalid_token"},
		{name: "empty bearer", rq: request{Method: "GET", Path: "/api/v1/me", Header: rawToken("Bearer ")}, status: 401, code: "invalid_token"},
		{name: "no token on a mutation", rq: request{Method: "POST", Path: "/api/v1/cases", Body: valid(nil)}, status: 401, code: "token_required"},

		// 400: the body and the query.
		{name: "malformed JSON", rq: request{Method: "POST", Path: "/api/v1/cases", As: ada, Body: `{"title": "x",`}, status: 400, code: "malformed_json"},
		{name: "syntax error", rq: request{Method: "POST", Path: "/api/v1/cases", As: ada, Body: `{"title" "x"}`}, status: 400, code: "malformed_json"},
		{name: "empty body", rq: request{Method: "POST", Path: "/api/v1/cases", As: ada, Body: ``}, status: 400, code: "malformed_json"},
		{name: "array body", rq: request{Method: "POST", Path: "/api/v1/cases", As: ada, Body: `[]`}, status: 400, code: "malformed_json"},
		{name: "null body", rq: request{Method: "POST", Path: "/api/v1/cases", As: ada, Body: `null`}, status: 400, code: "malformed_json"},
		{name: "wrong type", rq: request{Method: "POST", Path: "/api/v1/cases", As: ada, Body: valid(map[string]any{"title": 42})}, status: 400, code: "malformed_json",
			check: func(t *testing.T, r *result) {
				if p := r.problem(t, 400, "malformed_json"); p.Field != "title" || !strings.Contains(p.Detail, "title") {
					t.Errorf("problem = %+v, want field title named in detail", p)
				}
			}},
		{name: "trailing data", rq: request{Method: "POST", Path: "/api/v1/cases", As: ada, Body: `{"title":"a"} {"title":"b"}`}, status: 400, code: "malformed_json"},
		{name: "trailing garbage", rq: request{Method: "POST", Path: "/api/v1/cases", As: ada, Body: `{"title":"a"} x`}, status: 400, code: "malformed_json"},
		{name: "unknown field", rq: request{Method: "POST", Path: "/api/v1/cases", As: ada, Body: valid(map[string]any{"colour": "red"})}, status: 400, code: "unknown_field",
			check: func(t *testing.T, r *result) {
				if p := r.problem(t, 400, "unknown_field"); p.Field != "colour" || !strings.Contains(p.Detail, "colour") {
					t.Errorf("problem = %+v, want field colour named in detail", p)
				}
			}},
		{name: "invalid severity", rq: request{Method: "POST", Path: "/api/v1/cases", As: ada, Body: valid(map[string]any{"severity": "urgent"})}, status: 400, code: "invalid_severity"},
		{name: "invalid category", rq: request{Method: "POST", Path: "/api/v1/cases", As: ada, Body: valid(map[string]any{"category": "gossip"})}, status: 400, code: "invalid_category"},
		{name: "invalid outcome", rq: request{Method: "POST", Path: "/api/v1/cases/{fab}/resolve", As: agent, Body: map[string]any{"outcome": "magic"}}, status: 400, code: "invalid_outcome"},
		{name: "bad limit", rq: request{Method: "GET", Path: "/api/v1/cases?limit=many", As: ada}, status: 400, code: "invalid_limit"},
		{name: "zero limit", rq: request{Method: "GET", Path: "/api/v1/cases?limit=0", As: ada}, status: 400, code: "invalid_limit"},
		{name: "huge limit", rq: request{Method: "GET", Path: "/api/v1/cases?limit=101", As: ada}, status: 400, code: "invalid_limit"},
		{name: "bad cursor", rq: request{Method: "GET", Path: "/api/v1/cases?cursor=%21%21", As: ada}, status: 400, code: "invalid_cursor"},
		{name: "cursor not an id", rq: request{Method: "GET", Path: "/api/v1/cases?cursor=" + base64.RawURLEncoding.EncodeToString([]byte("abc")), As: ada}, status: 400, code: "invalid_cursor"},
		{name: "bad status filter", rq: request{Method: "GET", Path: "/api/v1/cases?status=open,pending", As: ada}, status: 400, code: "invalid_status"},
		{name: "bad severity filter", rq: request{Method: "GET", Path: "/api/v1/cases?severity=p1", As: ada}, status: 400, code: "invalid_severity"},
		{name: "non-empty close body", rq: request{Method: "POST", Path: "/api/v1/cases/{fab}/close", As: ada, Body: `{"reason":"x"}`}, status: 400, code: "unknown_field"},

		// 403: roles and privileges.
		{name: "ordinary user opens a case", rq: request{Method: "POST", Path: "/api/v1/cases", As: uma, Body: valid(map[string]any{"product": conProduct})}, status: 403, code: "support_privilege_required"},
		{name: "billing admin without privilege opens a case", rq: request{Method: "POST", Path: "/api/v1/cases", As: bill, Body: valid(map[string]any{"product": conProduct})}, status: 403, code: "support_privilege_required"},
		{name: "ordinary user lists cases", rq: request{Method: "GET", Path: "/api/v1/cases", As: uma}, status: 403, code: "support_privilege_required"},
		{name: "staff open a case", rq: request{Method: "POST", Path: "/api/v1/cases", As: agent, Body: valid(nil)}, status: 403, code: "customer_only"},
		{name: "customer writes an internal note", rq: request{Method: "POST", Path: "/api/v1/cases/{fab}/messages", As: ada, Body: map[string]any{"body": "psst", "internal": true}}, status: 403, code: "internal_notes_staff_only"},
		{name: "customer requests info", rq: request{Method: "POST", Path: "/api/v1/cases/{fab}/request-info", As: ada, Body: map[string]any{"body": "?"}}, status: 403, code: "staff_only"},
		{name: "customer resolves", rq: request{Method: "POST", Path: "/api/v1/cases/{fab}/resolve", As: ada, Body: map[string]any{"outcome": "solved"}}, status: 403, code: "staff_only"},
		{name: "customer escalates", rq: request{Method: "POST", Path: "/api/v1/cases/{fab}/escalate", As: ada, Body: map[string]any{"team": "mail"}}, status: 403, code: "staff_only"},
		{name: "customer imports", rq: request{Method: "POST", Path: "/api/v1/import/cases", As: ada, Body: map[string]any{"cases": []any{}}}, status: 403, code: "import_forbidden"},
		{name: "agent imports", rq: request{Method: "POST", Path: "/api/v1/import/cases", As: agent, Body: map[string]any{"cases": []any{}}}, status: 403, code: "import_forbidden"},
		{name: "cross-origin browser post", rq: request{Method: "POST", Path: "/api/v1/cases", As: ada, Body: valid(nil),
			Header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}}, status: 403, code: "cross_origin_request"},

		// 404: other organisations' things look like things that never existed.
		{name: "other org's case", rq: request{Method: "GET", Path: "/api/v1/cases/{fab}", As: carl}, status: 404, code: "case_not_found"},
		{name: "other org's messages", rq: request{Method: "GET", Path: "/api/v1/cases/{fab}/messages", As: carl}, status: 404, code: "case_not_found"},
		{name: "other org's attachments", rq: request{Method: "GET", Path: "/api/v1/cases/{fab}/attachments", As: carl}, status: 404},
		{name: "other org's attachment", rq: request{Method: "GET", Path: "/api/v1/attachments/{fabAtt}", As: carl}, status: 404, code: "attachment_not_found"},
		{name: "reply to other org's case", rq: request{Method: "POST", Path: "/api/v1/cases/{fab}/messages", As: carl, Body: map[string]any{"body": "hi"}}, status: 404, code: "case_not_found"},
		{name: "close other org's case", rq: request{Method: "POST", Path: "/api/v1/cases/{fab}/close", As: carl}, status: 404, code: "case_not_found"},
		{name: "upload to other org's case", rq: request{Method: "POST", Path: "/api/v1/cases/{fab}/attachments?name=x.txt", As: carl, Body: []byte("hello"),
			Header: map[string]string{"Content-Type": "text/plain"}}, status: 404, code: "case_not_found"},
		{name: "non-numeric id", rq: request{Method: "GET", Path: "/api/v1/cases/abc", As: ada}, status: 404, code: "case_not_found"},
		{name: "zero id", rq: request{Method: "GET", Path: "/api/v1/cases/0", As: ada}, status: 404, code: "case_not_found"},
		{name: "negative id", rq: request{Method: "GET", Path: "/api/v1/cases/-1", As: ada}, status: 404, code: "case_not_found"},
		{name: "signed id", rq: request{Method: "GET", Path: "/api/v1/cases/+1", As: ada}, status: 404, code: "case_not_found"},
		{name: "overflowing id", rq: request{Method: "GET", Path: "/api/v1/cases/99999999999999999999", As: ada}, status: 404, code: "case_not_found"},
		{name: "junk attachment id", rq: request{Method: "GET", Path: "/api/v1/attachments/..%2f..%2fetc", As: ada}, status: 404, code: "attachment_not_found"},
		{name: "unknown route", rq: request{Method: "GET", Path: "/api/v1/tickets", As: ada}, status: 404, code: "not_found"},
		{name: "unknown route without token", rq: request{Method: "GET", Path: "/api/v1/nothing/here"}, status: 404, code: "not_found"},

		// 405 with Allow.
		{name: "wrong method", rq: request{Method: "DELETE", Path: "/api/v1/cases/{fab}", As: ada}, status: 405, code: "method_not_allowed",
			check: func(t *testing.T, r *result) {
				if allow := r.Header.Get("Allow"); !strings.Contains(allow, "GET") || strings.Contains(allow, "DELETE") {
					t.Errorf("Allow = %q", allow)
				}
			}},
		{name: "wrong method on list", rq: request{Method: "PUT", Path: "/api/v1/cases", As: ada, Body: valid(nil)}, status: 405, code: "method_not_allowed",
			check: func(t *testing.T, r *result) {
				if allow := r.Header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "POST") {
					t.Errorf("Allow = %q, want GET and POST", allow)
				}
			}},

		// 413, 415.
		{name: "oversized body", rq: request{Method: "POST", Path: "/api/v1/cases", As: ada, Body: valid(map[string]any{"description": strings.Repeat("x", 20<<10)})}, status: 413, code: "body_too_large"},
		{name: "oversized chunked body", rq: request{Method: "POST", Path: "/api/v1/cases", As: ada, Length: -1,
			Body: io.MultiReader(strings.NewReader(`{"description":"`), strings.NewReader(strings.Repeat("x", 20<<10)), strings.NewReader(`"}`))}, status: 413, code: "body_too_large"},
		{name: "text/plain body", rq: request{Method: "POST", Path: "/api/v1/cases", As: ada, Body: valid(nil), Header: map[string]string{"Content-Type": "text/plain"}}, status: 415, code: "unsupported_media_type"},
		{name: "form body", rq: request{Method: "POST", Path: "/api/v1/cases/{fab}/messages", As: ada, Body: "body=hi", Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, status: 415, code: "unsupported_media_type"},
		{name: "no content type", rq: request{Method: "POST", Path: "/api/v1/cases/{fab}/messages", As: ada, Body: `{"body":"hi"}`, Header: map[string]string{"Content-Type": ""}}, status: 415, code: "unsupported_media_type"},

		// 422: entitlements and validation rules.
		{name: "starter plan has no support", rq: request{Method: "POST", Path: "/api/v1/cases", As: tess, Body: valid(map[string]any{"product": tessProduct})}, status: 422, code: "plan_excludes_support",
			check: func(t *testing.T, r *result) {
				if p := r.problem(t, 422, "plan_excludes_support"); p.UpgradePath == "" {
					t.Errorf("no upgrade_path: %s", r.Body)
				}
			}},
		{name: "billing capped below critical", rq: request{Method: "POST", Path: "/api/v1/cases", As: ada,
			Body: valid(map[string]any{"category": "billing", "severity": "critical", "business_impact": "invoices fail", "contact_phone": "+31 20 123 4567"})}, status: 422, code: "billing_severity_capped"},
		{name: "critical without business impact", rq: request{Method: "POST", Path: "/api/v1/cases", As: ada,
			Body: valid(map[string]any{"severity": "critical", "contact_phone": "+31 20 123 4567"})}, status: 422, code: "business_impact_required"},
		{name: "critical without extended support", rq: request{Method: "POST", Path: "/api/v1/cases", As: carl,
			Body: valid(map[string]any{"product": conProduct, "severity": "critical", "business_impact": "nobody can work", "contact_phone": "+46 8 123 456 78"})}, status: 422, code: "extended_support_required",
			check: func(t *testing.T, r *result) {
				if p := r.problem(t, 422, "extended_support_required"); p.Field != "severity" {
					t.Errorf("field = %q, want severity", p.Field)
				}
			}},
		{name: "product not subscribed", rq: request{Method: "POST", Path: "/api/v1/cases", As: ada, Body: valid(map[string]any{"product": "no-such-product"})}, status: 422, code: "product_not_subscribed"},
		{name: "empty reply", rq: request{Method: "POST", Path: "/api/v1/cases/{fab}/messages", As: ada, Body: map[string]any{"body": "  "}}, status: 422, code: "body_required"},
		{name: "reopen an open case", rq: request{Method: "POST", Path: "/api/v1/cases/{fab}/reopen", As: ada}, status: 422, code: "case_not_resolved"},

		// Successes.
		{name: "me", rq: request{Method: "GET", Path: "/api/v1/me", As: ada}, status: 200,
			check: func(t *testing.T, r *result) {
				var me map[string]any
				r.ok(t, 200, &me)
				if me["email"] != ada || me["support_privilege"] != true || me["staff"] != false {
					t.Errorf("me = %v", me)
				}
				if _, leaked := me["password_hash"]; leaked {
					t.Errorf("me leaks the password hash: %v", me)
				}
			}},
		{name: "me without privilege", rq: request{Method: "GET", Path: "/api/v1/me", As: bill}, status: 200,
			check: func(t *testing.T, r *result) {
				var me map[string]any
				r.ok(t, 200, &me)
				if me["support_privilege"] != false || me["staff"] != false || me["role"] != "billing_admin" {
					t.Errorf("me = %v", me)
				}
			}},
		{name: "me as staff", rq: request{Method: "GET", Path: "/api/v1/me", As: agent}, status: 200,
			check: func(t *testing.T, r *result) {
				var me map[string]any
				r.ok(t, 200, &me)
				if me["staff"] != true {
					t.Errorf("me = %v", me)
				}
			}},
		{name: "fabrikam products", rq: request{Method: "GET", Path: "/api/v1/products", As: ada}, status: 200,
			check: func(t *testing.T, r *result) {
				var ps list[desk.Product]
				r.ok(t, 200, &ps)
				var codes []string
				for _, p := range ps.Items {
					codes = append(codes, p.Code)
				}
				slices.Sort(codes)
				if !slices.Equal(codes, []string{"calendar", "drive", "mail"}) {
					t.Errorf("products = %v", codes)
				}
			}},
		{name: "own case", rq: request{Method: "GET", Path: "/api/v1/cases/{fab}", As: ada}, status: 200,
			check: func(t *testing.T, r *result) {
				var c desk.Case
				r.ok(t, 200, &c)
				if c.ID != fab.ID || c.Title != fab.Title {
					t.Errorf("case = %+v", c)
				}
			}},
		{name: "staff read any case", rq: request{Method: "GET", Path: "/api/v1/cases/{con}", As: agent}, status: 200},
		{name: "close with {}", rq: request{Method: "POST", Path: "/api/v1/cases/{con}/close", As: carl, Body: `{}`}, status: 200,
			check: func(t *testing.T, r *result) {
				var c desk.Case
				r.ok(t, 200, &c)
				if c.Status != desk.StatusClosed || c.ClosedAt == nil {
					t.Errorf("case = %+v", c)
				}
			}},
		{name: "reply to closed case", rq: request{Method: "POST", Path: "/api/v1/cases/{con}/messages", As: carl, Body: map[string]any{"body": "hello?"}}, status: 422, code: "case_closed"},
	} {
		t.Run(sc.name, func(t *testing.T) {
			rq := sc.rq
			rq.Path = expand.Replace(rq.Path)
			r := e.send(rq)
			if sc.code != "" {
				r.problem(t, sc.status, sc.code)
			} else if r.Status != sc.status {
				t.Fatalf("status = %d, want %d; body: %s", r.Status, sc.status, r.Body)
			}
			if sc.status >= 400 && r.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("error answered as %q", r.Header.Get("Content-Type"))
			}
			checkSecurityHeaders(t, r)
			if sc.check != nil {
				sc.check(t, r)
			}
		})
	}
}

func checkSecurityHeaders(t *testing.T, r *result) {
	t.Helper()
	for k, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
	} {
		if got := r.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("Cache-Control = %q", cc)
	}
}

// TestNotFoundLooksTheSame checks that another organisation's case,
// timeline and attachment answer exactly like ids that never existed.
func TestNotFoundLooksTheSame(t *testing.T) {
	e := newEnv(t)
	fab := e.openCase(ada, e.newCase(ada, "Fabrikam secret"))
	var att desk.Attachment
	e.upload(ada, fab.ID, "secret.txt", []byte("secret")).ok(t, http.StatusCreated, &att)
	const never = 987654321
	for _, pair := range [][2]string{
		{casePath(fab.ID), casePath(never)},
		{casePath(fab.ID, "/messages"), casePath(never, "/messages")},
		{casePath(fab.ID, "/attachments"), casePath(never, "/attachments")},
		{"/api/v1/attachments/" + att.ID, "/api/v1/attachments/" + strings.Repeat("0", len(att.ID))},
	} {
		foreign, absent := e.get(carl, pair[0]), e.get(carl, pair[1])
		foreign.problem(t, 404, "")
		if foreign.Status != absent.Status || !bytes.Equal(foreign.Body, absent.Body) {
			t.Errorf("%s answers %d %s\nbut %s answers %d %s", pair[0], foreign.Status, foreign.Body, pair[1], absent.Status, absent.Body)
		}
		if bytes.Contains(foreign.Body, []byte("secret")) {
			t.Errorf("%s leaks: %s", pair[0], foreign.Body)
		}
	}
	// Nor does any list show it.
	var cs list[desk.Case]
	e.get(carl, "/api/v1/cases?limit=100&q=secret").ok(t, 200, &cs)
	if len(cs.Items) != 0 {
		t.Errorf("carl finds Fabrikam's case: %+v", cs.Items)
	}
}

// TestIdempotency checks that a retried create answers with the first
// request's case and creates nothing more.
func TestIdempotency(t *testing.T) {
	e := newEnv(t)
	body := e.newCase(ada, "Idempotent calendar case")
	open := func(key string, body any) *result {
		return e.send(request{Method: "POST", Path: "/api/v1/cases", As: ada, Body: body,
			Header: map[string]string{"Idempotency-Key": key}})
	}
	before := e.countCases()

	var first, again desk.Case
	r := open("key-1", body)
	r.ok(t, http.StatusCreated, &first)
	if loc := r.Header.Get("Location"); loc != casePath(first.ID) {
		t.Errorf("Location = %q, want %q", loc, casePath(first.ID))
	}
	r = open("key-1", body)
	r.ok(t, http.StatusOK, &again)
	if again.ID != first.ID || again.Title != first.Title || again.CreatedAt != first.CreatedAt {
		t.Errorf("replay = %+v, want case %d", again, first.ID)
	}
	if n := e.countCases(); n != before+1 {
		t.Errorf("%d cases stored, want %d", n, before+1)
	}

	changed := e.newCase(ada, "Another title")
	open("key-1", changed).problem(t, http.StatusConflict, "idempotency_key_reused")
	if n := e.countCases(); n != before+1 {
		t.Errorf("%d cases stored after a conflicting replay, want %d", n, before+1)
	}

	// The key is the caller's: another user's same key is another request.
	var other desk.Case
	e.send(request{Method: "POST", Path: "/api/v1/cases", As: carl, Body: e.newCase(carl, "Contoso"),
		Header: map[string]string{"Idempotency-Key": "key-1"}}).ok(t, http.StatusCreated, &other)
	if other.ID == first.ID {
		t.Errorf("carl's request answered with ada's case")
	}

	// Without a key, two requests are two cases.
	e.post(ada, "/api/v1/cases", body).ok(t, http.StatusCreated, nil)
	e.post(ada, "/api/v1/cases", body).ok(t, http.StatusCreated, nil)
	if n := e.countCases(); n != before+4 {
		t.Errorf("%d cases stored, want %d", n, before+4)
	}
	open(strings.Repeat("k", 256), body).problem(t, http.StatusBadRequest, "invalid_idempotency_key")
}

// TestServerOwnedFieldsRefused checks that a client cannot set the tenant,
// state or other server-owned fields by naming them, and that such a
// request writes nothing.
func TestServerOwnedFieldsRefused(t *testing.T) {
	e := newEnv(t)
	carlOrg := e.user(carl).OrgID
	before := e.countCases()
	audit, err := e.db.Audit(e.ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for field, v := range map[string]any{
		"org_id": carlOrg, "status": "resolved", "plan": "enterprise", "created_by": 1,
		"id": 1, "version": 7, "source": "import", "first_response_due_at": "2030-01-01T00:00:00Z",
	} {
		body := e.newCase(ada, "Mass assignment "+field)
		body[field] = v
		p := e.post(ada, "/api/v1/cases", body).problem(t, http.StatusBadRequest, "unknown_field")
		if p.Field != field || !strings.Contains(p.Detail, field) {
			t.Errorf("%s: problem %+v does not name the field", field, p)
		}
	}
	if n := e.countCases(); n != before {
		t.Errorf("%d cases stored, want %d", n, before)
	}
	after, err := e.db.Audit(e.ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(audit) {
		t.Errorf("refused requests wrote %d audit entries", len(after)-len(audit))
	}
	// Replies cannot claim to come from staff either.
	c := e.openCase(ada, e.newCase(ada, "Replies"))
	e.post(ada, casePath(c.ID, "/messages"), map[string]any{"body": "hi", "from_staff": true}).problem(t, 400, "unknown_field")
	e.post(ada, casePath(c.ID, "/messages"), map[string]any{"body": "hi", "kind": "internal"}).problem(t, 400, "unknown_field")
}

// TestInternalNotesHidden checks that customers never see staff-only notes.
func TestInternalNotesHidden(t *testing.T) {
	e := newEnv(t)
	c := e.openCase(ada, e.newCase(ada, "Notes"))
	var note desk.Message
	e.post(agent, casePath(c.ID, "/messages"), map[string]any{"body": "customer seems confused", "internal": true}).ok(t, http.StatusCreated, &note)
	if note.Kind != desk.MessageInternal {
		t.Fatalf("note kind = %q", note.Kind)
	}
	e.post(agent, casePath(c.ID, "/escalate"), map[string]any{"team": "mail-backend", "note": "escalation detail for the team"}).ok(t, 200, nil)
	e.post(agent, casePath(c.ID, "/messages"), map[string]any{"body": "We are looking into it."}).ok(t, http.StatusCreated, nil)

	var seen list[desk.Message]
	e.get(ada, casePath(c.ID, "/messages")).ok(t, 200, &seen)
	r := e.get(ada, casePath(c.ID, "/messages"))
	if bytes.Contains(r.Body, []byte("confused")) || bytes.Contains(r.Body, []byte("escalation detail")) {
		t.Errorf("customer sees an internal note: %s", r.Body)
	}
	public := false
	for _, m := range seen.Items {
		if m.Kind == desk.MessageInternal {
			t.Errorf("customer sees internal message %+v", m)
		}
		public = public || m.Body == "We are looking into it."
	}
	if !public {
		t.Errorf("customer does not see the public reply: %s", r.Body)
	}

	var staff list[desk.Message]
	e.get(agent, casePath(c.ID, "/messages")).ok(t, 200, &staff)
	internal := 0
	for _, m := range staff.Items {
		if m.Kind == desk.MessageInternal {
			internal++
		}
	}
	if internal != 2 {
		t.Errorf("staff see %d internal notes, want 2", internal)
	}
}

// TestCursorPagination walks the case list page by page and checks that
// every case comes exactly once, newest first, and that the last page has
// no cursor.
func TestCursorPagination(t *testing.T) {
	e := newEnv(t)
	for i := range 7 {
		e.openCase(ada, e.newCase(ada, fmt.Sprintf("Paged case %d", i)))
	}
	e.openCase(carl, e.newCase(carl, "Contoso case that must not show"))
	fabOrg := e.user(ada).OrgID
	all, err := e.db.Cases(e.ctx, desk.Scope{OrgID: fabOrg}, desk.CaseFilter{Limit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	var want []int64
	for _, c := range all {
		want = append(want, c.ID)
	}
	if len(want) < 7 {
		t.Fatalf("only %d Fabrikam cases", len(want))
	}

	walk := func(limit int, query string) (ids []int64, pages int) {
		t.Helper()
		cursor := ""
		for {
			path := fmt.Sprintf("/api/v1/cases?limit=%d%s", limit, query)
			if cursor != "" {
				path += "&cursor=" + cursor
			}
			var page list[desk.Case]
			e.get(ada, path).ok(t, 200, &page)
			pages++
			if len(page.Items) > limit {
				t.Fatalf("page of %d items for limit %d", len(page.Items), limit)
			}
			for _, c := range page.Items {
				if c.OrgID != fabOrg {
					t.Fatalf("page holds case %d of org %d", c.ID, c.OrgID)
				}
				ids = append(ids, c.ID)
			}
			if page.NextCursor == "" {
				return ids, pages
			}
			if len(page.Items) == 0 {
				t.Fatalf("empty page with a next cursor")
			}
			if pages > 100 {
				t.Fatalf("pagination does not end")
			}
			cursor = page.NextCursor
		}
	}
	for _, limit := range []int{1, 2, 3, len(want) - 1, len(want), len(want) + 1, 100} {
		ids, pages := walk(limit, "")
		if !slices.Equal(ids, want) {
			t.Errorf("limit %d: walked %v, want %v", limit, ids, want)
		}
		if wantPages := max(1, (len(want)+limit-1)/limit); pages != wantPages {
			t.Errorf("limit %d: %d pages, want %d", limit, pages, wantPages)
		}
	}
	// Newest first by creation time (demo cases were created over weeks,
	// imported ones months ago), ties broken by id.
	if !slices.IsSortedFunc(all, func(a, b *desk.Case) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	}) {
		t.Errorf("cases are not newest first: %v", want)
	}

	// Filters hold across pages.
	e.post(agent, casePath(want[0], "/escalate"), map[string]any{"team": "calendar"}).ok(t, 200, nil)
	ids, _ := walk(1, "&status=open,action_required&q=paged")
	if len(ids) != 1 || ids[0] != want[0] {
		t.Errorf("status filter walked %v, want [%d]", ids, want[0])
	}
}

// TestFullPageOfMaxSize checks the page size the service caps: a full last
// page of the largest size has no next cursor, and one more case adds a
// page.
func TestFullPageOfMaxSize(t *testing.T) {
	e := newEnv(t)
	count := func() int {
		cs, err := e.db.Cases(e.ctx, desk.Scope{OrgID: e.user(ada).OrgID}, desk.CaseFilter{Limit: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		return len(cs)
	}
	for n := count(); n < desk.MaxPageSize; n++ {
		e.openCase(ada, e.newCase(ada, fmt.Sprintf("Bulk %d", n)))
	}
	var page list[desk.Case]
	e.get(ada, "/api/v1/cases?limit=100").ok(t, 200, &page)
	if len(page.Items) != desk.MaxPageSize || page.NextCursor != "" {
		t.Fatalf("%d items, next_cursor %q; want %d and none", len(page.Items), page.NextCursor, desk.MaxPageSize)
	}
	e.openCase(ada, e.newCase(ada, "One more"))
	e.get(ada, "/api/v1/cases?limit=100").ok(t, 200, &page)
	if len(page.Items) != desk.MaxPageSize || page.NextCursor == "" {
		t.Fatalf("%d items, next_cursor %q; want %d and a cursor", len(page.Items), page.NextCursor, desk.MaxPageSize)
	}
	var last list[desk.Case]
	e.get(ada, "/api/v1/cases?limit=100&cursor="+page.NextCursor).ok(t, 200, &last)
	if len(last.Items) != 1 || last.NextCursor != "" {
		t.Fatalf("last page: %d items, next_cursor %q", len(last.Items), last.NextCursor)
	}
}

// TestAttachmentRoundTrip uploads files every supported way and downloads
// them again.
func TestAttachmentRoundTrip(t *testing.T) {
	e := newEnv(t)
	c := e.openCase(ada, e.newCase(ada, "Files"))
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 100)...)

	// A raw body that claims to be HTML, named to escape the blob directory.
	r := e.send(request{Method: "POST", Path: casePath(c.ID, "/attachments"), As: ada, Body: png,
		Header: map[string]string{"Content-Type": "text/html", "Content-Disposition": `attachment; filename="../../etc/passwd"`}})
	var a desk.Attachment
	r.ok(t, http.StatusCreated, &a)
	if a.Name != "passwd" || a.ContentType != "image/png" || a.Size != int64(len(png)) || a.CaseID != c.ID {
		t.Errorf("attachment = %+v, want passwd, image/png, %d bytes", a, len(png))
	}
	if loc := r.Header.Get("Location"); loc != "/api/v1/attachments/"+a.ID {
		t.Errorf("Location = %q", loc)
	}
	d := e.get(ada, "/api/v1/attachments/"+a.ID)
	if d.Status != 200 || !bytes.Equal(d.Body, png) {
		t.Fatalf("download: %d, %d bytes", d.Status, len(d.Body))
	}
	for k, want := range map[string]string{
		"Content-Type":           "image/png",
		"X-Content-Type-Options": "nosniff",
		"Cache-Control":          "private, no-store",
	} {
		if got := d.Header.Get(k); got != want {
			t.Errorf("download %s = %q, want %q", k, got, want)
		}
	}
	disp, params, err := mime.ParseMediaType(d.Header.Get("Content-Disposition"))
	if err != nil || disp != "attachment" || params["filename"] != "passwd" {
		t.Errorf("Content-Disposition = %q", d.Header.Get("Content-Disposition"))
	}
	if csp := d.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") {
		t.Errorf("download CSP = %q, want sandbox", csp)
	}
	// The client's name never became a path.
	filepath.WalkDir(e.blobs, func(path string, de fs.DirEntry, err error) error {
		if err == nil && (de.Name() == "passwd" || de.Name() == "etc") {
			t.Errorf("blob store has %s", path)
		}
		return nil
	})

	// Multipart, with an HTML file named with a Windows path.
	html := []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("comment", "ignored")
	fw, _ := mw.CreateFormFile("file", `..\..\Windows\résumé.html`)
	fw.Write(html)
	mw.Close()
	var m desk.Attachment
	e.send(request{Method: "POST", Path: casePath(c.ID, "/attachments"), As: ada, Body: buf.Bytes(),
		Header: map[string]string{"Content-Type": mw.FormDataContentType()}}).ok(t, http.StatusCreated, &m)
	if m.Name != "résumé.html" || !strings.HasPrefix(m.ContentType, "text/html") {
		t.Errorf("multipart attachment = %+v", m)
	}
	d = e.get(ada, "/api/v1/attachments/"+m.ID)
	if !bytes.Equal(d.Body, html) {
		t.Errorf("multipart download differs: %q", d.Body)
	}
	disp, params, err = mime.ParseMediaType(d.Header.Get("Content-Disposition"))
	if err != nil || disp != "attachment" || params["filename"] != "résumé.html" ||
		!strings.Contains(d.Header.Get("Content-Disposition"), "filename*=utf-8''r%C3%A9sum%C3%A9.html") {
		t.Errorf("Content-Disposition = %q", d.Header.Get("Content-Disposition"))
	}

	// A raw body named by ?name=, and one without any name.
	var q, anon desk.Attachment
	e.send(request{Method: "POST", Path: casePath(c.ID, "/attachments?name=notes.txt"), As: ada, Body: "plain notes",
		Header: map[string]string{"Content-Type": "application/pdf"}}).ok(t, http.StatusCreated, &q)
	if q.Name != "notes.txt" || q.ContentType != "text/plain; charset=utf-8" {
		t.Errorf("?name= attachment = %+v", q)
	}
	e.send(request{Method: "POST", Path: casePath(c.ID, "/attachments"), As: ada, Body: "x",
		Header: map[string]string{"Content-Type": "application/octet-stream"}}).ok(t, http.StatusCreated, &anon)
	if anon.Name == "" {
		t.Errorf("anonymous attachment has no name")
	}

	var all list[desk.Attachment]
	e.get(ada, casePath(c.ID, "/attachments")).ok(t, 200, &all)
	if len(all.Items) != 4 {
		t.Errorf("%d attachments listed, want 4", len(all.Items))
	}
	// Staff can download too; the timeline records the files.
	if d := e.get(agent, "/api/v1/attachments/"+a.ID); d.Status != 200 {
		t.Errorf("staff download: %d", d.Status)
	}
	var tl list[desk.Message]
	e.get(ada, casePath(c.ID, "/messages")).ok(t, 200, &tl)
	files := 0
	for _, msg := range tl.Items {
		if msg.Kind == desk.MessageAttachment {
			files++
		}
	}
	if files != 4 {
		t.Errorf("timeline has %d attachment entries, want 4", files)
	}

	// Bad uploads.
	var nofile bytes.Buffer
	mw = multipart.NewWriter(&nofile)
	mw.WriteField("comment", "where is the file")
	mw.Close()
	e.send(request{Method: "POST", Path: casePath(c.ID, "/attachments"), As: ada, Body: nofile.Bytes(),
		Header: map[string]string{"Content-Type": mw.FormDataContentType()}}).problem(t, 400, "file_required")
	e.send(request{Method: "POST", Path: casePath(c.ID, "/attachments"), As: ada, Body: "",
		Header: map[string]string{"Content-Type": "application/octet-stream"}}).problem(t, 422, "file_empty")
	e.upload(uma, c.ID, "x.txt", []byte("x")).problem(t, 403, "support_privilege_required")
}

// TestAttachmentTooLarge checks the attachment limit for every way of
// uploading, and that a refused upload stores nothing.
func TestAttachmentTooLarge(t *testing.T) {
	const limit = 1024
	e := newEnv(t)
	e.svc.AttachmentLimit = limit
	c := e.openCase(ada, e.newCase(ada, "Big files"))
	big := bytes.Repeat([]byte("a"), limit+1)

	multi := func(content []byte) request {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "big.txt")
		fw.Write(content)
		mw.Close()
		return request{Method: "POST", Path: casePath(c.ID, "/attachments"), As: ada, Body: buf.Bytes(),
			Header: map[string]string{"Content-Type": mw.FormDataContentType()}}
	}
	raw := request{Method: "POST", Path: casePath(c.ID, "/attachments?name=big.txt"), As: ada, Body: big,
		Header: map[string]string{"Content-Type": "application/octet-stream"}}
	chunked := raw
	chunked.Body, chunked.Length = bytes.NewReader(big), -1
	huge := raw
	huge.Body = bytes.Repeat([]byte("a"), 200<<10)

	for name, rq := range map[string]request{
		"raw": raw, "chunked": chunked, "multipart": multi(big), "huge": huge,
		"huge multipart": multi(bytes.Repeat([]byte("a"), 200<<10)),
	} {
		t.Run(name, func(t *testing.T) {
			p := e.send(rq).problem(t, http.StatusRequestEntityTooLarge, "file_too_large")
			if !strings.Contains(p.Detail, fmt.Sprint(limit)) {
				t.Errorf("detail %q does not name the limit", p.Detail)
			}
		})
	}
	var none list[desk.Attachment]
	e.get(ada, casePath(c.ID, "/attachments")).ok(t, 200, &none)
	if len(none.Items) != 0 {
		t.Errorf("refused uploads stored %d attachments", len(none.Items))
	}
	// Exactly the limit is fine, either way.
	e.upload(ada, c.ID, "fits.txt", big[:limit]).ok(t, http.StatusCreated, nil)
	e.send(multi(big[:limit])).ok(t, http.StatusCreated, nil)
}

// TestStateFlow walks a case through its states as the customer and staff
// see them, and checks that each change is audited.
func TestStateFlow(t *testing.T) {
	e := newEnv(t)
	c := e.openCase(ada, e.newCase(ada, "State flow"))
	if c.Status != desk.StatusNew {
		t.Fatalf("new case status = %q", c.Status)
	}
	step := func(as, action string, body any, want desk.Status) *desk.Case {
		t.Helper()
		var got desk.Case
		e.post(as, casePath(c.ID, action), body).ok(t, 200, &got)
		if got.Status != want {
			t.Fatalf("%s: status = %q, want %q", action, got.Status, want)
		}
		var read desk.Case
		e.get(ada, casePath(c.ID)).ok(t, 200, &read)
		if read.Status != want || read.Version != got.Version {
			t.Fatalf("%s: stored case %+v, answered %+v", action, read, got)
		}
		return &got
	}
	step(agent, "/request-info", map[string]any{"body": "Which browser do you use?"}, desk.StatusActionRequired)

	var reply desk.Message
	e.post(ada, casePath(c.ID, "/messages"), map[string]any{"body": "Firefox 140."}).ok(t, http.StatusCreated, &reply)
	if reply.Kind != desk.MessagePublic || reply.FromStaff || reply.Body != "Firefox 140." {
		t.Errorf("reply = %+v", reply)
	}
	var afterReply desk.Case
	e.get(ada, casePath(c.ID)).ok(t, 200, &afterReply)
	if afterReply.Status != desk.StatusOpen {
		t.Fatalf("after the customer's reply status = %q, want open", afterReply.Status)
	}

	resolved := step(agent, "/resolve", map[string]any{"outcome": "workaround", "body": "Use the desktop app for now."}, desk.StatusResolved)
	if resolved.Outcome != desk.OutcomeWorkaround || resolved.ResolvedAt == nil {
		t.Errorf("resolved case = %+v", resolved)
	}
	e.post(agent, casePath(c.ID, "/resolve"), map[string]any{"outcome": "solved"}).problem(t, 422, "invalid_transition")
	reopened := step(ada, "/reopen", nil, desk.StatusOpen)
	if reopened.Outcome != "" || reopened.ResolvedAt != nil {
		t.Errorf("reopened case keeps its resolution: %+v", reopened)
	}
	closed := step(ada, "/close", nil, desk.StatusClosed)
	if closed.ClosedAt == nil {
		t.Errorf("closed case has no closed_at")
	}
	e.post(ada, casePath(c.ID, "/reopen"), nil).problem(t, 422, "case_closed")
	e.post(ada, casePath(c.ID, "/close"), nil).problem(t, 422, "case_closed")

	// The timeline tells the story to the customer.
	var tl list[desk.Message]
	e.get(ada, casePath(c.ID, "/messages")).ok(t, 200, &tl)
	var bodies []string
	for _, m := range tl.Items {
		bodies = append(bodies, m.Body)
	}
	joined := strings.Join(bodies, "\n")
	for _, want := range []string{"Which browser do you use?", "Firefox 140.", "Use the desktop app for now.", "closed"} {
		if !strings.Contains(joined, want) {
			t.Errorf("timeline lacks %q:\n%s", want, joined)
		}
	}

	// Every change is in the audit log: who, what, from where.
	entries, err := e.db.Audit(e.ctx, c.OrgID, 100)
	if err != nil {
		t.Fatal(err)
	}
	actors := map[string]int64{
		"case.request_info": e.user(agent).ID, "case.message": e.user(ada).ID,
		"case.resolve": e.user(agent).ID, "case.reopen": e.user(ada).ID, "case.close": e.user(ada).ID,
	}
	for action, actor := range actors {
		found := false
		for _, a := range entries {
			if a.Action == action && a.ObjectID == fmt.Sprint(c.ID) {
				found = true
				if a.ActorID != actor || a.RemoteAddr != "127.0.0.1" || a.OrgID != c.OrgID {
					t.Errorf("%s audited as %+v, want actor %d from 127.0.0.1", action, a, actor)
				}
			}
		}
		if !found {
			t.Errorf("no audit entry %s for case %d", action, c.ID)
		}
	}
}

// TestImport imports a historical case and checks that its due times count
// from its original creation time.
func TestImport(t *testing.T) {
	e := newEnv(t)
	adaUser := e.user(ada)
	created := time.Date(2025, 3, 3, 9, 15, 0, 0, time.UTC) // a Monday morning
	resolved := created.Add(50 * time.Hour)
	body := map[string]any{"cases": []map[string]any{{
		"org_id": adaUser.OrgID, "product": "mail", "category": "technical", "severity": "high",
		"status": "resolved", "outcome": "solved", "title": "Imported: bounced mail",
		"description": "Historical case from the old desk.", "created_by": ada,
		"created_at": created, "resolved_at": resolved, "external_id": "OLD-1042",
		"messages": []map[string]any{
			{"author": ada, "body": "Mail bounces.", "created_at": created.Add(time.Minute)},
			{"author": agent, "body": "Looking.", "created_at": created.Add(2 * time.Hour)},
			{"author": agent, "body": "old internal remark", "internal": true, "created_at": created.Add(3 * time.Hour)},
		},
	}}}
	e.post(agent, "/api/v1/import/cases", body).problem(t, 403, "import_forbidden")

	var out list[desk.Case]
	e.post(sam, "/api/v1/import/cases", body).ok(t, http.StatusCreated, &out)
	if len(out.Items) != 1 {
		t.Fatalf("%d cases imported", len(out.Items))
	}
	c := out.Items[0]
	if !c.CreatedAt.Equal(created) || c.Source != "import" || c.Status != desk.StatusResolved || c.OrgID != adaUser.OrgID {
		t.Errorf("imported case = %+v", c)
	}
	if c.FirstResponseAt == nil || !c.FirstResponseAt.Equal(created.Add(2*time.Hour)) {
		t.Errorf("first_response_at = %v, want the first staff reply", c.FirstResponseAt)
	}
	org, err := e.db.Org(e.ctx, c.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	policy, err := e.db.SLAPolicy(e.ctx, c.Plan, c.Severity)
	if err != nil {
		t.Fatalf("SLA policy of %s/%s: %v", c.Plan, c.Severity, err)
	}
	cal, err := bizhours.Named(policy.Calendar, org.TimeZone)
	if err != nil {
		t.Fatal(err)
	}
	want := cal.Add(created, time.Duration(policy.FirstResponseMinutes)*time.Minute)
	if c.FirstResponseDueAt == nil || !c.FirstResponseDueAt.Equal(want) {
		t.Errorf("first_response_due_at = %v, want %v (from created_at %v)", c.FirstResponseDueAt, want, created)
	}
	if c.FirstResponseDueAt != nil && c.FirstResponseDueAt.After(time.Now().Add(-24*time.Hour)) {
		t.Errorf("first_response_due_at %v counts from now, not from created_at", c.FirstResponseDueAt)
	}

	// The customer sees the imported case and its public history only.
	var got desk.Case
	e.get(ada, casePath(c.ID)).ok(t, 200, &got)
	r := e.get(ada, casePath(c.ID, "/messages"))
	r.ok(t, 200, nil)
	if !bytes.Contains(r.Body, []byte("Mail bounces.")) || bytes.Contains(r.Body, []byte("old internal remark")) {
		t.Errorf("customer timeline: %s", r.Body)
	}

	// All or nothing: one bad case refuses the batch.
	before := e.countCases()
	bad := map[string]any{"cases": []map[string]any{
		body["cases"].([]map[string]any)[0],
		{"org_id": adaUser.OrgID, "product": "mail", "category": "technical", "severity": "high", "title": "x",
			"description": "y", "created_by": carl, "created_at": created},
	}}
	e.post(sam, "/api/v1/import/cases", bad).problem(t, 422, "unknown_creator")
	if n := e.countCases(); n != before {
		t.Errorf("refused import stored %d cases", n-before)
	}
	e.post(sam, "/api/v1/import/cases", map[string]any{"cases": []map[string]any{{"created_at": "last year"}}}).problem(t, 400, "malformed_json")
	e.post(sam, "/api/v1/import/cases", map[string]any{"cases": []map[string]any{{"org_id": 1, "colour": "red"}}}).problem(t, 400, "unknown_field")
}

// TestFailuresDoNotLeak stops the store under a running server: readiness
// fails, and requests answer a generic 500 that names nothing internal.
func TestFailuresDoNotLeak(t *testing.T) {
	e := newEnv(t)
	tok := e.token(ada)
	e.get(ada, "/readyz").ok(t, 200, nil)
	e.db.Close()
	e.send(request{Method: "GET", Path: "/readyz"}).problem(t, http.StatusServiceUnavailable, "not_ready")
	if r := e.get("", "/healthz"); r.Status != 200 {
		t.Errorf("healthz = %d while the store is down", r.Status)
	}
	r := e.send(request{Method: "GET", Path: "/api/v1/me", Header: map[string]string{"Authorization": "Bearer " + tok}})
	p := r.problem(t, http.StatusInternalServerError, "internal")
	for _, leak := range []string{"sql", "sqlite", "closed", "desk.db"} {
		if strings.Contains(strings.ToLower(string(r.Body)), leak) {
			t.Errorf("500 leaks %q: %s", leak, p.Detail)
		}
	}
}

// TestPanicRecovered checks that a panicking handler answers a 500 problem
// and the server keeps serving.
func TestPanicRecovered(t *testing.T) {
	s := &Server{Logger: slog.New(slog.DiscardHandler)}
	h := s.outer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/me", nil))
	r := &result{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	p := r.problem(t, 500, "internal")
	if strings.Contains(p.Detail, "boom") {
		t.Errorf("panic value leaks: %s", r.Body)
	}
	checkSecurityHeaders(t, r)
}

// TestProblemJSONFields checks the problem document's fields against the
// OpenAPI schema's names.
func TestProblemJSONFields(t *testing.T) {
	b, _ := json.Marshal(problem{Type: "t", Title: "x", Status: 422, Detail: "d", Code: "c", Field: "f", UpgradePath: "u"})
	var m map[string]any
	json.Unmarshal(b, &m)
	for _, k := range []string{"type", "title", "status", "detail", "code", "field", "upgrade_path"} {
		if _, ok := m[k]; !ok {
			t.Errorf("problem JSON lacks %q: %s", k, b)
		}
	}
}
