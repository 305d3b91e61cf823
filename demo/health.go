package demo

import (
	"context"
	"fmt"
	"time"

	"desk"
)

// components are the services of the status page, each with its feature
// groups, for the products the demo sells.
var components = []desk.Component{
	{Code: "mail", Name: "Mail", Product: "mail"},
	{Code: "mail-delivery", Name: "Sending and receiving", Parent: "mail"},
	{Code: "mail-web", Name: "Mail on the web", Parent: "mail"},
	{Code: "mail-mobile", Name: "Mobile apps", Parent: "mail"},
	{Code: "calendar", Name: "Calendar", Product: "calendar"},
	{Code: "calendar-sharing", Name: "Sharing and invitations", Parent: "calendar"},
	{Code: "drive", Name: "Drive", Product: "drive"},
	{Code: "drive-sync", Name: "Sync client", Parent: "drive"},
	{Code: "drive-sharing", Name: "Sharing links", Parent: "drive"},
	{Code: "chat", Name: "Chat", Product: "chat"},
	{Code: "chat-calls", Name: "Calls and meetings", Parent: "chat"},
	{Code: "admin", Name: "Admin centre and sign-in"},
}

// pastIncident is an incident of the last 90 days, told as its posts.
type pastIncident struct {
	ago, lasted time.Duration
	in          desk.NewIncident
	// updates are posted at the given times after the start; the last one
	// ends the incident.
	updates []timedUpdate
	report  string
	// outageCase, when set, is a case the customer opened 20 minutes into
	// the incident and an agent linked to it 10 minutes later; the last
	// update resolves it with the incident.
	outageCase *demoCase
}

// demoCase is a case opened by a demo user, linked by a demo agent.
type demoCase struct {
	by, linkedBy string
	in           desk.NewCase
}

type timedUpdate struct {
	after time.Duration
	u     desk.IncidentUpdate
}

func affected(status desk.ComponentStatus, codes ...string) []desk.Affected {
	out := make([]desk.Affected, len(codes))
	for i, c := range codes {
		out[i] = desk.Affected{Component: c, Status: status}
	}
	return out
}

