package ui

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"desk/demo"
	"desk/locale"
)

// TestSignInAndOut: pages need a session; the login form names what is
// wrong, keeps the address but never the password, and leads back to the
// page asked for; signing out ends the session.
func TestSignInAndOut(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	p := b.get("/console?view=mine")
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/login?next=%2Fconsole%3Fview%3Dmine" {
		t.Fatalf("anonymous /console: %d → %q", p.status, p.header.Get("Location"))
	}
	en := locale.For("en", nil)
	p = b.post("/login", url.Values{"email": {"carl@contoso.example"}, "password": {"wrong password"}, "next": {"/cases"}})
	if p.status != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", p.status)
	}
	p.has(t, en.T("login.wrong_credentials"), `value="carl@contoso.example"`, `aria-invalid="true"`)
	p.lacks(t, "wrong password")
	p = b.post("/login", url.Values{"email": {""}, "password": {""}})
	if p.status != http.StatusUnprocessableEntity || strings.Count(p.body, `class="field-error"`) != 2 {
		t.Fatalf("empty form: %d\n%s", p.status, p.body)
	}
	p = b.post("/login", url.Values{"email": {"carl@contoso.example"}, "password": {demo.Password}, "next": {"/cases"}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/cases" {
		t.Fatalf("sign in: %d → %q", p.status, p.header.Get("Location"))
	}
	cookie := p.header.Get("Set-Cookie")
	for _, want := range []string{"session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Fatalf("session cookie %q lacks %s", cookie, want)
		}
	}
	if p := b.get("/login"); p.status != http.StatusSeeOther {
		t.Fatalf("signed-in /login: %d", p.status)
	}
	if p := b.post("/logout", nil); p.status != http.StatusSeeOther {
		t.Fatalf("sign out: %d", p.status)
	}
	if p := b.get("/"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/login") {
		t.Fatalf("after sign-out /: %d → %q", p.status, p.header.Get("Location"))
	}
}

// TestSignOutEverywhere ends the sessions of every browser of the user.
func TestSignOutEverywhere(t *testing.T) {
	s := newSite(t)
	phone, laptop, other := s.browser(), s.browser(), s.browser()
	phone.signIn("carl@contoso.example")
	laptop.signIn("carl@contoso.example")
	other.signIn("sven@contoso.example")
	if p := phone.post("/logout/everywhere", nil); p.status != http.StatusSeeOther {
		t.Fatalf("sign out everywhere: %d", p.status)
	}
	if p := laptop.get("/"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/login") {
		t.Fatalf("the laptop is still signed in: %d", p.status)
	}
	if p := other.get("/"); p.status != http.StatusOK {
		t.Fatalf("another user was signed out: %d", p.status)
	}
}

// TestLoginLeadsOnlyHere: the next parameter never sends anyone to another
// site.
func TestLoginLeadsOnlyHere(t *testing.T) {
	for next, want := range map[string]string{
		"/cases?status=open":   "/cases?status=open",
		"https://evil.example": "/",
		"//evil.example/x":     "/",
		"/\\evil.example":      "/",
		"":                     "/",
		"cases":                "/",
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}

// TestSecurityHeaders: every page carries a CSP without unsafe-inline and
// refuses framing; cross-origin form posts are refused.
func TestSecurityHeaders(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	p := b.get("/login")
	csp := p.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Fatalf("CSP = %q", csp)
	}
	if strings.Contains(p.body, "<script>") || strings.Contains(p.body, " style=") {
		t.Fatal("inline script or style on the login page")
	}
	req, _ := http.NewRequest("POST", s.ts.URL+"/login", strings.NewReader("email=carl%40contoso.example&password="+demo.Password))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	p = b.do(req)
	if p.status != http.StatusForbidden || strings.Contains(p.header.Get("Set-Cookie"), "session=") {
		t.Fatalf("cross-site login: %d, cookie %q", p.status, p.header.Get("Set-Cookie"))
	}
	if p := b.get("/no/such/page"); p.status != http.StatusNotFound {
		t.Fatalf("unknown page: %d", p.status)
	}
}

// TestLanguage: the picker beats the user's language, which beats the
// browser's Accept-Language.
func TestLanguage(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.lang = "de-AT,de;q=0.9,en;q=0.5"
	p := b.get("/login")
	p.has(t, `<html lang="de">`, locale.For("de", nil).T("login.title"))
	b.signIn("daan@fabrikam.example") // Dutch
	p = b.get("/phone")
	if p.status == http.StatusOK {
		p.has(t, `<html lang="nl">`)
	}
	if p := b.post("/language", url.Values{"lang": {"sv"}, "next": {"/"}}); p.status != http.StatusSeeOther {
		t.Fatalf("pick language: %d", p.status)
	}
	b.get("/").has(t, `<html lang="sv">`)
}

// TestSignInThrottled: after repeated wrong passwords for an address,
// even the right one is refused for a while.
func TestSignInThrottled(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	for range maxFailures {
		b.post("/login", url.Values{"email": {"carl@contoso.example"}, "password": {"guess"}})
	}
	p := b.post("/login", url.Values{"email": {"carl@contoso.example"}, "password": {demo.Password}})
	if p.status != http.StatusTooManyRequests {
		t.Fatalf("after %d failures: %d", maxFailures, p.status)
	}
	// Others in the same office (the same client address) still get in.
	s.browser().signIn("sven@contoso.example")
}

// TestCompressed: pages and assets go gzipped to browsers that accept it.
func TestCompressed(t *testing.T) {
	s := newSite(t)
	req, _ := http.NewRequest("GET", s.ts.URL+"/static/app.css", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("app.css not compressed: %v", resp.Header)
	}
}
