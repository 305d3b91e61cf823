package desk_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"desk"
	"desk/bizhours"
)

// wantRefused fails unless err is a *desk.Error of the kind, code and
// field.
func wantRefused(t *testing.T, err error, kind, code, field string) {
	t.Helper()
	e, ok := err.(*desk.Error)
	if !ok || e.Kind != kind || e.Code != code || e.Field != field {
		t.Fatalf("error = %v, want %s (%s) for field %q", err, kind, code, field)
	}
	if e.Message == "" {
		t.Errorf("error %v has no message", err)
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestPutCalendarRefusesBadInput: malformed calendars are refused with the
// field at fault, and nothing is stored.
func TestPutCalendarRefusesBadInput(t *testing.T) {
	e := newEnv(t)
	ams := mustZone(t, "Europe/Amsterdam")
	valid := func() *bizhours.Calendar {
		c := bizhours.Weekdays("office", ams, 9*60, 17*60)
		c.Holidays = []bizhours.Holiday{{Name: "Christmas Day", From: bizhours.Date{Year: 2026, Month: 12, Day: 25}}}
		return c
	}
	with := func(f func(c *bizhours.Calendar)) *bizhours.Calendar { c := valid(); f(c); return c }
	for _, tc := range []struct {
		name  string
		actor *desk.User
		cal   *bizhours.Calendar
		kind  string
		code  string
		field string
	}{
		{"overlapping intervals", e.super, with(func(c *bizhours.Calendar) {
			c.Week[time.Monday] = []bizhours.Interval{{Start: 9 * 60, End: 13 * 60}, {Start: 12 * 60, End: 17 * 60}}
		}), desk.EREFUSED, "invalid_calendar", "week[1][1]"},
		{"inverted interval", e.super, with(func(c *bizhours.Calendar) {
			c.Week[time.Tuesday] = []bizhours.Interval{{Start: 17 * 60, End: 9 * 60}}
		}), desk.EREFUSED, "invalid_calendar", "week[2][0]"},
		{"interval past midnight", e.super, with(func(c *bizhours.Calendar) {
			c.Week[time.Friday] = []bizhours.Interval{{Start: 9 * 60, End: 25 * 60}}
		}), desk.EREFUSED, "invalid_calendar", "week[5][0]"},
		{"no open time", e.super, with(func(c *bizhours.Calendar) { c.Week = [7][]bizhours.Interval{} }),
			desk.EREFUSED, "invalid_calendar", "week"},
		{"holiday before any year", e.super, with(func(c *bizhours.Calendar) {
			c.Holidays[0].From = bizhours.Date{Year: 1900, Month: 1, Day: 1}
		}), desk.EREFUSED, "invalid_calendar", "holidays[0].from"},
		{"holiday after any year", e.super, with(func(c *bizhours.Calendar) {
			c.Holidays[0].From = bizhours.Date{Year: 9999, Month: 1, Day: 1}
		}), desk.EREFUSED, "invalid_calendar", "holidays[0].from"},
		{"holiday range ending before it starts", e.super, with(func(c *bizhours.Calendar) {
			c.Holidays[0].To = bizhours.Date{Year: 2026, Month: 12, Day: 24}
		}), desk.EREFUSED, "invalid_calendar", "holidays[0].to"},
		{"holiday without a name", e.super, with(func(c *bizhours.Calendar) { c.Holidays[0].Name = "" }),
			desk.EREFUSED, "invalid_calendar", "holidays[0].name"},
		{"24x7 with holidays", e.super, with(func(c *bizhours.Calendar) { c.Week, c.AlwaysOpen = [7][]bizhours.Interval{}, true }),
			desk.EREFUSED, "invalid_calendar", "holidays[0]"},
		{"no time zone", e.super, with(func(c *bizhours.Calendar) { c.Location = nil }),
			desk.EREFUSED, "invalid_calendar", "time_zone"},
		{"no name", e.super, with(func(c *bizhours.Calendar) { c.Name = "" }),
			desk.EREFUSED, "invalid_calendar", "name"},
		{"name with a slash", e.super, with(func(c *bizhours.Calendar) { c.Name = "a/b" }),
			desk.EREFUSED, "invalid_calendar", "name"},
		{"reserved name", e.super, with(func(c *bizhours.Calendar) { c.Name = "weekdays" }),
			desk.EREFUSED, "reserved_calendar_name", "name"},
		{"agent", e.agent, valid(), desk.EFORBIDDEN, "sla_admin_only", ""},
		{"customer admin", e.entAdmin, valid(), desk.EFORBIDDEN, "sla_admin_only", ""},
		{"status manager", e.stan, valid(), desk.EFORBIDDEN, "sla_admin_only", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantRefused(t, e.svc.PutCalendar(e.ctx, tc.actor, tc.cal), tc.kind, tc.code, tc.field)
			if cals, err := e.svc.Store.Calendars(e.ctx); err != nil || len(cals) != 0 {
				t.Fatalf("after the refusal the store holds %d calendars (%v)", len(cals), err)
			}
		})
	}

	// An unknown time zone fails when the calendar is decoded; the domain
	// names the field the same way.
	var c bizhours.Calendar
	err := json.Unmarshal([]byte(`{"name":"mars","time_zone":"Mars/Olympus_Mons","week":[[],["09:00-17:00"],[],[],[],[],[]]}`), &c)
	wantRefused(t, desk.InvalidCalendar(err), desk.EREFUSED, "invalid_calendar", "time_zone")

	if _, err := e.svc.Calendars(e.ctx, e.agent); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Errorf("agent lists calendars: %v, want forbidden", err)
	}
}