// writeHealth stores the status page's services and tells the last 90
// days of incidents through the service as stan, the status manager: a
// few resolved outages (so that the uptime bars show them), one going on,
// one limited to Fabrikam, an advisory and maintenance announced ahead.
func writeHealth(ctx context.Context, svc *desk.Service, now time.Time, users map[string]*desk.User, orgIDs map[string]int64) error {
	stan := users["stan@vendor.example"]
	if stan == nil {
		return fmt.Errorf("no status manager")
	}
	scripted := *svc
	clock := &scriptClock{t: now}
	scripted.Clock = clock
	for i, c := range components {
		c.Position = i
		if _, err := scripted.PutComponent(ctx, stan, c); err != nil {
			return fmt.Errorf("component %s: %w", c.Code, err)
		}
	}
	clock.t = now.Add(-80 * day)
	if err := writeWebhook(ctx, &scripted, users["carl@contoso.example"]); err != nil {
		return err
	}
	past := []pastIncident{
		{ago: 71 * day, in: desk.NewIncident{Title: "Some users cannot sign in", Impact: desk.ImpactMajor, Public: true,
			Affected: affected(desk.ComponentMajorOutage, "admin"), Regions: []string{"Europe"},
			Body: "Users in Europe get an error when they sign in. We are investigating."},
			updates: []timedUpdate{
				{40 * minute, desk.IncidentUpdate{Status: desk.IncidentIdentified, Body: "A certificate on the sign-in service expired. We are replacing it."}},
				{95 * minute, desk.IncidentUpdate{Status: desk.IncidentRestored, Body: "Sign-in works again for everyone."}},
			},
			report: "## What happened\n\nA certificate of the sign-in service in the EU region expired at 07:12 UTC.\n\n" +
				"## What we changed\n\nCertificates are now renewed 30 days ahead, and an expiring certificate pages the on-call engineer."},
		{ago: 38 * day, in: desk.NewIncident{Title: "Mail delivery to external domains delayed", Impact: desk.ImpactMajor, Public: true,
			Affected: affected(desk.ComponentPartialOutage, "mail-delivery"), Regions: []string{"Europe", "North America"},
			Body: "Messages to external domains are queued and delivered late."},
			updates: []timedUpdate{
				{2 * hour, desk.IncidentUpdate{Status: desk.IncidentRestoring, Body: "We added capacity to the outbound queues; the backlog is shrinking."}},
				{5 * hour, desk.IncidentUpdate{Status: desk.IncidentRestored, Body: "All queued messages have been delivered.", ResolveLinkedCases: true}},
			},
			// Contoso's resolved outage case, from which its admin can ask
			// for the incident report and a service credit.
			outageCase: &demoCase{by: "carl@contoso.example", linkedBy: "agent.de@vendor.example", in: desk.NewCase{
				Product: "mail", Category: desk.CategoryTechnical, Severity: desk.SeverityHigh, Language: "de",
				Title:       "Mails an Kunden kommen stundenlang nicht an",
				Description: "Seit heute früh bleiben unsere Mails an externe Empfänger in der Warteschlange hängen. Interne Mails gehen.",
			}}},
		{ago: 12 * day, in: desk.NewIncident{Title: "Drive sync client cannot upload large files", Impact: desk.ImpactMinor, Public: true,
			Affected: affected(desk.ComponentDegraded, "drive-sync"),
			Body:     "Uploads over 2 GB from the sync client fail. Uploading through the web works."},
			updates: []timedUpdate{
				{26 * hour, desk.IncidentUpdate{Status: desk.IncidentRestored, Body: "Sync client 4.2.1 fixes large uploads; it is rolling out automatically."}},
			}},
		{ago: 3 * day, in: desk.NewIncident{Title: "Calendar invitations not sent", Impact: desk.ImpactMajor, Public: true,
			Affected: affected(desk.ComponentMajorOutage, "calendar-sharing"),
			Body:     "Invitations for new meetings are not sent. Existing meetings are not affected."},
			updates: []timedUpdate{
				{50 * minute, desk.IncidentUpdate{Status: desk.IncidentVerifying, Body: "We rolled back a change; invitations are being sent again. We are checking the backlog."}},
				{80 * minute, desk.IncidentUpdate{Status: desk.IncidentRestored, Body: "All invitations have gone out."}},
			}},
	}
	for _, p := range past {
		clock.t = now.Add(-p.ago)
		start := clock.t
		p.in.StartedAt = &start
		inc, err := scripted.CreateIncident(ctx, stan, p.in)
		if err != nil {
			return fmt.Errorf("incident %q: %w", p.in.Title, err)
		}
		if oc := p.outageCase; oc != nil {
			clock.t = start.Add(20 * minute)
			c, _, err := scripted.OpenCase(ctx, users[oc.by], oc.in, "")
			if err != nil {
				return fmt.Errorf("outage case: %w", err)
			}
			clock.t = start.Add(30 * minute)
			if _, err := scripted.LinkIncident(ctx, users[oc.linkedBy], c.ID, inc.ID); err != nil {
				return fmt.Errorf("outage case: %w", err)
			}
		}
		for _, u := range p.updates {
			clock.t = start.Add(u.after)
			if inc, err = scripted.PostUpdate(ctx, stan, inc.ID, u.u); err != nil {
				return fmt.Errorf("incident %q: %w", p.in.Title, err)
			}
		}
		if p.report != "" {
			clock.t = clock.t.Add(2 * day)
			if _, err := scripted.PublishReport(ctx, stan, inc.ID, p.report); err != nil {
				return fmt.Errorf("incident %q: %w", p.in.Title, err)
			}
		}
	}

	// Going on now.
	clock.t = now.Add(-50 * minute)
	next := now.Add(40 * minute)
	chat, err := scripted.CreateIncident(ctx, stan, desk.NewIncident{Title: "Calls drop after a few minutes", Impact: desk.ImpactMinor, Public: true,
		Affected: affected(desk.ComponentDegraded, "chat-calls"), Regions: []string{"Europe"}, NextUpdateAt: &next,
		Body: "Some calls and meetings drop after three to five minutes. Chat messages are not affected."})
	if err != nil {
		return fmt.Errorf("current incident: %w", err)
	}
	clock.t = now.Add(-20 * minute)
	if _, err := scripted.PostUpdate(ctx, stan, chat.ID, desk.IncidentUpdate{Status: desk.IncidentIdentified, NextUpdateAt: &next,
		Body: "A media relay in Amsterdam restarts under load. We are moving calls to other relays."}); err != nil {
		return fmt.Errorf("current incident: %w", err)
	}
	clock.t = now.Add(-35 * minute)
	if _, err := scripted.CreateIncident(ctx, stan, desk.NewIncident{Title: "Mail to one partner domain bounces", Impact: desk.ImpactMinor,
		OrgIDs: []int64{orgIDs["fabrikam"]}, Affected: affected(desk.ComponentPartialOutage, "mail-delivery"),
		Body: "Messages from fabrikam.example to a partner domain bounce with 550 5.7.1. We are working with the receiving provider."}); err != nil {
		return fmt.Errorf("limited incident: %w", err)
	}
	clock.t = now.Add(-2 * day)
	if _, err := scripted.CreateIncident(ctx, stan, desk.NewIncident{Kind: desk.KindAdvisory, Title: "Older mobile apps will stop syncing on 1 February",
		Impact: desk.ImpactNone, Public: true, Affected: affected(desk.ComponentDegraded, "mail-mobile"),
		Body: "Mobile app versions older than 5.0 will stop syncing mail on 1 February. Ask your users to update."}); err != nil {
		return fmt.Errorf("advisory: %w", err)
	}
	clock.t = now.Add(-1 * day)
	from := now.Add(3*day + 2*hour)
	until := from.Add(2 * hour)
	if _, err := scripted.CreateIncident(ctx, stan, desk.NewIncident{Kind: desk.KindMaintenance, Title: "Drive storage upgrade",
		Impact: desk.ImpactMinor, Public: true, StartedAt: &from, ScheduledEnd: &until,
		Affected: affected(desk.ComponentMaintenance, "drive"),
		Body:     "We are upgrading Drive storage. Files stay readable; uploads may pause for up to 15 minutes."}); err != nil {
		return fmt.Errorf("maintenance: %w", err)
	}
	return settleDeliveries(ctx, svc.Store, now)
}
