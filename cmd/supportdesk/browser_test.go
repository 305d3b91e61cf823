package main

// Browser tests: the web pages driven in headless Chromium through the
// DevTools protocol (chromedp), against a real node with the demo data.
//
// They run when Chromium is installed, and must run (fail without a
// browser) when SUPPORTDESK_TEST_BROWSER=1, as in CI:
//
//	SUPPORTDESK_TEST_BROWSER=1 go test ./cmd/supportdesk -run Browser -v
//
// TestBrowser starts one node (SQLite in a temporary directory, demo data,
// 127.0.0.1:0) and one headless Chromium with a fresh profile, and runs
// its subtests on them, each visitor in a browser context of its own.
// Every page visited is checked for Content-Security-Policy violations and
// script errors in the console; the main pages are checked with axe-core
// (testdata/axe.min.js, from npm axe-core@4.14.1), for sideways scrolling
// at 360 px, and photographed (see SUPPORTDESK_SCREENSHOTS).
// browser_journey_test.go has the journeys through the portal and console.
//
// Environment:
//
//	SUPPORTDESK_TEST_BROWSER=1   fail instead of skipping when no browser is found (CI)
//	SUPPORTDESK_TEST_BROWSER=0   skip them
//	SUPPORTDESK_CHROMIUM=PATH    the browser to use (default /usr/bin/chromium, then $PATH)
//	SUPPORTDESK_SCREENSHOTS=DIR  where the screenshots go; docs/screenshots to refresh the
//	                             repository's copies, 0 for none; by default a directory
//	                             under $TMPDIR that the test log names

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"desk/demo"
	"desk/locale"
)

//go:embed testdata/axe.min.js
var axeSource string

const (
	// stepTimeout bounds one browser step: a selector that never matches
	// fails the test instead of hanging it.
	stepTimeout = 15 * time.Second
	// desktopWidth and mobileWidth are the viewport widths of the
	// screenshots and of the horizontal-scroll check.
	desktopWidth, desktopHeight = 1280, 800
	mobileWidth, mobileHeight   = 360, 740
)

// chromiumPath finds a Chromium or Chrome binary, or returns "".
// SUPPORTDESK_CHROMIUM names one explicitly (and only that one).
func chromiumPath() string {
	if p := os.Getenv("SUPPORTDESK_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return ""
		}
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// requireBrowser returns the browser to use, skips the test when there is
// none and none is required, and fails it when one is required
// (SUPPORTDESK_TEST_BROWSER=1) but missing.
func requireBrowser(t *testing.T) string {
	t.Helper()
	want := os.Getenv("SUPPORTDESK_TEST_BROWSER")
	required := want == "1" || strings.EqualFold(want, "true")
	path := chromiumPath()
	switch {
	case want == "0" || strings.EqualFold(want, "false"):
		t.Skip("browser tests skipped: SUPPORTDESK_TEST_BROWSER=0")
	case path == "" && required:
		t.Fatal("SUPPORTDESK_TEST_BROWSER=1 but no Chromium found (/usr/bin/chromium, chromium, chromium-browser, google-chrome, or SUPPORTDESK_CHROMIUM): apt-get install chromium")
	case path == "":
		t.Skip("browser tests skipped: install chromium and set SUPPORTDESK_TEST_BROWSER=1 to run them")
	case testing.Short() && !required:
		t.Skip("browser tests skipped in -short mode")
	}
	return path
}

// browserEnv is one node with the demo data and one headless Chromium.
type browserEnv struct {
	app  *App
	base string
	// browser is the chromedp context that owns the browser process; each
	// tab gets a browser context (its own cookies) under it.
	browser context.Context
	// shots is where screenshots go; empty means none are taken.
	shots string
}

// logWriter sends the node's warnings and errors to the test log, so that
// a page that fails on the server says why.
type logWriter struct {
	mu   sync.Mutex
	t    *testing.T
	done bool
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log("node: " + strings.TrimSpace(string(p)))
	}
	return len(p), nil
}