// TestPutCalendarRoundTrip stores a calendar, reads it back equal, and
// replaces it.
func TestPutCalendarRoundTrip(t *testing.T) {
	e := newEnv(t)
	c, err := bizhours.New("split-shift", "America/New_York", [7][]bizhours.Interval{
		time.Monday: {{Start: 8 * 60, End: 12 * 60}, {Start: 13 * 60, End: 24 * 60}},
		time.Friday: {{Start: 8 * 60, End: 12 * 60}},
	}, bizhours.Holiday{Name: "Thanksgiving", From: bizhours.Date{Year: 2026, Month: 11, Day: 26}, To: bizhours.Date{Year: 2026, Month: 11, Day: 27}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.PutCalendar(e.ctx, e.super, c); err != nil {
		t.Fatal(err)
	}
	admin := &desk.User{ID: 99, Role: desk.RoleSystemAdmin}
	cals, err := e.svc.Calendars(e.ctx, admin)
	if err != nil || len(cals) != 1 {
		t.Fatalf("calendars = %v, %v", cals, err)
	}
	want, _ := json.Marshal(c)
	if got, _ := json.Marshal(cals[0]); string(got) != string(want) {
		t.Fatalf("stored calendar\n%s\nwant\n%s", got, want)
	}
	c.Week[time.Friday] = nil
	c.Week[time.Saturday] = []bizhours.Interval{{Start: 10 * 60, End: 14 * 60}}
	if err := e.svc.PutCalendar(e.ctx, admin, c); err != nil {
		t.Fatal(err)
	}
	got, err := e.svc.Store.Calendar(e.ctx, "split-shift")
	if err != nil || len(got.Week[time.Friday]) != 0 || len(got.Week[time.Saturday]) != 1 || got.Location.String() != "America/New_York" {
		t.Fatalf("after replacing: %+v, %v", got, err)
	}
	if _, err := e.svc.Store.Calendar(e.ctx, "nope"); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Errorf("missing calendar: %v, want not found", err)
	}
}

// TestSeedCalendars stores the shipped calendars once and leaves changed
// ones alone.
func TestSeedCalendars(t *testing.T) {
	e := newEnv(t)
	n, err := e.svc.SeedCalendars(e.ctx)
	if err != nil || n != len(bizhours.Seeded()) {
		t.Fatalf("seeded %d (%v), want %d", n, err, len(bizhours.Seeded()))
	}
	// An admin shortens Beijing's hours; seeding again changes nothing.
	bj := bizhours.Daily("beijing", mustZone(t, "Asia/Shanghai"), 9*60, 18*60)
	if err := e.svc.PutCalendar(e.ctx, e.super, bj); err != nil {
		t.Fatal(err)
	}
	if n, err := e.svc.SeedCalendars(e.ctx); err != nil || n != 0 {
		t.Fatalf("second seed stored %d (%v), want 0", n, err)
	}
	got, err := e.svc.Store.Calendar(e.ctx, "beijing")
	if err != nil || got.Week[time.Monday][0].End != 18*60 {
		t.Fatalf("beijing after a second seed = %+v, %v; want the admin's", got, err)
	}
}

// TestPutSLAPolicyRefusesBadInput: a policy with an unknown plan, a bad
// severity, a missing, zero or negative target, or a calendar that is not
// stored is refused with the field at fault, and nothing is stored.
func TestPutSLAPolicyRefusesBadInput(t *testing.T) {
	e := newEnv(t)
	if _, err := e.svc.SeedCalendars(e.ctx); err != nil {
		t.Fatal(err)
	}
	valid := func() desk.SLAPolicy {
		return desk.SLAPolicy{Plan: "business", Severity: desk.SeverityHigh, Calendar: "beijing", FirstResponseBusinessDays: 1}
	}
	with := func(f func(p *desk.SLAPolicy)) *desk.SLAPolicy { p := valid(); f(&p); return &p }
	for _, tc := range []struct {
		name  string
		actor *desk.User
		p     *desk.SLAPolicy
		kind  string
		code  string
		field string
	}{
		{"unknown plan", e.super, with(func(p *desk.SLAPolicy) { p.Plan = "platinum" }), desk.EREFUSED, "unknown_plan", "plan"},
		{"no plan", e.super, with(func(p *desk.SLAPolicy) { p.Plan = "" }), desk.EREFUSED, "plan_required", "plan"},
		{"bad severity", e.super, with(func(p *desk.SLAPolicy) { p.Severity = "urgent" }), desk.EINVALID, "invalid_severity", "severity"},
		{"zero first response", e.super, with(func(p *desk.SLAPolicy) { p.FirstResponseBusinessDays = 0 }),
			desk.EREFUSED, "invalid_target", "first_response"},
		{"negative first response", e.super, with(func(p *desk.SLAPolicy) { p.FirstResponseBusinessDays, p.FirstResponseMinutes = 0, -60 }),
			desk.EREFUSED, "invalid_target", "first_response"},
		{"negative business days", e.super, with(func(p *desk.SLAPolicy) { p.FirstResponseBusinessDays = -1 }),
			desk.EREFUSED, "invalid_target", "first_response"},
		{"minutes and business days", e.super, with(func(p *desk.SLAPolicy) { p.FirstResponseMinutes = 60 }),
			desk.EREFUSED, "invalid_target", "first_response"},
		{"negative resolution", e.super, with(func(p *desk.SLAPolicy) { p.ResolutionMinutes = -1 }),
			desk.EREFUSED, "invalid_target", "resolution"},
		{"calendar of a missing target", e.super, with(func(p *desk.SLAPolicy) { p.NextResponseCalendar = "24x7" }),
			desk.EREFUSED, "invalid_target", "next_response_calendar"},
		{"no calendar", e.super, with(func(p *desk.SLAPolicy) { p.Calendar = "" }), desk.EREFUSED, "calendar_required", "calendar"},
		{"missing calendar", e.super, with(func(p *desk.SLAPolicy) { p.Calendar = "mars" }), desk.EREFUSED, "unknown_calendar", "calendar"},
		{"missing target calendar", e.super, with(func(p *desk.SLAPolicy) { p.ResolutionBusinessDays, p.ResolutionCalendar = 3, "mars" }),
			desk.EREFUSED, "unknown_calendar", "resolution_calendar"},
		{"agent", e.agent, with(func(p *desk.SLAPolicy) {}), desk.EFORBIDDEN, "sla_admin_only", ""},
		{"customer admin", e.bizAdmin, with(func(p *desk.SLAPolicy) {}), desk.EFORBIDDEN, "sla_admin_only", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantRefused(t, e.svc.PutSLAPolicy(e.ctx, tc.actor, tc.p), tc.kind, tc.code, tc.field)
			if p, err := e.svc.Store.SLAPolicy(e.ctx, tc.p.Plan, tc.p.Severity); desk.ErrorKind(err) != desk.ENOTFOUND {
				t.Fatalf("after the refusal the store holds %+v (%v)", p, err)
			}
		})
	}
	if _, err := e.svc.SLAPolicies(e.ctx, e.agent); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Errorf("agent lists policies: %v, want forbidden", err)
	}
}

