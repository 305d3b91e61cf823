package web

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"desk"
	"desk/jobs"
)

// fakeClock is a settable desk.Clock shared by the server's handlers, the
// sweeper and the test.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t.UTC()
}

// newClockEnv is newEnv whose service reads a fake clock. The demo data is
// seeded on the wall clock; the fake clock then starts at start, or when
// start is zero at the next whole second after the seed, so that the demo
// story and the test's cases share one timeline.
func newClockEnv(t *testing.T, start time.Time) (*env, *fakeClock) {
	t.Helper()
	clk := &fakeClock{}
	e := newEnv(t, func(s *Server) {
		if start.IsZero() {
			start = desk.SystemClock{}.Now().Truncate(time.Second).Add(time.Second)
		}
		clk.set(start)
		s.Service.Clock = clk
	})
	return e, clk
}

// putPolicy replaces the SLA policy of a plan and severity, so that a test
// has the targets (next response, resolution) the demo policies lack.
func (e *env) putPolicy(p desk.SLAPolicy) {
	e.t.Helper()
	if err := e.db.PutSLAPolicy(e.ctx, &p); err != nil {
		e.t.Fatalf("put SLA policy %s/%s: %v", p.Plan, p.Severity, err)
	}
	// Written past the Service, so its cached catalogue must go.
	e.svc.ForgetCatalogue()
}

// getCase reads a case through the API.
func (e *env) getCase(as string, id int64) *desk.Case {
	e.t.Helper()
	var c desk.Case
	e.get(as, casePath(id)).ok(e.t, http.StatusOK, &c)
	return &c
}

// sweep fires the due timers the way a node's sweeper does, with a fresh
// sweeper each time, as after a restart.
func (e *env) sweep() int {
	e.t.Helper()
	n, err := jobs.New(e.svc, slog.New(slog.DiscardHandler)).RunOnce(e.ctx)
	if err != nil {
		e.t.Fatalf("sweep: %v", err)
	}
	return n
}

// notifications returns the caller's notifications.
func (e *env) notifications(as string) []desk.Notification {
	e.t.Helper()
	var l list[desk.Notification]
	e.get(as, "/api/v1/notifications?limit=100").ok(e.t, http.StatusOK, &l)
	return l.Items
}

// timeline returns a case's timeline as the caller sees it.
func (e *env) timeline(as string, id int64) []desk.Message {
	e.t.Helper()
	var l list[desk.Message]
	e.get(as, casePath(id, "/messages")).ok(e.t, http.StatusOK, &l)
	return l.Items
}

// allPages follows next_cursor from path (which has a query) to the last
// page and returns every case in the order served.
func (e *env) allPages(as, path string) []desk.Case {
	e.t.Helper()
	var out []desk.Case
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 1000 {
			e.t.Fatalf("%s: more than 1000 pages", path)
		}
		p := path
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		var l list[desk.Case]
		e.get(as, p).ok(e.t, http.StatusOK, &l)
		out = append(out, l.Items...)
		if l.NextCursor == "" {
			return out
		}
		if len(l.Items) == 0 {
			e.t.Fatalf("%s: empty page with a next cursor", p)
		}
		cursor = l.NextCursor
	}
}

// pendingDue is the due time a queue sorted by due time goes by, read from
// what the API shows: the earliest of the first-response due time while
// there is no first response, the next-response due time and the
// resolution due time; nothing for resolved and closed cases.
func pendingDue(c *desk.Case) *time.Time {
	if c.Status == desk.StatusResolved || c.Status == desk.StatusClosed {
		return nil
	}
	var min *time.Time
	for _, d := range []*time.Time{c.NextResponseDueAt, c.ResolutionDueAt} {
		if d != nil && (min == nil || d.Before(*min)) {
			min = d
		}
	}
	if c.FirstResponseAt == nil && c.FirstResponseDueAt != nil && (min == nil || c.FirstResponseDueAt.Before(*min)) {
		min = c.FirstResponseDueAt
	}
	return min
}

func caseIDs(cs []desk.Case) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func caseIndex(cs []desk.Case, id int64) int {
	return slices.IndexFunc(cs, func(c desk.Case) bool { return c.ID == id })
}

func wantTime(t *testing.T, name string, got *time.Time, want time.Time) {
	t.Helper()
	if got == nil || !got.Equal(want) {
		t.Errorf("%s = %v, want %v", name, got, want.UTC())
	}
}

func wantAbsent(t *testing.T, name string, got *time.Time) {
	t.Helper()
	if got != nil {
		t.Errorf("%s = %v, want absent", name, got)
	}
}

func wantMinutes(t *testing.T, name string, got *int, want int) {
	t.Helper()
	if got == nil || *got != want {
		t.Errorf("%s = %s, want %d", name, fmtInt(got), want)
	}
}

func wantNoMinutes(t *testing.T, name string, got *int) {
	t.Helper()
	if got != nil {
		t.Errorf("%s = %d, want absent", name, *got)
	}
}

func fmtInt(p *int) string {
	if p == nil {
		return "absent"
	}
	return fmt.Sprint(*p)
}

// criticalCase is a valid critical case body for Fabrikam, whose extended
// support allows critical.
func (e *env) criticalCase(title string) map[string]any {
	nc := e.newCase(ada, title)
	nc["severity"] = "critical"
	nc["business_impact"] = "Nobody at Fabrikam can send mail."
	nc["contact_phone"] = "+31 20 794 1200"
	return nc
}

