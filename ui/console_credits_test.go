package ui

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"desk"
	"desk/locale"
)

// outageTitle is the title of the demo's resolved outage case of Contoso.
const outageTitle = "Mails an Kunden kommen stundenlang nicht an"

// creditKeys returns the English texts of the credit area, for checking
// that none reaches a page in another language.
func creditFragments() []string {
	en := locale.For("en", nil)
	var out []string
	for _, k := range locale.Keys("en") {
		if !strings.HasPrefix(k, "credit.") {
			continue
		}
		for _, part := range strings.Split(en.T(k), "{") {
			if part = strings.TrimSpace(part); len(part) >= 16 && strings.Contains(part, " ") {
				out = append(out, part)
			}
		}
	}
	return out
}

// TestPortalOutageCase: on the demo's outage case Contoso's Support admin
// sees the incident with the report request and the credit; the credit
// page shows the working before the request; the request is made once and
// shows on the case. Another organisation gets 404 on every path, and a
// case without an incident shows neither button.
func TestPortalOutageCase(t *testing.T) {
	s := newSite(t)
	c := s.portalCaseByTitle("carl@contoso.example", outageTitle)
	b := s.browser()
	b.signIn("carl@contoso.example")
	de := locale.For("de", nil)
	casePage := b.get(fmt.Sprintf("/cases/%d", c.ID))
	casePage.has(t, `id="outage"`, "Mail delivery to external domains delayed", de.T("credit.case.request_report"), de.T("credit.case.request_credit"),
		fmt.Sprintf(`action="/cases/%d/incident-report"`, c.ID), fmt.Sprintf(`href="/cases/%d/credit"`, c.ID))
	casePage.lacks(t, creditFragments()...)

	// The credit page shows the working: 300 minutes, 10% of 2 400,00 EUR.
	cp := b.get(fmt.Sprintf("/cases/%d/credit", c.ID))
	cp.has(t, de.T("credit.working.minutes", "n", "300"), "240,00 EUR", "2.400,00 EUR", "99,9 %", `id="credit-request"`)
	cp.lacks(t, creditFragments()...)
	if p := b.post(fmt.Sprintf("/cases/%d/credit", c.ID), url.Values{}); p.status != http.StatusSeeOther {
		t.Fatalf("request: %d\n%s", p.status, p.body)
	}
	cp = b.get(fmt.Sprintf("/cases/%d/credit", c.ID))
	cp.has(t, de.T("credit.state.requested", "amount", "240,00 EUR"))
	cp.lacks(t, `id="credit-request"`)
	// A second post is refused with the reason.
	if p := b.post(fmt.Sprintf("/cases/%d/credit", c.ID), url.Values{}); p.status != http.StatusUnprocessableEntity {
		t.Fatalf("second request: %d", p.status)
	}
	casePage = b.get(fmt.Sprintf("/cases/%d", c.ID))
	casePage.has(t, de.T("credit.event.requested", "amount", "240.00 EUR"), de.T("credit.state.requested", "amount", "240,00 EUR"))

	// The report is not published: asking records it, and the report page
	// says so.
	if p := b.post(fmt.Sprintf("/cases/%d/incident-report", c.ID), url.Values{}); p.status != http.StatusSeeOther ||
		p.header.Get("Location") != fmt.Sprintf("/cases/%d/incident-report", c.ID) {
		t.Fatalf("report request: %d %s", p.status, p.header.Get("Location"))
	}
	b.get(fmt.Sprintf("/cases/%d/incident-report", c.ID)).has(t, de.T("credit.report.requested"))
	b.get(fmt.Sprintf("/cases/%d", c.ID)).has(t, de.T("credit.case.report_requested"), de.T("credit.event.report_requested"))

	// Another organisation, and a user without the privilege.
	other := s.browser()
	other.signIn("ada@fabrikam.example")
	for _, path := range []string{"", "/credit", "/incident-report"} {
		if p := other.get(fmt.Sprintf("/cases/%d%s", c.ID, path)); p.status != http.StatusNotFound {
			t.Errorf("Fabrikam GET %s: %d", path, p.status)
		}
	}
	for _, path := range []string{"/credit", "/incident-report"} {
		if p := other.post(fmt.Sprintf("/cases/%d%s", c.ID, path), url.Values{}); p.status != http.StatusNotFound {
			t.Errorf("Fabrikam POST %s: %d", path, p.status)
		}
	}
	bill := s.browser()
	bill.signIn("bill@contoso.example")
	if p := bill.get(fmt.Sprintf("/cases/%d/credit", c.ID)); p.status != http.StatusForbidden {
		t.Errorf("billing admin without privilege: %d", p.status)
	}

	// A case without an incident shows no outage section.
	plain := s.portalCaseByTitle("carl@contoso.example", s.anyUnlinkedCase("carl@contoso.example").Title)
	b.get(fmt.Sprintf("/cases/%d", plain.ID)).lacks(t, `id="outage"`, `id="credit-link"`)
}

