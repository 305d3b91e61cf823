package desk_test

import (
	"math"
	"testing"
	"time"

	"desk"
)

func TestIncidentLifecycle(t *testing.T) {
	e := newEnv(t)
	for _, c := range []desk.Component{{Code: "mail", Name: "Mail", Product: "mail"}, {Code: "mail-delivery", Name: "Delivery", Parent: "mail"}} {
		if _, err := e.svc.PutComponent(e.ctx, e.stan, c); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.svc.PutComponent(e.ctx, e.stan, desk.Component{Code: "x", Name: "X", Parent: "mail-delivery"}); desk.ErrorCode(err) != "invalid_parent" {
		t.Fatalf("a feature group of a feature group: %v", err)
	}
	in := desk.NewIncident{Title: "Mail delivery delayed", Impact: desk.ImpactMajor,
		Affected: []desk.Affected{{Component: "mail-delivery", Status: desk.ComponentPartialOutage}},
		OrgIDs:   []int64{e.ent.ID}, Body: "Messages to external domains queue for up to an hour."}
	for _, who := range []*desk.User{e.agent, e.entAdmin} {
		if _, err := e.svc.CreateIncident(e.ctx, who, in); desk.ErrorKind(err) != desk.EFORBIDDEN {
			t.Fatalf("%s published an incident: %v", who.Email, err)
		}
	}
	bad := in
	bad.Affected = []desk.Affected{{Component: "nope"}}
	if _, err := e.svc.CreateIncident(e.ctx, e.stan, bad); desk.ErrorCode(err) != "unknown_component" {
		t.Fatalf("unknown component: %v", err)
	}
	inc, err := e.svc.CreateIncident(e.ctx, e.stan, in)
	if err != nil {
		t.Fatal(err)
	}
	// Limited to Ent: Ent's admin sees it, Biz's admin and the public do
	// not, by id or in a list.
	if _, err := e.svc.Incident(e.ctx, e.entAdmin, inc.ID); err != nil {
		t.Fatalf("the affected organisation cannot see its incident: %v", err)
	}
	for _, who := range []*desk.User{e.bizAdmin, nil} {
		if _, err := e.svc.Incident(e.ctx, who, inc.ID); desk.ErrorKind(err) != desk.ENOTFOUND {
			t.Fatalf("an unaffected reader sees a limited incident: %v", err)
		}
		list, err := e.svc.Incidents(e.ctx, who, monday10.Add(-time.Hour))
		if err != nil || len(list) != 0 {
			t.Fatalf("unaffected list = %d, %v", len(list), err)
		}
	}
	st := desk.CurrentStatus(mustComponents(t, e), []*desk.Incident{inc}, e.clock.Now())
	if st["mail-delivery"] != desk.ComponentPartialOutage || st["mail"] != desk.ComponentPartialOutage {
		t.Fatalf("status = %v", st)
	}

	if _, err := e.svc.PublishReport(e.ctx, e.stan, inc.ID, "Root cause: a full queue."); desk.ErrorCode(err) != "incident_not_ended" {
		t.Fatalf("report before the end: %v", err)
	}
	e.clock.Add(2 * time.Hour)
	inc, err = e.svc.PostUpdate(e.ctx, e.stan, inc.ID, desk.IncidentUpdate{Status: desk.IncidentRestored, Body: "Queues are empty again."})
	if err != nil {
		t.Fatal(err)
	}
	if inc.EndedAt == nil || !inc.EndedAt.Equal(e.clock.Now()) || len(inc.Posts) != 2 || inc.Posts[1].Status != desk.IncidentRestored {
		t.Fatalf("after restoring: %+v", inc)
	}
	inc, err = e.svc.PublishReport(e.ctx, e.stan, inc.ID, "Root cause: a full queue.")
	if err != nil || inc.Status != desk.IncidentReported || inc.ReportPublishedAt == nil {
		t.Fatalf("report: %+v, %v", inc, err)
	}
	st = desk.CurrentStatus(mustComponents(t, e), []*desk.Incident{inc}, e.clock.Now())
	if st["mail"] != desk.ComponentOperational {
		t.Fatalf("status after the end = %v", st)
	}
	// Two hours of partial outage in a day: 22/24 up.
	up := desk.Uptime("mail-delivery", []*desk.Incident{inc}, monday10.Add(-12*time.Hour), monday10.Add(12*time.Hour))
	if math.Abs(up-22.0/24) > 1e-9 {
		t.Fatalf("uptime = %v", up)
	}
}

func mustComponents(t *testing.T, e *env) []*desk.Component {
	cs, err := e.svc.Components(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestUptimeOverlapsAndMaintenance(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	end := func(n int) *time.Time { x := h(n); return &x }
	incs := []*desk.Incident{
		{StartedAt: h(1), EndedAt: end(3), Affected: []desk.Affected{{Component: "mail", Status: desk.ComponentMajorOutage}}},
		{StartedAt: h(2), EndedAt: end(4), Affected: []desk.Affected{{Component: "mail", Status: desk.ComponentPartialOutage}}},
		{StartedAt: h(5), EndedAt: end(9), Affected: []desk.Affected{{Component: "mail", Status: desk.ComponentMaintenance}}},
		{StartedAt: h(10), EndedAt: end(11), Affected: []desk.Affected{{Component: "mail", Status: desk.ComponentDegraded}}},
		{StartedAt: h(23), Affected: []desk.Affected{{Component: "mail", Status: desk.ComponentMajorOutage}}},
	}
	// Down 1–4 (overlap counted once) and 23–24: 4 of 24 hours.
	if up := desk.Uptime("mail", incs, h(0), h(24)); math.Abs(up-20.0/24) > 1e-9 {
		t.Fatalf("uptime = %v, want %v", up, 20.0/24)
	}
	if up := desk.Uptime("drive", incs, h(0), h(24)); up != 1 {
		t.Fatalf("unaffected uptime = %v", up)
	}
}

func TestOrgHealth(t *testing.T) {
	e := newEnv(t)
	for _, c := range []desk.Component{{Code: "mail", Name: "Mail", Product: "mail"}, {Code: "mail-delivery", Name: "Delivery", Parent: "mail"},
		{Code: "drive", Name: "Drive", Product: "drive"}, {Code: "signin", Name: "Sign-in"}} {
		if _, err := e.svc.PutComponent(e.ctx, e.stan, c); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(in desk.NewIncident) *desk.Incident {
		inc, err := e.svc.CreateIncident(e.ctx, e.stan, in)
		if err != nil {
			t.Fatal(err)
		}
		return inc
	}
	delivery := mk(desk.NewIncident{Title: "Delivery delayed", Public: true, Body: "x",
		Affected: []desk.Affected{{Component: "mail-delivery", Status: desk.ComponentPartialOutage}}})
	mk(desk.NewIncident{Title: "Drive slow", Public: true, Body: "x", Affected: []desk.Affected{{Component: "drive"}}})
	mk(desk.NewIncident{Title: "Only Ent", OrgIDs: []int64{e.ent.ID}, Body: "x", Affected: []desk.Affected{{Component: "signin"}}})
	from, until := monday10.Add(48*time.Hour), monday10.Add(50*time.Hour)
	mk(desk.NewIncident{Kind: desk.KindMaintenance, Title: "Upgrade", Public: true, Body: "x", StartedAt: &from, ScheduledEnd: &until,
		Affected: []desk.Affected{{Component: "mail"}}})

	// Biz subscribes to mail only: it sees Mail and Sign-in, the delivery
	// incident and the maintenance, not Drive's incident nor Ent's.
	h, err := e.svc.OrgHealth(e.ctx, e.bizAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Services) != 2 || h.Services[0].Component.Code != "mail" || h.Services[0].Status != desk.ComponentPartialOutage ||
		len(h.Services[0].Groups) != 1 || h.Services[1].Component.Code != "signin" || h.Services[1].Status != desk.ComponentOperational {
		t.Fatalf("services = %+v", h.Services)
	}
	if len(h.Incidents) != 1 || h.Incidents[0].ID != delivery.ID || len(h.Upcoming) != 1 || !h.Degraded() {
		t.Fatalf("incidents %d upcoming %d", len(h.Incidents), len(h.Upcoming))
	}
	if got := h.IncidentsFor("mail"); len(got) != 1 || got[0].ID != delivery.ID {
		t.Fatalf("incidents for mail = %d", len(got))
	}
	if got := h.IncidentsFor("drive"); len(got) != 0 {
		t.Fatalf("incidents for drive = %d", len(got))
	}
	h, err = e.svc.OrgHealth(e.ctx, e.entAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Incidents) != 2 || h.Services[1].Status != desk.ComponentDegraded {
		t.Fatalf("Ent sees %d incidents, sign-in %s", len(h.Incidents), h.Services[1].Status)
	}
}