// TestSLAPauseAndResume follows a case's SLA block on a round-the-clock
// calendar: the clock stops while the case waits on the customer and
// restarts on their reply, with the resolution due time moved later by
// exactly the time paused.
func TestSLAPauseAndResume(t *testing.T) {
	e, clk := newClockEnv(t, time.Time{})
	e.putPolicy(desk.SLAPolicy{Plan: "enterprise", Severity: desk.SeverityNormal, Calendar: "24x7",
		FirstResponseMinutes: 4 * 60, NextResponseMinutes: 2 * 60, ResolutionMinutes: 3 * 24 * 60})
	t0 := clk.Now()
	c := e.openCase(ada, e.newCase(ada, "Shared calendars do not sync"))
	if c.Plan != "enterprise" || c.Severity != desk.SeverityNormal {
		t.Fatalf("case plan/severity = %s/%s, want enterprise/normal", c.Plan, c.Severity)
	}

	// Opened: both targets run.
	for who, got := range map[string]*desk.Case{"open answer": c, "customer": e.getCase(ada, c.ID), "agent": e.getCase(agent, c.ID)} {
		t.Run("opened/"+who, func(t *testing.T) {
			if got.SLA == nil {
				t.Fatalf("no sla block")
			}
			wantTime(t, "first_response_due_at", got.FirstResponseDueAt, t0.Add(4*time.Hour))
			wantTime(t, "resolution_due_at", got.ResolutionDueAt, t0.Add(72*time.Hour))
			wantAbsent(t, "next_response_due_at", got.NextResponseDueAt)
			if got.SLA.Paused || got.SLA.FirstResponseBreached || got.SLA.ResolutionBreached {
				t.Errorf("sla = %+v, want running and not breached", got.SLA)
			}
			wantMinutes(t, "first_response_remaining_minutes", got.SLA.FirstResponseRemainingMinutes, 240)
			wantMinutes(t, "resolution_remaining_minutes", got.SLA.ResolutionRemainingMinutes, 72*60)
			wantNoMinutes(t, "next_response_remaining_minutes", got.SLA.NextResponseRemainingMinutes)
		})
	}
	// The JSON itself names the block and its flags.
	var raw map[string]json.RawMessage
	e.get(ada, casePath(c.ID)).ok(t, 200, &raw)
	var rawSLA map[string]any
	if err := json.Unmarshal(raw["sla"], &rawSLA); err != nil {
		t.Fatalf("sla block %s: %v", raw["sla"], err)
	}
	for _, k := range []string{"paused", "first_response_breached", "next_response_breached", "resolution_breached"} {
		if _, ok := rawSLA[k]; !ok {
			t.Errorf("sla block lacks %q: %s", k, raw["sla"])
		}
	}

	// An hour later the agent asks for information: the first response is
	// met, and the clock stops with 71 hours of resolution time left.
	clk.set(t0.Add(time.Hour))
	var paused desk.Case
	e.post(agent, casePath(c.ID, "/request-info"), map[string]any{"body": "Which calendar client do you use?"}).ok(t, 200, &paused)
	for who, got := range map[string]*desk.Case{"answer": &paused, "customer": e.getCase(ada, c.ID)} {
		t.Run("paused/"+who, func(t *testing.T) {
			if got.Status != desk.StatusActionRequired || got.SLA == nil || !got.SLA.Paused {
				t.Fatalf("status %s, sla %+v; want action_required and paused", got.Status, got.SLA)
			}
			wantAbsent(t, "resolution_due_at", got.ResolutionDueAt)
			wantTime(t, "first_response_at", got.FirstResponseAt, t0.Add(time.Hour))
			wantNoMinutes(t, "first_response_remaining_minutes", got.SLA.FirstResponseRemainingMinutes)
			wantMinutes(t, "resolution_remaining_minutes", got.SLA.ResolutionRemainingMinutes, 71*60)
			if got.SLA.FirstResponseBreached || got.SLA.ResolutionBreached {
				t.Errorf("sla = %+v, want nothing breached", got.SLA)
			}
		})
	}

	// Five hours on, still waiting: the remaining time has not moved, and
	// the waiting case is in no list of cases at risk.
	clk.set(t0.Add(6 * time.Hour))
	still := e.getCase(agent, c.ID)
	if still.SLA == nil || !still.SLA.Paused {
		t.Fatalf("sla = %+v after five hours waiting, want paused", still.SLA)
	}
	wantMinutes(t, "resolution_remaining_minutes while paused", still.SLA.ResolutionRemainingMinutes, 71*60)
	var risk list[desk.Case]
	e.get(sam, "/api/v1/sla/at-risk?within=720h&limit=100").ok(t, 200, &risk)
	if caseIndex(risk.Items, c.ID) >= 0 {
		t.Errorf("a case waiting on the customer is listed at risk")
	}

	// The customer answers: the clock runs again, resolution is due five
	// hours later than first promised, and the next response is due two
	// hours after the reply.
	e.post(ada, casePath(c.ID, "/messages"), map[string]any{"body": "Outlook 2021 on Windows 11."}).ok(t, http.StatusCreated, nil)
	resumed := e.getCase(ada, c.ID)
	if resumed.Status != desk.StatusOpen || resumed.SLA == nil || resumed.SLA.Paused {
		t.Fatalf("status %s, sla %+v after the reply; want open and running", resumed.Status, resumed.SLA)
	}
	wantTime(t, "resolution_due_at after the pause", resumed.ResolutionDueAt, t0.Add(77*time.Hour))
	wantMinutes(t, "resolution_remaining_minutes after the pause", resumed.SLA.ResolutionRemainingMinutes, 71*60)
	wantTime(t, "next_response_due_at", resumed.NextResponseDueAt, t0.Add(8*time.Hour))
	wantMinutes(t, "next_response_remaining_minutes", resumed.SLA.NextResponseRemainingMinutes, 120)

	// The clock runs on from the reply.
	clk.set(t0.Add(7 * time.Hour))
	later := e.getCase(agent, c.ID)
	wantMinutes(t, "resolution_remaining_minutes an hour later", later.SLA.ResolutionRemainingMinutes, 70*60)
	wantMinutes(t, "next_response_remaining_minutes an hour later", later.SLA.NextResponseRemainingMinutes, 60)

	// The agent's public answer meets the next response; an internal note
	// would not have.
	e.post(agent, casePath(c.ID, "/messages"), map[string]any{"body": "checking the sync log", "internal": true}).ok(t, http.StatusCreated, nil)
	if got := e.getCase(agent, c.ID); got.NextResponseDueAt == nil || got.SLA.NextResponseRemainingMinutes == nil {
		t.Errorf("an internal note met the next response: %+v", got.SLA)
	}
	e.post(agent, casePath(c.ID, "/messages"), map[string]any{"body": "Please update Outlook to the latest build."}).ok(t, http.StatusCreated, nil)
	answered := e.getCase(agent, c.ID)
	wantAbsent(t, "next_response_due_at after the answer", answered.NextResponseDueAt)
	wantNoMinutes(t, "next_response_remaining_minutes after the answer", answered.SLA.NextResponseRemainingMinutes)
	wantTime(t, "resolution_due_at after the answer", answered.ResolutionDueAt, t0.Add(77*time.Hour))
}

