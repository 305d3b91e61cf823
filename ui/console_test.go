package ui

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"desk"
	"desk/locale"
	"desk/web"
)

var en = locale.For("en", nil)

// user returns a demo user by address.
func (s *site) user(email string) *desk.User {
	s.t.Helper()
	u, err := s.svc.Store.UserByEmail(s.ctx, email)
	if err != nil {
		s.t.Fatal(err)
	}
	return u
}

// openCase opens a case of normal severity as a demo customer, the way
// the portal would.
func (s *site) openCase(email, title string) *desk.Case {
	s.t.Helper()
	return s.openCaseSev(email, title, desk.SeverityNormal)
}

func (s *site) openCaseSev(email, title string, sev desk.Severity) *desk.Case {
	s.t.Helper()
	c, _, err := s.svc.OpenCase(s.ctx, s.user(email), desk.NewCase{
		Product: "mail", Category: desk.CategoryTechnical, Severity: sev,
		Title: title, Description: "Messages to external recipients wait in the queue.",
	}, "")
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// caseNow reads a case as staff.
func (s *site) caseNow(id int64) *desk.Case {
	s.t.Helper()
	c, err := s.svc.Case(s.ctx, s.user("sam@vendor.example"), id)
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// wantRedirect checks that a post was accepted with a redirect to want.
func wantRedirect(t *testing.T, p page, want string) {
	t.Helper()
	want += "#main"
	if p.status != http.StatusSeeOther || p.header.Get("Location") != want {
		t.Fatalf("got %d → %q, want 303 → %q\n%s", p.status, p.header.Get("Location"), want, p.body)
	}
}

var rowLink = regexp.MustCompile(`href="/console/cases/(\d+)"`)

// queueIDs returns the case ids of the rows of the queue table, in order.
func queueIDs(t *testing.T, p page) []int64 {
	t.Helper()
	start := strings.Index(p.body, `<table id="queue"`)
	if start < 0 {
		return nil
	}
	end := strings.Index(p.body[start:], "</table>")
	var ids []int64
	for _, m := range rowLink.FindAllStringSubmatch(p.body[start:start+end], -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		ids = append(ids, id)
	}
	return ids
}

// TestConsoleQueues: the agent sees the saved views with their counts and
// the queue sorted by SLA due time, most urgent first, with a page of at
// most queuePageSize rows and filters that narrow it.
func TestConsoleQueues(t *testing.T) {
	s := newSite(t)
	sam := s.user("sam@vendor.example")
	// Give Sam a case so that "my cases" is not empty.
	mine := s.openCase("carl@contoso.example", "Queue test")
	if _, err := s.svc.Assign(s.ctx, sam, mine.ID, sam.ID); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.signIn("sam@vendor.example")
	p := b.get("/console")
	if p.status != http.StatusOK {
		t.Fatalf("/console: %d\n%s", p.status, p.body)
	}
	p.has(t, `<table id="queue"`, `<html lang="en">`, en.T("console.queues.sorted_due"), "<time datetime=")
	checkPage(t, p)

	// Each view shows its count, as the service counts it.
	now := time.Now()
	for _, v := range queueViews {
		cs, err := s.svc.CountCases(s.ctx, sam, queueFilter{View: v}.base(sam, now), "")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(p.body, fmt.Sprintf(`href="/console?view=%s"`, v)) ||
			!strings.Contains(p.body, fmt.Sprintf(`%s <span class="count">%d</span>`, en.T("console.view."+v), cs[0].N)) {
			t.Errorf("view %s: link or count %d not shown", v, cs[0].N)
		}
		if v == "mine" && cs[0].N != 1 {
			t.Errorf("my cases = %d, want 1", cs[0].N)
		}
	}

	// The default view holds every case waiting for work, by due time:
	// each row's due time is no earlier than the one before, and cases
	// without one come last.
	ids := queueIDs(t, p)
	if len(ids) < 5 {
		t.Fatalf("queue has %d rows", len(ids))
	}
	var prev *time.Time
	seenNoDue := false
	for _, id := range ids {
		c := s.caseNow(id)
		if !slices.Contains(openStatuses, c.Status) {
			t.Errorf("case %d (%s) in the open queue", id, c.Status)
		}
		due := c.NextDueAt()
		switch {
		case due == nil:
			seenNoDue = true
		case seenNoDue:
			t.Errorf("case %d with a due time after cases without one", id)
		case prev != nil && due.Before(*prev):
			t.Errorf("case %d due %v before the previous row's %v", id, due, prev)
		}
		if due != nil {
			prev = due
		}
	}

	// "My cases" holds the assigned case; its row names the organisation,
	// severity, status and due time.
	p = b.get("/console?view=mine")
	if got := queueIDs(t, p); fmt.Sprint(got) != fmt.Sprint([]int64{mine.ID}) {
		t.Fatalf("my cases = %v, want [%d]", got, mine.ID)
	}
	p.has(t, "Contoso GmbH", en.T("severity.normal"), en.T("status.open"), en.T("console.due.none"))

	// The at-risk view lists only cases whose due time passes within the
	// window, breached ones first.
	p = b.get("/console?view=at_risk")
	for _, id := range queueIDs(t, p) {
		due := s.caseNow(id).NextDueAt()
		if due == nil || due.After(time.Now().Add(atRiskWindow)) {
			t.Errorf("case %d in the at-risk view, due %v", id, due)
		}
	}

	// Filters narrow the view and keep their values in the form.
	p = b.get("/console?view=all&language=de&severity=high")
	p.has(t, `<option value="de" lang="de" selected>`, `<option value="high" selected>`)
	for _, id := range queueIDs(t, p) {
		if c := s.caseNow(id); c.Language != "de" || c.Severity != desk.SeverityHigh {
			t.Errorf("case %d (%s, %s) passes the de/high filter", id, c.Language, c.Severity)
		}
	}
	p = b.get("/console?view=all&team=Mail+Transport")
	if ids := queueIDs(t, p); len(ids) != 1 || s.caseNow(ids[0]).Team != "Mail Transport" {
		t.Fatalf("team view = %v", ids)
	}
	// Nonsense in the address widens the list rather than failing.
	if p := b.get("/console?view=nope&severity=urgent&status=x&after=%%%"); p.status != http.StatusOK {
		t.Fatalf("bad filter values: %d", p.status)
	}
}

// TestConsolePagination: a long queue is paged with a cursor, without
// repeating or skipping a case.
func TestConsolePagination(t *testing.T) {
	s := newSite(t)
	for i := range queuePageSize + 3 {
		s.openCase("carl@contoso.example", fmt.Sprintf("Paged %d", i))
	}
	b := s.browser()
	b.signIn("sam@vendor.example")
	next := "/console?view=all"
	var all []int64
	for pages := 0; next != ""; pages++ {
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		p := b.get(next)
		ids := queueIDs(t, p)
		all = append(all, ids...)
		next = ""
		if m := regexp.MustCompile(`href="(/console\?[^"]*after=[^"]*)" rel="next"`).FindStringSubmatch(p.body); m != nil {
			next = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	total, err := s.svc.CountCases(s.ctx, s.user("sam@vendor.example"), desk.CaseFilter{}, "")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, id := range all {
		if seen[id] {
			t.Fatalf("case %d on two pages", id)
		}
		seen[id] = true
	}
	if len(all) != total[0].N {
		t.Fatalf("pages showed %d cases, want %d", len(all), total[0].N)
	}
}

// TestConsoleWorkspace walks a case through the workspace: reply,
// internal note, a canned response, request for information, a severity
// change refused without a reason and accepted with one, escalation,
// assignment and resolution; each change is audited.
func TestConsoleWorkspace(t *testing.T) {
	s := newSite(t)
	sam := s.user("sam@vendor.example")
	// High severity on Contoso's Business plan: a first response within 8
	// hours, round the clock.
	c := s.openCaseSev("carl@contoso.example", "Outbound mail stuck", desk.SeverityHigh)
	b := s.browser()
	b.signIn("sam@vendor.example")
	u := fmt.Sprintf("/console/cases/%d", c.ID)

	p := b.get(u)
	if p.status != http.StatusOK {
		t.Fatalf("workspace: %d\n%s", p.status, p.body)
	}
	checkPage(t, p)
	p.has(t, "Outbound mail stuck", "Contoso GmbH", "Business", "49 30 901 8200", "it-admin@contoso.example",
		"Carl Becker", "Northwind Partners", en.T("console.sla.first_response"), en.T("console.sla.resolution"), en.T("console.sla.left", "time", ""),
		`<form id="reply"`, `<form id="request-info"`, `<form id="severity"`, `<form id="escalate"`,
		`<form id="assign"`, `<form id="resolve"`, `<form id="merge"`, `name="internal"`, `name="macro"`)

	// A public reply.
	wantRedirect(t, b.post(u+"/reply", url.Values{"body": {"We are looking at your smarthost logs."}, "action": {"send"}}), u+"?done=reply")
	p = b.get(u + "?done=reply")
	p.has(t, en.T("console.flash.reply"), "We are looking at your smarthost logs.", en.T("console.timeline.reply_staff"))

	// An internal note: shown on a different background and labelled in
	// words, not by colour alone.
	wantRedirect(t, b.post(u+"/reply", url.Values{"body": {"Customer's smarthost retries every 2 h."}, "internal": {"1"}}), u+"?done=note")
	p = b.get(u)
	note := regexp.MustCompile(`(?s)<li class="internal" id="m\d+">\s*<p class="meta">\s*<span class="kind-label">` +
		regexp.QuoteMeta(en.T("console.timeline.internal")) + `</span>.*?Customer&#39;s smarthost retries every 2 h.`)
	if !note.MatchString(p.body) {
		t.Fatalf("internal note not shown as one:\n%s", p.body)
	}

	// A canned response goes into the reply in the case's language
	// (German: Contoso's), with the placeholders filled in, after what
	// the agent typed; nothing is sent.
	p = b.post(u+"/reply", url.Values{"body": {"Kurze Vorbemerkung."}, "macro": {"acknowledge"}, "action": {"macro"}})
	if p.status != http.StatusOK {
		t.Fatalf("use macro: %d\n%s", p.status, p.body)
	}
	p.has(t, "Kurze Vorbemerkung.\n\nGuten Tag Carl Becker,", fmt.Sprintf("Ihre Anfrage #%d", c.ID), "Sam Nilsen</textarea>",
		`<option value="acknowledge" selected>`)
	if n := len(mustTimeline(t, s, c.ID)); n != 3 {
		t.Fatalf("using a macro changed the timeline: %d entries", n)
	}
	p = b.post(u+"/reply", url.Values{"macro": {"no-such"}, "action": {"macro"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown macro: %d", p.status)
	}
	p.has(t, `id="reply-macro-error"`, en.T("console.error.unknown_macro"))

	// An empty reply is refused next to its field.
	p = b.post(u+"/reply", url.Values{"body": {"  "}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty reply: %d", p.status)
	}
	p.has(t, `id="reply-body-error"`, `aria-invalid="true" aria-describedby="reply-body-error"`, en.T("form.required"))

	// Asking for information makes the case wait on the customer.
	wantRedirect(t, b.post(u+"/request-info", url.Values{"question": {"Which smarthost do you use?"}}), u+"?done=request_info")
	if got := s.caseNow(c.ID); got.Status != desk.StatusActionRequired {
		t.Fatalf("after request info: %s", got.Status)
	}
	b.get(u).has(t, "Which smarthost do you use?", en.T("console.sla.paused"))

	// A severity change without a reason: the problem is next to the
	// reason, and the chosen severity stays chosen.
	p = b.post(u+"/severity", url.Values{"severity": {"normal"}, "reason": {""}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("severity without reason: %d", p.status)
	}
	p.has(t, `id="severity-reason-error"`, `aria-invalid="true" aria-describedby="severity-reason-hint severity-reason-error"`,
		`<option value="normal" selected>`, en.T("form.fix_fields"))
	p.lacks(t, `<option value="high" selected>`)
	checkPage(t, p)
	if got := s.caseNow(c.ID); got.Severity != desk.SeverityHigh {
		t.Fatalf("severity changed without a reason: %s", got.Severity)
	}
	wantRedirect(t, b.post(u+"/severity", url.Values{"severity": {"normal"}, "reason": {"Only one user is affected."}}), u+"?done=severity")
	if got := s.caseNow(c.ID); got.Severity != desk.SeverityNormal {
		t.Fatalf("severity = %s", got.Severity)
	}
	b.get(u).has(t, en.T("console.event.severity", "from", en.T("severity.high"), "to", en.T("severity.normal"), "reason", "Only one user is affected."))

	// Escalation needs a team or a third party.
	p = b.post(u+"/escalate", url.Values{"team": {""}, "third_party": {""}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty escalation: %d", p.status)
	}
	p.has(t, `id="escalate-team-error"`)
	wantRedirect(t, b.post(u+"/escalate", url.Values{"team": {"Mail Transport"}, "note": {"See the smarthost logs."}}), u+"?done=escalate")
	if got := s.caseNow(c.ID); got.Team != "Mail Transport" {
		t.Fatalf("team = %q", got.Team)
	}

	// Assigning to "me", then to another agent.
	wantRedirect(t, b.post(u+"/assign", url.Values{"assignee": {"me"}}), u+"?done=assign")
	if got := s.caseNow(c.ID); got.AssigneeID != sam.ID {
		t.Fatalf("assignee = %d, want %d", got.AssigneeID, sam.ID)
	}
	jonas := s.user("agent.de@vendor.example")
	wantRedirect(t, b.post(u+"/assign", url.Values{"assignee": {fmt.Sprint(jonas.ID)}}), u+"?done=assign")
	if got := s.caseNow(c.ID); got.AssigneeID != jonas.ID {
		t.Fatalf("assignee = %d, want %d", got.AssigneeID, jonas.ID)
	}
	p = b.post(u+"/assign", url.Values{"assignee": {fmt.Sprint(s.user("carl@contoso.example").ID)}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("assigning to a customer: %d", p.status)
	}
	p.has(t, `id="assign-assignee-error"`)

	// Resolving: "cannot reproduce" needs recommendations; "solved" not.
	p = b.post(u+"/resolve", url.Values{"outcome": {"cannot_reproduce"}, "body": {""}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("cannot reproduce without body: %d", p.status)
	}
	p.has(t, `id="resolve-body-error"`, `<option value="cannot_reproduce" selected>`)
	wantRedirect(t, b.post(u+"/resolve", url.Values{"outcome": {"solved"}, "body": {"The smarthost now uses TLS 1.2."}}), u+"?done=resolve")
	if got := s.caseNow(c.ID); got.Status != desk.StatusResolved || got.Outcome != desk.OutcomeSolved {
		t.Fatalf("after resolve: %s %s", got.Status, got.Outcome)
	}
	p = b.get(u)
	p.has(t, en.T("console.case.outcome_is", "outcome", en.T("outcome.solved")))
	p.lacks(t, `<form id="resolve"`, `<form id="request-info"`)

	// Every change is in the audit log, by Sam.
	es, err := s.svc.Store.Audit(s.ctx, c.OrgID, 100)
	if err != nil {
		t.Fatal(err)
	}
	done := map[string]bool{}
	for _, e := range es {
		if e.ObjectID == fmt.Sprint(c.ID) && e.ActorID == sam.ID {
			done[e.Action] = true
		}
	}
	for _, a := range []string{"case.message", "case.request_info", "case.severity", "case.escalate", "case.assign", "case.resolve"} {
		if !done[a] {
			t.Errorf("no audit entry %s by the agent; have %v", a, done)
		}
	}
}

func mustTimeline(t *testing.T, s *site, id int64) []*desk.Message {
	t.Helper()
	ms, err := s.svc.Timeline(s.ctx, s.user("sam@vendor.example"), id)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// TestConsoleMerge: a duplicate merged into another case of the same
// organisation is closed with a link to the survivor, the survivor links
// back, the duplicate's messages and files stay reachable, and both are
// audited; merges that make no sense are refused next to the field.
func TestConsoleMerge(t *testing.T) {
	s := newSite(t)
	carl := s.user("carl@contoso.example")
	surv := s.openCase("carl@contoso.example", "Mail delayed")
	dup := s.openCase("carl@contoso.example", "Mail delayed (again)")
	if _, err := s.svc.AddMessage(s.ctx, carl, dup.ID, desk.Reply{Body: "Bounce headers below."}); err != nil {
		t.Fatal(err)
	}
	att, err := s.svc.AddAttachment(s.ctx, carl, dup.ID, "headers.txt", "text/plain", strings.NewReader("Received: from mx"))
	if err != nil {
		t.Fatal(err)
	}
	other := s.openCase("daan@fabrikam.example", "Another organisation's case")
	b := s.browser()
	b.signIn("sam@vendor.example")
	du, su := fmt.Sprintf("/console/cases/%d", dup.ID), fmt.Sprintf("/console/cases/%d", surv.ID)

	for into, key := range map[string]string{
		"":                        "form.required",
		"abc":                     "console.error.invalid_case_number",
		fmt.Sprint(dup.ID):        "console.error.merge_same_case",
		fmt.Sprint(other.ID):      "console.error.merge_other_org",
		"99999999":                "console.error.merge_target_not_found",
		fmt.Sprintf("#%d", 99999): "console.error.merge_target_not_found",
	} {
		p := b.post(du+"/merge", url.Values{"into": {into}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("merge into %q: %d", into, p.status)
		}
		p.has(t, `id="merge-into-error"`, en.T(key), fmt.Sprintf(`value="%s"`, into))
	}

	wantRedirect(t, b.post(du+"/merge", url.Values{"into": {fmt.Sprintf("#%d", surv.ID)}}), su+"?done=merged")
	if got := s.caseNow(dup.ID); got.Status != desk.StatusClosed || got.MergedInto != surv.ID {
		t.Fatalf("duplicate after merge: %s → %d", got.Status, got.MergedInto)
	}
	// The survivor links to the duplicate, in the list and on its timeline.
	p := b.get(su + "?done=merged")
	p.has(t, en.T("console.flash.merged"), en.T("console.case.duplicates"), `href="`+du+`"`,
		en.T("console.event.merged_from", "id", fmt.Sprint(dup.ID)))
	checkPage(t, p)
	// The duplicate links to the survivor and keeps everything.
	p = b.get(du)
	p.has(t, en.T("console.case.merged_banner", "id", fmt.Sprint(surv.ID)), `href="`+su+`"`,
		en.T("console.event.merged_into", "id", fmt.Sprint(surv.ID)), "Bounce headers below.",
		`href="/console/attachments/`+att.ID+`"`, en.T("console.case.closed_note"))
	p.lacks(t, `<form id="reply"`, `<form id="merge"`)
	req, _ := http.NewRequest("GET", s.ts.URL+"/console/attachments/"+att.ID, nil)
	f := b.do(req)
	if f.status != http.StatusOK || f.body != "Received: from mx" || !strings.HasPrefix(f.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: %d %q %q", f.status, f.header.Get("Content-Disposition"), f.body)
	}
	// The customer sees the merged case pointing to the survivor.
	c, err := s.svc.Case(s.ctx, carl, dup.ID)
	if err != nil || c.MergedInto != surv.ID {
		t.Fatalf("customer's view: %+v, %v", c, err)
	}
	// Merged once: the closed duplicate offers no merge, and a post is refused.
	p = b.post(du+"/merge", url.Values{"into": {fmt.Sprint(surv.ID)}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("merging a closed case: %d", p.status)
	}
	// Both cases are in the audit log.
	es, err := s.svc.Store.Audit(s.ctx, carl.OrgID, 50)
	if err != nil {
		t.Fatal(err)
	}
	var merged []string
	for _, e := range es {
		if e.Action == "case.merge" {
			merged = append(merged, e.ObjectID)
		}
	}
	slices.Sort(merged)
	if want := []string{fmt.Sprint(surv.ID), fmt.Sprint(dup.ID)}; fmt.Sprint(merged) != fmt.Sprint(want) {
		t.Fatalf("merge audited for %v, want %v", merged, want)
	}
}

// TestConsoleStaffOnly: customers are sent away from the console and
// refused its case pages and forms; an internal note written in the
// console reaches no page or API a customer can use.
func TestConsoleStaffOnly(t *testing.T) {
	s := newSite(t)
	c := s.openCase("carl@contoso.example", "Private notes test")
	staff := s.browser()
	staff.signIn("agent.de@vendor.example")
	u := fmt.Sprintf("/console/cases/%d", c.ID)
	const secret = "Internal: customer's own smarthost is misconfigured"
	wantRedirect(t, staff.post(u+"/reply", url.Values{"body": {secret}, "internal": {"1"}}), u+"?done=note")
	wantRedirect(t, staff.post(u+"/reply", url.Values{"body": {"A public answer."}}), u+"?done=reply")

	cust := s.browser()
	cust.signIn("carl@contoso.example")
	if p := cust.get("/console"); p.status != http.StatusSeeOther || p.header.Get("Location") != "/" {
		t.Fatalf("customer on /console: %d → %q", p.status, p.header.Get("Location"))
	}
	if p := cust.get(u); p.status != http.StatusForbidden {
		t.Fatalf("customer on the workspace: %d", p.status)
	}
	if p := cust.post(u+"/reply", url.Values{"body": {"x"}, "internal": {"1"}}); p.status != http.StatusForbidden {
		t.Fatalf("customer posting to the console: %d", p.status)
	}
	if p := cust.get("/console/attachments/0123456789abcdef0123456789abcdef"); p.status != http.StatusForbidden {
		t.Fatalf("customer on a console download: %d", p.status)
	}

	// The customer's case page of the portal.
	switch p := cust.get(fmt.Sprintf("/cases/%d", c.ID)); p.status {
	case http.StatusOK:
		p.has(t, "A public answer.")
		p.lacks(t, secret, "smarthost is misconfigured")
	default:
		// The portal's own tests answer for its page; here it only must
		// not show the note when it shows the case.
		t.Logf("the portal's case page answered %d; checked through the service and the API only", p.status)
	}
	// The service, in the customer's scope.
	carl := s.user("carl@contoso.example")
	tl, err := s.svc.Timeline(s.ctx, carl, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	public := false
	for _, m := range tl {
		if m.Kind == desk.MessageInternal || strings.Contains(m.Body, "misconfigured") {
			t.Fatalf("customer timeline has the internal note: %+v", m)
		}
		public = public || m.Body == "A public answer."
	}
	if !public {
		t.Fatal("customer timeline lacks the public reply")
	}
	// The API, with the customer's token.
	api := httptest.NewServer((&web.Server{Service: s.svc, Store: s.svc.Store}).Handler())
	t.Cleanup(api.Close)
	token := "sdk_consoletest_customer_token"
	sum := sha256.Sum256([]byte(token))
	if err := s.svc.Store.CreateToken(s.ctx, carl.ID, sum[:], time.Now()); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/cases/%d/messages", api.URL, c.ID), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "A public answer.") {
		t.Fatalf("API messages: %d %s", resp.StatusCode, body)
	}
	if strings.Contains(string(body), "misconfigured") || strings.Contains(string(body), `"internal"`) {
		t.Fatalf("the API shows the customer an internal note: %s", body)
	}
	var list any
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatalf("API answer is not JSON: %v", err)
	}
}

// TestConsoleDutch: the Dutch agent works in Dutch, with no English left
// on the queue or the workspace, and times in Amsterdam time.
func TestConsoleDutch(t *testing.T) {
	s := newSite(t)
	c := s.openCase("carl@contoso.example", "Dutch page test")
	b := s.browser()
	b.lang = "en-GB,en;q=0.9" // the agent's own language wins over the browser's
	b.signIn("agent.nl@vendor.example")
	nl := locale.For("nl", nil)
	// An internal note and a severity change put an event and a note on
	// the timeline; a failed merge puts error text on the page.
	u := fmt.Sprintf("/console/cases/%d", c.ID)
	wantRedirect(t, b.post(u+"/severity", url.Values{"severity": {"high"}, "reason": {"Twaalf gebruikers"}}), u+"?done=severity")
	for _, p := range []page{
		b.get("/console"),
		b.get("/console?view=at_risk"),
		b.get(u + "?done=severity"),
		b.post(u+"/merge", url.Values{"into": {"abc"}}),
	} {
		p.has(t, `<html lang="nl">`, nl.T("console.queues.title"))
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
				t.Errorf("English %q (%s) on a Dutch page", text, key)
			}
		}
	}
	p := b.get(u)
	p.has(t, nl.T("console.timeline.title"), nl.T("console.reply.internal"), "CET")
}

// checkPage checks what every console page must do for keyboard and
// screen-reader users under the CSP: a label for every field, headings
// that do not skip a level, no inline script or style.
func checkPage(t *testing.T, p page) {
	t.Helper()
	if strings.Contains(p.body, "<script>") || strings.Contains(p.body, " style=") || strings.Contains(p.body, " onclick=") {
		t.Error("inline script or style")
	}
	labels := map[string]bool{}
	for _, m := range regexp.MustCompile(`<label for="([^"]+)"`).FindAllStringSubmatch(p.body, -1) {
		labels[m[1]] = true
	}
	for _, m := range regexp.MustCompile(`<(input|select|textarea)\b([^>]*)>`).FindAllStringSubmatch(p.body, -1) {
		attrs := m[2]
		if strings.Contains(attrs, `type="hidden"`) {
			continue
		}
		id := regexp.MustCompile(`\bid="([^"]+)"`).FindStringSubmatch(attrs)
		if id == nil || !labels[id[1]] {
			t.Errorf("field without a label: <%s%s>", m[1], attrs)
		}
	}
	ids := map[string]int{}
	for _, m := range regexp.MustCompile(`\bid="([^"]+)"`).FindAllStringSubmatch(p.body, -1) {
		ids[m[1]]++
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("id %q used %d times", id, n)
		}
	}
	for _, m := range regexp.MustCompile(`aria-describedby="([^"]+)"`).FindAllStringSubmatch(p.body, -1) {
		for _, ref := range strings.Fields(m[1]) {
			if ids[ref] == 0 {
				t.Errorf("aria-describedby names missing id %q", ref)
			}
		}
	}
	last := 0
	for _, m := range regexp.MustCompile(`<h([1-6])\b`).FindAllStringSubmatch(p.body, -1) {
		level := int(m[1][0] - '0')
		if level > last+1 {
			t.Errorf("heading h%d follows h%d", level, last)
		}
		last = level
	}
	if strings.Count(p.body, "<h1") != 1 {
		t.Error("not exactly one h1")
	}
}

// TestConsoleCatalogueKeys: every catalogue key the console templates and
// code name exists in every language, including the keys they compose
// from a prefix and a value.
func TestConsoleCatalogueKeys(t *testing.T) {
	literal := regexp.MustCompile(`"((?:console|nav|form|status|severity|outcome|category|contact|error|login)\.[a-z_.]+[a-z_])"`)
	keys := map[string]bool{}
	tmpls, err := fs.Glob(files, "templates/console*.html")
	if err != nil || len(tmpls) < 2 {
		t.Fatalf("console templates: %v %v", tmpls, err)
	}
	for _, name := range tmpls {
		b, err := fs.ReadFile(files, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = true
		}
	}
	// Keys composed in templates with printf and in the code.
	for _, v := range queueViews {
		keys["console.view."+v] = true
	}
	for _, k := range []string{"first_response", "next_response", "resolution"} {
		keys["console.sla."+k] = true
		keys["console.sla_note.warning."+k] = true
		keys["console.sla_note.breached."+k] = true
	}
	for _, ch := range []desk.Channel{desk.ChannelWeb, desk.ChannelEmail, desk.ChannelPhone, desk.ChannelChat} {
		keys["console.channel."+string(ch)] = true
	}
	for _, st := range allStatuses {
		keys["status."+string(st)] = true
	}
	for _, sev := range desk.Severities {
		keys["severity."+string(sev)] = true
	}
	for _, o := range []desk.Outcome{desk.OutcomeSolved, desk.OutcomeWorkaround, desk.OutcomeCannotReproduce,
		desk.OutcomeThirdParty, desk.OutcomeNotSupported, desk.OutcomeOutageResolved} {
		keys["outcome."+string(o)] = true
	}
	for _, m := range []desk.ContactMethod{desk.ContactEmail, desk.ContactPhone, desk.ContactChat} {
		keys["contact."+string(m)] = true
	}
	for _, c := range []desk.Category{desk.CategoryTechnical, desk.CategoryBilling, desk.CategoryPresales} {
		keys["category."+string(c)] = true
	}
	for k := range flashKeys {
		keys["console.flash."+k] = true
	}
	for _, k := range statusReasons {
		keys[k] = true
	}
	for _, k := range []string{"console.duration.minutes", "console.duration.hours_minutes", "console.error.refused",
		"console.error.too_long", "console.error.unknown_macro", "console.error.macro_required",
		"console.error.invalid_case_number", "console.error.invalid_assignee", "console.case.page_title",
		"console.queues.title", "console.timeline.system", "console.timeline.unknown_author", "console.timeline.file_added",
		"console.assign.me", "console.assign.nobody", "console.case.ref"} {
		keys[k] = true
	}
	for _, lang := range locale.Languages {
		have := map[string]bool{}
		for _, k := range locale.Keys(lang) {
			have[k] = true
		}
		for k := range keys {
			if !have[k] {
				t.Errorf("%s: key %q missing", lang, k)
			}
		}
	}
	// Every service error the forms map to a specific message has one.
	for _, code := range []string{"invalid_severity", "severity_unchanged", "invalid_transition", "escalation_target_required",
		"invalid_assignee", "invalid_outcome", "case_closed", "merge_same_case", "merge_target_not_found",
		"merge_other_org", "merge_target_closed", "billing_severity_capped"} {
		if got := errorKey(&Page{L: en}, code); got != "console.error."+code {
			t.Errorf("error %s → %s", code, got)
		}
	}
}
