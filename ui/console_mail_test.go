package ui

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"desk"
	"desk/locale"
)

// withMail configures the site's desk to send mail, so that case changes
// queue notifications, and the pages to preview them with fakePreview.
func (s *site) withMail() {
	s.svc.Mail = desk.MailConfig{Address: "support@desk.example", Secret: []byte("x")}
	s.srv.MailPreview = fakePreview
}

// fakePreview stands in for notify.Renderer: a subject naming the case,
// a text body and an HTML body with what the sandbox must contain.
func fakePreview(m *desk.OutMail) (subject, text, html string, err error) {
	if m.Data.CaseTitle == "Unrenderable" {
		return "", "", "", errors.New("no template")
	}
	subject = fmt.Sprintf("[Case %d] %s", m.CaseID, m.Data.CaseTitle)
	text = fmt.Sprintf("Hello %s,\n\nwe received your case <%d>.", m.ToName, m.CaseID)
	html = `<p style="color:#333">Hello <b>` + m.ToName + `</b></p><script>alert(1)</script>`
	return subject, text, html, nil
}

// outboxOf returns the outgoing mails of a case, newest first.
func (s *site) outboxOf(caseID int64) []*desk.OutMail {
	s.t.Helper()
	ms, err := s.svc.Outbox(s.ctx, s.user("sam@vendor.example"), desk.OutboxFilter{CaseID: caseID})
	if err != nil {
		s.t.Fatal(err)
	}
	return ms
}

// storeInMail stores a received mail with a status and reason, as the
// inbox would after processing it.
func (s *site) storeInMail(msgID, subject string, raw []byte, status desk.InStatus, reason string) *desk.InMail {
	s.t.Helper()
	in := &desk.InMail{MessageID: msgID, From: "stranger@example.net", FromName: "A Stranger",
		To: []string{"support@desk.example"}, Subject: subject, Raw: raw, ReceivedAt: time.Now().UTC()}
	stored, dup, err := s.svc.Store.SaveInMail(s.ctx, in)
	if err != nil || dup {
		s.t.Fatalf("save mail: %v (dup %v)", err, dup)
	}
	stored.Status, stored.Reason = status, reason
	if err := s.svc.Store.SetInMail(s.ctx, stored); err != nil {
		s.t.Fatal(err)
	}
	return stored
}

var outboxRow = regexp.MustCompile(`href="/console/mail/out/(\d+)"`)