// TestSLAPauseOverWeekend pauses a case on a weekdays calendar from Friday
// afternoon to Monday morning: only the business hours of the pause move
// the resolution due time.
func TestSLAPauseOverWeekend(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	// Friday 5 March 2027 14:00 in Amsterdam; no Dutch holiday nearby.
	opened := time.Date(2027, 3, 5, 14, 0, 0, 0, ams)
	e, clk := newClockEnv(t, opened)
	e.putPolicy(desk.SLAPolicy{Plan: "enterprise", Severity: desk.SeverityLow, Calendar: "weekdays",
		FirstResponseMinutes: 3 * 8 * 60, ResolutionMinutes: 2 * 8 * 60})
	nc := e.newCase(ada, "Question about retention labels")
	nc["severity"] = "low"
	c := e.openCase(ada, nc)
	// Two business days of 09:00–17:00: Friday 14–17, Monday 9–17, Tuesday 9–14.
	wantTime(t, "resolution_due_at", c.ResolutionDueAt, time.Date(2027, 3, 9, 14, 0, 0, 0, ams))
	wantMinutes(t, "resolution_remaining_minutes", c.SLA.ResolutionRemainingMinutes, 16*60)

	clk.set(time.Date(2027, 3, 5, 15, 0, 0, 0, ams))
	e.post(agent, casePath(c.ID, "/request-info"), map[string]any{"body": "Which label policy?"}).ok(t, 200, nil)
	// Over the weekend the case waits; its remaining time stays.
	clk.set(time.Date(2027, 3, 7, 12, 0, 0, 0, ams))
	if got := e.getCase(ada, c.ID); !got.SLA.Paused || got.ResolutionDueAt != nil {
		t.Errorf("on Sunday: paused %v, resolution_due_at %v; want paused, absent", got.SLA.Paused, got.ResolutionDueAt)
	} else {
		wantMinutes(t, "resolution_remaining_minutes on Sunday", got.SLA.ResolutionRemainingMinutes, 15*60)
	}

	// Monday 11:00 the customer replies. The pause held four business
	// hours (Friday 15–17, Monday 9–11), so resolution is due four
	// business hours after Tuesday 14:00: Wednesday 10:00.
	clk.set(time.Date(2027, 3, 8, 11, 0, 0, 0, ams))
	e.post(ada, casePath(c.ID, "/messages"), map[string]any{"body": "The seven-year label."}).ok(t, http.StatusCreated, nil)
	got := e.getCase(agent, c.ID)
	if got.SLA.Paused {
		t.Fatalf("still paused after the reply")
	}
	wantTime(t, "resolution_due_at after the weekend", got.ResolutionDueAt, time.Date(2027, 3, 10, 10, 0, 0, 0, ams))
	wantMinutes(t, "resolution_remaining_minutes after the weekend", got.SLA.ResolutionRemainingMinutes, 15*60)
}

