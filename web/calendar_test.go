package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"desk"
	"desk/bizhours"
)

// calendarTestClock is a clock that stands still.
type calendarTestClock time.Time

func (c calendarTestClock) Now() time.Time { return time.Time(c) }

func calendarNames(t *testing.T, e *env) []string {
	t.Helper()
	var l list[json.RawMessage]
	e.get(sam, "/api/v1/calendars").ok(t, http.StatusOK, &l)
	var names []string
	for _, raw := range l.Items {
		var c struct{ Name string }
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatal(err)
		}
		names = append(names, c.Name)
	}
	return names
}

// TestCalendarsAPI: supervisors and system admins list and store
// calendars; malformed calendars are refused with the field at fault and
// nothing is stored; everyone else is refused.
func TestCalendarsAPI(t *testing.T) {
	e := newEnv(t)
	seeded := calendarNames(t, e)
	if len(seeded) != len(bizhours.Seeded()) {
		t.Fatalf("calendars after the demo seed = %q, want the %d shipped ones", seeded, len(bizhours.Seeded()))
	}
	week := func(mon ...string) []any {
		w := make([]any, 7)
		for i := range w {
			w[i] = []string{}
		}
		w[1] = mon
		return w
	}
	office := func() map[string]any {
		return map[string]any{
			"time_zone": "Europe/Amsterdam",
			"week":      week("09:00-12:30", "13:30-17:00"),
			"holidays":  []map[string]string{{"name": "Koningsdag", "from": "2026-04-27"}},
		}
	}
	with := func(k string, v any) map[string]any { m := office(); m[k] = v; return m }
	put := func(as, name string, body any) *result {
		return e.send(request{Method: "PUT", Path: "/api/v1/calendars/" + name, As: as, Body: body})
	}

	for _, tc := range []struct {
		name   string
		as     string
		path   string
		body   any
		status int
		code   string
		field  string
	}{
		{"overlapping intervals", root, "office", with("week", week("09:00-13:00", "12:00-17:00")), 422, "invalid_calendar", "week[1][1]"},
		{"inverted interval", root, "office", with("week", week("17:00-09:00")), 422, "invalid_calendar", "week[1][0]"},
		{"intervals out of order", sam, "office", with("week", week("13:00-17:00", "09:00-12:00")), 422, "invalid_calendar", "week[1][1]"},
		{"unknown time zone", root, "office", with("time_zone", "Mars/Olympus_Mons"), 422, "invalid_calendar", "time_zone"},
		{"no time zone", root, "office", with("time_zone", ""), 422, "invalid_calendar", "time_zone"},
		{"holiday outside any year", root, "office", with("holidays", []map[string]string{{"name": "Founding", "from": "1900-01-01"}}), 422, "invalid_calendar", "holidays[0].from"},
		{"holiday range inverted", root, "office", with("holidays", []map[string]string{{"name": "Break", "from": "2026-12-31", "to": "2026-12-24"}}), 422, "invalid_calendar", "holidays[0].to"},
		{"no open time", root, "office", with("week", week()), 422, "invalid_calendar", "week"},
		{"eight days", root, "office", with("week", append(week("09:00-17:00"), []string{})), 400, "invalid_calendar", "week"},
		{"malformed interval", root, "office", with("week", week("9-17")), 400, "malformed_json", ""},
		{"unknown field", root, "office", with("open", true), 400, "unknown_field", "open"},
		{"name differs from path", root, "office", with("name", "other"), 400, "name_mismatch", "name"},
		{"reserved name", root, "weekdays", office(), 422, "reserved_calendar_name", "name"},
		{"bad name", root, "a%20b", office(), 422, "invalid_calendar", "name"},
		{"agent", agent, "office", office(), 403, "sla_admin_only", ""},
		{"agent with a bad body", agent, "office", with("time_zone", "Mars/Olympus_Mons"), 403, "sla_admin_only", ""},
		{"customer super admin", ada, "office", office(), 403, "sla_admin_only", ""},
		{"no token", "", "office", office(), 401, "token_required", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := put(tc.as, tc.path, tc.body).problem(t, tc.status, tc.code)
			if p.Field != tc.field {
				t.Errorf("field = %q, want %q (%s)", p.Field, tc.field, p.Detail)
			}
			if names := calendarNames(t, e); len(names) != len(seeded) {
				t.Fatalf("after the refusal: calendars %q", names)
			}
		})
	}
	for _, as := range []string{agent, ada, carl} {
		e.get(as, "/api/v1/calendars").problem(t, 403, "sla_admin_only")
	}

	// A round trip: what is stored is what GET returns.
	var stored map[string]any
	put(root, "office", office()).ok(t, 200, &stored)
	var l list[map[string]any]
	e.get(sam, "/api/v1/calendars").ok(t, 200, &l)
	var found map[string]any
	for _, c := range l.Items {
		if c["name"] == "office" {
			found = c
		}
	}
	want := office()
	want["name"] = "office"
	w, _ := json.Marshal(want)
	for _, got := range []map[string]any{stored, found} {
		// Closed days come back as null, the way the calendar stores them.
		for i, d := range got["week"].([]any) {
			if d == nil {
				got["week"].([]any)[i] = []any{}
			}
		}
		if g, _ := json.Marshal(got); string(g) != string(w) {
			t.Errorf("calendar = %s, want %s", g, w)
		}
	}
	// A supervisor replaces it.
	put(sam, "office", with("week", week("08:00-16:00"))).ok(t, 200, nil)
	c, err := e.db.Calendar(e.ctx, "office")
	if err != nil || len(c.Week[time.Monday]) != 1 || c.Week[time.Monday][0].Start != 8*60 {
		t.Fatalf("replaced calendar = %+v, %v", c, err)
	}
}