func newBrowserEnv(t *testing.T) *browserEnv {
	t.Helper()
	exe := requireBrowser(t)

	lw := &logWriter{t: t}
	cfg := DefaultConfig()
	cfg.Addr, cfg.DataDir, cfg.Demo = "127.0.0.1:0", t.TempDir(), true
	cfg.ShutdownTimeout = 5 * time.Second
	a := &App{Config: cfg, Logger: slog.New(slog.NewTextHandler(lw, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if err := a.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	go a.Serve()
	t.Cleanup(func() {
		a.Close()
		lw.mu.Lock()
		lw.done = true
		lw.mu.Unlock()
	})

	// No user-data-dir flag: chromedp then makes a fresh profile directory
	// for this browser, and removes it (after killing any child process
	// left behind) when the browser ends.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.WindowSize(desktopWidth, desktopHeight),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	// The first Do starts the browser; it has no timeout, since a timeout
	// here would end the browser with it.
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start %s: %v", exe, err)
	}

	e := &browserEnv{app: a, base: a.URL(), browser: browser}
	// Screenshots go to a temporary directory unless asked for
	// elsewhere, so that running the tests does not rewrite the
	// repository's copies; the log names the directory (CI output).
	switch dir := os.Getenv("SUPPORTDESK_SCREENSHOTS"); dir {
	case "0":
	case "":
		e.shots = filepath.Join(os.TempDir(), "supportdesk-screenshots")
	default:
		if !filepath.IsAbs(dir) {
			dir = filepath.Join("..", "..", dir) // relative to the repository
		}
		e.shots = dir
	}
	if e.shots != "" {
		if err := os.MkdirAll(e.shots, 0o755); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshots in %s", e.shots)
	}
	return e
}

// tab is one visitor: a tab in a browser context of its own, so with its
// own cookies, signed in as at most one user.
type tab struct {
	t   *testing.T
	env *browserEnv
	ctx context.Context
	who string

	mu sync.Mutex
	// problems are console messages about Content-Security-Policy
	// violations and uncaught script errors; checked counts those already
	// reported.
	problems []string
	checked  int
	// provoking is set while a test breaks the CSP on purpose: violations
	// then go to provoked instead.
	provoking bool
	provoked  []string
}

// newTab opens a tab in a fresh browser context. who names the visitor in
// failure messages.
func (e *browserEnv) newTab(t *testing.T, who string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(e.browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open tab for %s: %v", who, err)
	}
	tb := &tab{t: t, env: e, ctx: ctx, who: who}
	if err := chromedp.Listen(ctx, tb.onEvent); err != nil {
		t.Fatal(err)
	}
	tb.do("set the desktop viewport", chromedp.EmulateViewport(desktopWidth, desktopHeight))
	t.Cleanup(tb.checkConsole)
	return tb
}

// onEvent runs in chromedp's read loop: record and return.
func (tb *tab) onEvent(ev any) {
	var text string
	exception := false
	switch ev := ev.(type) {
	case *log.EventEntryAdded:
		text = ev.Entry.Text
	case *runtime.EventConsoleAPICalled:
		var parts []string
		for _, a := range ev.Args {
			if len(a.Value) > 0 {
				parts = append(parts, strings.Trim(string(a.Value), `"`))
			} else if a.Description != "" {
				parts = append(parts, a.Description)
			}
		}
		text = strings.Join(parts, " ")
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text = d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		text += fmt.Sprintf(" (%s:%d)", d.URL, d.LineNumber+1)
		exception = true
	default:
		return
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch {
	case isCSPViolation(text) && tb.provoking:
		tb.provoked = append(tb.provoked, text)
	case exception || isCSPViolation(text):
		tb.problems = append(tb.problems, text)
	}
}

// isCSPViolation recognises the console report of a Content-Security-
// Policy violation. Older Chromium wrote "Refused to execute inline script
// because it violates the following Content Security Policy directive";
// Chromium 156 writes "Executing inline script violates the following
// Content Security Policy directive" ("Applying inline style ..." for
// styles).
func isCSPViolation(text string) bool {
	return strings.Contains(text, "Content Security Policy") ||
		strings.Contains(text, "Refused to execute inline script") ||
		strings.Contains(text, "Refused to apply inline style")
}

// checkConsole fails the test for CSP violations and uncaught script
// errors seen since the last check.
func (tb *tab) checkConsole() {
	tb.t.Helper()
	tb.mu.Lock()
	fresh := append([]string{}, tb.problems[tb.checked:]...)
	tb.checked = len(tb.problems)
	tb.mu.Unlock()
	for _, m := range fresh {
		tb.t.Errorf("%s: browser console on %s: %s", tb.who, tb.url(), m)
	}
}

// step returns a context for one step, bounded by stepTimeout.
func (tb *tab) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(tb.ctx, stepTimeout)
}

// fail ends the test with what the visitor sees: the address and the
// start of the page's text.
func (tb *tab) fail(what string, err error) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 3*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if len(text) > 800 {
		text = text[:800] + "…"
	}
	tb.t.Fatalf("%s: %s: %v\n  at %s\n  page text: %q", tb.who, what, err, loc, text)
}

// do runs steps that return nothing.
func (tb *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.fail(what, err)
	}
}