// TestChangeSeverity changes severities through the API: who may, what is
// refused, and due times that follow the new severity's policy.
func TestChangeSeverity(t *testing.T) {
	e, clk := newClockEnv(t, time.Time{})
	// The demo's own targets for Enterprise: critical 1 h, high 2 h,
	// normal 4 h, round the clock; Business: high 8 h, none for normal.
	// Low is set here, so that its due time is plain arithmetic.
	e.putPolicy(desk.SLAPolicy{Plan: "enterprise", Severity: desk.SeverityLow, Calendar: "24x7", FirstResponseMinutes: 3 * 24 * 60})
	t0 := clk.Now()
	c := e.openCase(ada, e.newCase(ada, "Mail delivery is delayed")) // enterprise normal: 4 h, 24x7
	wantTime(t, "first_response_due_at", c.FirstResponseDueAt, t0.Add(4*time.Hour))
	billNC := e.newCase(ada, "Invoice shows the wrong plan")
	billNC["category"], billNC["severity"] = "billing", "high"
	billing := e.openCase(ada, billNC)
	con := e.newCase(carl, "Drive sync stalls")
	con["severity"] = "high"
	contoso := e.openCase(carl, con) // business high: 8 h, 24x7
	wantTime(t, "contoso first_response_due_at", contoso.FirstResponseDueAt, t0.Add(8*time.Hour))
	done := e.openCase(ada, e.newCase(ada, "Already solved"))
	e.post(agent, casePath(done.ID, "/resolve"), map[string]any{"outcome": "solved", "body": "Fixed."}).ok(t, 200, nil)

	sev := func(id int64) string { return casePath(id, "/severity") }
	for _, sc := range []struct {
		name   string
		rq     request
		status int
		code   string
	}{
		{"customer", request{Method: "POST", Path: sev(c.ID), As: ada, Body: map[string]any{"severity": "high", "reason": "urgent for us"}}, 403, "staff_only"},
		{"status manager", request{Method: "POST", Path: sev(c.ID), As: "stan@vendor.example", Body: map[string]any{"severity": "high", "reason": "x"}}, 403, "staff_only"},
		{"no token", request{Method: "POST", Path: sev(c.ID), Body: map[string]any{"severity": "high", "reason": "x"}}, 401, "token_required"},
		{"invalid severity", request{Method: "POST", Path: sev(c.ID), As: agent, Body: map[string]any{"severity": "urgent", "reason": "x"}}, 400, "invalid_severity"},
		{"empty severity", request{Method: "POST", Path: sev(c.ID), As: agent, Body: map[string]any{"reason": "x"}}, 400, "invalid_severity"},
		{"unknown field", request{Method: "POST", Path: sev(c.ID), As: agent, Body: map[string]any{"severity": "high", "reason": "x", "notify": true}}, 400, "unknown_field"},
		{"missing reason", request{Method: "POST", Path: sev(c.ID), As: agent, Body: map[string]any{"severity": "high"}}, 422, "reason_required"},
		{"blank reason", request{Method: "POST", Path: sev(c.ID), As: agent, Body: map[string]any{"severity": "high", "reason": "  \t"}}, 422, "reason_required"},
		{"same severity", request{Method: "POST", Path: sev(c.ID), As: agent, Body: map[string]any{"severity": "normal", "reason": "x"}}, 422, "severity_unchanged"},
		{"billing above high", request{Method: "POST", Path: sev(billing.ID), As: sam, Body: map[string]any{"severity": "critical", "reason": "CFO escalation"}}, 422, "billing_severity_capped"},
		{"resolved case", request{Method: "POST", Path: sev(done.ID), As: agent, Body: map[string]any{"severity": "high", "reason": "x"}}, 422, "invalid_transition"},
		{"no such case", request{Method: "POST", Path: sev(999999), As: agent, Body: map[string]any{"severity": "high", "reason": "x"}}, 404, "case_not_found"},
	} {
		t.Run(sc.name, func(t *testing.T) {
			e.send(sc.rq).problem(t, sc.status, sc.code)
		})
	}
	// Nothing refused changed a case.
	if got := e.getCase(agent, c.ID); got.Severity != desk.SeverityNormal || got.Version != c.Version {
		t.Errorf("after refusals: severity %s version %d, want normal version %d", got.Severity, got.Version, c.Version)
	}
	if got := e.getCase(agent, billing.ID); got.Severity != desk.SeverityHigh {
		t.Errorf("billing case severity = %s after a refused change", got.Severity)
	}

	// Half an hour in, the agent raises the case to high: first response
	// is due two hours after opening, not after the change.
	clk.set(t0.Add(30 * time.Minute))
	atRisk := func(within string) []int64 {
		var l list[desk.Case]
		e.get(sam, "/api/v1/sla/at-risk?limit=100&within="+within).ok(t, 200, &l)
		return caseIDs(l.Items)
	}
	if slices.Contains(atRisk("45m"), c.ID) {
		t.Errorf("a normal case due in 3.5 hours is at risk within 45m")
	}
	var high desk.Case
	e.post(agent, sev(c.ID), map[string]any{"severity": "high", "reason": "more users affected"}).ok(t, 200, &high)
	if high.Severity != desk.SeverityHigh || high.Version != c.Version+1 {
		t.Errorf("severity %s version %d, want high version %d", high.Severity, high.Version, c.Version+1)
	}
	wantTime(t, "first_response_due_at as high", high.FirstResponseDueAt, t0.Add(2*time.Hour))
	wantMinutes(t, "first_response_remaining_minutes as high", high.SLA.FirstResponseRemainingMinutes, 90)

	// Critical: due an hour after opening, so at risk within 45 minutes.
	var crit desk.Case
	e.post(sam, sev(c.ID), map[string]any{"severity": "critical", "reason": "whole company down"}).ok(t, 200, &crit)
	wantTime(t, "first_response_due_at as critical", crit.FirstResponseDueAt, t0.Add(time.Hour))
	wantMinutes(t, "first_response_remaining_minutes as critical", crit.SLA.FirstResponseRemainingMinutes, 30)
	if got := e.getCase(ada, c.ID); got.Severity != desk.SeverityCritical || got.FirstResponseDueAt == nil || !got.FirstResponseDueAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("customer sees severity %s, due %v", got.Severity, got.FirstResponseDueAt)
	}
	if !slices.Contains(atRisk("45m"), c.ID) {
		t.Errorf("a critical case due in 30 minutes is not at risk within 45m")
	}

	// Low: three days, by the policy this test set.
	var low desk.Case
	e.post(agent, sev(c.ID), map[string]any{"severity": "low", "reason": "workaround in place"}).ok(t, 200, &low)
	wantTime(t, "first_response_due_at as low", low.FirstResponseDueAt, t0.Add(72*time.Hour))
	wantMinutes(t, "first_response_remaining_minutes as low", low.SLA.FirstResponseRemainingMinutes, 72*60-30)
	if slices.Contains(atRisk("45m"), c.ID) {
		t.Errorf("a low case is still at risk within 45m after the change")
	}
	// Another case raised to critical takes the critical timers along.
	raised := e.openCase(ada, e.newCase(ada, "Mail is getting worse"))
	e.post(agent, sev(raised.ID), map[string]any{"severity": "critical", "reason": "spreading"}).ok(t, 200, nil)

	// The lowered case's old timers went with its old severity: past its
	// critical due time nothing fires for it. The raised case breaches its
	// new target an hour after it was opened.
	clk.set(t0.Add(61 * time.Minute))
	e.sweep()
	clk.set(t0.Add(76 * time.Minute))
	e.sweep()
	clk.set(t0.Add(91 * time.Minute))
	e.sweep()
	var raisedKinds []string
	for _, n := range e.notifications(sam) {
		switch n.CaseID {
		case c.ID:
			t.Errorf("sam notified after the severity was lowered: %+v", n)
		case raised.ID:
			raisedKinds = append(raisedKinds, n.Kind)
			if due := t0.Add(time.Hour + 30*time.Minute).UTC().Format(time.RFC3339); !strings.Contains(n.Body, due) {
				t.Errorf("notification %q does not name the critical due time %s", n.Body, due)
			}
		}
	}
	slices.Sort(raisedKinds)
	if !slices.Equal(raisedKinds, []string{"sla.first_response_breach", "sla.first_response_warning"}) {
		t.Errorf("raised case notified %q, want the critical warning and breach", raisedKinds)
	}
	if got := e.getCase(agent, c.ID); got.SLA.FirstResponseBreached {
		t.Errorf("low case shows a breach of the critical target: %+v", got.SLA)
	}

	// Staff see each change with its reason on the timeline.
	var events []string
	for _, m := range e.timeline(agent, c.ID) {
		if m.Kind == desk.MessageEvent && strings.HasPrefix(m.Body, "severity:") {
			events = append(events, m.Body)
		}
	}
	want := []string{
		"severity: normal → high (more users affected)",
		"severity: high → critical (whole company down)",
		"severity: critical → low (workaround in place)",
	}
	if !slices.Equal(events, want) {
		t.Errorf("severity events = %q, want %q", events, want)
	}

	// A plan without a policy for the new severity: Business has no target
	// for normal, so the due time goes away.
	var norm desk.Case
	e.post(agent, sev(contoso.ID), map[string]any{"severity": "normal", "reason": "single user"}).ok(t, 200, &norm)
	wantAbsent(t, "contoso first_response_due_at as normal", norm.FirstResponseDueAt)
	wantNoMinutes(t, "contoso first_response_remaining_minutes as normal", norm.SLA.FirstResponseRemainingMinutes)

	// Billing may go down, and back up to high.
	e.post(agent, sev(billing.ID), map[string]any{"severity": "normal", "reason": "not blocking"}).ok(t, 200, nil)
	e.post(agent, sev(billing.ID), map[string]any{"severity": "high", "reason": "invoice run tomorrow"}).ok(t, 200, nil)
}