// TestPutSLAPolicyRoundTrip stores a policy with a target of its own
// calendar and lists it with the older ones, by plan and severity.
func TestPutSLAPolicyRoundTrip(t *testing.T) {
	e := newEnv(t)
	if _, err := e.svc.SeedCalendars(e.ctx); err != nil {
		t.Fatal(err)
	}
	p := &desk.SLAPolicy{Plan: "business", Severity: desk.SeverityHigh, Calendar: "weekdays"}
	p.SetFirstResponse(bizhours.Target{Minutes: 120}, "24x7")
	p.SetNextResponse(bizhours.Target{Minutes: 240}, "")
	p.SetResolution(bizhours.Target{BusinessDays: 5}, "weekdays-nl")
	if err := e.svc.PutSLAPolicy(e.ctx, e.super, p); err != nil {
		t.Fatal(err)
	}
	ps, err := e.svc.SLAPolicies(e.ctx, e.super)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, fmt.Sprintf("%s/%s %v@%s %v@%s %v@%s", p.Plan, p.Severity,
			p.FirstResponse().Target, p.FirstResponse().Calendar, p.NextResponse().Target, p.NextResponse().Calendar,
			p.Resolution().Target, p.Resolution().Calendar))
	}
	want := []string{
		"business/high 2h@24x7 4h@weekdays 5 business days@weekdays-nl",
		"business/normal 8h@weekdays 0m@weekdays 24h@weekdays", // from newEnv, straight into the store
		"enterprise/critical 1h@24x7 0m@24x7 0m@24x7",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("policies =\n%q\nwant\n%q", got, want)
	}
}