// result runs one action and returns its value.
func result[T any](tb *tab, what string, a chromedp.Action[T]) T {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tb.fail(what, err)
	}
	return v
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](tb *tab, js string) T {
	tb.t.Helper()
	return result(tb, "evaluate "+js, chromedp.Evaluate[T](js))
}

func (tb *tab) url() string {
	ctx, cancel := context.WithTimeout(tb.ctx, 3*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	return loc
}

// path returns the path and query of the current address.
func (tb *tab) path() string {
	tb.t.Helper()
	return strings.TrimPrefix(tb.url(), tb.env.base)
}

// pathOnly returns the path of the current address, without the query.
func (tb *tab) pathOnly() string {
	tb.t.Helper()
	p, _, _ := strings.Cut(tb.path(), "?")
	return p
}

// visit loads a page of the node and returns the HTTP status of the
// document.
func (tb *tab) visit(path string) int64 {
	tb.t.Helper()
	resp := result(tb, "visit "+path, chromedp.NavigateResponse(tb.env.base+path))
	tb.checkConsole()
	if resp == nil {
		return 0
	}
	return resp.Status
}

// visitOK loads a page and fails unless it answers 200.
func (tb *tab) visitOK(path string) {
	tb.t.Helper()
	if status := tb.visit(path); status != 200 {
		tb.fail("visit "+path, fmt.Errorf("status %d, want 200", status))
	}
}

// navigates runs steps that load another page (a click on a link or a
// submit button) and waits for it; it returns the HTTP status of the page
// it ends on.
func (tb *tab) navigates(what string, steps ...chromedp.Action[chromedp.Void]) int64 {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		tb.fail(what, err)
	}
	tb.checkConsole()
	if resp == nil {
		return 0
	}
	return resp.Status
}