// TestSortByDue lists cases by due time a page at a time.
func TestSortByDue(t *testing.T) {
	e, clk := newClockEnv(t, time.Time{})
	e.putPolicy(desk.SLAPolicy{Plan: "enterprise", Severity: desk.SeverityNormal, Calendar: "24x7",
		FirstResponseMinutes: 4 * 60, ResolutionMinutes: 3 * 24 * 60})
	t0 := clk.Now()
	crit := e.openCase(ada, e.criticalCase("Mail is down")) // due t0+1h
	hi := e.newCase(ada, "Calendar invites fail")
	hi["severity"] = "high"
	high := e.openCase(ada, hi) // due t0+2h
	// Several cases due at the same instant, so that pages break ties.
	var same []*desk.Case
	for i := range 5 {
		same = append(same, e.openCase(ada, e.newCase(ada, fmt.Sprintf("Drive quota wrong %d", i)))) // due t0+4h
	}
	// Answered: only the resolution target (t0+72h) is pending.
	answered := e.openCase(ada, e.newCase(ada, "Answered case"))
	e.post(agent, casePath(answered.ID, "/messages"), map[string]any{"body": "We are on it."}).ok(t, 201, nil)
	// Waiting on the customer: nothing pending.
	waiting := e.openCase(ada, e.newCase(ada, "Waiting case"))
	e.post(agent, casePath(waiting.ID, "/request-info"), map[string]any{"body": "Which user?"}).ok(t, 200, nil)
	// Business has no normal target: nothing pending.
	noPolicy := e.openCase(carl, e.newCase(carl, "Contoso normal case"))
	clk.set(t0.Add(10 * time.Minute))

	all := e.allPages(sam, "/api/v1/cases?sort=due&limit=3")
	if n := e.countCases(); len(all) != n {
		t.Errorf("sort=due pages hold %d cases, the store %d", len(all), n)
	}
	seen := map[int64]bool{}
	for _, c := range all {
		if seen[c.ID] {
			t.Errorf("case %d served twice", c.ID)
		}
		seen[c.ID] = true
	}
	checkDueOrder(t, all)

	// Our cases stand where their due times put them.
	pos := func(c *desk.Case) int {
		i := caseIndex(all, c.ID)
		if i < 0 {
			t.Fatalf("case %d (%s) missing from sort=due", c.ID, c.Title)
		}
		return i
	}
	for _, pair := range [][2]*desk.Case{{crit, high}, {high, same[0]}, {same[4], answered}} {
		if pos(pair[0]) > pos(pair[1]) {
			t.Errorf("%q (due %v) listed after %q (due %v)", pair[0].Title, pendingDue(&all[pos(pair[0])]),
				pair[1].Title, pendingDue(&all[pos(pair[1])]))
		}
	}
	for i := 1; i < len(same); i++ {
		if pos(same[i-1]) > pos(same[i]) {
			t.Errorf("cases due at the same time are not in id order")
		}
	}
	if d := pendingDue(&all[pos(answered)]); d == nil || !d.Equal(t0.Add(72*time.Hour)) {
		t.Errorf("answered case's pending due = %v, want the resolution due %v", d, t0.Add(72*time.Hour))
	}
	firstNoDue := slices.IndexFunc(all, func(c desk.Case) bool { return pendingDue(&c) == nil })
	for _, c := range []*desk.Case{waiting, noPolicy} {
		if p := pos(c); firstNoDue < 0 || p < firstNoDue {
			t.Errorf("%q without a pending due time at %d, before the first case with one? (first without: %d)", c.Title, p, firstNoDue)
		}
	}

	// The same cases in the default order.
	newest := e.allPages(sam, "/api/v1/cases?limit=7")
	a, b := caseIDs(all), caseIDs(newest)
	slices.Sort(a)
	slices.Sort(b)
	if !slices.Equal(a, b) {
		t.Errorf("sort=due and newest list different cases: %d vs %d", len(a), len(b))
	}

	// A customer's queue by due time: their own cases only, in order.
	mine := e.allPages(ada, "/api/v1/cases?sort=due&limit=2")
	fabrikam := e.allPages(ada, "/api/v1/cases?limit=100")
	if len(mine) != len(fabrikam) {
		t.Errorf("ada's sort=due pages hold %d cases, her newest list %d", len(mine), len(fabrikam))
	}
	for _, c := range mine {
		if c.OrgID != crit.OrgID {
			t.Errorf("ada sees case %d of org %d", c.ID, c.OrgID)
		}
	}
	checkDueOrder(t, mine)

	// Filters apply to the due order too.
	crits := e.allPages(sam, "/api/v1/cases?sort=due&severity=critical&limit=1")
	if len(crits) == 0 || caseIndex(crits, crit.ID) < 0 {
		t.Errorf("critical filter lost the critical case")
	}
	for _, c := range crits {
		if c.Severity != desk.SeverityCritical {
			t.Errorf("severity filter served a %s case", c.Severity)
		}
	}
	checkDueOrder(t, crits)

	// Bad sorts and cursors from another order.
	e.get(sam, "/api/v1/cases?sort=bogus").problem(t, 400, "invalid_sort")
	e.get(sam, "/api/v1/cases?sort=DUE").problem(t, 400, "invalid_sort")
	var first list[desk.Case]
	e.get(sam, "/api/v1/cases?sort=newest&limit=2").ok(t, 200, &first)
	if first.NextCursor == "" {
		t.Fatal("no next_cursor on a first page of 2")
	}
	e.get(sam, "/api/v1/cases?sort=due&limit=2&cursor="+url.QueryEscape(first.NextCursor)).problem(t, 400, "invalid_cursor")
	e.get(sam, "/api/v1/sla/at-risk?cursor="+url.QueryEscape(first.NextCursor)).problem(t, 400, "invalid_cursor")
	var dueFirst list[desk.Case]
	e.get(sam, "/api/v1/cases?sort=due&limit=2").ok(t, 200, &dueFirst)
	if dueFirst.NextCursor == "" {
		t.Fatal("no next_cursor on a first due page of 2")
	}
	e.get(sam, "/api/v1/cases?limit=2&cursor="+url.QueryEscape(dueFirst.NextCursor)).problem(t, 400, "invalid_cursor")
	e.get(sam, "/api/v1/cases?sort=newest&limit=2&cursor="+url.QueryEscape(dueFirst.NextCursor)).problem(t, 400, "invalid_cursor")
	// Forged cursors: an unknown order, a no-due position in the newest order.
	for _, forged := range []string{"bogus.1.1", ".-.5", "due.x.5", "due.1.0"} {
		e.get(sam, "/api/v1/cases?sort=due&cursor="+base64.RawURLEncoding.EncodeToString([]byte(forged))).problem(t, 400, "invalid_cursor")
	}
}

