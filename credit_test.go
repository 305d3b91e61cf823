package desk_test

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"desk"
)

// april10 is Friday 10 April 2026, 09:00 UTC: April has 30 days.
var april10 = time.Date(2026, 4, 10, 9, 0, 0, 0, time.UTC)

// TestComputeCredit works credits out at exact figures: the month is the
// incident's calendar month, only outage time counts, and the lowest step
// of the table the month falls below applies.
func TestComputeCredit(t *testing.T) {
	comps := []*desk.Component{{Code: "mail", Product: "mail"}, {Code: "mail-delivery", Parent: "mail"},
		{Code: "drive", Product: "drive"}, {Code: "admin"}}
	plan := &desk.Plan{Code: "business", UptimeCommitment: 99.9}
	sub := &desk.Subscription{Product: "mail", MonthlyFee: 120000, Currency: "EUR"}
	inc := func(start time.Time, lasted time.Duration, st desk.ComponentStatus, codes ...string) *desk.Incident {
		end := start.Add(lasted)
		i := &desk.Incident{ID: 7, StartedAt: start, EndedAt: &end}
		for _, c := range codes {
			i.Affected = append(i.Affected, desk.Affected{Component: c, Status: st})
		}
		return i
	}
	for _, tc := range []struct {
		name    string
		inc     *desk.Incident
		product string
		ok      bool
		down    float64
		uptime  float64
		tier    int
		amount  int64
	}{
		// 180 of 43 200 minutes: 99.583%, below 99.9 but not 99.
		{"3 h major outage in a 30-day month", inc(april10, 3*time.Hour, desk.ComponentMajorOutage, "mail-delivery"), "mail", true, 180, 99.58333, 10, 12000},
		{"partial outage counts too", inc(april10, 3*time.Hour, desk.ComponentPartialOutage, "mail"), "mail", true, 180, 99.58333, 10, 12000},
		// 600 minutes: 98.611%, below 99.
		{"10 h", inc(april10, 10*time.Hour, desk.ComponentMajorOutage, "mail"), "mail", true, 600, 98.61111, 25, 30000},
		// 40 h: 94.444%, below 95: the whole fee.
		{"40 h", inc(april10, 40*time.Hour, desk.ComponentMajorOutage, "mail"), "mail", true, 2400, 94.44444, 100, 120000},
		// 43.2 minutes is exactly 99.9%: the commitment is met.
		{"exactly at the commitment", inc(april10, 43*time.Minute+12*time.Second, desk.ComponentMajorOutage, "mail"), "mail", true, 43.2, 99.9, 0, 0},
		{"degradation does not count", inc(april10, 30*time.Hour, desk.ComponentDegraded, "mail"), "mail", true, 0, 100, 0, 0},
		{"maintenance does not count", inc(april10, 30*time.Hour, desk.ComponentMaintenance, "mail"), "mail", true, 0, 100, 0, 0},
		// Sign-in belongs to no product, so every product needs it.
		{"a service of no product", inc(april10, 3*time.Hour, desk.ComponentMajorOutage, "admin"), "mail", true, 180, 99.58333, 10, 12000},
		{"another product's service", inc(april10, 3*time.Hour, desk.ComponentMajorOutage, "drive"), "mail", false, 0, 0, 0, 0},
		// Begun at 23:00 on 31 March: only its hour in March (44 640
		// minutes) counts.
		{"across the month's end", inc(time.Date(2026, 3, 31, 23, 0, 0, 0, time.UTC), 3*time.Hour, desk.ComponentMajorOutage, "mail"), "mail", true, 60, 99.86559, 10, 12000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, ok := desk.ComputeCredit(tc.inc, comps, tc.product, plan, sub)
			if ok != tc.ok {
				t.Fatalf("ok = %v", ok)
			}
			if !ok {
				return
			}
			if math.Abs(w.DownMinutes-tc.down) > 1e-9 || math.Abs(w.UptimePercent-tc.uptime) > 1e-5 ||
				w.TierPercent != tc.tier || w.Amount != tc.amount || w.Due() != (tc.tier > 0) {
				t.Fatalf("working = %+v", w)
			}
			// The same figure as the status page's uptime.
			from, to := w.Month, w.Month.AddDate(0, 1, 0)
			if up := desk.Uptime(w.Worst, []*desk.Incident{tc.inc}, from, to); math.Abs(100*up-w.UptimePercent) > 1e-9 {
				t.Fatalf("uptime %v%%, status page says %v", w.UptimePercent, 100*up)
			}
		})
	}
	// A plan's own table replaces the default one.
	own := &desk.Plan{UptimeCommitment: 99.95, CreditTiers: []desk.CreditTier{{Below: 99.95, Percent: 5}, {Below: 99, Percent: 50}}}
	w, _ := desk.ComputeCredit(inc(april10, 30*time.Minute, desk.ComponentMajorOutage, "mail"), comps, "mail", own, sub)
	if w.TierPercent != 5 || w.Amount != 6000 {
		t.Fatalf("own table: %+v", w)
	}
	if got := desk.FormatCents(12345, "EUR"); got != "123.45 EUR" {
		t.Fatalf("FormatCents = %q", got)
	}
}

