package status

import (
	"bytes"
	"html"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"desk"
	"desk/locale"
	"desk/notify"
)

// mailEnv is the status page's env with mail switched on.
func mailEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	e.svc.Mail = desk.MailConfig{Address: "support@desk.example", Name: "Supportdesk",
		Secret: []byte("0123456789abcdef0123456789abcdef"), BaseURL: "http://status.test"}
	e.rebuild()
	return e
}

// form posts a form the way a browser on the page does.
func (e *env) form(path string, values url.Values, headers ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(values.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

// outbox returns the queued mails of a kind, oldest first.
func (e *env) outbox(kind desk.MailKind) []*desk.OutMail {
	e.t.Helper()
	all, err := e.db.Outbox(e.ctx, desk.OutboxFilter{Limit: 100})
	e.must(err)
	var out []*desk.OutMail
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].Kind == kind {
			out = append(out, all[i])
		}
	}
	return out
}

var statusRenderer = &notify.Renderer{From: "Supportdesk <support@desk.example>", BaseURL: "http://status.test", Product: "Supportdesk"}

// message renders an outbox row into the message a subscriber receives.
func (e *env) message(m *desk.OutMail) (*mail.Message, string) {
	e.t.Helper()
	raw, err := statusRenderer.Message(m)
	e.must(err)
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	e.must(err)
	_, text, _, err := statusRenderer.Render(m)
	e.must(err)
	return msg, text
}

var hiddenToken = regexp.MustCompile(`name="token" value="([^"]+)"`)

