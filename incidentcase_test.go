package desk_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"desk"
)

// outageEnv is an env with the mail service on the status page, mail
// notifications on, and a public major outage of mail delivery that
// started at monday10.
type outageEnv struct {
	*env
	inc *desk.Incident
}

func newOutageEnv(t *testing.T) *outageEnv {
	t.Helper()
	e := newEnv(t)
	e.svc.Mail = desk.MailConfig{Address: "support@desk.example", Secret: []byte("test secret"), BaseURL: "https://desk.example"}
	for _, c := range []desk.Component{{Code: "mail", Name: "Mail", Product: "mail"}, {Code: "mail-delivery", Name: "Delivery", Parent: "mail"},
		{Code: "drive", Name: "Drive", Product: "drive"}} {
		if _, err := e.svc.PutComponent(e.ctx, e.stan, c); err != nil {
			t.Fatal(err)
		}
	}
	return &outageEnv{env: e, inc: e.outage(t, true, nil, desk.ComponentMajorOutage, "mail-delivery")}
}

// outage publishes an incident starting now: public, or limited to orgs.
func (e *env) outage(t *testing.T, public bool, orgs []int64, st desk.ComponentStatus, codes ...string) *desk.Incident {
	t.Helper()
	var aff []desk.Affected
	for _, c := range codes {
		aff = append(aff, desk.Affected{Component: c, Status: st})
	}
	inc, err := e.svc.CreateIncident(e.ctx, e.stan, desk.NewIncident{Title: "Mail delivery stopped", Impact: desk.ImpactMajor,
		Public: public, OrgIDs: orgs, Affected: aff, Body: "Messages are not delivered."})
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

// linkedCase opens a mail case as admin and links it to inc as the agent.
func (e *env) linkedCase(t *testing.T, admin *desk.User, inc *desk.Incident) *desk.Case {
	t.Helper()
	c, _, err := e.svc.OpenCase(e.ctx, admin, ok(), "")
	if err != nil {
		t.Fatal(err)
	}
	if inc != nil {
		if c, err = e.svc.LinkIncident(e.ctx, e.agent, c.ID, inc.ID); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func (e *env) timeline(t *testing.T, c *desk.Case) []*desk.Message {
	t.Helper()
	msgs, err := e.svc.Timeline(e.ctx, e.agent, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func (e *env) caseNow(t *testing.T, c *desk.Case) *desk.Case {
	t.Helper()
	got, err := e.svc.Case(e.ctx, e.agent, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// mails returns the kinds of mail queued for a case, newest first.
func (e *env) mails(t *testing.T, c *desk.Case) []desk.MailKind {
	t.Helper()
	ms, err := e.svc.Store.Outbox(e.ctx, desk.OutboxFilter{CaseID: c.ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []desk.MailKind
	for _, m := range ms {
		out = append(out, m.Kind)
	}
	return out
}

func hasPublic(msgs []*desk.Message, part string) bool {
	for _, m := range msgs {
		if m.Kind == desk.MessagePublic && strings.Contains(m.Body, part) {
			return true
		}
	}
	return false
}

// TestIncidentEndUpdatesLinkedCases: when a post ends an incident, each
// open linked case gets the post as a reply (and its customer a mail);
// closed cases and cases of other incidents are left alone.
func TestIncidentEndUpdatesLinkedCases(t *testing.T) {
	e := newOutageEnv(t)
	other := e.outage(t, true, nil, desk.ComponentPartialOutage, "drive")
	open := e.linkedCase(t, e.bizAdmin, e.inc)
	entCase := e.linkedCase(t, e.entAdmin, e.inc)
	closed := e.linkedCase(t, e.bizAdmin, e.inc)
	if _, err := e.svc.Close(e.ctx, e.bizAdmin, closed.ID); err != nil {
		t.Fatal(err)
	}
	elsewhere := e.linkedCase(t, e.bizAdmin, other)
	unlinked := e.linkedCase(t, e.bizAdmin, nil)
	before := map[int64]int{}
	for _, c := range []*desk.Case{closed, elsewhere, unlinked} {
		before[c.ID] = len(e.timeline(t, c))
	}
	if n, err := e.svc.LinkedOpenCases(e.ctx, e.stan, e.inc.ID); err != nil || n != 2 {
		t.Fatalf("linked open cases = %d, %v; want 2", n, err)
	}

	// A post that does not end the incident tells nobody.
	e.clock.Add(30 * time.Minute)
	if _, err := e.svc.PostUpdate(e.ctx, e.stan, e.inc.ID, desk.IncidentUpdate{Status: desk.IncidentIdentified, Body: "A full queue."}); err != nil {
		t.Fatal(err)
	}
	if hasPublic(e.timeline(t, open), "A full queue.") {
		t.Fatal("a case heard of a post that did not end the incident")
	}

	e.clock.Add(time.Hour)
	if _, err := e.svc.PostUpdate(e.ctx, e.stan, e.inc.ID, desk.IncidentUpdate{Status: desk.IncidentRestored, Body: "Delivery works again."}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*desk.Case{open, entCase} {
		got := e.caseNow(t, c)
		if !hasPublic(e.timeline(t, c), "Delivery works again.") || got.Status != desk.StatusOpen {
			t.Fatalf("case %d after the end: status %s, timeline without the update", c.ID, got.Status)
		}
		if k := e.mails(t, c); len(k) == 0 || k[0] != desk.MailReply {
			t.Fatalf("case %d mails = %v, want the update as a reply newest", c.ID, k)
		}
	}
	for _, c := range []*desk.Case{closed, elsewhere, unlinked} {
		if n := len(e.timeline(t, c)); n != before[c.ID] {
			t.Fatalf("case %d was touched: %d entries, was %d", c.ID, n, before[c.ID])
		}
	}
	// A later post on the ended incident tells nobody again.
	e.clock.Add(time.Hour)
	n := len(e.timeline(t, open))
	if _, err := e.svc.PostUpdate(e.ctx, e.stan, e.inc.ID, desk.IncidentUpdate{Status: desk.IncidentRestored, Body: "Still fine."}); err != nil {
		t.Fatal(err)
	}
	if len(e.timeline(t, open)) != n {
		t.Fatal("a post on an ended incident reached its cases again")
	}
}

// TestIncidentEndResolvesLinkedCases: with ResolveLinkedCases the open
// linked cases are resolved with the outcome outage_resolved and the
// post, and the customer gets the resolution mail.
func TestIncidentEndResolvesLinkedCases(t *testing.T) {
	e := newOutageEnv(t)
	a := e.linkedCase(t, e.bizAdmin, e.inc)
	waiting := e.linkedCase(t, e.entAdmin, e.inc)
	if _, err := e.svc.RequestInfo(e.ctx, e.agent, waiting.ID, "Which domains?"); err != nil {
		t.Fatal(err)
	}
	closed := e.linkedCase(t, e.bizAdmin, e.inc)
	if _, err := e.svc.Close(e.ctx, e.agent, closed.ID); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(3 * time.Hour)
	if _, err := e.svc.PostUpdate(e.ctx, e.stan, e.inc.ID, desk.IncidentUpdate{Status: desk.IncidentRestored,
		Body: "Delivery works again.", ResolveLinkedCases: true}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*desk.Case{a, waiting} {
		got := e.caseNow(t, c)
		if got.Status != desk.StatusResolved || got.Outcome != desk.OutcomeOutageResolved || got.ResolvedAt == nil || !got.ResolvedAt.Equal(e.clock.Now()) {
			t.Fatalf("case %d: %s/%s at %v", c.ID, got.Status, got.Outcome, got.ResolvedAt)
		}
		if !hasPublic(e.timeline(t, c), "Delivery works again.") {
			t.Fatalf("case %d was resolved without the update", c.ID)
		}
		if k := e.mails(t, c); k[0] != desk.MailResolved {
			t.Fatalf("case %d mails = %v", c.ID, k)
		}
	}
	if got := e.caseNow(t, closed); got.Status != desk.StatusClosed || got.Outcome != "" {
		t.Fatalf("closed case became %s/%s", got.Status, got.Outcome)
	}
	if n, err := e.svc.LinkedOpenCases(e.ctx, e.stan, e.inc.ID); err != nil || n != 0 {
		t.Fatalf("linked open cases after = %d, %v", n, err)
	}
	if _, err := e.svc.LinkedOpenCases(e.ctx, e.bizAdmin, e.inc.ID); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Fatalf("a customer counted linked cases: %v", err)
	}
}

// TestLimitedIncidentNeverLinkedToOtherOrg: a case of an organisation an
// incident is not limited to cannot be linked to it, so it never hears of
// the incident either.
func TestLimitedIncidentNeverLinkedToOtherOrg(t *testing.T) {
	e := newOutageEnv(t)
	limited := e.outage(t, false, []int64{e.ent.ID}, desk.ComponentMajorOutage, "mail-delivery")
	c := e.linkedCase(t, e.bizAdmin, nil)
	if _, err := e.svc.LinkIncident(e.ctx, e.agent, c.ID, limited.ID); desk.ErrorCode(err) != "incident_not_visible" {
		t.Fatalf("linked another organisation's incident: %v", err)
	}
	n := len(e.timeline(t, c))
	e.clock.Add(time.Hour)
	if _, err := e.svc.PostUpdate(e.ctx, e.stan, limited.ID, desk.IncidentUpdate{Status: desk.IncidentRestored, Body: "Fixed.", ResolveLinkedCases: true}); err != nil {
		t.Fatal(err)
	}
	if got := e.caseNow(t, c); got.Status == desk.StatusResolved || len(e.timeline(t, c)) != n {
		t.Fatalf("an unaffected organisation's case heard of the incident: %s", got.Status)
	}
}

// flakyNotices is a store whose status-notice queue fails on demand, as a
// node that stops between an incident change and its follow-up would.
type flakyNotices struct {
	desk.Store
	failClaim, failFinish bool
}

func (f *flakyNotices) ClaimStatusNotices(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*desk.StatusNotice, error) {
	if f.failClaim {
		return nil, errors.New("node stopped")
	}
	return f.Store.ClaimStatusNotices(ctx, owner, now, lease, limit)
}

func (f *flakyNotices) FinishStatusNotice(ctx context.Context, id int64, owner string, mails []*desk.OutMail) error {
	if f.failFinish {
		return errors.New("node stopped")
	}
	return f.Store.FinishStatusNotice(ctx, id, owner, mails)
}

// TestIncidentEndFollowUpIsDurable: when the follow-up of an ending post
// does not run (the node stopped after the change was stored), the status
// notice worker does it later; when it ran but was not recorded as done,
// running it again tells no case twice.
func TestIncidentEndFollowUpIsDurable(t *testing.T) {
	e := newOutageEnv(t)
	told := e.linkedCase(t, e.bizAdmin, e.inc)
	resolved := e.linkedCase(t, e.entAdmin, e.inc)
	flaky := &flakyNotices{Store: e.svc.Store, failClaim: true}
	e.svc.Store = flaky

	e.clock.Add(time.Hour)
	if _, err := e.svc.PostUpdate(e.ctx, e.stan, e.inc.ID, desk.IncidentUpdate{Status: desk.IncidentRestored,
		Body: "Delivery works again.", ResolveLinkedCases: false}); err != nil {
		t.Fatalf("the change was stored, so the post succeeds: %v", err)
	}
	if hasPublic(e.timeline(t, told), "Delivery works again.") {
		t.Fatal("the follow-up ran although the queue failed")
	}

	// The worker, after the node's restart, does the follow-up; its record
	// of being done is lost once, so it runs a second time.
	flaky.failClaim, flaky.failFinish = false, true
	if _, err := e.svc.SendStatusNotices(e.ctx, "worker-1", 10); err == nil {
		t.Fatal("finishing the notice failed, but the worker reported nothing")
	}
	flaky.failFinish = false
	e.clock.Add(time.Hour) // past the retry's backoff
	if _, err := e.svc.SendStatusNotices(e.ctx, "worker-2", 10); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*desk.Case{told, resolved} {
		n := 0
		for _, m := range e.timeline(t, c) {
			if m.Kind == desk.MessagePublic && strings.Contains(m.Body, "Delivery works again.") {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("case %d has the update %d times, want once", c.ID, n)
		}
	}
	// Nothing is left queued: a third run finds nothing to do.
	if n, err := e.svc.SendStatusNotices(e.ctx, "worker-3", 10); err != nil || n != 0 {
		t.Fatalf("third run did %d notices, %v", n, err)
	}
}