// TestSLAPoliciesAPI: supervisors and system admins list and store SLA
// policies with targets written as text; bad policies are refused with the
// field at fault and nothing is stored.
func TestSLAPoliciesAPI(t *testing.T) {
	e := newEnv(t)
	var l list[slaPolicyBody]
	e.get(root, "/api/v1/sla-policies").ok(t, 200, &l)
	want := []slaPolicyBody{
		{Plan: "business", Severity: "critical", Calendar: "24x7", FirstResponse: "1h"},
		{Plan: "business", Severity: "high", Calendar: "24x7", FirstResponse: "8h"},
		{Plan: "enterprise", Severity: "critical", Calendar: "24x7", FirstResponse: "1h"},
		{Plan: "enterprise", Severity: "high", Calendar: "24x7", FirstResponse: "2h"},
		{Plan: "enterprise", Severity: "normal", Calendar: "24x7", FirstResponse: "4h"},
	}
	if g, w := mustJSON(t, l.Items), mustJSON(t, want); g != w {
		t.Fatalf("demo policies =\n%s\nwant\n%s", g, w)
	}

	valid := func() map[string]any {
		return map[string]any{"plan": "business", "severity": "normal", "calendar": "beijing",
			"first_response": "1 business day", "resolution": "3 business days", "resolution_calendar": "weekdays"}
	}
	with := func(k string, v any) map[string]any { m := valid(); m[k] = v; return m }
	without := func(k string) map[string]any { m := valid(); delete(m, k); return m }
	put := func(as string, body any) *result {
		return e.send(request{Method: "PUT", Path: "/api/v1/sla-policies", As: as, Body: body})
	}
	for _, tc := range []struct {
		name   string
		as     string
		body   any
		status int
		code   string
		field  string
	}{
		{"zero target", sam, with("first_response", "0h"), 422, "invalid_target", "first_response"},
		{"zero minutes", sam, with("next_response", "0"), 422, "invalid_target", "next_response"},
		{"negative target", sam, with("first_response", "-2h"), 422, "invalid_target", "first_response"},
		{"zero business days", sam, with("resolution", "0 business days"), 422, "invalid_target", "resolution"},
		{"plain days", sam, with("first_response", "1d"), 422, "invalid_target", "first_response"},
		{"malformed target", sam, with("first_response", "soon"), 422, "invalid_target", "first_response"},
		{"no first response", sam, without("first_response"), 422, "invalid_target", "first_response"},
		{"missing calendar", sam, with("calendar", "mars"), 422, "unknown_calendar", "calendar"},
		{"missing target calendar", sam, with("resolution_calendar", "mars"), 422, "unknown_calendar", "resolution_calendar"},
		{"no calendar", sam, without("calendar"), 422, "calendar_required", "calendar"},
		{"unknown plan", root, with("plan", "platinum"), 422, "unknown_plan", "plan"},
		{"bad severity", root, with("severity", "urgent"), 400, "invalid_severity", "severity"},
		{"unknown field", root, with("first_response_minutes", 60), 400, "unknown_field", "first_response_minutes"},
		{"agent", agent, valid(), 403, "sla_admin_only", ""},
		{"agent with a bad body", agent, with("first_response", "0h"), 403, "sla_admin_only", ""},
		{"customer", carl, valid(), 403, "sla_admin_only", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := put(tc.as, tc.body).problem(t, tc.status, tc.code)
			if p.Field != tc.field {
				t.Errorf("field = %q, want %q (%s)", p.Field, tc.field, p.Detail)
			}
			if _, err := e.db.SLAPolicy(e.ctx, "business", desk.SeverityNormal); desk.ErrorKind(err) != desk.ENOTFOUND {
				t.Fatalf("after the refusal business/normal has a policy (%v)", err)
			}
		})
	}
	for _, as := range []string{agent, ada} {
		e.get(as, "/api/v1/sla-policies").problem(t, 403, "sla_admin_only")
	}

	// A round trip.
	var stored slaPolicyBody
	put(sam, valid()).ok(t, 200, &stored)
	wantBody := slaPolicyBody{Plan: "business", Severity: "normal", Calendar: "beijing",
		FirstResponse: "1 business day", Resolution: "3 business days", ResolutionCalendar: "weekdays"}
	if stored != wantBody {
		t.Errorf("stored = %+v, want %+v", stored, wantBody)
	}
	e.get(sam, "/api/v1/sla-policies").ok(t, 200, &l)
	if len(l.Items) != 6 || l.Items[2] != wantBody {
		t.Errorf("policies after the put = %+v", l.Items)
	}
	p, err := e.db.SLAPolicy(e.ctx, "business", desk.SeverityNormal)
	if err != nil || p.FirstResponseBusinessDays != 1 || p.ResolutionBusinessDays != 3 || p.ResolutionCalendar != "weekdays" {
		t.Errorf("stored policy = %+v, %v", p, err)
	}
}