// anyUnlinkedCase returns a case of the admin's organisation linked to no
// incident.
func (s *site) anyUnlinkedCase(email string) *desk.Case {
	s.t.Helper()
	page, err := s.svc.Cases(s.ctx, s.portalUser(email), desk.CaseFilter{Limit: desk.MaxPageSize})
	if err != nil {
		s.t.Fatal(err)
	}
	for _, c := range page.Items {
		if c.IncidentID == 0 {
			return c
		}
	}
	s.t.Fatal("no unlinked case")
	return nil
}

// TestConsoleCredits: supervisors see the requests with the working and
// decide; a decline needs a reason, which the customer reads; agents
// neither see the page nor the link.
func TestConsoleCredits(t *testing.T) {
	s := newSite(t)
	c := s.portalCaseByTitle("carl@contoso.example", outageTitle)
	cr, err := s.svc.RequestCredit(s.ctx, s.portalUser("carl@contoso.example"), c.ID)
	if err != nil {
		t.Fatal(err)
	}

	agent := s.browser()
	agent.signIn("agent.de@vendor.example")
	agent.get("/console").lacks(t, `href="/console/credits"`)
	if p := agent.get("/console/credits"); p.status != http.StatusForbidden {
		t.Fatalf("agent sees the credits: %d", p.status)
	}
	if p := agent.post(fmt.Sprintf("/console/credits/%d/approve", cr.ID), url.Values{}); p.status != http.StatusForbidden {
		t.Fatalf("agent approves: %d", p.status)
	}

	sam := s.browser()
	sam.signIn("sam@vendor.example")
	en := locale.For("en", nil)
	list := sam.get("/console/credits")
	list.has(t, `href="/console/credits"`, "Contoso", "240.00 EUR", "2,400.00 EUR", "300 minutes", en.T("credit.console.approve"),
		fmt.Sprintf(`href="/console/cases/%d"`, c.ID))
	// A decline without a reason is refused next to the field.
	p := sam.post(fmt.Sprintf("/console/credits/%d/decline", cr.ID), url.Values{"reason": {"  "}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("decline without reason: %d", p.status)
	}
	p.has(t, en.T("credit.console.reason_required"))
	p = sam.post(fmt.Sprintf("/console/credits/%d/decline", cr.ID), url.Values{"reason": {"Mail was delivered late, not lost."}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("decline: %d\n%s", p.status, p.body)
	}
	sam.get(p.header.Get("Location")).has(t, en.T("credit.console.flash.declined"), en.T("credit.state.declined", "amount", "240.00 EUR"))
	if p := sam.post(fmt.Sprintf("/console/credits/%d/approve", cr.ID), url.Values{}); p.status != http.StatusUnprocessableEntity {
		t.Fatalf("approve after decline: %d", p.status)
	}
	got, err := s.svc.CreditRequest(s.ctx, s.portalUser("carl@contoso.example"), cr.ID)
	if err != nil || got.State != desk.CreditDeclined {
		t.Fatalf("stored: %+v, %v", got, err)
	}
	carl := s.browser()
	carl.signIn("carl@contoso.example")
	carl.get(fmt.Sprintf("/cases/%d", c.ID)).has(t, "Mail was delivered late, not lost.")
}

// TestConsoleIncidentResolveCases: the update form offers to resolve the
// linked open cases, with their number, and does so.
func TestConsoleIncidentResolveCases(t *testing.T) {
	s := newSite(t)
	stan := s.browser()
	stan.signIn("stan@vendor.example")
	inc := s.demoIncident("Calls drop after a few minutes")
	en := locale.For("en", nil)
	path := fmt.Sprintf("/console/incidents/%d", inc.ID)
	stan.get(path).lacks(t, `name="resolve_cases"`)

	c := s.portalCaseByTitle("carl@contoso.example", s.anyUnlinkedCase("carl@contoso.example").Title)
	if c.Status == desk.StatusResolved || c.Status == desk.StatusClosed {
		c = s.openPortalCase("carl@contoso.example")
	}
	if _, err := s.svc.LinkIncident(s.ctx, s.portalUser("agent.de@vendor.example"), c.ID, inc.ID); err != nil {
		t.Fatal(err)
	}
	stan.get(path).has(t, `name="resolve_cases"`, html.EscapeString(en.T("console.incidents.post.resolve_cases")),
		en.T("console.incidents.post.resolve_cases_hint", "count", "1"))
	p := stan.post(path+"/posts", url.Values{"status": {"service_restored"}, "impact": {"minor"}, "body": {"Calls are stable again."}, "resolve_cases": {"1"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("post: %d\n%s", p.status, p.body)
	}
	got, err := s.svc.Case(s.ctx, s.portalUser("agent.de@vendor.example"), c.ID)
	if err != nil || got.Status != desk.StatusResolved || got.Outcome != desk.OutcomeOutageResolved {
		t.Fatalf("case after the end: %+v, %v", got, err)
	}
}

// openPortalCase opens a fresh mail case as the admin.
func (s *site) openPortalCase(email string) *desk.Case {
	s.t.Helper()
	c, _, err := s.svc.OpenCase(s.ctx, s.portalUser(email), desk.NewCase{Product: "mail", Title: "Calls drop", Description: "Calls drop."}, "")
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}