// checkDueOrder checks that cases run from the earliest pending due time to
// the latest, ties by id, then the cases without one by id.
func checkDueOrder(t *testing.T, cs []desk.Case) {
	t.Helper()
	for i := 1; i < len(cs); i++ {
		p, c := pendingDue(&cs[i-1]), pendingDue(&cs[i])
		switch {
		case p == nil && c != nil:
			t.Errorf("case %d (due %v) after case %d without a due time", cs[i].ID, c, cs[i-1].ID)
		case p != nil && c != nil && c.Before(*p):
			t.Errorf("case %d (due %v) after case %d (due %v)", cs[i].ID, c, cs[i-1].ID, p)
		case (p == nil && c == nil || p != nil && c != nil && c.Equal(*p)) && cs[i].ID < cs[i-1].ID:
			t.Errorf("cases %d and %d with the same due time out of id order", cs[i-1].ID, cs[i].ID)
		}
	}
}

// TestCasesAtRisk lists the cases due within a window, for supervisors.
func TestCasesAtRisk(t *testing.T) {
	e, clk := newClockEnv(t, time.Time{})
	t0 := clk.Now()
	crit := e.openCase(ada, e.criticalCase("Mail is down"))
	hi := e.newCase(ada, "Calendar invites fail")
	hi["severity"] = "high"
	high := e.openCase(ada, hi)
	normal := e.openCase(ada, e.newCase(ada, "Drive quota wrong"))
	met := e.openCase(ada, e.criticalCase("Mail is down again"))
	e.post(agent, casePath(met.ID, "/messages"), map[string]any{"body": "Calling you now."}).ok(t, 201, nil)
	clk.set(t0.Add(15 * time.Minute))
	now := clk.Now()

	// Every case with a pending due time, from the due-sorted queue.
	queue := e.allPages(sam, "/api/v1/cases?sort=due&limit=100")
	for _, sc := range []struct {
		within   time.Duration
		in, out  []*desk.Case
		asAgent  bool
		pageSize int
	}{
		{within: 30 * time.Minute, out: []*desk.Case{crit, high, normal, met}},
		{within: 90 * time.Minute, in: []*desk.Case{crit}, out: []*desk.Case{high, normal, met}},
		{within: 3 * time.Hour, in: []*desk.Case{crit, high}, out: []*desk.Case{normal, met}, asAgent: true},
		{within: 5 * time.Hour, in: []*desk.Case{crit, high, normal}, out: []*desk.Case{met}, pageSize: 1},
	} {
		t.Run(sc.within.String(), func(t *testing.T) {
			as, path := sam, "/api/v1/sla/at-risk?within="+sc.within.String()
			if sc.asAgent {
				as = agent
			}
			if sc.pageSize > 0 {
				path += fmt.Sprintf("&limit=%d", sc.pageSize)
			} else {
				path += "&limit=100"
			}
			got := e.allPages(as, path)
			for _, c := range sc.in {
				if caseIndex(got, c.ID) < 0 {
					t.Errorf("%q (due %v) not at risk within %v", c.Title, c.FirstResponseDueAt, sc.within)
				}
			}
			for _, c := range sc.out {
				if caseIndex(got, c.ID) >= 0 {
					t.Errorf("%q listed at risk within %v", c.Title, sc.within)
				}
			}
			// Exactly the queue's cases due before the window ends,
			// earliest first.
			var want []int64
			for _, c := range queue {
				if d := pendingDue(&c); d != nil && d.Before(now.Add(sc.within)) {
					want = append(want, c.ID)
				}
			}
			if !slices.Equal(caseIDs(got), want) {
				t.Errorf("at risk within %v = %v, want %v", sc.within, caseIDs(got), want)
			}
			for _, c := range got {
				if d := pendingDue(&c); d == nil || !d.Before(now.Add(sc.within)) {
					t.Errorf("case %d with pending due %v listed within %v of %v", c.ID, d, sc.within, now)
				}
			}
			checkDueOrder(t, got)
		})
	}
	three := e.allPages(sam, "/api/v1/sla/at-risk?within=3h&limit=100")
	if i, j := caseIndex(three, crit.ID), caseIndex(three, high.ID); i > j {
		t.Errorf("critical (due first) at %d after high at %d", i, j)
	}

	// The default window is two hours: high, due in 1h45m, is in it;
	// normal, due in 3h45m, is not.
	def := e.allPages(sam, "/api/v1/sla/at-risk?limit=100")
	if caseIndex(def, crit.ID) < 0 || caseIndex(def, high.ID) < 0 || caseIndex(def, normal.ID) >= 0 {
		t.Errorf("default window lists critical %v, high %v, normal %v; want true, true, false",
			caseIndex(def, crit.ID) >= 0, caseIndex(def, high.ID) >= 0, caseIndex(def, normal.ID) >= 0)
	}

	// A breached case stays at risk, ahead of the rest.
	clk.set(t0.Add(90 * time.Minute))
	late := e.allPages(sam, "/api/v1/sla/at-risk?within=1h&limit=100")
	if i := caseIndex(late, crit.ID); i < 0 {
		t.Errorf("breached critical case not at risk")
	} else if !late[i].SLA.FirstResponseBreached || late[i].SLA.FirstResponseRemainingMinutes == nil || *late[i].SLA.FirstResponseRemainingMinutes != -30 {
		t.Errorf("breached case sla = %+v, want breached with -30 minutes", late[i].SLA)
	}
	if caseIndex(late, high.ID) < 0 {
		t.Errorf("high case due in 30 minutes not at risk within 1h")
	}

	// Who may ask, and bad windows.
	e.get(ada, "/api/v1/sla/at-risk").problem(t, 403, "staff_only")
	e.get(carl, "/api/v1/sla/at-risk?within=1h").problem(t, 403, "staff_only")
	e.get("stan@vendor.example", "/api/v1/sla/at-risk").problem(t, 403, "staff_only")
	e.get("", "/api/v1/sla/at-risk").problem(t, 401, "token_required")
	for _, w := range []string{"soon", "4", "0", "0s", "-1h", "721h", "100000000h", "1h%20"} {
		t.Run("within="+w, func(t *testing.T) {
			p := e.get(sam, "/api/v1/sla/at-risk?within="+w).problem(t, 400, "invalid_window")
			if p.Field != "within" {
				t.Errorf("field = %q, want within", p.Field)
			}
		})
	}
	e.get(sam, "/api/v1/sla/at-risk?within=720h").ok(t, 200, nil)
	e.get(sam, "/api/v1/sla/at-risk?within=1h&limit=0").problem(t, 400, "invalid_limit")
}

