package ui

import (
	"fmt"
	"net/url"
	"testing"

	"desk"
)

// TestPortalServiceHealth checks that the portal shows each organisation
// the health of its own services: incidents limited to it, none limited
// to others, nothing about products it does not use, and the known issues
// again before the case form and among the help results.
func TestPortalServiceHealth(t *testing.T) {
	s := newSite(t)
	ada := s.browser()
	ada.signIn("ada@fabrikam.example")
	// Ada reads Dutch; incident texts are the status manager's.
	home := ada.get("/")
	home.has(t, "Status van de diensten", "Mail to one partner domain bounces", "Alleen zichtbaar voor uw organisatie",
		"Older mobile apps will stop syncing", "Gepland onderhoud", "Drive storage upgrade", "Gedeeltelijke storing")
	// Fabrikam does not use Chat, whose calls are failing.
	home.lacks(t, "Calls drop after a few minutes")
	ada.get("/cases/new").has(t, "Bekende problemen met uw diensten", "Mail to one partner domain bounces")
	ada.get("/help?q=mail").has(t, "Bekende problemen met uw diensten", "Mail to one partner domain bounces")

	carl := s.browser()
	carl.signIn("carl@contoso.example")
	page := carl.get("/")
	page.has(t, "Dienststatus", "Older mobile apps will stop syncing", "Beeinträchtigt")
	page.lacks(t, "Mail to one partner domain bounces", "Nur für Ihre Organisation", "Teilausfall")
}

// TestConsoleLinkIncident links a case to the incident it is about from
// the workspace, and is refused an incident of another organisation.
func TestConsoleLinkIncident(t *testing.T) {
	s := newSite(t)
	staff, err := s.svc.Store.UserByEmail(s.ctx, "sam@vendor.example")
	if err != nil {
		t.Fatal(err)
	}
	incs, err := s.svc.Incidents(s.ctx, staff, s.svc.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	var limited *desk.Incident
	for _, inc := range incs {
		if !inc.Public {
			limited = inc
		}
	}
	caseOf := func(email string) *desk.Case {
		u, err := s.svc.Store.UserByEmail(s.ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := s.svc.Cases(s.ctx, u, desk.CaseFilter{Statuses: []desk.Status{desk.StatusOpen, desk.StatusNew}, Limit: 1})
		if err != nil || len(cs.Items) == 0 {
			t.Fatalf("no open case of %s: %v", email, err)
		}
		return cs.Items[0]
	}
	fab, con := caseOf("ada@fabrikam.example"), caseOf("carl@contoso.example")
	agent := s.browser()
	agent.signIn("sam@vendor.example")
	id := fmt.Sprint(limited.ID)
	p := agent.post(fmt.Sprintf("/console/cases/%d/incident", fab.ID), url.Values{"incident": {id}})
	if p.status != 303 {
		t.Fatalf("link: %d", p.status)
	}
	agent.get(p.header.Get("Location")).has(t, "The case was linked to the incident.", "Linked to incident #"+id)
	got, err := s.svc.Case(s.ctx, staff, fab.ID)
	if err != nil || got.IncidentID != limited.ID {
		t.Fatalf("case incident = %d, %v", got.IncidentID, err)
	}
	// Contoso cannot be pointed at Fabrikam's incident; the list does not
	// offer it and a forged post is refused on the form.
	agent.get(fmt.Sprintf("/console/cases/%d", con.ID)).lacks(t, limited.Title)
	p = agent.post(fmt.Sprintf("/console/cases/%d/incident", con.ID), url.Values{"incident": {id}})
	if p.status != 422 {
		t.Fatalf("linking another organisation's incident: %d", p.status)
	}
	if got, _ := s.svc.Case(s.ctx, staff, con.ID); got.IncidentID != 0 {
		t.Fatal("the refused link was stored")
	}
}