// TestBusinessDayTargetAPI: with the 21Vianet table for Business, a B
// (high) case opened Friday 23:30 Beijing time is due Saturday 23:30, the
// same clock time on the next business day of the 09:00–24:00 calendar.
func TestBusinessDayTargetAPI(t *testing.T) {
	beijing, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	opened := time.Date(2026, 3, 6, 23, 30, 0, 0, beijing) // a Friday
	e := newEnv(t, func(s *Server) { s.Service.Clock = calendarTestClock(opened.UTC()) })
	ps, err := desk.SchemePolicies(desk.SchemeVianet, "business")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		body := policyBody(&p)
		e.send(request{Method: "PUT", Path: "/api/v1/sla-policies", As: root, Body: body}).ok(t, 200, nil)
	}
	nc := e.newCase(carl, "Outlook does not show the Send button")
	nc["severity"] = "high"
	c := e.openCase(carl, nc)
	want := time.Date(2026, 3, 7, 23, 30, 0, 0, beijing)
	if c.FirstResponseDueAt == nil || !c.FirstResponseDueAt.Equal(want) {
		t.Errorf("first_response_due_at = %v, want %v (Saturday 23:30 in Beijing)", c.FirstResponseDueAt, want.UTC())
	}
	if r := c.SLA.FirstResponseRemainingMinutes; r == nil || *r != 15*60 {
		t.Errorf("first_response_remaining_minutes = %v, want %d", r, 15*60)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRecomputeAPI: after a policy change, a supervisor's recompute moves
// the due times of open cases; others may not.
func TestRecomputeAPI(t *testing.T) {
	e := newEnv(t)
	var c desk.Case
	e.post(carl, "/api/v1/cases", e.newCase(carl, "Recompute me")).ok(t, 201, &c)
	e.post(agent, "/api/v1/sla/recompute", map[string]any{}).problem(t, 403, "recompute_forbidden")
	e.post(carl, "/api/v1/sla/recompute", map[string]any{}).problem(t, 403, "recompute_forbidden")
	e.send(request{Method: "PUT", Path: "/api/v1/sla-policies", As: sam, Body: map[string]any{"plan": c.Plan, "severity": string(c.Severity),
		"calendar": "24x7", "first_response": "30m"}}).ok(t, 200, nil)
	var out struct{ Updated int }
	e.post(sam, "/api/v1/sla/recompute", map[string]any{}).ok(t, 200, &out)
	if out.Updated == 0 {
		t.Fatal("recompute updated no case")
	}
	var after desk.Case
	e.get(carl, fmt.Sprintf("/api/v1/cases/%d", c.ID)).ok(t, 200, &after)
	if want := c.CreatedAt.Add(30 * time.Minute); after.FirstResponseDueAt == nil || !after.FirstResponseDueAt.Equal(want) {
		t.Fatalf("first response due %v after recompute, want %v", after.FirstResponseDueAt, want)
	}
}

// TestSLASummaryAPI: supervisors read the SLA counts; agents may not; a bad
// time is a 400.
func TestSLASummaryAPI(t *testing.T) {
	e := newEnv(t)
	var sum struct {
		Warnings, Breaches int
		ByKind             map[string]int `json:"by_kind"`
	}
	e.get(sam, "/api/v1/sla/summary?since=2020-01-01T00:00:00Z").ok(t, 200, &sum)
	if sum.ByKind == nil {
		t.Fatal("summary without by_kind")
	}
	e.get(agent, "/api/v1/sla/summary").problem(t, 403, "summary_forbidden")
	e.get(carl, "/api/v1/sla/summary").problem(t, 403, "summary_forbidden")
	e.get(sam, "/api/v1/sla/summary?since=yesterday").problem(t, 400, "invalid_since")
}