// TestSLANotifications fires SLA timers with the sweeper and checks who is
// told, how often, and what the customer sees.
func TestSLANotifications(t *testing.T) {
	e, clk := newClockEnv(t, time.Time{})
	t0 := clk.Now()
	// Clear the demo's overdue timers first, so that what follows is about
	// this test's cases.
	e.sweep()
	c := e.openCase(ada, e.criticalCase("Mail is down")) // first response within 1 h, warning at 45 min
	quiet := e.openCase(ada, e.criticalCase("Mail is down, answered"))
	forCase := func(ns []desk.Notification, id int64) []desk.Notification {
		var out []desk.Notification
		for _, n := range ns {
			if n.CaseID == id {
				out = append(out, n)
			}
		}
		return out
	}
	kinds := func(ns []desk.Notification) []string {
		var out []string
		for _, n := range ns {
			out = append(out, n.Kind)
		}
		slices.Sort(out)
		return out
	}

	// Half an hour: nothing due yet. The other case is answered in time.
	clk.set(t0.Add(30 * time.Minute))
	e.post(agent, casePath(quiet.ID, "/messages"), map[string]any{"body": "We are calling you."}).ok(t, 201, nil)
	e.sweep()
	if ns := forCase(e.notifications(sam), c.ID); len(ns) != 0 {
		t.Errorf("notified before the warning time: %+v", ns)
	}

	// 46 minutes: the 75% warning.
	clk.set(t0.Add(46 * time.Minute))
	e.sweep()
	if got := kinds(forCase(e.notifications(sam), c.ID)); !slices.Equal(got, []string{"sla.first_response_warning"}) {
		t.Errorf("sam's notifications at 46 min = %q, want the warning", got)
	}
	if got := e.getCase(sam, c.ID); got.SLA.FirstResponseBreached {
		t.Errorf("breached at 46 minutes: %+v", got.SLA)
	} else {
		wantMinutes(t, "first_response_remaining_minutes at 46 min", got.SLA.FirstResponseRemainingMinutes, 14)
	}

	// 61 minutes: the breach; sweeping again, by another node, adds nothing.
	clk.set(t0.Add(61 * time.Minute))
	e.sweep()
	e.sweep()
	clk.set(t0.Add(2 * time.Hour))
	e.sweep()
	samNotes := e.notifications(sam)
	mine := forCase(samNotes, c.ID)
	if got := kinds(mine); !slices.Equal(got, []string{"sla.first_response_breach", "sla.first_response_warning"}) {
		t.Errorf("sam's notifications = %q, want one warning and one breach", got)
	}
	for _, n := range mine {
		if n.UserID != e.user(sam).ID || n.TimerID == 0 || !strings.Contains(n.Body, fmt.Sprintf("case %d", c.ID)) || n.CreatedAt.IsZero() {
			t.Errorf("notification %+v: want sam's, with its timer, naming case %d", n, c.ID)
		}
	}
	timers := map[int64]bool{}
	for _, n := range samNotes {
		if timers[n.TimerID] {
			t.Errorf("timer %d notified sam twice", n.TimerID)
		}
		timers[n.TimerID] = true
	}
	if ns := forCase(samNotes, quiet.ID); len(ns) != 0 {
		t.Errorf("answered case notified: %+v", ns)
	}
	got := e.getCase(sam, c.ID)
	if !got.SLA.FirstResponseBreached {
		t.Errorf("sla = %+v after the due time, want first_response_breached", got.SLA)
	}
	wantMinutes(t, "first_response_remaining_minutes at 2 h", got.SLA.FirstResponseRemainingMinutes, -60)

	// Staff see the warning and the breach on the timeline once each.
	var slaEntries []string
	for _, m := range e.timeline(sam, c.ID) {
		if strings.Contains(m.Body, "SLA") {
			slaEntries = append(slaEntries, m.Body)
			if m.Kind != desk.MessageInternal {
				t.Errorf("SLA entry of kind %s, want internal: %q", m.Kind, m.Body)
			}
		}
	}
	if len(slaEntries) != 2 {
		t.Errorf("staff timeline SLA entries = %q, want a warning and a breach", slaEntries)
	}

	// The customer sees none of it: no notifications, no SLA entries on
	// the timeline, though the case shows its breach.
	if ns := e.notifications(ada); len(ns) != 0 {
		t.Errorf("customer ada has notifications: %+v", ns)
	}
	if ns := e.notifications(carl); len(ns) != 0 {
		t.Errorf("customer carl has notifications: %+v", ns)
	}
	for _, m := range e.timeline(ada, c.ID) {
		if strings.Contains(m.Body, "SLA") || m.Kind == desk.MessageInternal {
			t.Errorf("customer timeline shows %s entry %q", m.Kind, m.Body)
		}
	}
	if got := e.getCase(ada, c.ID); !got.SLA.FirstResponseBreached {
		t.Errorf("customer's case sla = %+v, want first_response_breached", got.SLA)
	}
	// An agent who does not own the case is not told.
	if ns := forCase(e.notifications(agent), c.ID); len(ns) != 0 {
		t.Errorf("unassigned agent notified: %+v", ns)
	}
	e.get(sam, "/api/v1/notifications?limit=0").problem(t, 400, "invalid_limit")
	e.get(sam, "/api/v1/notifications?limit=101").problem(t, 400, "invalid_limit")
	var one list[desk.Notification]
	e.get(sam, "/api/v1/notifications?limit=1").ok(t, 200, &one)
	if len(one.Items) != 1 || one.Items[0].ID != samNotes[0].ID {
		t.Errorf("limit=1 = %+v, want the newest of %d", one.Items, len(samNotes))
	}
}