// outboxIDs returns the mail ids of the rows of the outbox table.
func outboxIDs(p page) []string {
	start := strings.Index(p.body, `<table id="outbox"`)
	if start < 0 {
		return nil
	}
	end := strings.Index(p.body[start:], "</table>")
	var ids []string
	for _, m := range outboxRow.FindAllStringSubmatch(p.body[start:start+end], -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// TestConsoleOutbox: staff read the mail the desk queued, filtered by
// status and case, each with its headers, its text and its HTML in a
// sandbox; in capture mode the page says that nothing is sent.
func TestConsoleOutbox(t *testing.T) {
	s := newSite(t)
	s.withMail()
	s.srv.MailCapture = true
	c := s.openCase("carl@contoso.example", "Mail preview test")
	ms := s.outboxOf(c.ID)
	if len(ms) != 1 || ms[0].Kind != desk.MailCaseOpened {
		t.Fatalf("outbox of the new case: %+v", ms)
	}
	m := ms[0]
	b := s.browser()
	b.signIn("sam@vendor.example")

	p := b.get("/console/mail")
	if p.status != http.StatusOK {
		t.Fatalf("/console/mail: %d\n%s", p.status, p.body)
	}
	checkPage(t, p)
	p.has(t, `<table id="outbox"`, `id="capture-note"`, en.T("console.mail.capture_note"),
		fmt.Sprintf(`href="/console/mail/out/%d"`, m.ID), fmt.Sprintf("[Case %d] Mail preview test", c.ID),
		en.T("console.mail.kind.case_opened"), m.To, fmt.Sprintf(`href="/console/cases/%d"`, c.ID),
		en.T("console.mail.out_status.pending"), `<a href="/console/mail" aria-current="page">`+en.T("nav.mail"))
	p.lacks(t, `<a href="/console" aria-current="page">`)
	if ids := outboxIDs(p); len(ids) == 0 || ids[0] != fmt.Sprint(m.ID) {
		t.Fatalf("the newest mail is not first: %v", ids)
	}

	// Filters: by status and by case, "#1042" as well as "1042".
	for q, want := range map[string]bool{
		"status=pending": true, "status=sent": false, "status=failed": false,
		fmt.Sprintf("case=%d", c.ID): true, fmt.Sprintf("case=%%23%d", c.ID): true, "case=99999999": false,
		fmt.Sprintf("case=%d&status=suppressed", c.ID): false,
		"status=nonsense&case=abc":                     true, // ignored, not an error
	} {
		p := b.get("/console/mail?" + q)
		if p.status != http.StatusOK {
			t.Fatalf("%s: %d", q, p.status)
		}
		if got := strings.Contains(p.body, fmt.Sprintf(`href="/console/mail/out/%d"`, m.ID)); got != want {
			t.Errorf("%s: mail listed %v, want %v", q, got, want)
		}
		if !want {
			p.has(t, en.T("console.mail.empty_out"))
		}
	}
	b.get("/console/mail?status=sent").has(t, `<option value="sent" selected>`)

	// One mail: its headers, completed as it is sent, and both bodies.
	u := fmt.Sprintf("/console/mail/out/%d", m.ID)
	p = b.get(u)
	if p.status != http.StatusOK {
		t.Fatalf("%s: %d\n%s", u, p.status, p.body)
	}
	checkPage(t, p)
	// html/template writes "+" as "&#43;".
	reply := strings.ReplaceAll(s.svc.Mail.ReplyAddress(c.ID, c.OrgID), "+", "&#43;")
	p.has(t, en.T("console.mail.out.heading", "id", fmt.Sprint(m.ID)), m.To, reply,
		strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(m.MessageID),
		fmt.Sprintf("&lt;case-%d@desk.example&gt;", c.ID), fmt.Sprintf("[Case %d] Mail preview test", c.ID),
		en.T("console.mail.auto_yes"), "Deutsch", `<pre class="mail-text" lang="de">Hello Carl Becker,`,
		fmt.Sprintf("your case &lt;%d&gt;.</pre>", c.ID),
		fmt.Sprintf(`<iframe class="mail-html" sandbox src="/console/mail/out/%d/html"`, m.ID),
		fmt.Sprintf(`href="/console/mail?case=%d"`, c.ID))
	p.lacks(t, "<script>alert", "Hello <b>")

	// The HTML body, alone, under the sandbox policy.
	h := b.get(u + "/html")
	if h.status != http.StatusOK {
		t.Fatalf("%s/html: %d", u, h.status)
	}
	if got := h.header.Get("Content-Security-Policy"); got != "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:" {
		t.Errorf("HTML body CSP = %q", got)
	}
	if h.header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(h.header.Get("Content-Type"), "text/html") ||
		h.header.Get("X-Frame-Options") == "DENY" {
		t.Errorf("HTML body headers: %v", h.header)
	}
	if !strings.Contains(h.body, "Hello <b>Carl Becker</b>") {
		t.Errorf("HTML body: %q", h.body)
	}

	// A mail the renderer cannot render, and no renderer at all: the
	// pages say so and show the kind; there is no HTML to frame.
	bad := s.openCase("carl@contoso.example", "Unrenderable")
	bm := s.outboxOf(bad.ID)[0]
	b.get("/console/mail").has(t, en.T("console.mail.preview_unavailable"))
	p = b.get(fmt.Sprintf("/console/mail/out/%d", bm.ID))
	p.has(t, en.T("console.mail.preview_unavailable_long", "kind", en.T("console.mail.kind.case_opened")))
	p.lacks(t, "<iframe", `class="mail-text"`)
	checkPage(t, p)
	if p := b.get(fmt.Sprintf("/console/mail/out/%d/html", bm.ID)); p.status != http.StatusNotFound {
		t.Errorf("HTML of an unrenderable mail: %d", p.status)
	}
	s.srv.MailPreview = nil
	p = b.get(u)
	p.has(t, en.T("console.mail.preview_unavailable"), m.To)
	p.lacks(t, "<iframe")
	if p := b.get(u + "/html"); p.status != http.StatusNotFound {
		t.Errorf("HTML without a renderer: %d", p.status)
	}
	s.srv.MailPreview = fakePreview

	// Without capture mode there is no note.
	s.srv.MailCapture = false
	b.get("/console/mail").lacks(t, `id="capture-note"`)

	for _, path := range []string{"/console/mail/out/999999", "/console/mail/out/abc", "/console/mail/out/999999/html"} {
		if p := b.get(path); p.status != http.StatusNotFound {
			t.Errorf("%s: %d", path, p.status)
		}
	}
}

// TestConsoleOutboxPaging: the outbox shows 50 mails a page, newest
// first, and pages back by id without repeating or skipping a mail.
func TestConsoleOutboxPaging(t *testing.T) {
	s := newSite(t)
	s.withMail()
	carl := s.user("carl@contoso.example")
	// Each case mails its contact and the admin who opened it.
	for i := range 26 {
		if _, _, err := s.svc.OpenCase(s.ctx, carl, desk.NewCase{
			Product: "mail", Category: desk.CategoryTechnical, Severity: desk.SeverityNormal,
			Title: fmt.Sprintf("Paged mail %d", i), Description: "Paging the outbox.",
			ContactName: "Ops", ContactEmail: "ops@contoso.example",
		}, ""); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.svc.Outbox(s.ctx, s.user("sam@vendor.example"), desk.OutboxFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) <= outboxPageSize {
		t.Fatalf("only %d mails queued", len(all))
	}
	b := s.browser()
	b.signIn("sam@vendor.example")
	next, seen, pages := "/console/mail", map[string]bool{}, 0
	var order []string
	for ; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		p := b.get(next)
		ids := outboxIDs(p)
		if len(ids) > outboxPageSize {
			t.Fatalf("page of %d mails", len(ids))
		}
		if pages > 0 {
			p.has(t, `href="/console/mail">`+en.T("console.mail.newest"))
		}
		for _, id := range ids {
			if seen[id] {
				t.Fatalf("mail %s on two pages", id)
			}
			seen[id] = true
		}
		order = append(order, ids...)
		next = ""
		if m := regexp.MustCompile(`href="(/console/mail\?[^"]*before=\d+)" rel="next"`).FindStringSubmatch(p.body); m != nil {
			next = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	if pages != 2 || len(order) != len(all) {
		t.Fatalf("%d pages showed %d mails, want 2 pages and %d", pages, len(order), len(all))
	}
	for i, m := range all {
		if order[i] != fmt.Sprint(m.ID) {
			t.Fatalf("mail %d at position %d is %s: not newest first", m.ID, i, order[i])
		}
	}
	// The filter stays on the next page's link.
	p := b.get("/console/mail?status=pending")
	if !strings.Contains(p.body, "status=pending") || !regexp.MustCompile(`href="/console/mail\?before=\d+&amp;status=pending" rel="next"`).MatchString(p.body) {
		t.Error("the next page link drops the filter")
	}
}

// TestConsoleMailStaffOnly: customers get no mail page, no mail body and
// cannot discard; signed out, the pages lead to the sign-in.
func TestConsoleMailStaffOnly(t *testing.T) {
	s := newSite(t)
	s.withMail()
	c := s.openCase("carl@contoso.example", "Staff only mail")
	out := s.outboxOf(c.ID)[0]
	in := s.storeInMail("<held@example.net>", "Held", []byte("Subject: Held\r\n\r\nHeld."), desk.InQuarantined, desk.QuarantineUnknownSender)
	paths := []string{
		"/console/mail", "/console/mail?status=sent",
		fmt.Sprintf("/console/mail/out/%d", out.ID), fmt.Sprintf("/console/mail/out/%d/html", out.ID),
		"/console/mail/in", "/console/mail/in?status=added",
		fmt.Sprintf("/console/mail/in/%d", in.ID), fmt.Sprintf("/console/mail/in/%d/raw", in.ID),
	}
	cust := s.browser()
	cust.signIn("carl@contoso.example")
	for _, path := range paths {
		p := cust.get(path)
		if p.status != http.StatusForbidden {
			t.Errorf("customer on %s: %d", path, p.status)
		}
		p.lacks(t, "Held.", out.To+"</td>", "Hello <b>")
	}
	if p := cust.post(fmt.Sprintf("/console/mail/in/%d/discard", in.ID), nil); p.status != http.StatusForbidden {
		t.Errorf("customer discarding: %d", p.status)
	}
	if got, _ := s.svc.Store.InMail(s.ctx, in.ID); got.Status != desk.InQuarantined {
		t.Fatalf("after a customer's discard: %s", got.Status)
	}
	// The portal offers no mail link.
	cust.get("/").lacks(t, `href="/console/mail"`)

	anon := s.browser()
	for _, path := range paths {
		if p := anon.get(path); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/login?next=") {
			t.Errorf("signed out on %s: %d → %q", path, p.status, p.header.Get("Location"))
		}
	}
}

// TestConsoleQuarantine: quarantined mail is listed with its reason in
// words, opened with its raw text escaped and cut, downloaded as it came,
// and discarded; other mail cannot be discarded.
func TestConsoleQuarantine(t *testing.T) {
	s := newSite(t)
	s.withMail()
	raw := []byte("From: A Stranger <stranger@example.net>\r\nSubject: Hello\r\n\r\nPlease <script>alert(1)</script> help.\r\n")
	held := s.storeInMail("<q1@example.net>", "Hello <b>there</b>", raw, desk.InQuarantined, desk.QuarantineUnknownSender)
	large := s.storeInMail("<q2@example.net>", "Large", []byte("Subject: Large\r\n\r\n"), desk.InQuarantined, "mail_too_large")
	odd := s.storeInMail("<q3@example.net>", "", []byte("x"), desk.InQuarantined, "some_new_code")
	c := s.openCase("carl@contoso.example", "Case with mail")
	added := s.storeInMail("<a1@example.net>", "Added one", []byte("Subject: Added one\r\n\r\nText."), desk.InQuarantined, "")
	added.Status, added.CaseID = desk.InAdded, c.ID
	if err := s.svc.Store.SetInMail(s.ctx, added); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.signIn("sam@vendor.example")

	p := b.get("/console/mail/in")
	if p.status != http.StatusOK {
		t.Fatalf("/console/mail/in: %d\n%s", p.status, p.body)
	}
	checkPage(t, p)
	p.has(t, `<table id="inbox"`, "Hello &lt;b&gt;there&lt;/b&gt;", "A Stranger", "stranger@example.net",
		en.T("console.mail.reason.unknown_sender"), en.T("console.mail.reason.mail_too_large"), "some_new_code",
		en.T("console.mail.no_subject"), en.T("console.mail.in_status.quarantined"),
		fmt.Sprintf(`href="/console/mail/in/%d"`, held.ID), fmt.Sprintf(`href="/console/mail/in/%d"`, large.ID),
		fmt.Sprintf(`href="/console/mail/in/%d"`, odd.ID),
		`<a href="/console/mail/in?status=quarantined" aria-current="page">`,
		// The navigation counts the quarantine.
		`<span class="count">`+en.T("nav.mail_held", "count", "3")+`</span>`)
	p.lacks(t, "Added one", "<b>there</b>")
	if got := b.get("/console/mail/in?status=quarantined"); got.body != p.body {
		t.Error("quarantined is not the default tab")
	}
	p = b.get("/console/mail/in?status=added")
	p.has(t, "Added one", fmt.Sprintf(`href="/console/cases/%d"`, c.ID), en.T("console.mail.in_status.added"))
	p.lacks(t, "Hello &lt;b&gt;")
	b.get("/console/mail/in?status=bounce").has(t, en.T("console.mail.empty_in"))

	// One mail, its raw text escaped.
	u := fmt.Sprintf("/console/mail/in/%d", held.ID)
	p = b.get(u)
	if p.status != http.StatusOK {
		t.Fatalf("%s: %d\n%s", u, p.status, p.body)
	}
	checkPage(t, p)
	p.has(t, en.T("console.mail.in.heading", "id", fmt.Sprint(held.ID)), "A Stranger &lt;stranger@example.net&gt;",
		"support@desk.example", "&lt;q1@example.net&gt;", en.T("console.mail.reason.unknown_sender"),
		`<pre class="mail-raw">From: A Stranger &lt;stranger@example.net&gt;`, "Please &lt;script&gt;alert(1)&lt;/script&gt; help.",
		`<form id="discard" method="post" action="`+u+`/discard">`, `href="`+u+`/raw"`)
	p.lacks(t, "<script>alert", `id="raw-cut"`)

	// The download is the message as it came.
	r := b.get(u + "/raw")
	if r.status != http.StatusOK || r.body != string(raw) {
		t.Fatalf("raw: %d %q", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "message/rfc822" {
		t.Errorf("raw Content-Type = %q", ct)
	}
	if cd := r.header.Get("Content-Disposition"); cd != fmt.Sprintf(`attachment; filename="mail-%d.eml"`, held.ID) {
		t.Errorf("raw Content-Disposition = %q", cd)
	}
	if r.header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(r.header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("raw headers: %v", r.header)
	}

	// A message over 256 KB is cut on the page, with a note, and whole in
	// the download.
	big := append([]byte("Subject: Big\r\n\r\n"), []byte(strings.Repeat("é<", 100<<10))...)
	bm := s.storeInMail("<big@example.net>", "Big", big, desk.InQuarantined, "mail_too_large")
	p = b.get(fmt.Sprintf("/console/mail/in/%d", bm.ID))
	p.has(t, `id="raw-cut"`)
	pre := p.body[strings.Index(p.body, `<pre class="mail-raw">`):]
	pre = pre[:strings.Index(pre, "</pre>")]
	if shown := strings.Count(pre, "é"); shown == 0 || shown > rawShowLimit/3+1 || strings.Contains(pre, "\uFFFD") {
		t.Errorf("cut raw text shows %d characters, or a broken one", shown)
	}
	if r := b.get(fmt.Sprintf("/console/mail/in/%d/raw", bm.ID)); len(r.body) != len(big) {
		t.Errorf("raw download of the big mail: %d bytes, want %d", len(r.body), len(big))
	}

	// Discarding: a confirmation, the mail is discarded and off the list.
	d := b.post(u+"/discard", nil)
	if d.status != http.StatusSeeOther || d.header.Get("Location") != u+"?done=discarded#main" {
		t.Fatalf("discard: %d → %q\n%s", d.status, d.header.Get("Location"), d.body)
	}
	p = b.get(u + "?done=discarded")
	p.has(t, en.T("console.mail.flash.discarded"), en.T("console.mail.in_status.discarded"))
	p.lacks(t, `<form id="discard"`)
	if got, _ := s.svc.Store.InMail(s.ctx, held.ID); got.Status != desk.InDiscarded {
		t.Fatalf("after discard: %s", got.Status)
	}
	b.get("/console/mail/in").lacks(t, fmt.Sprintf(`href="/console/mail/in/%d"`, held.ID))
	b.get("/console/mail/in?status=discarded").has(t, fmt.Sprintf(`href="/console/mail/in/%d"`, held.ID))

	// Mail that is not quarantined cannot be discarded: refused on its
	// page, and nothing changes.
	for _, m := range []*desk.InMail{held, added} {
		p := b.post(fmt.Sprintf("/console/mail/in/%d/discard", m.ID), nil)
		if p.status != http.StatusConflict {
			t.Fatalf("discarding %s mail: %d", m.Status, p.status)
		}
		p.has(t, `id="discard-error"`, en.T("console.mail.error.not_quarantined"))
		checkPage(t, p)
	}
	if got, _ := s.svc.Store.InMail(s.ctx, added.ID); got.Status != desk.InAdded {
		t.Fatalf("added mail after a refused discard: %s", got.Status)
	}
	if p := b.post("/console/mail/in/999999/discard", nil); p.status != http.StatusNotFound {
		t.Errorf("discarding a missing mail: %d", p.status)
	}
	// A discard posted from another site is refused.
	req, _ := http.NewRequest("POST", s.ts.URL+fmt.Sprintf("/console/mail/in/%d/discard", large.ID), strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if p := b.do(req); p.status != http.StatusForbidden {
		t.Errorf("cross-site discard: %d", p.status)
	}
	if got, _ := s.svc.Store.InMail(s.ctx, large.ID); got.Status != desk.InQuarantined {
		t.Fatalf("after a cross-site discard: %s", got.Status)
	}
}

// replyByMail sends carl's mail reply to a case through the desk's mail
// rules, with quoted history that the timeline keeps apart.
func (s *site) replyByMail(c *desk.Case, trimmed, full string) *desk.InMail {
	s.t.Helper()
	in := &desk.InMail{MessageID: fmt.Sprintf("<reply-%d-%d@contoso.example>", c.ID, time.Now().UnixNano()),
		From: "carl@contoso.example", FromName: "Carl Becker", To: []string{s.svc.Mail.ReplyAddress(c.ID, c.OrgID)},
		Subject: "Re: " + c.Title, Text: full, Trimmed: trimmed, Raw: []byte("Subject: Re\r\n\r\n" + full),
		ReceivedAt: time.Now().UTC(), Status: desk.InReceived}
	stored, _, err := s.svc.Store.SaveInMail(s.ctx, in)
	if err != nil {
		s.t.Fatal(err)
	}
	in.ID = stored.ID
	if err := s.svc.ReceiveMail(s.ctx, in); err != nil {
		s.t.Fatal(err)
	}
	if in.Status != desk.InAdded {
		s.t.Fatalf("mail reply %s (%s)", in.Status, in.Reason)
	}
	return in
}

// TestTimelineWholeMail: a reply by mail shows without its quoted
// history, and the whole message behind a disclosure, to staff and to
// the customer; messages without one have none; internal notes still
// never reach the customer.
func TestTimelineWholeMail(t *testing.T) {
	s := newSite(t)
	s.withMail()
	c := s.openCase("carl@contoso.example", "Whole mail test")
	const trimmed = "Thanks, restarting the connector worked."
	full := trimmed + "\n\nOn Monday, Support wrote:\n> Please restart the <connector>."
	in := s.replyByMail(c, trimmed, full)
	if _, err := s.svc.AddMessage(s.ctx, s.user("carl@contoso.example"), c.ID, desk.Reply{Body: "A portal reply."}); err != nil {
		t.Fatal(err)
	}
	const secret = "Internal: connector config is wrong"
	sam := s.user("sam@vendor.example")
	if _, err := s.svc.AddMessage(s.ctx, sam, c.ID, desk.Reply{Body: secret, Internal: true}); err != nil {
		t.Fatal(err)
	}
	escapedFull := "&gt; Please restart the &lt;connector&gt;."

	staff := s.browser()
	staff.signIn("sam@vendor.example")
	p := staff.get(fmt.Sprintf("/console/cases/%d", c.ID))
	checkPage(t, p)
	p.has(t, trimmed, `<details class="full-body"><summary>`+en.T("console.timeline.full_message")+`</summary><pre>`,
		escapedFull, en.T("console.via.email"), fmt.Sprintf(`href="/console/mail/in/%d"`, in.ID), "A portal reply.", secret)
	if n := strings.Count(p.body, `class="full-body"`); n != 1 {
		t.Errorf("console: %d whole-message disclosures, want 1", n)
	}

	cust := s.browser()
	cust.signIn("carl@contoso.example")
	p = cust.get(fmt.Sprintf("/cases/%d", c.ID))
	if p.status != http.StatusOK {
		t.Fatalf("portal case: %d", p.status)
	}
	de := locale.For("de", nil) // Carl reads German
	p.has(t, trimmed, `<details class="full-body"><summary>`+de.T("portal.case.full_message")+`</summary><pre>`,
		escapedFull, de.T("portal.case.via_email"), "A portal reply.")
	p.lacks(t, secret, "connector config", "/console/mail")
	if n := strings.Count(p.body, `class="full-body"`); n != 1 {
		t.Errorf("portal: %d whole-message disclosures, want 1", n)
	}

	// A case without mail replies shows no disclosure at all.
	plain := s.openCase("carl@contoso.example", "No mail here")
	staff.get(fmt.Sprintf("/console/cases/%d", plain.ID)).lacks(t, `class="full-body"`)
	cust.get(fmt.Sprintf("/cases/%d", plain.ID)).lacks(t, `class="full-body"`, de.T("portal.case.via_email"))
}

// TestPortalMergedNotice: the customer's page of a merged duplicate says
// where the case went and links the survivor.
func TestPortalMergedNotice(t *testing.T) {
	s := newSite(t)
	surv := s.openCase("carl@contoso.example", "Calendar sync broken")
	dup := s.openCase("carl@contoso.example", "Calendar sync broken again")
	if _, err := s.svc.Merge(s.ctx, s.user("sam@vendor.example"), dup.ID, surv.ID); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.signIn("carl@contoso.example")
	p := b.get(fmt.Sprintf("/cases/%d", dup.ID))
	if p.status != http.StatusOK {
		t.Fatalf("merged case: %d", p.status)
	}
	de := locale.For("de", nil)
	p.has(t, `id="merged-notice"`, de.T("portal.case.merged_notice", "id", fmt.Sprint(surv.ID)),
		fmt.Sprintf(`<a href="/cases/%d">%s · Calendar sync broken</a>`, surv.ID, de.T("portal.case.ref", "id", fmt.Sprint(surv.ID))))
	if strings.Index(p.body, `id="merged-notice"`) > strings.Index(p.body, `class="summary"`) {
		t.Error("the merged notice is not at the top")
	}
	b.get(fmt.Sprintf("/cases/%d", surv.ID)).lacks(t, `id="merged-notice"`)

	// In the language the reader picks.
	b.post("/language", url.Values{"lang": {"nl"}, "next": {"/"}})
	nl := locale.For("nl", nil)
	b.get(fmt.Sprintf("/cases/%d", dup.ID)).has(t, `<html lang="nl">`, nl.T("portal.case.merged_notice", "id", fmt.Sprint(surv.ID)))
}

// TestConsoleMailDutch: a Dutch agent reads the mail pages in Dutch, with
// no English message of the console left over.
func TestConsoleMailDutch(t *testing.T) {
	s := newSite(t)
	s.withMail()
	s.srv.MailCapture = true
	c := s.openCase("carl@contoso.example", "Dutch mail pages")
	out := s.outboxOf(c.ID)[0]
	in := s.storeInMail("<nl@example.net>", "Vraag", []byte("Subject: Vraag\r\n\r\nHallo."), desk.InQuarantined, desk.QuarantineNoPrivilege)
	b := s.browser()
	b.signIn("agent.nl@vendor.example")
	nl := locale.For("nl", nil)
	for _, path := range []string{"/console/mail", fmt.Sprintf("/console/mail/out/%d", out.ID), "/console/mail/in",
		fmt.Sprintf("/console/mail/in/%d", in.ID)} {
		p := b.get(path)
		if p.status != http.StatusOK {
			t.Fatalf("%s: %d", path, p.status)
		}
		p.has(t, `<html lang="nl">`, nl.T("nav.mail"))
		p.lacks(t, "⟦")
		checkPage(t, p)
		for _, key := range locale.Keys("en") {
			if !strings.HasPrefix(key, "console.") && !strings.HasPrefix(key, "nav.") {
				continue
			}
			text := en.T(key)
			if len(text) < 8 || nl.T(key) == text || strings.Contains(text, "{") {
				continue
			}
			if strings.Contains(p.body, ">"+text+"<") || strings.Contains(p.body, text+".") {
				t.Errorf("%s: English %q (%s) on a Dutch page", path, text, key)
			}
		}
	}
	b.get("/console/mail/in").has(t, nl.T("console.mail.reason.no_support_privilege"), nl.T("console.mail.in_status.quarantined"))
	b.get("/console/mail").has(t, nl.T("console.mail.capture_note"), nl.T("console.mail.kind.case_opened"))
}

// TestConsoleMailCatalogueKeys: every word the mail pages compose from a
// value exists in every language, and every quarantine reason of the desk
// has words.
func TestConsoleMailCatalogueKeys(t *testing.T) {
	var keys []string
	for _, k := range desk.MailKinds {
		keys = append(keys, "console.mail.kind."+string(k))
	}
	for _, st := range outStatuses {
		keys = append(keys, "console.mail.out_status."+string(st))
	}
	for _, st := range inStatuses {
		keys = append(keys, "console.mail.in_status."+string(st))
	}
	for _, r := range mailReasons {
		keys = append(keys, "console.mail.reason."+r)
	}
	keys = append(keys, "console.mail.outbox.title", "console.mail.inbox.title", "console.mail.out.title", "console.mail.in.title",
		"console.mail.flash.discarded", "console.mail.error.not_quarantined", "nav.mail", "nav.mail_held")
	for _, lang := range locale.Languages {
		have := map[string]bool{}
		for _, k := range locale.Keys(lang) {
			have[k] = true
		}
		for _, k := range keys {
			if !have[k] {
				t.Errorf("%s: key %q missing", lang, k)
			}
		}
	}
	// The quarantine reasons of mailin.go, and the parser's.
	for _, code := range []string{desk.QuarantineOwnMail, desk.QuarantineAutomatic, desk.QuarantineInvalidToken,
		desk.QuarantineUnknownSender, desk.QuarantineStaffSender, desk.QuarantineNoPrivilege, desk.QuarantineOtherOrg,
		desk.QuarantineUnknownCase, desk.QuarantineCaseClosed, desk.QuarantineUnknownAddress, desk.QuarantineNoSubscriptions,
		"mail_too_large", "mail_too_many_parts", "mail_too_deep", "mail_header_too_large", "mail_too_slow", "mail_unreadable"} {
		if got := mailReason(en, code); got == code {
			t.Errorf("reason %s has no words", code)
		}
	}
	if got := mailReason(en, "brand_new_code"); got != "brand_new_code" {
		t.Errorf("unknown reason shown as %q", got)
	}
}
