package desk_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"desk"
	"desk/jobs"
)

func sweeper(e *env, owner string) *jobs.Sweeper {
	sw := jobs.New(e.svc, slog.New(slog.NewTextHandler(io.Discard, nil)))
	sw.Owner = owner
	return sw
}

// sweep runs one sweep and returns how many timers it handled.
func sweep(t *testing.T, e *env) int {
	t.Helper()
	n, err := sweeper(e, "test").RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func events(t *testing.T, e *env, id int64, prefix string) []string {
	t.Helper()
	msgs, err := e.svc.Timeline(e.ctx, e.agent, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range msgs {
		if strings.HasPrefix(m.Body, prefix) {
			out = append(out, m.Body)
		}
	}
	return out
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestPauseAndResume: the clock stands still while the case waits on the
// customer, and the time paused does not count.
func TestPauseAndResume(t *testing.T) {
	e := newEnv(t)
	// Monday 2 March 2026, 10:00 Amsterdam. Business/normal: first
	// response 8 business hours, resolution 3 × 8 on Mon–Fri 09–17.
	c, _, err := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	if err != nil {
		t.Fatal(err)
	}
	if !c.ResolutionDueAt.Equal(at("2026-03-05T09:00:00Z")) { // Thursday 10:00
		t.Fatalf("resolution due %v", c.ResolutionDueAt)
	}
	e.clock.Set(at("2026-03-02T11:00:00Z")) // Monday 12:00
	c, err = e.svc.RequestInfo(e.ctx, e.agent, c.ID, "Which client do you use?")
	if err != nil {
		t.Fatal(err)
	}
	if !c.SLA.Paused || c.ResolutionDueAt != nil || c.SLA.FirstResponseBreached {
		t.Fatalf("while waiting: sla %+v, resolution due %v", c.SLA, c.ResolutionDueAt)
	}
	// Remaining time stands still at the pause: 22 of 24 hours.
	if r := c.SLA.ResolutionRemainingMinutes; r == nil || *r != 22*60 {
		t.Fatalf("remaining while paused = %v, want %d", r, 22*60)
	}
	// The customer answers on Friday 12:00: four business days later.
	e.clock.Set(at("2026-03-06T11:00:00Z"))
	if _, err := e.svc.AddMessage(e.ctx, e.bizAdmin, c.ID, desk.Reply{Body: "Outlook 2024."}); err != nil {
		t.Fatal(err)
	}
	c, err = e.svc.Case(e.ctx, e.agent, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	// 32 business hours paused: due moves from Thursday 10:00 to
	// Wednesday 11 March 10:00.
	if c.SLA.Paused || c.ResolutionDueAt == nil || !c.ResolutionDueAt.Equal(at("2026-03-11T09:00:00Z")) {
		t.Fatalf("after the reply: paused %v, resolution due %v", c.SLA.Paused, c.ResolutionDueAt)
	}
	if r := c.SLA.ResolutionRemainingMinutes; r == nil || *r != 22*60 {
		t.Fatalf("remaining after resume = %v, want %d", r, 22*60)
	}
}

// TestWarningAndBreachFireOnce: timers are recorded on the timeline and
// notify supervisors once, however often the sweeper runs.
func TestWarningAndBreachFireOnce(t *testing.T) {
	e := newEnv(t)
	c, _, err := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	if err != nil {
		t.Fatal(err)
	}
	if n := sweep(t, e); n != 0 {
		t.Fatalf("%d timers fired before anything was due", n)
	}
	// 75% of 8 business hours after Monday 10:00 is Monday 16:00.
	e.clock.Set(at("2026-03-02T14:59:00Z"))
	sweep(t, e)
	if got := events(t, e, c.ID, "SLA warning"); len(got) != 0 {
		t.Fatalf("warning a minute early: %v", got)
	}
	e.clock.Set(at("2026-03-02T15:00:00Z"))
	sweep(t, e)
	sweep(t, e)
	if got := events(t, e, c.ID, "SLA warning: the first response"); len(got) != 1 {
		t.Fatalf("first-response warnings: %v", got)
	}
	// Tuesday 10:00 the target breaches.
	e.clock.Set(at("2026-03-03T09:00:00Z"))
	sweep(t, e)
	sweep(t, e)
	if got := events(t, e, c.ID, "SLA breached: the first response was due at 2026-03-03T09:00:00Z"); len(got) != 1 {
		t.Fatalf("breaches: %v", got)
	}
	c, _ = e.svc.Case(e.ctx, e.agent, c.ID)
	if !c.SLA.FirstResponseBreached || c.SLA.FirstResponseRemainingMinutes == nil || *c.SLA.FirstResponseRemainingMinutes != 0 {
		t.Fatalf("sla after breach = %+v", c.SLA)
	}
	notes, err := e.svc.Notifications(e.ctx, e.super, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 2 || notes[0].Kind != "sla.first_response_breach" || notes[1].Kind != "sla.first_response_warning" {
		t.Fatalf("supervisor notifications = %+v", notes)
	}
	// The customer's timeline shows none of it.
	cust, _ := e.svc.Timeline(e.ctx, e.bizAdmin, c.ID)
	for _, m := range cust {
		if strings.HasPrefix(m.Body, "SLA") {
			t.Fatalf("customer sees %q", m.Body)
		}
	}
}

// TestAnsweredInTimeNoBreach: a first public staff reply meets the target;
// an internal note does not.
func TestAnsweredInTimeNoBreach(t *testing.T) {
	e := newEnv(t)
	c, _, _ := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	e.clock.Add(time.Hour)
	if _, err := e.svc.AddMessage(e.ctx, e.agent, c.ID, desk.Reply{Body: "looking", Internal: true}); err != nil {
		t.Fatal(err)
	}
	c, _ = e.svc.Case(e.ctx, e.agent, c.ID)
	if c.FirstResponseAt != nil {
		t.Fatal("an internal note counted as the first response")
	}
	if _, err := e.svc.AddMessage(e.ctx, e.agent, c.ID, desk.Reply{Body: "We are on it."}); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(7 * 24 * time.Hour)
	sweep(t, e)
	if got := events(t, e, c.ID, "SLA warning: the first response"); len(got) != 0 {
		t.Fatalf("answered case got %v", got)
	}
	if got := events(t, e, c.ID, "SLA breached: the first response"); len(got) != 0 {
		t.Fatalf("answered case got %v", got)
	}
	// The resolution target still runs, and breaches.
	if got := events(t, e, c.ID, "SLA breached: resolution"); len(got) != 1 {
		t.Fatalf("resolution breaches: %v", got)
	}
	c, _ = e.svc.Case(e.ctx, e.agent, c.ID)
	if c.SLA.FirstResponseBreached {
		t.Fatal("answered in time but marked breached")
	}
}

// TestTwoSweepersFireOnce races two nodes' sweepers over the same timers.
func TestTwoSweepersFireOnce(t *testing.T) {
	e := newEnv(t)
	var ids []int64
	for range 20 {
		c, _, err := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	e.clock.Set(at("2026-03-04T09:00:00Z")) // everything due
	var wg sync.WaitGroup
	for _, owner := range []string{"node-a", "node-b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				if _, err := sweeper(e, owner).RunOnce(e.ctx); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if w, b := events(t, e, id, "SLA warning"), events(t, e, id, "SLA breached"); len(w) != 1 || len(b) != 1 {
			t.Fatalf("case %d: %d warnings, %d breaches; want one each", id, len(w), len(b))
		}
	}
}

// TestLeaseExpiryRefires: a node that claimed timers and died gives them up
// when the lease runs out; they then fire once. Only the earliest timer of
// a case is pending (the warning); firing it stores the breach.
func TestLeaseExpiryRefires(t *testing.T) {
	e := newEnv(t)
	c, _, _ := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	e.clock.Set(at("2026-03-04T09:00:00Z"))
	claimed, err := e.svc.Store.ClaimTimers(e.ctx, "dead-node", e.clock.Now(), time.Minute, 100)
	if err != nil || len(claimed) != 1 || claimed[0].Kind != desk.TimerFirstResponseWarning {
		t.Fatalf("claimed %v (%v), want the warning", claimed, err)
	}
	if n := sweep(t, e); n != 0 {
		t.Fatalf("a leased timer fired: %d", n)
	}
	e.clock.Add(2 * time.Minute)
	if n := sweep(t, e); n != 2 {
		t.Fatalf("after the lease ran out %d timers fired, want 2 (the warning, then the breach)", n)
	}
	if got := events(t, e, c.ID, "SLA breached"); len(got) != 1 {
		t.Fatalf("breaches: %v", got)
	}
}

// TestDowngrade: a case left waiting on the customer drops one level after
// the configured business time, with a reason and a message; an answered
// case does not.
func TestDowngrade(t *testing.T) {
	e := newEnv(t)
	n := ok()
	n.Severity = desk.SeverityHigh
	waiting, _, _ := e.svc.OpenCase(e.ctx, e.bizAdmin, n, "")
	answered, _, _ := e.svc.OpenCase(e.ctx, e.bizAdmin, n, "")
	for _, c := range []*desk.Case{waiting, answered} {
		if _, err := e.svc.RequestInfo(e.ctx, e.agent, c.ID, "Please send a trace."); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Add(time.Hour)
	if _, err := e.svc.AddMessage(e.ctx, e.bizAdmin, answered.ID, desk.Reply{Body: "Trace attached."}); err != nil {
		t.Fatal(err)
	}
	// High waits two business days: from Monday 10:00 to Wednesday 10:00.
	e.clock.Set(at("2026-03-04T08:59:00Z"))
	sweep(t, e)
	if c, _ := e.svc.Case(e.ctx, e.agent, waiting.ID); c.Severity != desk.SeverityHigh {
		t.Fatalf("downgraded early to %s", c.Severity)
	}
	e.clock.Set(at("2026-03-04T09:00:00Z"))
	sweep(t, e)
	c, _ := e.svc.Case(e.ctx, e.agent, waiting.ID)
	if c.Severity != desk.SeverityNormal || c.Status != desk.StatusActionRequired {
		t.Fatalf("after two business days: %s, %s", c.Severity, c.Status)
	}
	if got := events(t, e, c.ID, "severity lowered from high to normal"); len(got) != 1 {
		t.Fatalf("downgrade events: %v", got)
	}
	cust, _ := e.svc.Timeline(e.ctx, e.bizAdmin, c.ID)
	if last := cust[len(cust)-1]; last.Kind != desk.MessagePublic || !strings.Contains(last.Body, "lowered the severity") {
		t.Fatalf("customer was not told: %+v", last)
	}
	if c, _ := e.svc.Case(e.ctx, e.agent, answered.ID); c.Severity != desk.SeverityHigh {
		t.Fatalf("answered case downgraded to %s", c.Severity)
	}
	// Never below low.
	e.clock.Add(60 * 24 * time.Hour)
	for range 3 {
		sweep(t, e)
	}
	if c, _ := e.svc.Case(e.ctx, e.agent, waiting.ID); c.Severity != desk.SeverityLow {
		t.Fatalf("after two months waiting: %s, want low", c.Severity)
	}
}

// TestAutoClose: a resolved case closes by itself unless reopened.
func TestAutoClose(t *testing.T) {
	e := newEnv(t)
	a, _, _ := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	b, _, _ := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	for _, c := range []*desk.Case{a, b} {
		if _, err := e.svc.Resolve(e.ctx, e.agent, c.ID, desk.Resolution{Outcome: desk.OutcomeSolved, Body: "Fixed."}); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Add(24 * time.Hour)
	if _, err := e.svc.Reopen(e.ctx, e.bizAdmin, b.ID); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(7 * 24 * time.Hour)
	sweep(t, e)
	if c, _ := e.svc.Case(e.ctx, e.agent, a.ID); c.Status != desk.StatusClosed || c.ClosedAt == nil {
		t.Fatalf("resolved case after 8 days: %s", c.Status)
	}
	if c, _ := e.svc.Case(e.ctx, e.agent, b.ID); c.Status != desk.StatusOpen {
		t.Fatalf("reopened case: %s", c.Status)
	}
}

// TestSeverityChangeAndQueues: due times follow a severity change; queues
// sort by due time and the at-risk list holds what is due soon.
func TestSeverityChangeAndQueues(t *testing.T) {
	e := newEnv(t)
	n := ok()
	n.Severity = desk.SeverityLow // no policy: no due time
	low, _, _ := e.svc.OpenCase(e.ctx, e.bizAdmin, n, "")
	e.clock.Add(time.Hour)
	normal, _, _ := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	if low.FirstResponseDueAt != nil {
		t.Fatalf("low case has a due time %v", low.FirstResponseDueAt)
	}
	if _, err := e.svc.ChangeSeverity(e.ctx, e.bizAdmin, low.ID, desk.SeverityChange{Severity: desk.SeverityNormal, Reason: "x"}); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Fatalf("customer changed severity: %v", err)
	}
	c, err := e.svc.ChangeSeverity(e.ctx, e.agent, low.ID, desk.SeverityChange{Severity: desk.SeverityNormal, Reason: "more users affected"})
	if err != nil {
		t.Fatal(err)
	}
	// Counted from the case's opening: Monday 10:00 + 8 business hours.
	if c.FirstResponseDueAt == nil || !c.FirstResponseDueAt.Equal(at("2026-03-03T09:00:00Z")) {
		t.Fatalf("due after severity change %v", c.FirstResponseDueAt)
	}
	page, err := e.svc.Cases(e.ctx, e.agent, desk.CaseFilter{Sort: desk.SortDue})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 2 || page.Items[0].ID != low.ID || page.Items[1].ID != normal.ID {
		t.Fatalf("due order: %v", ids(page.Items))
	}
	// Walk the due-sorted queue one case a page.
	var walked []int64
	f := desk.CaseFilter{Sort: desk.SortDue, Limit: 1}
	for {
		p, err := e.svc.Cases(e.ctx, e.agent, f)
		if err != nil {
			t.Fatal(err)
		}
		walked = append(walked, ids(p.Items)...)
		if p.Next == nil {
			break
		}
		f.After = p.Next
	}
	if len(walked) != 2 || walked[0] != low.ID {
		t.Fatalf("walked %v", walked)
	}
	e.clock.Set(at("2026-03-03T08:30:00Z")) // Tuesday 09:30: low is due at 10:00
	risk, err := e.svc.AtRisk(e.ctx, e.super, time.Hour, desk.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(risk.Items) != 1 || risk.Items[0].ID != low.ID {
		t.Fatalf("at risk within an hour: %v", ids(risk.Items))
	}
	if _, err := e.svc.AtRisk(e.ctx, e.bizAdmin, time.Hour, desk.CaseFilter{}); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Fatalf("customer at-risk list: %v", err)
	}
}

func ids(cs []*desk.Case) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// TestRecomputeAfterPolicyChange: after a policy changes, recomputing moves
// the due times of open cases and leaves closed ones alone.
func TestRecomputeAfterPolicyChange(t *testing.T) {
	e := newEnv(t)
	open, _, _ := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	done, _, _ := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	if _, err := e.svc.Close(e.ctx, e.bizAdmin, done.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Store.PutSLAPolicy(e.ctx, &desk.SLAPolicy{Plan: "business", Severity: desk.SeverityNormal,
		Calendar: "24x7", FirstResponseMinutes: 120}); err != nil {
		t.Fatal(err)
	}
	e.svc.ForgetCatalogue()
	if _, err := e.svc.RecomputeSLA(e.ctx, e.agent); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Fatalf("agent recompute: %v", err)
	}
	n, err := e.svc.RecomputeSLA(e.ctx, e.super)
	if err != nil || n != 1 {
		t.Fatalf("recomputed %d (%v), want 1", n, err)
	}
	c, _ := e.svc.Case(e.ctx, e.agent, open.ID)
	if want := at("2026-03-02T11:00:00Z"); c.FirstResponseDueAt == nil || !c.FirstResponseDueAt.Equal(want) || c.ResolutionDueAt != nil {
		t.Fatalf("after recompute: first response due %v (want %v), resolution due %v", c.FirstResponseDueAt, want, c.ResolutionDueAt)
	}
	// The new timers fire; the old ones are gone.
	e.clock.Set(at("2026-03-02T11:00:00Z"))
	sweep(t, e)
	if got := events(t, e, open.ID, "SLA breached: the first response was due at 2026-03-02T11:00:00Z"); len(got) != 1 {
		t.Fatalf("breach after recompute: %v", got)
	}
	e.clock.Set(at("2026-03-10T11:00:00Z"))
	sweep(t, e)
	if got := events(t, e, open.ID, "SLA breached"); len(got) != 1 {
		t.Fatalf("old timers fired too: %v", got)
	}
}

// TestSummaryCounts: warnings and breaches are counted once each; stale
// timers are not counted.
func TestSummaryCounts(t *testing.T) {
	e := newEnv(t)
	answered, _, _ := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	if _, _, err := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AddMessage(e.ctx, e.agent, answered.ID, desk.Reply{Body: "On it."}); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(at("2026-03-03T09:00:00Z")) // first responses due
	sweep(t, e)
	sweep(t, e)
	if _, err := e.svc.Summary(e.ctx, e.agent, monday10); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Fatalf("agent summary: %v", err)
	}
	sum, err := e.svc.Summary(e.ctx, e.super, monday10)
	if err != nil {
		t.Fatal(err)
	}
	// The unanswered case warned and breached its first response; the
	// answered one's timers went stale. Resolution timers are not due yet
	// (8 of 24 business hours have passed).
	if sum.ByKind[desk.TimerFirstResponseWarning] != 1 || sum.ByKind[desk.TimerFirstResponseBreach] != 1 {
		t.Fatalf("summary = %+v", sum)
	}
	if sum.Warnings != 1 || sum.Breaches != 1 || sum.Downgrades != 0 {
		t.Fatalf("summary totals = %+v", sum)
	}
	later, err := e.svc.Summary(e.ctx, e.super, at("2026-03-04T00:00:00Z"))
	if err != nil || later.Warnings+later.Breaches != 0 {
		t.Fatalf("since a later time: %+v (%v)", later, err)
	}
}