// TestSchemesAreValid: every scheme's policies pass PutSLAPolicy once the
// shipped calendars are stored.
func TestSchemesAreValid(t *testing.T) {
	e := newEnv(t)
	if _, err := e.svc.SeedCalendars(e.ctx); err != nil {
		t.Fatal(err)
	}
	for _, scheme := range desk.SLASchemes() {
		ps, err := desk.SchemePolicies(scheme, "enterprise")
		if err != nil || len(ps) == 0 {
			t.Fatalf("scheme %s: %d policies, %v", scheme, len(ps), err)
		}
		for _, p := range ps {
			if err := e.svc.PutSLAPolicy(e.ctx, e.super, &p); err != nil {
				t.Errorf("scheme %s: %s/%s: %v", scheme, p.Plan, p.Severity, err)
			}
		}
	}
	if _, err := desk.SchemePolicies("gold", "enterprise"); desk.ErrorCode(err) != "unknown_sla_scheme" {
		t.Errorf("unknown scheme: %v", err)
	}
}

// TestVianetBusinessDays: on the 21Vianet scheme, a B (high) case opened
// Friday 23:30 Beijing time is due Saturday 23:30, the same clock time on
// the next business day of the 09:00–24:00 calendar; a C (normal) case
// three business days later, Monday 23:30. A pause moves a business-day
// target by the open time it lasted.
func TestVianetBusinessDays(t *testing.T) {
	e := newEnv(t)
	if _, err := e.svc.SeedCalendars(e.ctx); err != nil {
		t.Fatal(err)
	}
	ps, err := desk.SchemePolicies(desk.SchemeVianet, "business")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Severity == desk.SeverityHigh {
			p.SetResolution(bizhours.Target{BusinessDays: 2}, "")
		}
		if err := e.svc.PutSLAPolicy(e.ctx, e.super, &p); err != nil {
			t.Fatal(err)
		}
	}
	bj := mustZone(t, "Asia/Shanghai")
	beijing := func(day, hour, min int) time.Time { return time.Date(2026, 3, day, hour, min, 0, 0, bj).UTC() }
	e.clock.Set(beijing(6, 23, 30)) // Friday
	open := func(sev desk.Severity) *desk.Case {
		t.Helper()
		n := ok()
		n.Severity = sev
		c, _, err := e.svc.OpenCase(e.ctx, e.bizAdmin, n, "")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	wantAt := func(what string, got *time.Time, want time.Time) {
		t.Helper()
		if got == nil || !got.Equal(want) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}

	b := open(desk.SeverityHigh)
	wantAt("B first response due", b.FirstResponseDueAt, beijing(7, 23, 30)) // Saturday
	wantAt("B resolution due", b.ResolutionDueAt, beijing(8, 23, 30))        // Sunday
	// Open time left: half an hour on Friday, 14½ hours on Saturday.
	if r := b.SLA.FirstResponseRemainingMinutes; r == nil || *r != 15*60 {
		t.Errorf("B remaining = %v, want %d", r, 15*60)
	}
	// The warning fires at 75% of that open time: Saturday 19:45.
	ts, err := e.svc.Store.Timers(e.ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	var warned bool
	for _, tm := range ts {
		if tm.Kind == desk.TimerFirstResponseWarning {
			warned = true
			wantAt("B warning", &tm.FireAt, beijing(7, 19, 45))
		}
	}
	if !warned {
		t.Errorf("no first-response warning among %+v", ts)
	}

	c := open(desk.SeverityNormal)
	wantAt("C first response due", c.FirstResponseDueAt, beijing(9, 23, 30)) // Monday

	// Saturday 10:00 the agent asks for details; Saturday 12:00 the
	// customer answers. Two open hours paused push the resolution target
	// from Sunday 23:30 through the closed night to Monday 10:30.
	e.clock.Set(beijing(7, 10, 0))
	if _, err := e.svc.RequestInfo(e.ctx, e.agent, b.ID, "Which client do you use?"); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(beijing(7, 12, 0))
	if _, err := e.svc.AddMessage(e.ctx, e.bizAdmin, b.ID, desk.Reply{Body: "Outlook."}); err != nil {
		t.Fatal(err)
	}
	b, err = e.svc.Case(e.ctx, e.agent, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantAt("B resolution due after a pause", b.ResolutionDueAt, beijing(9, 10, 30))
}