// creditEnv is an outage env in April whose Business plan promises 99.9%
// and whose Biz organisation pays 1 200.00 EUR a month for mail.
func newCreditEnv(t *testing.T) *outageEnv {
	t.Helper()
	e := newEnv(t)
	e.clock.Set(april10)
	e.svc.Mail = desk.MailConfig{Address: "support@desk.example", Secret: []byte("test secret"), BaseURL: "https://desk.example"}
	st := e.svc.Store
	all := []desk.Channel{desk.ChannelWeb, desk.ChannelEmail, desk.ChannelPhone}
	for _, err := range []error{
		st.PutPlan(e.ctx, &desk.Plan{Code: "business", Name: "Business", SupportIncluded: true, Channels: all, MaxSeverity: desk.SeverityHigh,
			UpgradeTo: "enterprise", UptimeCommitment: 99.9}),
		st.PutSubscription(e.ctx, &desk.Subscription{OrgID: e.biz.ID, Product: "mail", Plan: "business", MonthlyFee: 120000, Currency: "EUR"}),
		st.PutSubscription(e.ctx, &desk.Subscription{OrgID: e.biz.ID, Product: "drive", Plan: "business", MonthlyFee: 50000, Currency: "EUR"}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	// The service caches plans; a fresh env has read none yet.
	for _, c := range []desk.Component{{Code: "mail", Name: "Mail", Product: "mail"}, {Code: "mail-delivery", Name: "Delivery", Parent: "mail"},
		{Code: "drive", Name: "Drive", Product: "drive"}} {
		if _, err := e.svc.PutComponent(e.ctx, e.stan, c); err != nil {
			t.Fatal(err)
		}
	}
	return &outageEnv{env: e, inc: e.outage(t, true, nil, desk.ComponentMajorOutage, "mail-delivery")}
}

func (e *outageEnv) end(t *testing.T, inc *desk.Incident, after time.Duration) {
	t.Helper()
	e.clock.Set(inc.StartedAt.Add(after))
	if _, err := e.svc.PostUpdate(e.ctx, e.stan, inc.ID, desk.IncidentUpdate{Status: desk.IncidentRestored, Body: "Fixed.", ResolveLinkedCases: true}); err != nil {
		t.Fatal(err)
	}
}

// TestCreditRequest: a Support admin asks for the credit a 3-hour outage
// earned from the resolved case, sees the working first, asks once; a
// supervisor approves, an agent may not; the customer reads each step.
func TestCreditRequest(t *testing.T) {
	e := newCreditEnv(t)
	c := e.linkedCase(t, e.bizAdmin, e.inc)
	if _, _, err := e.svc.CreditQuote(e.ctx, e.bizAdmin, c.ID); desk.ErrorCode(err) != "incident_not_ended" {
		t.Fatalf("quote before the end: %v", err)
	}
	if _, err := e.svc.RequestCredit(e.ctx, e.bizAdmin, c.ID); desk.ErrorCode(err) != "incident_not_ended" {
		t.Fatalf("request before the end: %v", err)
	}
	e.end(t, e.inc, 3*time.Hour)
	if got := e.caseNow(t, c); got.Outcome != desk.OutcomeOutageResolved {
		t.Fatalf("case not resolved with the incident: %s", got.Outcome)
	}

	w, existing, err := e.svc.CreditQuote(e.ctx, e.bizAdmin, c.ID)
	if err != nil || existing != nil {
		t.Fatalf("quote: %v, %v", err, existing)
	}
	if !w.Due() || w.TierPercent != 10 || w.Amount != 12000 || w.Currency != "EUR" || w.DownMinutes != 180 ||
		math.Abs(w.UptimePercent-99.58333) > 1e-5 || w.Commitment != 99.9 || w.MonthMinutes != 43200 {
		t.Fatalf("quote = %+v", w)
	}

	for _, tc := range []struct {
		who  *desk.User
		code string
	}{
		{e.billing, "support_privilege_required"},
		{e.user, "support_privilege_required"},
		{e.agent, "customer_only"},
		{e.entAdmin, "case_not_found"}, // another organisation's case
	} {
		if _, err := e.svc.RequestCredit(e.ctx, tc.who, c.ID); desk.ErrorCode(err) != tc.code {
			t.Fatalf("%s: %v, want %s", tc.who.Email, err, tc.code)
		}
	}

	cr, err := e.svc.RequestCredit(e.ctx, e.bizAdmin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cr.ID == 0 || cr.State != desk.CreditRequested || cr.Amount != 12000 || cr.OrgID != e.biz.ID || cr.IncidentID != e.inc.ID ||
		!cr.RequestedAt.Equal(e.clock.Now()) {
		t.Fatalf("request = %+v", cr)
	}
	if _, err := e.svc.RequestCredit(e.ctx, e.bizAdmin, c.ID); desk.ErrorCode(err) != "credit_already_requested" {
		t.Fatalf("second request: %v", err)
	}
	// Another case of the organisation on the same incident cannot ask again.
	c2 := e.linkedCase(t, e.bizAdmin, nil)
	if _, err := e.svc.LinkIncident(e.ctx, e.agent, c2.ID, e.inc.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RequestCredit(e.ctx, e.bizAdmin, c2.ID); desk.ErrorCode(err) != "credit_already_requested" {
		t.Fatalf("request from a second case: %v", err)
	}
	if _, got, err := e.svc.CreditQuote(e.ctx, e.bizAdmin, c2.ID); err != nil || got == nil || got.ID != cr.ID {
		t.Fatalf("quote after the request shows %+v, %v", got, err)
	}
	if !hasEvent(e.timeline(t, c), "service credit requested: 120.00 EUR") {
		t.Fatal("no event for the request on the case")
	}

	// Only the organisation and staff see the request.
	if _, err := e.svc.CreditRequest(e.ctx, e.entAdmin, cr.ID); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("another organisation reads the request: %v", err)
	}
	if l, err := e.svc.CreditRequests(e.ctx, e.entAdmin); err != nil || len(l) != 0 {
		t.Fatalf("another organisation lists %d requests, %v", len(l), err)
	}
	if l, err := e.svc.CreditRequests(e.ctx, e.bizAdmin); err != nil || len(l) != 1 {
		t.Fatalf("own list = %d, %v", len(l), err)
	}

	// Agents and status managers do not decide; supervisors do, once.
	for _, who := range []*desk.User{e.agent, e.stan, e.bizAdmin} {
		if _, err := e.svc.ApproveCredit(e.ctx, who, cr.ID); desk.ErrorCode(err) != "supervisor_only" {
			t.Fatalf("%s approved: %v", who.Email, err)
		}
	}
	e.clock.Add(time.Hour)
	mailsBefore := len(e.mails(t, c))
	got, err := e.svc.ApproveCredit(e.ctx, e.super, cr.ID)
	if err != nil || got.State != desk.CreditApproved || got.DecidedBy != e.super.ID || got.DecidedAt == nil {
		t.Fatalf("approve: %+v, %v", got, err)
	}
	if _, err := e.svc.DeclineCredit(e.ctx, e.super, cr.ID, "changed my mind"); desk.ErrorCode(err) != "credit_decided" {
		t.Fatalf("decided twice: %v", err)
	}
	msgs := e.timeline(t, c)
	// The case is in its admin's language, Dutch.
	if !hasEvent(msgs, "service credit approved: 120.00 EUR") || !hasPublic(msgs, "servicecredit van 120.00 EUR") {
		t.Fatal("the approval is not on the case")
	}
	if k := e.mails(t, c); len(k) != mailsBefore+1 || k[0] != desk.MailReply {
		t.Fatalf("mails after the approval = %v", k)
	}
	stored, err := e.svc.CreditRequest(e.ctx, e.bizAdmin, cr.ID)
	if err != nil || stored.State != desk.CreditApproved || stored.Working.TierPercent != 10 {
		t.Fatalf("stored = %+v, %v", stored, err)
	}
	audit, err := e.svc.Store.Audit(e.ctx, e.biz.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]bool{}
	for _, a := range audit {
		actions[a.Action] = true
	}
	if !actions["credit.request"] || !actions["credit.approve"] {
		t.Fatalf("audit actions = %v", actions)
	}
}

func hasEvent(msgs []*desk.Message, body string) bool {
	for _, m := range msgs {
		if m.Kind == desk.MessageEvent && m.Body == body {
			return true
		}
	}
	return false
}

// TestCreditDecline: a decline needs a reason, which the customer reads.
func TestCreditDecline(t *testing.T) {
	e := newCreditEnv(t)
	c := e.linkedCase(t, e.bizAdmin, e.inc)
	e.end(t, e.inc, 3*time.Hour)
	cr, err := e.svc.RequestCredit(e.ctx, e.bizAdmin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.DeclineCredit(e.ctx, e.super, cr.ID, "  "); desk.ErrorCode(err) != "reason_required" {
		t.Fatalf("decline without a reason: %v", err)
	}
	got, err := e.svc.DeclineCredit(e.ctx, e.super, cr.ID, "The outage was caused by your own mail filter.")
	if err != nil || got.State != desk.CreditDeclined || got.Reason != "The outage was caused by your own mail filter." {
		t.Fatalf("decline: %+v, %v", got, err)
	}
	if !hasPublic(e.timeline(t, c), "caused by your own mail filter") {
		t.Fatal("the customer cannot read the reason")
	}
}

// TestCreditRefusals: no credit from a case without an incident, for a
// product the incident did not touch, under a plan without a commitment,
// or for a month that met the commitment (the quote says why).
func TestCreditRefusals(t *testing.T) {
	e := newCreditEnv(t)
	unlinked := e.linkedCase(t, e.bizAdmin, nil)
	if _, err := e.svc.RequestCredit(e.ctx, e.bizAdmin, unlinked.ID); desk.ErrorCode(err) != "case_not_linked" {
		t.Fatalf("unlinked: %v", err)
	}
	// A Drive case linked to the mail outage.
	nc := ok()
	nc.Product = "drive"
	drive, _, err := e.svc.OpenCase(e.ctx, e.bizAdmin, nc, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.LinkIncident(e.ctx, e.agent, drive.ID, e.inc.ID); err != nil {
		t.Fatal(err)
	}
	// Enterprise promises nothing in this env.
	ent := e.linkedCase(t, e.entAdmin, e.inc)
	short := e.outage(t, true, nil, desk.ComponentMajorOutage, "mail")
	brief := e.linkedCase(t, e.bizAdmin, short)
	e.end(t, short, 30*time.Minute)
	e.end(t, e.inc, 3*time.Hour)

	if _, err := e.svc.RequestCredit(e.ctx, e.bizAdmin, drive.ID); desk.ErrorCode(err) != "org_not_affected" {
		t.Fatalf("product not affected: %v", err)
	}
	if _, err := e.svc.RequestCredit(e.ctx, e.entAdmin, ent.ID); desk.ErrorCode(err) != "no_uptime_commitment" {
		t.Fatalf("no commitment: %v", err)
	}
	w, _, err := e.svc.CreditQuote(e.ctx, e.bizAdmin, brief.ID)
	if err != nil || w.Due() || w.DownMinutes != 30 || w.UptimePercent < 99.9 {
		t.Fatalf("quote of a short outage = %+v, %v", w, err)
	}
	_, err = e.svc.RequestCredit(e.ctx, e.bizAdmin, brief.ID)
	if desk.ErrorCode(err) != "uptime_met" || !strings.Contains(err.Error(), "no service credit is due") {
		t.Fatalf("uptime met: %v", err)
	}
	if l, err := e.svc.CreditRequests(e.ctx, e.super); err != nil || len(l) != 0 {
		t.Fatalf("refusals stored %d requests, %v", len(l), err)
	}
}

// TestIncidentReportRequest: asked for before it exists, the report
// reaches the case (with a mail) when it is published, once; asked for
// after, it is there at once. A limited incident's report is read in the
// portal, a public one's on the status page.
func TestIncidentReportRequest(t *testing.T) {
	e := newCreditEnv(t)
	c := e.linkedCase(t, e.bizAdmin, e.inc)
	limited := e.outage(t, false, []int64{e.ent.ID}, desk.ComponentMajorOutage, "mail")
	lc := e.linkedCase(t, e.entAdmin, limited)
	e.end(t, e.inc, time.Hour)
	e.end(t, limited, time.Hour)

	if _, _, err := e.svc.RequestIncidentReport(e.ctx, e.user, c.ID); desk.ErrorCode(err) != "support_privilege_required" {
		t.Fatalf("ordinary user: %v", err)
	}
	if _, _, err := e.svc.RequestIncidentReport(e.ctx, e.entAdmin, c.ID); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("other organisation: %v", err)
	}
	for _, x := range []struct {
		admin *desk.User
		c     *desk.Case
	}{{e.bizAdmin, c}, {e.entAdmin, lc}} {
		if _, ready, err := e.svc.RequestIncidentReport(e.ctx, x.admin, x.c.ID); err != nil || ready {
			t.Fatalf("request: ready %v, %v", ready, err)
		}
		if pending, err := e.svc.ReportRequested(e.ctx, x.admin, x.c); err != nil || !pending {
			t.Fatalf("pending = %v, %v", pending, err)
		}
	}
	if _, _, err := e.svc.RequestIncidentReport(e.ctx, e.bizAdmin, c.ID); desk.ErrorCode(err) != "report_already_requested" {
		t.Fatalf("second request: %v", err)
	}
	e.clock.Add(24 * time.Hour)
	mails := len(e.mails(t, c))
	for _, inc := range []*desk.Incident{e.inc, limited} {
		if _, err := e.svc.PublishReport(e.ctx, e.stan, inc.ID, "A queue filled up."); err != nil {
			t.Fatal(err)
		}
	}
	want := "https://desk.example/status/incidents/" + itoa(e.inc.ID)
	if !hasPublic(e.timeline(t, c), want) {
		t.Fatalf("the case did not get the report's link %s", want)
	}
	if k := e.mails(t, c); len(k) != mails+1 || k[0] != desk.MailReply {
		t.Fatalf("mails = %v", k)
	}
	if !hasPublic(e.timeline(t, lc), "https://desk.example/cases/"+itoa(lc.ID)+"/incident-report") {
		t.Fatal("the limited incident's report does not point into the portal")
	}
	if pending, err := e.svc.ReportRequested(e.ctx, e.bizAdmin, c); err != nil || pending {
		t.Fatalf("still pending after the report: %v, %v", pending, err)
	}
	// A revision does not tell the case again; asking now answers at once.
	n := len(e.timeline(t, c))
	if _, err := e.svc.PublishReport(e.ctx, e.stan, e.inc.ID, "A queue filled up. Revised."); err != nil {
		t.Fatal(err)
	}
	if len(e.timeline(t, c)) != n {
		t.Fatal("the revision reached the case again")
	}
	inc, ready, err := e.svc.RequestIncidentReport(e.ctx, e.bizAdmin, c.ID)
	if err != nil || !ready || !strings.Contains(inc.Report, "Revised") {
		t.Fatalf("after publication: %v, %v", ready, err)
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// TestDeskRepliesInTheCaseLanguage: what the desk itself writes into a
// case for its customer (the incident's end, a credit decision, the
// published report) is in the case's language, not English.
func TestDeskRepliesInTheCaseLanguage(t *testing.T) {
	e := newCreditEnv(t)
	nc := ok()
	nc.Language = "nl"
	c, _, err := e.svc.OpenCase(e.ctx, e.bizAdmin, nc, "")
	if err != nil {
		t.Fatal(err)
	}
	if c, err = e.svc.LinkIncident(e.ctx, e.agent, c.ID, e.inc.ID); err != nil {
		t.Fatal(err)
	}
	e.end(t, e.inc, 3*time.Hour)
	if !hasPublic(e.timeline(t, c), "Update over de storing") {
		t.Fatalf("the incident's end did not reach the Dutch case in Dutch: %+v", e.timeline(t, c))
	}
	cr, err := e.svc.RequestCredit(e.ctx, e.bizAdmin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.DeclineCredit(e.ctx, e.super, cr.ID, "Het filter was van uzelf."); err != nil {
		t.Fatal(err)
	}
	tl := e.timeline(t, c)
	if !hasPublic(tl, "is afgewezen: Het filter was van uzelf.") {
		t.Fatalf("the decision is not in Dutch: %+v", tl)
	}
	for _, m := range tl {
		if m.Kind == desk.MessagePublic && (strings.Contains(m.Body, "Your request") || strings.Contains(m.Body, "Update on the incident")) {
			t.Fatalf("English reply in a Dutch case: %q", m.Body)
		}
	}
}