// TestSubscribeByMail follows a subscription from the status page to the
// mailbox and back: subscribe, confirm by the mailed link, receive an
// incident's news with one-click unsubscribe headers, unsubscribe with
// one click, and receive nothing more.
func TestSubscribeByMail(t *testing.T) {
	e := mailEnv(t)
	de := locale.For("de", nil)
	page := body(t, e.get("/status?lang=de"))
	for _, want := range []string{`action="/status/subscribe?lang=de"`, `name="component" value="mail"`,
		`name="component" value="drive"`, html.EscapeString(de.T("subscribe.form.title"))} {
		if !strings.Contains(page, want) {
			t.Fatalf("status page lacks %q", want)
		}
	}
	if strings.Contains(page, `value="mail-delivery"`) {
		t.Error("the form offers a feature group; it offers services")
	}

	sub := url.Values{"email": {"ann@example.com"}, "component": {"mail"}, "lang": {"de"}}
	// A post from another site is refused before anything is stored.
	for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Sec-Fetch-Site", "", "Origin", "https://evil.example"}} {
		if w := e.form("/status/subscribe?lang=de", sub, h...); w.Code != http.StatusForbidden {
			t.Fatalf("cross-site subscribe (%v): %d", h, w.Code)
		}
	}
	if n := len(e.outbox(desk.MailStatusConfirm)); n != 0 {
		t.Fatalf("cross-site posts queued %d mails", n)
	}

	w := e.form("/status/subscribe?lang=de", sub)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/status/subscribe/sent?lang=de" {
		t.Fatalf("subscribe: %d %q", w.Code, w.Header().Get("Location"))
	}
	if len(w.Result().Cookies()) != 0 {
		t.Error("subscribing set a cookie")
	}
	sent := e.get(w.Header().Get("Location"))
	if sent.Code != http.StatusOK || !strings.Contains(body(t, sent), html.EscapeString(de.T("subscribe.sent.title"))) {
		t.Fatalf("sent page: %d\n%s", sent.Code, body(t, sent))
	}
	// Asking again gets the same answer, and no second mail this hour.
	if w := e.form("/status/subscribe?lang=de", sub); w.Code != http.StatusSeeOther {
		t.Fatalf("second subscribe: %d", w.Code)
	}
	// A bad address shows the form again with the error and what was typed.
	bad := e.form("/status/subscribe?lang=de", url.Values{"email": {"ann at example"}, "component": {"drive"}, "lang": {"de"}})
	if b := body(t, bad); bad.Code != http.StatusUnprocessableEntity || !strings.Contains(b, html.EscapeString(de.T("subscribe.error.invalid_email"))) ||
		!strings.Contains(b, `value="ann at example"`) || !strings.Contains(b, `value="drive" checked`) {
		t.Fatalf("bad address: %d\n%s", bad.Code, b)
	}

	confirms := e.outbox(desk.MailStatusConfirm)
	if len(confirms) != 1 || confirms[0].To != "ann@example.com" || confirms[0].Language != "de" {
		t.Fatalf("confirmation mails = %+v", confirms)
	}
	msg, text := e.message(confirms[0])
	if msg.Header.Get("List-Unsubscribe") != "" || msg.Header.Get("Content-Language") != "de" {
		t.Fatalf("confirmation headers = %v", msg.Header)
	}
	link := regexp.MustCompile(`http://status\.test(/status/confirm\?\S+)`).FindStringSubmatch(text)
	if link == nil {
		t.Fatalf("no confirmation link in\n%s", text)
	}
	// Following the link (as a mail scanner would) only shows a button.
	shown := e.get(link[1])
	tok := hiddenToken.FindStringSubmatch(body(t, shown))
	if shown.Code != http.StatusOK || tok == nil || shown.Header().Get("Cache-Control") != "no-store" ||
		shown.Header().Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("confirm page: %d %v\n%s", shown.Code, shown.Header(), body(t, shown))
	}
	if s, err := e.db.StatusSubscriptionByEmail(e.ctx, "ann@example.com"); err != nil || s.Active() {
		t.Fatalf("GET confirmed the subscription: %+v, %v", s, err)
	}
	if w := e.form("/status/confirm?lang=de", url.Values{"token": {"forged"}}); w.Code != http.StatusNotFound ||
		!strings.Contains(body(t, w), html.EscapeString(de.T("subscribe.invalid.title"))) {
		t.Fatalf("forged confirm: %d", w.Code)
	}
	ok := e.form("/status/confirm?lang=de", url.Values{"token": {html.UnescapeString(tok[1])}})
	if ok.Code != http.StatusOK || !strings.Contains(body(t, ok), html.EscapeString(de.T("subscribe.confirmed.title"))) {
		t.Fatalf("confirm: %d\n%s", ok.Code, body(t, ok))
	}

	// An incident on a feature group of mail reaches Ann, in German.
	inc := e.incident(desk.NewIncident{Title: "Mail delayed", Impact: desk.ImpactMajor, Public: true,
		Affected: []desk.Affected{{Component: "mail-delivery", Status: desk.ComponentPartialOutage}}, Body: "We are *on it*."})
	if _, err := e.svc.SendStatusNotices(e.ctx, "test", 10); err != nil {
		t.Fatal(err)
	}
	news := e.outbox(desk.MailStatusIncident)
	if len(news) != 1 || news[0].To != "ann@example.com" {
		t.Fatalf("incident mails = %+v", news)
	}
	msg, text = e.message(news[0])
	if !strings.Contains(text, "We are *on it*.") || !strings.Contains(text, "http://status.test/status/incidents/") ||
		!strings.Contains(msg.Header.Get("Subject"), "Mail delayed") {
		t.Fatalf("incident mail:\n%v\n%s", msg.Header, text)
	}
	lu := msg.Header.Get("List-Unsubscribe")
	if msg.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.HasPrefix(lu, "<http://status.test/status/unsubscribe?token=") ||
		!strings.HasSuffix(lu, ">") || !strings.Contains(text, strings.Trim(lu, "<>")) {
		t.Fatalf("unsubscribe headers: %q %q\n%s", lu, msg.Header.Get("List-Unsubscribe-Post"), text)
	}
	unsub := strings.TrimPrefix(strings.Trim(lu, "<>"), "http://status.test")

	// The link shows a button; the mail provider's one-click POST, which
	// comes from its server without browser headers, unsubscribes at once.
	if w := e.get(unsub); w.Code != http.StatusOK || !hiddenToken.MatchString(body(t, w)) {
		t.Fatalf("unsubscribe page: %d", w.Code)
	}
	if s, err := e.db.StatusSubscriptionByEmail(e.ctx, "ann@example.com"); err != nil || !s.Active() {
		t.Fatalf("GET unsubscribed: %v", err)
	}
	r := httptest.NewRequest(http.MethodPost, unsub, strings.NewReader("List-Unsubscribe=One-Click"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	one := httptest.NewRecorder()
	e.h.ServeHTTP(one, r)
	if one.Code != http.StatusOK || !strings.Contains(body(t, one), html.EscapeString(locale.For("en", nil).T("subscribe.unsubscribed.title"))) {
		t.Fatalf("one-click unsubscribe: %d\n%s", one.Code, body(t, one))
	}

	e.clock.Add(time.Minute)
	e.post(inc.ID, desk.IncidentUpdate{Status: desk.IncidentRestored, Body: "Fixed."})
	if _, err := e.svc.SendStatusNotices(e.ctx, "test", 10); err != nil {
		t.Fatal(err)
	}
	if n := len(e.outbox(desk.MailStatusIncident)); n != 1 {
		t.Fatalf("after unsubscribing: %d incident mails, want still 1", n)
	}
}

// TestSubscribeFormOff: without mail the page offers no subscription, and
// the handler refuses one.
func TestSubscribeFormOff(t *testing.T) {
	e := newEnv(t)
	e.rebuild()
	if strings.Contains(body(t, e.get("/status")), `action="/status/subscribe`) {
		t.Error("the page offers subscriptions without mail")
	}
	w := e.form("/status/subscribe", url.Values{"email": {"ann@example.com"}})
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("subscribe without mail: %d", w.Code)
	}
}