// click clicks the first visible element matching a CSS selector and
// waits for the page it leads to.
func (tb *tab) click(sel string) int64 {
	tb.t.Helper()
	return tb.navigates("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// fill sets the value of a field (input, textarea or select).
func (tb *tab) fill(sel, value string) {
	tb.t.Helper()
	tb.do(fmt.Sprintf("fill %s", sel), chromedp.SetValue(chromedp.CSS(sel), value, chromedp.NodeReady))
}

// has reports whether an element matches a CSS selector now.
func (tb *tab) has(sel string) bool {
	tb.t.Helper()
	return eval[bool](tb, fmt.Sprintf(`document.querySelector(%q) !== null`, sel))
}

// mustHave fails unless an element matches a CSS selector (waiting for it
// up to the step timeout).
func (tb *tab) mustHave(sel string) {
	tb.t.Helper()
	tb.do("find "+sel, chromedp.WaitReady(chromedp.CSS(sel)))
}

// text returns the visible text of the first element matching a CSS
// selector.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	return eval[string](tb, fmt.Sprintf(`(function(){ const e = document.querySelector(%q); return e ? e.innerText : "" })()`, sel))
}

// pageText returns the visible text of the page.
func (tb *tab) pageText() string {
	tb.t.Helper()
	return tb.text("body")
}

// lang returns the lang attribute of the html element.
func (tb *tab) lang() string {
	tb.t.Helper()
	return eval[string](tb, `document.documentElement.lang`)
}

// signIn signs in with the demo password and fails unless it worked.
func (tb *tab) signIn(email string) {
	tb.t.Helper()
	tb.visitOK("/login")
	tb.fill("#email", email)
	tb.fill("#password", demo.Password)
	if status := tb.click(`form[action="/login"] button[type=submit]`); status != 200 {
		tb.fail("sign in as "+email, fmt.Errorf("status %d", status))
	}
	if p := tb.path(); strings.HasPrefix(p, "/login") {
		tb.fail("sign in as "+email, errors.New("still on the login page"))
	}
	tb.who = email
}

// screenshot writes the whole page, at the current viewport width, to
// <screenshot directory>/<name>.png.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	if tb.env.shots == "" {
		return
	}
	png := result(tb, "screenshot "+name, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(tb.env.shots, name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// mobile runs f with a 360 px wide, mobile viewport.
func (tb *tab) mobile(f func()) {
	tb.t.Helper()
	tb.do("set the mobile viewport", chromedp.EmulateViewport(mobileWidth, mobileHeight, chromedp.EmulateMobile))
	defer tb.do("set the desktop viewport", chromedp.EmulateViewport(desktopWidth, desktopHeight))
	f()
}

// noHorizontalScroll loads path at 360 px and fails if the page is wider.
func (tb *tab) noHorizontalScroll(path string) {
	tb.t.Helper()
	tb.mobile(func() {
		tb.visitOK(path)
		w := eval[int](tb, `document.documentElement.scrollWidth`)
		if w > mobileWidth {
			wide := eval[[]string](tb, fmt.Sprintf(`Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > %d).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : ""))`, mobileWidth))
			tb.t.Errorf("%s: %s scrolls sideways at %d px: scrollWidth %d; elements reaching past the edge: %v", tb.who, path, mobileWidth, w, wide)
		}
	})
}

// axeViolation is one axe-core rule a page breaks.
type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	HelpURL string   `json:"helpUrl"`
	Targets []string `json:"targets"`
	HTML    []string `json:"html"`
	Count   int      `json:"count"`
}

// axeRun runs axe-core on the current page and returns the rules it
// breaks. The script is injected through DevTools, which the page's CSP
// does not govern.
func (tb *tab) axeRun(page string) []axeViolation {
	tb.t.Helper()
	if !eval[bool](tb, `typeof window.axe === "object"`) {
		tb.do("inject axe-core", chromedp.Evaluate[chromedp.Void](axeSource))
	}
	const script = `axe.run(document, {resultTypes: ["violations"]}).then(r => ({
		passed: r.passes.length, incomplete: r.incomplete.length,
		violations: r.violations.map(v => ({
			id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl, count: v.nodes.length,
			targets: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
			html: v.nodes.slice(0, 3).map(n => n.html.slice(0, 160)),
		})),
	}))`
	type axeResult struct {
		Passed     int            `json:"passed"`
		Incomplete int            `json:"incomplete"`
		Violations []axeViolation `json:"violations"`
	}
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	r, err := chromedp.Run(ctx, chromedp.Evaluate[axeResult](script, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.fail("axe on "+page, err)
	}
	tb.t.Logf("axe on %s (%s): %d rules passed, %d violated, %d need a human look", page, tb.path(), r.Passed, len(r.Violations), r.Incomplete)
	vs := r.Violations
	return vs
}

// axe checks the current page with axe-core and fails the test on every
// serious or critical violation, naming the rule, the elements and the
// fix; lesser ones are logged.
func (tb *tab) axe(page string) []axeViolation {
	tb.t.Helper()
	vs := tb.axeRun(page)
	for _, v := range vs {
		msg := fmt.Sprintf("axe on %s (%s): %s [%s] %s; %d element(s), first: %s %q (%s)",
			page, tb.path(), v.ID, v.Impact, v.Help, v.Count, strings.Join(v.Targets, " | "), v.HTML, v.HelpURL)
		if v.Impact == "serious" || v.Impact == "critical" {
			tb.t.Error(msg)
		} else {
			tb.t.Log(msg)
		}
	}
	return vs
}

// missingKey finds the marker locale.T shows for a key the catalogue
// lacks: "⟦console.queues.title⟧".
var missingKey = regexp.MustCompile(`⟦[^⟧]*⟧`)

// check is what every main page gets: no missing catalogue message, axe,
// and a screenshot.
func (tb *tab) check(name string) {
	tb.t.Helper()
	if keys := missingKey.FindAllString(tb.pageText(), -1); len(keys) > 0 {
		slices.Sort(keys)
		tb.t.Errorf("%s: %s (%s) shows catalogue keys without a message: %v", tb.who, name, tb.path(), slices.Compact(keys))
	}
	tb.axe(name)
	tb.screenshot(name)
}

// tr returns a message of the catalogue in a language.
func tr(lang, key string, args ...any) string {
	return locale.For(lang, nil).T(key, args...)
}

// foreignText returns the catalogue texts of lang "from" (12 characters or
// longer, and different in lang "to") that occur in text: what a reader of
// "to" should not see. Messages with placeholders are checked by their
// literal pieces.
func foreignText(text, from, to string) []string {
	var found []string
	for _, key := range locale.Keys(from) {
		a, b := tr(from, key), tr(to, key)
		if a == b {
			continue
		}
		for _, piece := range literalPieces(a) {
			if len([]rune(piece)) >= 12 && !strings.Contains(b, piece) && strings.Contains(text, piece) {
				found = append(found, fmt.Sprintf("%s=%q", key, piece))
			}
		}
	}
	return found
}

// literalPieces splits a message at its {placeholders}.
func literalPieces(s string) []string {
	var out []string
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		out = append(out, strings.TrimSpace(s[:i]))
		s = s[i+j+1:]
	}
	return append(out, strings.TrimSpace(s))
}

// TestBrowser drives the pages in headless Chromium. The journeys through
// the portal and the console are in browser_journey_test.go.
func TestBrowser(t *testing.T) {
	start := time.Now()
	env := newBrowserEnv(t)
	t.Logf("node at %s, browser started in %v", env.base, time.Since(start).Round(time.Millisecond))

	t.Run("Login", func(t *testing.T) { browserLogin(t, env) })
	t.Run("Language", func(t *testing.T) { browserLanguage(t, env) })
	t.Run("CSP", func(t *testing.T) { browserCSP(t, env) })
	for _, j := range journeys {
		t.Run(j.name, func(t *testing.T) { j.run(t, env) })
	}
}

// browserLogin: the login page passes axe, refuses a wrong password with a
// message next to the field, and signs a customer in to the portal and an
// agent in to the console.
func browserLogin(t *testing.T, env *browserEnv) {
	tb := env.newTab(t, "anonymous")
	if status := tb.visit("/"); status != 200 || !strings.HasPrefix(tb.path(), "/login") {
		t.Fatalf("/ without a session: status %d at %s, want the login page", status, tb.path())
	}
	if got := tb.lang(); got != "en" {
		t.Errorf("login page for an English browser: lang=%q", got)
	}
	tb.check("login")
	tb.noHorizontalScroll("/login")

	tb.fill("#email", "carl@contoso.example")
	tb.fill("#password", "not-the-password")
	if status := tb.click(`form[action="/login"] button[type=submit]`); status != 401 {
		t.Errorf("wrong password: status %d, want 401", status)
	}
	if msg := tb.text("#email-error"); msg != tr("en", "login.wrong_credentials") {
		t.Errorf("wrong password: #email-error = %q, want %q", msg, tr("en", "login.wrong_credentials"))
	}
	if v := eval[string](tb, `document.querySelector("#email").value`); v != "carl@contoso.example" {
		t.Errorf("wrong password: the e-mail field lost its value: %q", v)
	}
	if v := eval[string](tb, `document.querySelector("#password").value`); v != "" {
		t.Error("wrong password: the password came back in the form")
	}
	tb.axe("login with an error")

	tb.signIn("carl@contoso.example")
	if p := tb.path(); p != "/" {
		t.Errorf("carl after sign-in is at %s, want /", p)
	}
	if got := tb.lang(); got != "de" {
		t.Errorf("carl (German) sees lang=%q", got)
	}

	agent := env.newTab(t, "agent")
	agent.signIn("agent.de@vendor.example")
	if p := agent.path(); p != "/console" {
		t.Errorf("agent after sign-in is at %s, want /console", p)
	}
}

// browserLanguage: the picker switches the language of the page, and the
// choice sticks.
func browserLanguage(t *testing.T, env *browserEnv) {
	tb := env.newTab(t, "anonymous")
	tb.visitOK("/login")
	if h1 := tb.text("h1"); h1 != tr("en", "login.title") {
		t.Errorf("English login h1 = %q", h1)
	}
	tb.mustHave("select#lang-pick")
	// Choosing an option submits the picker (app.js); the picker posts
	// to /language and comes back here.
	tb.navigates("pick Nederlands", chromedp.Evaluate[chromedp.Void](
		`(function(){ const s = document.querySelector("#lang-pick"); s.value = "nl"; s.dispatchEvent(new Event("change", {bubbles: true})); })()`))
	if p := tb.path(); !strings.HasPrefix(p, "/login") {
		t.Errorf("after picking a language: at %s, want back on /login", p)
	}
	if got := tb.lang(); got != "nl" {
		t.Fatalf("after picking Nederlands: <html lang=%q>", got)
	}
	if h1 := tb.text("h1"); h1 != tr("nl", "login.title") {
		t.Errorf("Dutch login h1 = %q, want %q", h1, tr("nl", "login.title"))
	}
	if found := foreignText(tb.pageText(), "en", "nl"); len(found) > 0 {
		t.Errorf("English text on the Dutch login page: %v", found)
	}
	if v := eval[string](tb, `document.querySelector("#lang-pick").value`); v != "nl" {
		t.Errorf("picker shows %q after choosing nl", v)
	}
	tb.visitOK("/login")
	if got := tb.lang(); got != "nl" {
		t.Errorf("the choice did not stick: lang=%q on the next visit", got)
	}
	tb.axe("login in Dutch")
}

// browserCSP: the Content-Security-Policy header blocks inline script and
// inline style in the browser, and the listener that the other tests rely
// on to catch violations does see them.
func browserCSP(t *testing.T, env *browserEnv) {
	tb := env.newTab(t, "anonymous")
	tb.visitOK("/login")
	tb.mu.Lock()
	tb.provoking = true
	tb.mu.Unlock()
	blocked := eval[bool](tb, `(function(){
		window.__inline = false;
		const s = document.createElement("script");
		s.textContent = "window.__inline = true";
		document.head.appendChild(s);
		const d = document.createElement("div");
		d.setAttribute("style", "color: rgb(1, 2, 3)");
		document.body.appendChild(d);
		const styled = getComputedStyle(d).color === "rgb(1, 2, 3)";
		d.remove();
		return !window.__inline && !styled;
	})()`)
	if !blocked {
		t.Error("inline script or inline style ran: the CSP does not block them")
	}
	// The violations reach the console listener (give it a moment: the
	// console reports them asynchronously).
	deadline := time.Now().Add(3 * time.Second)
	for {
		tb.mu.Lock()
		got := append([]string{}, tb.provoked...)
		tb.mu.Unlock()
		script, style := false, false
		for _, v := range got {
			script = script || strings.Contains(v, "inline script")
			style = style || strings.Contains(v, "inline style")
		}
		if script && style {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the console listener saw the CSP reports %q; want an inline script and an inline style refused", got)
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.mu.Lock()
	tb.provoking = false
	tb.mu.Unlock()

	// axe itself works: an image without a text alternative is reported.
	eval[chromedp.Void](tb, `document.querySelector("main").appendChild(document.createElement("img")).src = "/static/none.png"`)
	found := false
	for _, v := range tb.axeRun("login with a planted fault") {
		found = found || v.ID == "image-alt" && v.Impact == "critical"
	}
	if !found {
		t.Error("axe did not report an <img> without alt: the check is not working")
	}
}