// TestSLATimersDueInOneSweep fires a case's warning and breach in one
// sweep, as after a sweeper was down for a while: the supervisor is told of
// both, once, as soon as the sweeper has run.
func TestSLATimersDueInOneSweep(t *testing.T) {
	e, clk := newClockEnv(t, time.Time{})
	t0 := clk.Now()
	e.sweep() // the demo's overdue timers
	c := e.openCase(ada, e.criticalCase("Mail is down"))
	// A later case, so that c's timers are not the newest rows.
	other := e.openCase(ada, e.criticalCase("Calendar is down too"))
	clk.set(t0.Add(2 * time.Hour))
	e.sweep()
	for _, id := range []int64{c.ID, other.ID} {
		var kinds []string
		for _, n := range e.notifications(sam) {
			if n.CaseID == id {
				kinds = append(kinds, n.Kind)
			}
		}
		slices.Sort(kinds)
		if !slices.Equal(kinds, []string{"sla.first_response_breach", "sla.first_response_warning"}) {
			t.Errorf("case %d: after one sweep past its due time sam has %q, want the warning and the breach", id, kinds)
		}
	}
	// Later sweeps add nothing.
	before := len(e.notifications(sam))
	e.sweep()
	e.sweep()
	if n := len(e.notifications(sam)); n != before {
		t.Errorf("sweeping again added %d notifications", n-before)
	}
}

// TestStatusManagerSeesNoCases: status managers publish incidents; cases
// are not theirs to read.
func TestStatusManagerSeesNoCases(t *testing.T) {
	e := newEnv(t)
	c := e.openCase(ada, e.newCase(ada, "Mail is slow"))
	const stan = "stan@vendor.example"
	for _, path := range []string{
		"/api/v1/cases", "/api/v1/cases?sort=due", casePath(c.ID), casePath(c.ID, "/messages"),
		casePath(c.ID, "/attachments"), "/api/v1/sla/at-risk",
	} {
		t.Run(path, func(t *testing.T) {
			r := e.get(stan, path)
			r.problem(t, 403, "staff_only")
			if strings.Contains(string(r.Body), c.Title) {
				t.Errorf("403 leaks the case: %s", r.Body)
			}
		})
	}
	e.post(stan, casePath(c.ID, "/messages"), map[string]any{"body": "hello"}).problem(t, 403, "staff_only")
	var me map[string]any
	e.get(stan, "/api/v1/me").ok(t, 200, &me)
	if me["role"] != "status_manager" {
		t.Errorf("stan's role = %v", me["role"])
	}
}

// TestSLAStatusesDocumented checks that openapi.json lists the statuses
// the SLA endpoints answer in the tests above, so that clients generated
// from it expect them.
func TestSLAStatusesDocumented(t *testing.T) {
	var doc openAPIDocument
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	for op, statuses := range map[string][]string{
		"get /api/v1/cases":                    {"200", "400", "401", "403"},
		"get /api/v1/cases/{id}":               {"200", "403", "404"},
		"post /api/v1/cases/{id}/severity":     {"200", "400", "401", "403", "404", "422"},
		"get /api/v1/sla/at-risk":              {"200", "400", "401", "403"},
		"get /api/v1/notifications":            {"200", "400", "401"},
		"post /api/v1/cases/{id}/request-info": {"200", "403", "422"},
	} {
		method, path, _ := strings.Cut(op, " ")
		raw, ok := doc.Paths[path][method]
		if !ok {
			t.Errorf("%s is not documented", op)
			continue
		}
		var o openAPIOperation
		if err := json.Unmarshal(raw, &o); err != nil {
			t.Fatalf("%s: %v", op, err)
		}
		for _, s := range statuses {
			if _, ok := o.Responses[s]; !ok {
				t.Errorf("%s answers %s, which openapi.json does not document", op, s)
			}
		}
	}
}
