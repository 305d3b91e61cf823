package storetest

import (
	"sync"
	"testing"
	"time"

	"desk"
)

// caseStep returns the next change of a stored case: one event at, with an
// audit entry.
func caseStep(c *desk.Case, at time.Time, body string) *desk.CaseChange {
	ch := &desk.CaseChange{Case: c, PrevVersion: c.Version}
	c.Version++
	c.UpdatedAt = at
	ch.Messages = []*desk.Message{{Kind: desk.MessageEvent, Body: body, Channel: "api", CreatedAt: at}}
	ch.Audit = []*desk.AuditEntry{{At: at, OrgID: c.OrgID, Action: "credit.test", ObjectType: "case"}}
	return ch
}

// testCredits: plan commitments and subscription fees round-trip; a credit
// request is stored with its case change, once per organisation and
// incident, read only within its scope, decided once; report requests are
// answered once.
func testCredits(t *testing.T, f *fixture) {
	tiers := []desk.CreditTier{{Below: 99.9, Percent: 10}, {Below: 99, Percent: 25}}
	must(t, f.s.PutPlan(f.ctx, &desk.Plan{Code: "sla", Name: "SLA", SupportIncluded: true, MaxSeverity: desk.SeverityHigh,
		UptimeCommitment: 99.95, CreditTiers: tiers}))
	p, err := f.s.Plan(f.ctx, "sla")
	must(t, err)
	if p.UptimeCommitment != 99.95 || len(p.CreditTiers) != 2 || p.CreditTiers[1] != tiers[1] {
		t.Fatalf("plan = %+v", p)
	}
	must(t, f.s.PutSubscription(f.ctx, &desk.Subscription{OrgID: f.org2.ID, Product: "drive", Plan: "sla", MonthlyFee: 123456, Currency: "SEK"}))
	subs, err := f.s.Subscriptions(f.ctx, f.org2.ID)
	must(t, err)
	if len(subs) != 2 || subs[0].Product != "drive" || subs[0].MonthlyFee != 123456 || subs[0].Currency != "SEK" || subs[1].MonthlyFee != 0 {
		t.Fatalf("subscriptions = %+v", subs)
	}

	must(t, f.s.PutComponent(f.ctx, &desk.Component{Code: "mail", Name: "Mail", Product: "mail"}))
	end := base.Add(3 * time.Hour)
	inc := &desk.Incident{Kind: desk.KindIncident, Title: "Down", Impact: desk.ImpactMajor, Status: desk.IncidentRestored, Public: true,
		Affected: []desk.Affected{{Component: "mail", Status: desk.ComponentMajorOutage}}, StartedAt: base, EndedAt: &end,
		Posts: []*desk.IncidentPost{{ID: 1, Status: desk.IncidentRestored, Body: "x", CreatedAt: base}}, CreatedAt: base, UpdatedAt: base, Version: 1}
	must(t, f.s.CreateIncident(f.ctx, inc, &desk.AuditEntry{At: base, Action: "incident.create", ObjectType: "incident"}, nil))
	c1 := f.create(t, f.org1, f.admin1, "outage one")
	c2 := f.create(t, f.org2, f.admin2, "outage two")

	at := base.Add(4 * time.Hour)
	w := desk.CreditWorking{IncidentID: inc.ID, Product: "mail", Components: []string{"mail"}, Worst: "mail",
		Month: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), MonthMinutes: 44640, DownMinutes: 180, UptimePercent: 99.59677,
		Commitment: 99.9, TierBelow: 99.9, TierPercent: 10, MonthlyFee: 120000, Currency: "EUR", Amount: 12000}
	cr := &desk.CreditRequest{OrgID: f.org1.ID, CaseID: c1.ID, IncidentID: inc.ID, State: desk.CreditRequested, Working: w,
		Amount: 12000, Currency: "EUR", RequestedBy: f.admin1.ID, RequestedAt: at}
	must(t, f.s.CreateCreditRequest(f.ctx, cr, caseStep(c1, at, "service credit requested")))
	if cr.ID == 0 {
		t.Fatal("no id")
	}
	// The case change went with it.
	msgs, err := f.s.Messages(f.ctx, staff, c1.ID)
	must(t, err)
	if last := msgs[len(msgs)-1]; last.Body != "service credit requested" {
		t.Fatalf("last entry = %q", last.Body)
	}

	// A second request of the organisation for the incident stores
	// nothing, not even its case change.
	again := *cr
	again.ID = 0
	err = f.s.CreateCreditRequest(f.ctx, &again, caseStep(c1, at, "again"))
	if desk.ErrorCode(err) != "credit_already_requested" {
		t.Fatalf("second request: %v", err)
	}
	c1.Version-- // the refused step did not store its version
	msgs, _ = f.s.Messages(f.ctx, staff, c1.ID)
	if msgs[len(msgs)-1].Body == "again" {
		t.Fatal("the refused request's case change was stored")
	}
	// A request on a case that moved on is refused as a lost race.
	stale := &desk.CreditRequest{OrgID: f.org2.ID, CaseID: c2.ID, IncidentID: inc.ID, State: desk.CreditRequested, Working: w,
		Amount: 1, Currency: "EUR", RequestedBy: f.admin2.ID, RequestedAt: at}
	ch := caseStep(c2, at, "stale")
	ch.PrevVersion = 99
	if err := f.s.CreateCreditRequest(f.ctx, stale, ch); desk.ErrorCode(err) != "case_changed" {
		t.Fatalf("stale case: %v", err)
	}
	c2.Version--
	if _, err := f.s.CreditRequestFor(f.ctx, f.org2.ID, inc.ID); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("the stale request was stored: %v", err)
	}
	cr2 := &desk.CreditRequest{OrgID: f.org2.ID, CaseID: c2.ID, IncidentID: inc.ID, State: desk.CreditRequested, Working: w,
		Amount: 500, Currency: "EUR", RequestedBy: f.admin2.ID, RequestedAt: at.Add(time.Minute)}
	must(t, f.s.CreateCreditRequest(f.ctx, cr2, caseStep(c2, at.Add(time.Minute), "requested")))

	got, err := f.s.CreditRequest(f.ctx, scope(f.org1), cr.ID)
	must(t, err)
	if got.State != desk.CreditRequested || got.Amount != 12000 || !got.RequestedAt.Equal(at) || got.DecidedAt != nil ||
		got.Working.UptimePercent != w.UptimePercent || !got.Working.Month.Equal(w.Month) || got.Working.Components[0] != "mail" {
		t.Fatalf("stored = %+v", got)
	}
	if _, err := f.s.CreditRequest(f.ctx, scope(f.org2), cr.ID); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("another organisation reads the request: %v", err)
	}
	if _, err := f.s.CreditRequest(f.ctx, desk.Scope{}, cr.ID); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("an empty scope reads the request: %v", err)
	}
	l, err := f.s.CreditRequests(f.ctx, scope(f.org2), 10)
	must(t, err)
	if len(l) != 1 || l[0].ID != cr2.ID {
		t.Fatalf("org2's list = %+v", l)
	}

	// Two supervisors decide at once: one wins.
	decided := at.Add(time.Hour)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, state := range []desk.CreditState{desk.CreditApproved, desk.CreditDeclined} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := *cr
			d.State, d.DecidedBy, d.DecidedAt, d.Reason = state, f.agent.ID, &decided, string(state)
			c := *c1
			errs[i] = f.s.DecideCreditRequest(f.ctx, &d, caseStep(&c, decided, string(state)))
		}()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("decisions: %v, %v", errs[0], errs[1])
	}
	for _, err := range errs {
		if err != nil && desk.ErrorKind(err) != desk.ECONFLICT {
			t.Fatalf("losing decision: %v", err)
		}
	}
	got, err = f.s.CreditRequest(f.ctx, staff, cr.ID)
	must(t, err)
	if got.State == desk.CreditRequested || got.DecidedBy != f.agent.ID || got.DecidedAt == nil || !got.DecidedAt.Equal(decided) || got.Reason != string(got.State) {
		t.Fatalf("decided = %+v", got)
	}
	// Waiting requests come first.
	l, err = f.s.CreditRequests(f.ctx, staff, 10)
	must(t, err)
	if len(l) != 2 || l[0].ID != cr2.ID || l[1].ID != cr.ID {
		t.Fatalf("staff list = %+v", l)
	}

	// Report requests: one per case and incident, answered once.
	rr := &desk.ReportRequest{CaseID: c2.ID, IncidentID: inc.ID, OrgID: f.org2.ID, RequestedBy: f.admin2.ID, RequestedAt: at}
	must(t, f.s.CreateReportRequest(f.ctx, rr, caseStep(c2, at.Add(2*time.Minute), "report requested")))
	if err := f.s.CreateReportRequest(f.ctx, rr, caseStep(c2, at.Add(2*time.Minute), "again")); desk.ErrorCode(err) != "report_already_requested" {
		t.Fatalf("second report request: %v", err)
	}
	c2.Version--
	pending, err := f.s.PendingReportRequests(f.ctx, inc.ID)
	must(t, err)
	if len(pending) != 1 || pending[0].CaseID != c2.ID || !pending[0].RequestedAt.Equal(at) || pending[0].NotifiedAt != nil {
		t.Fatalf("pending = %+v", pending)
	}
	note := at.Add(time.Hour)
	rr.NotifiedAt = &note
	must(t, f.s.FinishReportRequest(f.ctx, rr, caseStep(c2, note, "report published")))
	if err := f.s.FinishReportRequest(f.ctx, rr, caseStep(c2, note, "again")); desk.ErrorCode(err) != "report_request_answered" {
		t.Fatalf("answered twice: %v", err)
	}
	if pending, _ := f.s.PendingReportRequests(f.ctx, inc.ID); len(pending) != 0 {
		t.Fatalf("still pending: %+v", pending)
	}
	stored, err := f.s.ReportRequest(f.ctx, c2.ID, inc.ID)
	must(t, err)
	if stored.NotifiedAt == nil || !stored.NotifiedAt.Equal(note) {
		t.Fatalf("report request = %+v", stored)
	}
	if _, err := f.s.ReportRequest(f.ctx, c1.ID, inc.ID); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("a request that was never made: %v", err)
	}
}
