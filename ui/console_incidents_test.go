package ui

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"desk"
	"desk/locale"
)

// incidentForm is a valid new-incident form: a public incident that
// degrades one feature group, starting now.
func incidentForm(title string) url.Values {
	return url.Values{
		"kind": {"incident"}, "title": {title}, "impact": {"major"}, "status": {"investigating"},
		"affected.mail-web": {"partial_outage"}, "regions": {"Europe, Asia"}, "visibility": {"public"},
		"body": {"Some mailboxes do not open on the web.\nThe apps work."},
	}
}

var incidentLink = regexp.MustCompile(`^/console/incidents/(\d+)\?done=(\w+)#main$`)

// createdIncident checks that a form was accepted with a redirect to the
// new incident's page and returns its id.
func createdIncident(t *testing.T, p page) int64 {
	t.Helper()
	m := incidentLink.FindStringSubmatch(p.header.Get("Location"))
	if p.status != http.StatusSeeOther || m == nil || m[2] != "created" {
		t.Fatalf("create incident: %d → %q\n%s", p.status, p.header.Get("Location"), p.body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// incidentNow reads an incident as staff.
func (s *site) incidentNow(id int64) *desk.Incident {
	s.t.Helper()
	inc, err := s.svc.Incident(s.ctx, s.user("sam@vendor.example"), id)
	if err != nil {
		s.t.Fatal(err)
	}
	return inc
}

// incidentCount is the number of incidents the console lists.
func (s *site) incidentCount() int {
	s.t.Helper()
	incs, err := s.svc.Incidents(s.ctx, s.user("sam@vendor.example"), time.Now().Add(-desk.HealthHistory))
	if err != nil {
		s.t.Fatal(err)
	}
	return len(incs)
}

// demoIncident returns the demo incident with a title.
func (s *site) demoIncident(title string) *desk.Incident {
	s.t.Helper()
	incs, err := s.svc.Incidents(s.ctx, s.user("sam@vendor.example"), time.Now().Add(-desk.HealthHistory))
	if err != nil {
		s.t.Fatal(err)
	}
	for _, inc := range incs {
		if inc.Title == title {
			return inc
		}
	}
	s.t.Fatalf("no demo incident %q", title)
	return nil
}

// section returns the part of a page from the heading with id on up to
// the next section.
func section(t *testing.T, p page, id string) string {
	t.Helper()
	start := strings.Index(p.body, `id="`+id+`"`)
	if start < 0 {
		t.Fatalf("page has no %q:\n%s", id, p.body)
	}
	rest := p.body[start:]
	if end := strings.Index(rest, "</section>"); end >= 0 {
		rest = rest[:end]
	}
	return rest
}

// TestConsoleIncidentLifecycle: the status manager publishes an incident
// through the form, finds it in the list and on its page, ends it with an
// update, and publishes the post-incident report.
func TestConsoleIncidentLifecycle(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn("stan@vendor.example")

	list := b.get("/console/incidents")
	if list.status != http.StatusOK {
		t.Fatalf("list: %d\n%s", list.status, list.body)
	}
	checkPage(t, list)
	list.has(t, "Incidents and maintenance", `href="/console/incidents" aria-current="page"`, `href="/console/incidents/new"`)
	list.lacks(t, `href="/console" aria-current="page"`)
	// The demo's incidents, each in its place.
	if !strings.Contains(section(t, list, "h-active"), "Calls drop after a few minutes") ||
		!strings.Contains(section(t, list, "h-active"), "Mail to one partner domain bounces") {
		t.Error("incidents going on are not listed as going on")
	}
	if ahead := section(t, list, "h-ahead"); !strings.Contains(ahead, "Drive storage upgrade") || !strings.Contains(ahead, "Maintenance") {
		t.Error("maintenance announced ahead is not listed as scheduled")
	}
	if ended := section(t, list, "h-ended"); !strings.Contains(ended, "Calendar invitations not sent") ||
		!strings.Contains(ended, "Some users cannot sign in") || !strings.Contains(ended, "Report published") {
		t.Error("ended incidents are not listed as ended")
	}
	list.has(t, "Limited to 1 organisation", "Fabrikam B.V.", "Calendar › Sharing and invitations", "Major impact")

	form := b.get("/console/incidents/new")
	if form.status != http.StatusOK {
		t.Fatalf("new form: %d", form.status)
	}
	checkPage(t, form)
	form.has(t, `name="affected.mail-web"`, `name="affected.mail"`, "Europe/London", `type="datetime-local"`,
		`<optgroup label="Maintenance">`, "Sending and receiving")

	p := b.post("/console/incidents", incidentForm("Webmail does not open"))
	id := createdIncident(t, p)
	page := b.get(p.header.Get("Location"))
	checkPage(t, page)
	page.has(t, "The incident was published.", "Webmail does not open", "Mail › Mail on the web", "Partial outage",
		"Europe, Asia", "Major impact", "Investigating", "Public", fmt.Sprintf(`href="/status/incidents/%d"`, id),
		"Some mailboxes do not open on the web.\nThe apps work.", "Stan Jacobs", `id="post"`,
		"Linked cases are shown to agents and supervisors.")
	page.lacks(t, `id="report"`)
	inc := s.incidentNow(id)
	if !inc.Public || inc.Kind != desk.KindIncident || inc.Impact != desk.ImpactMajor || len(inc.Affected) != 1 ||
		inc.Affected[0] != (desk.Affected{Component: "mail-web", Status: desk.ComponentPartialOutage}) ||
		strings.Join(inc.Regions, "|") != "Europe|Asia" || inc.EndedAt != nil {
		t.Fatalf("stored incident: %+v", inc)
	}
	if !strings.Contains(section(t, b.get("/console/incidents"), "h-active"), "Webmail does not open") {
		t.Error("the new incident is not in the list of incidents going on")
	}

	// An update that ends it.
	p = b.post(fmt.Sprintf("/console/incidents/%d/posts", id), url.Values{
		"status": {"service_restored"}, "impact": {"major"}, "body": {"Webmail opens again for everyone."}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != incidentURL(id, "posted") {
		t.Fatalf("post update: %d → %q\n%s", p.status, p.header.Get("Location"), p.body)
	}
	if inc := s.incidentNow(id); inc.EndedAt == nil || inc.Status != desk.IncidentRestored || len(inc.Posts) != 2 {
		t.Fatalf("after the ending update: %+v", inc)
	}
	page = b.get(p.header.Get("Location"))
	checkPage(t, page)
	page.has(t, "Your update was posted.", "Service restored", `id="report"`, "Publish the post-incident report")
	if newer, older := strings.Index(page.body, "Webmail opens again"), strings.Index(page.body, "Some mailboxes do not open"); newer < 0 || older < newer {
		t.Error("updates are not shown newest first")
	}
	if !strings.Contains(section(t, b.get("/console/incidents"), "h-ended"), "Webmail does not open") {
		t.Error("the ended incident is not in the list of ended ones")
	}

	// The report.
	report := "## What happened\n\nA configuration change broke webmail sign-in."
	p = b.post(fmt.Sprintf("/console/incidents/%d/report", id), url.Values{"report": {report}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != incidentURL(id, "report") {
		t.Fatalf("publish report: %d → %q\n%s", p.status, p.header.Get("Location"), p.body)
	}
	inc = s.incidentNow(id)
	if inc.Report != report || inc.ReportPublishedAt == nil || inc.Status != desk.IncidentReported {
		t.Fatalf("after the report: %+v", inc)
	}
	page = b.get(p.header.Get("Location"))
	checkPage(t, page)
	page.has(t, "The post-incident report was published.", html.EscapeString(report), "Revise the post-incident report", "Report published")
}

// TestConsoleIncidentTimes: the times of the form are in the reader's
// zone and stored in UTC; maintenance announced ahead is listed as
// scheduled, with times shown in the reader's zone.
func TestConsoleIncidentTimes(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn("stan@vendor.example") // Europe/London: summer time is UTC+1
	year := time.Now().Year() + 1
	f := url.Values{
		"kind": {"maintenance"}, "title": {"Mail database upgrade"}, "impact": {"minor"}, "status": {"scheduled"},
		"affected.mail": {"maintenance"}, "visibility": {"public"},
		"started_at":    {fmt.Sprintf("%d-07-01T10:00", year)},
		"scheduled_end": {fmt.Sprintf("%d-07-01T12:30", year)},
		"next_update":   {fmt.Sprintf("%d-07-01T11:00", year)},
		"body":          {"Mail may be slow for a few minutes."},
	}
	id := createdIncident(t, b.post("/console/incidents", f))
	inc := s.incidentNow(id)
	want := time.Date(year, 7, 1, 9, 0, 0, 0, time.UTC)
	if !inc.StartedAt.Equal(want) || inc.ScheduledEnd == nil || !inc.ScheduledEnd.Equal(want.Add(150*time.Minute)) ||
		inc.NextUpdateAt == nil || !inc.NextUpdateAt.Equal(want.Add(time.Hour)) {
		t.Fatalf("times: start %v, end %v, next %v; want start %v", inc.StartedAt, inc.ScheduledEnd, inc.NextUpdateAt, want)
	}
	ahead := section(t, b.get("/console/incidents"), "h-ahead")
	if !strings.Contains(ahead, "Mail database upgrade") || !strings.Contains(ahead, "10:00 BST") || !strings.Contains(ahead, "planned for") {
		t.Errorf("the maintenance is not listed ahead in London time:\n%s", ahead)
	}
	// Sam reads Oslo time.
	sam := s.browser()
	sam.signIn("sam@vendor.example")
	p := sam.get(fmt.Sprintf("/console/incidents/%d", id))
	p.has(t, "11:00 CEST", "13:30 CEST", "Planned start", "Planned end", "Europe/Oslo")
	p.lacks(t, "ongoing", ">Ended<")
}

// TestConsoleIncidentFormErrors: what the form lacks is shown next to its
// field with the input kept (422), and nothing is published.
func TestConsoleIncidentFormErrors(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn("stan@vendor.example")
	before := s.incidentCount()
	fab := s.user("ada@fabrikam.example").OrgID
	for _, tc := range []struct {
		name   string
		change func(url.Values)
		field  string
		text   string
	}{
		{"no title", func(v url.Values) { v.Set("title", " ") }, "title", "This field is required."},
		{"no affected service", func(v url.Values) { v.Del("affected.mail-web") }, "affected", "Choose at least one affected service."},
		{"maintenance without end", func(v url.Values) { v.Set("kind", "maintenance"); v.Set("status", "") }, "scheduled_end",
			"Maintenance needs a planned end after its start."},
		{"status of another kind", func(v url.Values) { v.Set("status", "in_progress") }, "status", "This status does not go with the type"},
		{"limited without organisations", func(v url.Values) { v.Set("visibility", "limited") }, "orgs",
			"Name at least one organisation, or make the incident public."},
		{"unknown organisation", func(v url.Values) {
			v.Set("visibility", "limited")
			v.Set("orgs", fmt.Sprintf("%d, 987654", fab))
		}, "orgs", "There is no organisation with number 987654."},
		{"malformed organisation", func(v url.Values) { v.Set("visibility", "limited"); v.Set("orgs", "Fabrikam") }, "orgs",
			"Enter organisation numbers separated by commas"},
		{"malformed time", func(v url.Values) { v.Set("started_at", "tomorrow") }, "started_at", "Enter a date and a time."},
		{"no first update", func(v url.Values) { v.Set("body", "") }, "body", "This field is required."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := incidentForm("Kept title " + tc.name)
			tc.change(v)
			p := b.post("/console/incidents", v)
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("%d\n%s", p.status, p.body)
			}
			checkPage(t, p)
			p.has(t, "Please fix the fields marked below.", `id="new-`+tc.field+`-error"`, tc.text)
			if v.Get("title") != " " {
				p.has(t, `value="Kept title `+tc.name+`"`)
			}
			if v.Get("body") != "" {
				p.has(t, "Some mailboxes do not open on the web.")
			}
		})
	}
	// Several problems at once are all shown.
	p := b.post("/console/incidents", url.Values{"kind": {"maintenance"}, "impact": {"minor"}, "visibility": {"public"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty form: %d", p.status)
	}
	p.has(t, `id="new-title-error"`, `id="new-affected-error"`, `id="new-scheduled_end-error"`, `id="new-body-error"`,
		`aria-describedby="new-affected-hint new-affected-error"`)
	if n := s.incidentCount(); n != before {
		t.Fatalf("refused forms published incidents: %d → %d", before, n)
	}

	// The forms of an incident's page.
	chat := s.demoIncident("Calls drop after a few minutes")
	u := fmt.Sprintf("/console/incidents/%d", chat.ID)
	p = b.post(u+"/posts", url.Values{"status": {"identified"}, "impact": {"minor"}, "body": {" "}, "next_update": {"soon"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty update: %d", p.status)
	}
	checkPage(t, p)
	p.has(t, `id="post-body-error"`, `id="post-next_update-error"`, `value="soon"`)
	p = b.post(u+"/posts", url.Values{"status": {"completed"}, "body": {"Done."}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("maintenance status on an incident: %d", p.status)
	}
	p.has(t, `id="post-status-error"`)
	// A report before the incident has ended.
	p = b.post(u+"/report", url.Values{"report": {"Too early."}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("report of an ongoing incident: %d", p.status)
	}
	checkPage(t, p)
	p.has(t, "A report can be published once the incident has ended.")
	if got := s.incidentNow(chat.ID); len(got.Posts) != len(chat.Posts) || got.Report != "" {
		t.Fatalf("refused forms changed the incident: %+v", got)
	}
	if p := b.get("/console/incidents/999999"); p.status != http.StatusNotFound {
		t.Fatalf("unknown incident: %d", p.status)
	}
	if p := b.get("/console/incidents/abc"); p.status != http.StatusNotFound {
		t.Fatalf("malformed incident id: %d", p.status)
	}
}

// TestConsoleIncidentLimited: an incident limited to an organisation says
// which, in the list and on its page, and links to no public page.
func TestConsoleIncidentLimited(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn("stan@vendor.example")
	contoso := s.user("carl@contoso.example").OrgID
	v := incidentForm("Contoso's mail relay rejects messages")
	v.Set("visibility", "limited")
	v.Set("orgs", fmt.Sprintf("#%d", contoso))
	id := createdIncident(t, b.post("/console/incidents", v))
	inc := s.incidentNow(id)
	if inc.Public || len(inc.OrgIDs) != 1 || inc.OrgIDs[0] != contoso {
		t.Fatalf("stored incident: public %v, orgs %v", inc.Public, inc.OrgIDs)
	}
	page := b.get(fmt.Sprintf("/console/incidents/%d", id))
	checkPage(t, page)
	vis := section(t, page, "visibility")
	if !strings.Contains(vis, "Limited to 1 organisation") || !strings.Contains(vis, "Contoso GmbH") {
		t.Errorf("visibility: %s", vis)
	}
	page.lacks(t, fmt.Sprintf(`href="/status/incidents/%d"`, id))
	active := section(t, b.get("/console/incidents"), "h-active")
	row := active[strings.Index(active, "Contoso&#39;s mail relay"):]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, "Limited to 1 organisation") || !strings.Contains(row, "Contoso GmbH") {
		t.Errorf("list row: %s", row)
	}
}

// TestConsoleIncidentsReadOnly: agents read the incidents but get no
// forms, and every form post is refused; customers get nothing.
func TestConsoleIncidentsReadOnly(t *testing.T) {
	s := newSite(t)
	chat := s.demoIncident("Calls drop after a few minutes")
	ended := s.demoIncident("Calendar invitations not sent")
	before := s.incidentCount()
	agent := s.browser()
	agent.signIn("agent.de@vendor.example")
	for _, path := range []string{"/console/incidents", fmt.Sprintf("/console/incidents/%d", chat.ID), fmt.Sprintf("/console/incidents/%d", ended.ID)} {
		p := agent.get(path)
		if p.status != http.StatusOK {
			t.Fatalf("%s: %d", path, p.status)
		}
		checkPage(t, p)
		p.has(t, `id="read-only"`)
		p.lacks(t, `href="/console/incidents/new"`, `action="/console/incidents`, "<textarea", `id="post"`, `id="report"`)
	}
	if p := agent.get("/console/incidents/new"); p.status != http.StatusForbidden {
		t.Fatalf("agent on the new-incident form: %d", p.status)
	}
	for path, form := range map[string]url.Values{
		"/console/incidents": incidentForm("Agent's incident"),
		// Invalid input too: the refusal comes before the form is read.
		"/console/incidents?invalid":                              {"title": {""}},
		fmt.Sprintf("/console/incidents/%d/posts", chat.ID):       {"status": {"service_restored"}, "body": {"Fixed."}},
		fmt.Sprintf("/console/incidents/%d/posts", chat.ID) + "?": {"body": {""}},
		fmt.Sprintf("/console/incidents/%d/report", ended.ID):     {"report": {"An agent's report."}},
	} {
		if p := agent.post(path, form); p.status != http.StatusForbidden {
			t.Errorf("agent posting to %s: %d", path, p.status)
		}
	}
	if n := s.incidentCount(); n != before {
		t.Fatalf("an agent published an incident: %d → %d", before, n)
	}
	if got := s.incidentNow(chat.ID); len(got.Posts) != len(chat.Posts) || got.EndedAt != nil {
		t.Fatal("an agent's update was posted")
	}
	if got := s.incidentNow(ended.ID); got.Report != "" {
		t.Fatal("an agent's report was published")
	}

	cust := s.browser()
	cust.signIn("carl@contoso.example")
	if p := cust.get("/console/incidents"); p.status != http.StatusForbidden {
		t.Fatalf("customer on the incident list: %d", p.status)
	}
	if p := cust.post("/console/incidents", incidentForm("Customer's incident")); p.status != http.StatusForbidden {
		t.Fatalf("customer posting an incident: %d", p.status)
	}
}

// TestConsoleIncidentLinkedCases: an incident's page lists the cases
// linked to it for staff who work cases.
func TestConsoleIncidentLinkedCases(t *testing.T) {
	s := newSite(t)
	chat := s.demoIncident("Calls drop after a few minutes")
	c := s.openCase("carl@contoso.example", "Our video calls keep dropping")
	if _, err := s.svc.LinkIncident(s.ctx, s.user("sam@vendor.example"), c.ID, chat.ID); err != nil {
		t.Fatal(err)
	}
	u := fmt.Sprintf("/console/incidents/%d", chat.ID)
	sam := s.browser()
	sam.signIn("sam@vendor.example")
	p := sam.get(u)
	checkPage(t, p)
	cases := section(t, p, "h-cases")
	if !strings.Contains(cases, fmt.Sprintf(`href="/console/cases/%d"`, c.ID)) || !strings.Contains(cases, "Our video calls keep dropping") {
		t.Errorf("linked cases: %s", cases)
	}
	// Sam publishes too.
	p.has(t, `id="post"`)
	other := s.demoIncident("Drive storage upgrade")
	sam.get(fmt.Sprintf("/console/incidents/%d", other.ID)).has(t, "No case is linked to this incident.")
	// The status manager works no cases, so sees none.
	stan := s.browser()
	stan.signIn("stan@vendor.example")
	stan.get(u).lacks(t, "Our video calls keep dropping")
}

// TestConsoleIncidentsDutch: the incident pages speak the reader's
// language, with no English left: an agent's (Dutch) read-only pages and
// a status manager's forms when he picks Dutch.
func TestConsoleIncidentsDutch(t *testing.T) {
	s := newSite(t)
	nl := locale.For("nl", nil)
	chat := s.demoIncident("Calls drop after a few minutes")
	past := s.demoIncident("Some users cannot sign in")
	limited := s.demoIncident("Mail to one partner domain bounces")
	agent := s.browser()
	agent.lang = "en-GB,en;q=0.9"
	agent.signIn("agent.nl@vendor.example")
	stan := s.browser()
	stan.signIn("stan@vendor.example")
	if p := stan.post("/language", url.Values{"lang": {"nl"}, "next": {"/console/incidents"}}); p.status != http.StatusSeeOther {
		t.Fatalf("pick Dutch: %d", p.status)
	}
	pages := []page{
		agent.get("/console/incidents"),
		agent.get(fmt.Sprintf("/console/incidents/%d", chat.ID)),
		agent.get(fmt.Sprintf("/console/incidents/%d", past.ID)),
		agent.get(fmt.Sprintf("/console/incidents/%d", limited.ID)),
		stan.get("/console/incidents"),
		stan.get("/console/incidents/new"),
		stan.post("/console/incidents", url.Values{"kind": {"maintenance"}, "visibility": {"limited"}, "started_at": {"gisteren"}}),
		stan.get(fmt.Sprintf("/console/incidents/%d", chat.ID)),
		stan.post(fmt.Sprintf("/console/incidents/%d/posts", chat.ID), url.Values{"status": {"identified"}, "body": {""}}),
	}
	for i, p := range pages {
		if p.status != http.StatusOK && p.status != http.StatusUnprocessableEntity {
			t.Fatalf("page %d: %d\n%s", i, p.status, p.body)
		}
		p.has(t, `<html lang="nl">`, nl.T("console.nav.incidents"))
		p.lacks(t, "⟦")
		checkPage(t, p)
		for _, key := range locale.Keys("en") {
			if !strings.HasPrefix(key, "console.") && !strings.HasPrefix(key, "nav.") && !strings.HasPrefix(key, "form.") {
				continue
			}
			text := en.T(key)
			if len(text) < 6 || nl.T(key) == text || strings.Contains(text, "{") {
				continue
			}
			if strings.Contains(p.body, ">"+text+"<") || strings.Contains(p.body, text+".") || strings.Contains(p.body, `"`+text+`"`) {
				t.Errorf("page %d: English %q (%s) on a Dutch page", i, text, key)
			}
		}
	}
	pages[0].has(t, nl.T("console.incidents.title"), nl.T("console.incidents.active"), nl.T("console.incidents.kind.maintenance"),
		nl.T("console.incidents.limited_to", "count", 1), nl.T("console.incidents.status.post_incident_report_published"))
	pages[1].has(t, nl.T("console.incidents.status.identified"), nl.T("console.incidents.component.degraded"),
		nl.T("console.incidents.read_only"), "CET")
	pages[5].has(t, nl.T("console.incidents.field.affected"), nl.T("console.incidents.not_affected"),
		nl.T("console.incidents.field.start_hint", "zone", "Europe/London"))
	pages[6].has(t, nl.T("form.fix_fields"), nl.T("console.incidents.error.invalid_time"),
		nl.T("console.incidents.error.affected_required"), nl.T("console.incidents.error.orgs_required"))
	pages[8].has(t, nl.T("console.incidents.post.title"), nl.T("form.required"))
}

// TestConsoleIncidentCatalogueKeys: every key the incident pages compose
// from a value exists in every language, and the service's refusals on
// the forms have their own words.
func TestConsoleIncidentCatalogueKeys(t *testing.T) {
	keys := []string{"console.nav.incidents"}
	for _, k := range incidentKinds {
		keys = append(keys, "console.incidents.kind."+string(k))
	}
	for _, im := range desk.Impacts {
		keys = append(keys, "console.incidents.impact."+string(im))
	}
	for _, st := range allIncidentStatuses {
		keys = append(keys, "console.incidents.status."+string(st))
	}
	for _, st := range affectedStatuses {
		keys = append(keys, "console.incidents.component."+string(st))
	}
	for k := range incidentFlashes {
		keys = append(keys, "console.incidents.flash."+k)
	}
	codes := []string{"refused", "invalid_kind", "invalid_impact", "invalid_status", "affected_required", "unknown_component",
		"invalid_component_status", "too_many_regions", "orgs_required", "invalid_orgs", "unknown_org",
		"scheduled_end_required", "invalid_time", "incident_not_ended"}
	for _, c := range codes {
		keys = append(keys, "console.incidents.error."+c)
	}
	for _, lang := range locale.Languages {
		have := map[string]bool{}
		for _, k := range locale.Keys(lang) {
			have[k] = true
		}
		for _, k := range keys {
			if !have[k] {
				t.Errorf("%s: key %q missing", lang, k)
			}
		}
	}
	p := &Page{L: en}
	for _, c := range codes[1:] {
		if got := incidentErrorKey(p, c); got != "console.incidents.error."+c {
			t.Errorf("error %s → %s", c, got)
		}
	}
	for code, want := range map[string]string{"title_required": "form.required", "body_too_long": "console.error.too_long",
		"invalid_text": "console.error.invalid_text", "something_new": "console.incidents.error.refused"} {
		if got := incidentErrorKey(p, code); got != want {
			t.Errorf("error %s → %s, want %s", code, got, want)
		}
	}
}

// TestParseLocal: datetime-local values are wall-clock time in the
// reader's zone.
func TestParseLocal(t *testing.T) {
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Skip(err)
	}
	l := locale.For("nb", oslo)
	for in, want := range map[string]string{
		"2026-01-15T08:30":    "2026-01-15T07:30:00Z",
		"2026-07-15T08:30":    "2026-07-15T06:30:00Z",
		"2026-07-15T08:30:15": "2026-07-15T06:30:15Z",
		" 2026-07-15 08:30 ":  "2026-07-15T06:30:00Z",
	} {
		got, ok := parseLocal(l, in)
		if !ok || got == nil || got.Format(time.RFC3339) != want {
			t.Errorf("parseLocal(%q) = %v, %v; want %s", in, got, ok, want)
		}
	}
	if got, ok := parseLocal(l, ""); got != nil || !ok {
		t.Errorf("empty: %v %v", got, ok)
	}
	for _, bad := range []string{"tomorrow", "2026-13-01T08:00", "15.01.2026 08:30"} {
		if _, ok := parseLocal(l, bad); ok {
			t.Errorf("parseLocal(%q) accepted", bad)
		}
	}
}

// TestConsoleIncidentStaleForm: the update and report forms carry the
// incident's version; one sent after someone else changed the incident is
// refused with a message, stores nothing, and comes back with the current
// version, with which it can be sent again. A form sent back with a
// mistake keeps the version it was made from.
func TestConsoleIncidentStaleForm(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn("stan@vendor.example")
	chat := s.demoIncident("Calls drop after a few minutes")
	u := fmt.Sprintf("/console/incidents/%d", chat.ID)
	p := b.get(u)
	seen := fmt.Sprintf(`name="version" value="%d"`, chat.Version)
	p.has(t, seen)

	// Another status manager posts meanwhile.
	other, err := s.svc.PostUpdate(s.ctx, s.user("stan@vendor.example"), chat.ID, desk.IncidentUpdate{Status: desk.IncidentIdentified, Body: "Found the cause."})
	if err != nil {
		t.Fatal(err)
	}
	// A mistake first: the form keeps the version it was made from.
	p = b.post(u+"/posts", url.Values{"version": {fmt.Sprint(chat.Version)}, "status": {"verifying"}, "body": {" "}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty update: %d", p.status)
	}
	p.has(t, seen, `id="post-body-error"`)
	p = b.post(u+"/posts", url.Values{"version": {fmt.Sprint(chat.Version)}, "status": {"verifying"}, "body": {"A fix is out."}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("stale update: %d", p.status)
	}
	checkPage(t, p)
	p.has(t, "Someone else changed this incident while you were writing.", "Found the cause.",
		fmt.Sprintf(`name="version" value="%d"`, other.Version), `>A fix is out.</textarea>`)
	if got := s.incidentNow(chat.ID); len(got.Posts) != len(other.Posts) {
		t.Fatalf("a stale update was stored: %d posts, want %d", len(got.Posts), len(other.Posts))
	}
	p = b.post(u+"/posts", url.Values{"version": {fmt.Sprint(other.Version)}, "status": {"verifying"}, "body": {"A fix is out."}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("update with the current version: %d\n%s", p.status, p.body)
	}
	if got := s.incidentNow(chat.ID); len(got.Posts) != len(other.Posts)+1 {
		t.Fatalf("the update was not stored: %d posts", len(got.Posts))
	}
}
