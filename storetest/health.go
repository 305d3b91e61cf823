package storetest

import (
	"testing"
	"time"

	"desk"
)

func testHealth(t *testing.T, f *fixture) {
	for i, c := range []*desk.Component{
		{Code: "mail", Name: "Mail", Product: "mail", Position: 1},
		{Code: "mail-delivery", Name: "Delivery", Parent: "mail", Position: 2},
		{Code: "drive", Name: "Drive", Product: "drive", Position: 0},
	} {
		must(t, f.s.PutComponent(f.ctx, c))
		if i == 0 {
			c.Name = "Mail and calendar"
			must(t, f.s.PutComponent(f.ctx, c))
		}
	}
	cs, err := f.s.Components(f.ctx)
	must(t, err)
	if len(cs) != 3 || cs[0].Code != "drive" || cs[1].Name != "Mail and calendar" || cs[2].Parent != "mail" {
		t.Fatalf("components = %+v %+v %+v", cs[0], cs[1], cs[2])
	}

	ended := base.Add(-100 * 24 * time.Hour)
	mk := func(title string, start time.Time, end *time.Time, public bool) *desk.Incident {
		inc := &desk.Incident{Kind: desk.KindIncident, Title: title, Impact: desk.ImpactMajor, Status: desk.IncidentInvestigating,
			Affected: []desk.Affected{{Component: "mail", Status: desk.ComponentMajorOutage}}, Regions: []string{"EU"},
			Public: public, StartedAt: start, EndedAt: end, CreatedBy: f.agent.ID, CreatedAt: start, UpdatedAt: start, Version: 1,
			Posts: []*desk.IncidentPost{{ID: 1, Status: desk.IncidentInvestigating, Body: "We are looking into it.", CreatedAt: start}}}
		if !public {
			inc.OrgIDs = []int64{f.org1.ID}
		}
		must(t, f.s.CreateIncident(f.ctx, inc, &desk.AuditEntry{At: start, ActorID: f.agent.ID, Action: "incident.create", ObjectType: "incident"}, nil))
		return inc
	}
	old := mk("long ago", ended.Add(-time.Hour), &ended, true)
	cur := mk("now", base, nil, false)
	if old.ID == 0 || cur.ID == 0 || old.ID == cur.ID {
		t.Fatalf("ids %d %d", old.ID, cur.ID)
	}
	got, err := f.s.Incident(f.ctx, cur.ID)
	must(t, err)
	if got.Title != "now" || got.Public || len(got.OrgIDs) != 1 || got.OrgIDs[0] != f.org1.ID || len(got.Posts) != 1 ||
		got.Posts[0].Body != "We are looking into it." || !got.StartedAt.Equal(base) || got.EndedAt != nil ||
		got.Affected[0].Status != desk.ComponentMajorOutage || got.Regions[0] != "EU" {
		t.Fatalf("incident = %+v", got)
	}

	// An update is compare-and-set on the version.
	got.Posts = append(got.Posts, &desk.IncidentPost{ID: 2, Status: desk.IncidentRestored, Body: "Fixed.", CreatedAt: base.Add(time.Hour)})
	got.Status, got.Version = desk.IncidentRestored, 2
	end := base.Add(time.Hour)
	got.EndedAt = &end
	must(t, f.s.UpdateIncident(f.ctx, got, 1, nil, nil))
	wantKind(t, f.s.UpdateIncident(f.ctx, got, 1, nil, nil), desk.ECONFLICT)
	again, err := f.s.Incident(f.ctx, cur.ID)
	must(t, err)
	if len(again.Posts) != 2 || again.Status != desk.IncidentRestored || again.EndedAt == nil || !again.EndedAt.Equal(end) || again.Version != 2 {
		t.Fatalf("after update = %+v", again)
	}

	// The status page's one query: going on, or ended within the window.
	list, err := f.s.Incidents(f.ctx, base.Add(-90*24*time.Hour))
	must(t, err)
	if len(list) != 1 || list[0].ID != cur.ID {
		t.Fatalf("recent incidents = %d", len(list))
	}
	list, err = f.s.Incidents(f.ctx, ended.Add(-time.Hour))
	must(t, err)
	if len(list) != 2 || list[0].ID != cur.ID {
		t.Fatalf("all incidents = %d", len(list))
	}
	_, err = f.s.Incident(f.ctx, 98765)
	wantKind(t, err, desk.ENOTFOUND)
}
