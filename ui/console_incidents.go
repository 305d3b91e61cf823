package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"desk"
	"desk/locale"
)

// The console's incident pages are where status managers publish service
// health: the list of incidents and maintenance, a form for a new one,
// and each incident's page with its updates, the post-incident report and
// the cases linked to it. Every member of staff reads them; status
// managers, supervisors and system admins publish (the service checks
// that again). The routes are in consoleRoutes.

// incidentKinds are the kinds of incident, in the order offered.
var incidentKinds = []desk.IncidentKind{desk.KindIncident, desk.KindAdvisory, desk.KindMaintenance}

// incidentStatusChoices and maintenanceStatusChoices are the statuses a
// status manager sets by hand, per kind. "Report published" is left out:
// publishing the report sets it.
var (
	incidentStatusChoices = []desk.IncidentStatus{desk.IncidentInvestigating, desk.IncidentIdentified,
		desk.IncidentRestoring, desk.IncidentVerifying, desk.IncidentRestored, desk.IncidentFalsePositive}
	maintenanceStatusChoices = []desk.IncidentStatus{desk.MaintenanceScheduled, desk.MaintenanceInProgress, desk.MaintenanceCompleted}
)

// allIncidentStatuses are every status an incident can be shown in.
var allIncidentStatuses = append(append(slices.Clone(incidentStatusChoices), desk.IncidentReported), maintenanceStatusChoices...)

// affectedStatuses are the statuses an affected service can be set to.
var affectedStatuses = []desk.ComponentStatus{desk.ComponentDegraded, desk.ComponentPartialOutage,
	desk.ComponentMajorOutage, desk.ComponentMaintenance}

// incidentCasesShown is how many linked cases an incident's page lists.
const incidentCasesShown = 100

// localLayout is the value format of a datetime-local field.
const localLayout = "2006-01-02T15:04"

// canPublish reports whether u publishes incidents, as the service's
// requireStatusManager decides: status managers, supervisors and system
// admins.
func canPublish(u *desk.User) bool {
	if u == nil {
		return false
	}
	switch u.Role {
	case desk.RoleStatusManager, desk.RoleSupervisor, desk.RoleSystemAdmin:
		return true
	}
	return false
}

// requirePublisher refuses the forms to staff who only read incidents,
// before anything they sent is looked at.
func requirePublisher(u *desk.User) error {
	if !canPublish(u) {
		return desk.Errorf(desk.EFORBIDDEN, "status_manager_only", "only status managers publish service health")
	}
	return nil
}

// formState tells the templates the submitted values and problems of the
// form that was just sent, by form name, so that pages with several
// forms keep each one's state apart.
type formState struct {
	p *Page
	// Active names the form whose state Page.Form holds, if any.
	Active string
}

// Val returns a field's submitted value if form is the active form.
func (s formState) Val(form, field string) string {
	if s.Active != form {
		return ""
	}
	return s.p.Form.Get(field)
}

// Err returns the translated problem of a field of form, or "".
func (s formState) Err(form, field string) string {
	if s.Active != form {
		return ""
	}
	return s.p.Err(field)
}

// incidentRow is an incident as the console lists it.
type incidentRow struct {
	Inc        *desk.Incident
	KindText   string
	ImpactText string
	StatusText string
	// Services are the names of the affected services and feature groups.
	Services []string
	// Orgs are the names of the organisations a limited incident is
	// shown to.
	Orgs []string
	// Ahead is set for an incident that has not started: maintenance
	// announced ahead.
	Ahead bool
}

// incidentsData is the data of the incident list.
type incidentsData struct {
	Active, Ahead, Ended []incidentRow
	CanPublish           bool
}

// affectedView is one affected service with its status.
type affectedView struct {
	Name       string
	Status     desk.ComponentStatus
	StatusText string
}

// postView is one update of an incident's timeline.
type postView struct {
	Post       *desk.IncidentPost
	StatusText string
	Author     string
}

// incidentData is the data of an incident's page.
type incidentData struct {
	formState
	incidentRow
	Affected  []affectedView
	Posts     []postView
	CreatedBy string
	// CanPublish shows the forms; CanReport the report form, once an
	// incident (not maintenance) has ended.
	CanPublish bool
	CanReport  bool
	// Choices of the update form.
	Statuses []option
	Impacts  []option
	// Report is the report form's text: what was sent, or the published
	// report to revise.
	Report string
	// Cases are the cases linked to the incident, for staff who work
	// cases (ShowCases); More is set when there are more than shown.
	ShowCases bool
	Cases     []*desk.Case
	More      bool
	Zone      string
	// LinkedOpen is the number of open cases linked to an incident still
	// going on, in the reader's digits, for the choice to resolve them
	// with the update that ends it; "" when there are none.
	LinkedOpen string
	// Version is the version of the incident the forms were made from,
	// which they send back: a post or report on an incident someone else
	// changed since is refused, and the page shows what changed.
	Version int
}

// componentChoice is one service or feature group of the new-incident
// form, with its status select.
type componentChoice struct {
	Code string
	Name string
	// Service is the name of the service of a feature group; "" for a
	// service.
	Service string
	Field   string
	Options []option
}

// newIncidentData is the data of the new-incident form.
type newIncidentData struct {
	formState
	Kinds               []option
	Impacts             []option
	IncidentStatuses    []option
	MaintenanceStatuses []option
	Components          []componentChoice
	Public              bool
	Zone                string
}

// incidentFormFields maps, per incident form, the field names of the
// service's errors to the form's own.
var incidentFormFields = map[string]map[string]string{
	"new": {"kind": "kind", "title": "title", "impact": "impact", "status": "status", "affected": "affected",
		"regions": "regions", "org_ids": "orgs", "scheduled_end": "scheduled_end", "body": "body"},
	"post":   {"status": "status", "impact": "impact", "body": "body"},
	"report": {"report": "report"},
}

// incidentFlashes are the confirmations the forms' redirects ask for.
var incidentFlashes = map[string]bool{"created": true, "posted": true, "report": true}

// incidentErrorKey returns the catalogue key that explains an error code
// of the service on an incident form.
func incidentErrorKey(p *Page, code string) string {
	switch {
	case p.L.Has("console.incidents.error." + code):
		return "console.incidents.error." + code
	case strings.HasSuffix(code, "_too_long"):
		return "console.error.too_long"
	case strings.HasSuffix(code, "_required"):
		return "form.required"
	case code == "invalid_text":
		return "console.error.invalid_text"
	}
	return "console.incidents.error.refused"
}

// incidentFailed puts a refusal of the service next to the field of form
// it concerns and reports true; errors that are not about the input (not
// found, forbidden, internal) come back as they are.
func incidentFailed(p *Page, form string, f *Form, err error) (bool, error) {
	var e *desk.Error
	if !errors.As(err, &e) {
		return false, err
	}
	field, ok := incidentFormFields[form][e.Field]
	switch {
	case ok:
	case e.Kind == desk.EINVALID || e.Kind == desk.EREFUSED || e.Kind == desk.ECONFLICT || e.Kind == desk.ETOOLARGE:
		field = formLevel
	default:
		return false, err
	}
	f.Fail(field, incidentErrorKey(p, e.Code))
	return true, nil
}

// formVersion returns the incident version a form was made from; 0 (no
// check) when it sent none, as a form made by another client may not.
func formVersion(f *Form) int {
	v, err := strconv.Atoi(f.Get("version"))
	if err != nil || v < 0 {
		return 0
	}
	return v
}

// pathIncidentID reads the incident id of the path; an id that is no
// number is an incident that does not exist.
func pathIncidentID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, desk.NotFound("incident")
	}
	return id, nil
}

// incidentURL is an incident's page with a confirmation to show.
func incidentURL(id int64, done string) string {
	return fmt.Sprintf("/console/incidents/%d?done=%s#main", id, done)
}

// zoneOf returns the reader's time zone.
func zoneOf(l *locale.Locale) *time.Location {
	if l == nil || l.Zone == nil {
		return time.UTC
	}
	return l.Zone
}

// parseLocal reads a datetime-local value, which is wall-clock time in
// the reader's zone, as UTC. Empty gives nil; ok is false when the value
// is no date and time.
func parseLocal(l *locale.Locale, v string) (t *time.Time, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, true
	}
	for _, layout := range []string{localLayout, "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if x, err := time.ParseInLocation(layout, v, zoneOf(l)); err == nil {
			u := x.UTC()
			return &u, true
		}
	}
	return nil, false
}

// splitList splits a comma-separated field, trimming each item and
// dropping empty ones.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// componentNames maps component codes to the names staff read: a feature
// group is named with its service, "Mail › Mobile apps".
func componentNames(comps []*desk.Component) map[string]string {
	byCode := make(map[string]*desk.Component, len(comps))
	for _, c := range comps {
		byCode[c.Code] = c
	}
	names := make(map[string]string, len(comps))
	for _, c := range comps {
		names[c.Code] = c.Name
		if parent, ok := byCode[c.Parent]; ok {
			names[c.Code] = parent.Name + " › " + c.Name
		}
	}
	return names
}

// orgNames resolves organisation ids to names, reading each once; an
// organisation that cannot be read is shown by its number.
type orgNames struct {
	s     *Server
	names map[int64]string
}

func (o *orgNames) name(ctx context.Context, id int64) string {
	if n, ok := o.names[id]; ok {
		return n
	}
	n := "#" + strconv.FormatInt(id, 10)
	if org, err := o.s.Service.Store.Org(ctx, id); err == nil {
		n = org.Name
	}
	if o.names == nil {
		o.names = map[int64]string{}
	}
	o.names[id] = n
	return n
}

// row describes an incident in the reader's words.
func (s *Server) incidentRow(ctx context.Context, p *Page, inc *desk.Incident, names map[string]string, orgs *orgNames, now time.Time) incidentRow {
	row := incidentRow{Inc: inc,
		KindText:   labelOf(p.L, "console.incidents.kind.", string(inc.Kind)),
		ImpactText: labelOf(p.L, "console.incidents.impact.", string(inc.Impact)),
		StatusText: labelOf(p.L, "console.incidents.status.", string(inc.Status)),
		Ahead:      inc.StartedAt.After(now) && inc.EndedAt == nil,
	}
	for _, a := range inc.Affected {
		row.Services = append(row.Services, cmp.Or(names[a.Component], a.Component))
	}
	if !inc.Public {
		for _, id := range inc.OrgIDs {
			row.Orgs = append(row.Orgs, orgs.name(ctx, id))
		}
	}
	return row
}

// consoleIncidents lists the incidents going on (maintenance in progress
// included), maintenance announced ahead and those ended in the past 90
// days.
func (s *Server) consoleIncidents(w http.ResponseWriter, r *http.Request, p *Page) error {
	ctx := r.Context()
	now := s.Service.Clock.Now()
	incs, err := s.Service.Incidents(ctx, p.User, now.Add(-desk.HealthHistory))
	if err != nil {
		return err
	}
	comps, err := s.Service.Components(ctx)
	if err != nil {
		return err
	}
	names := componentNames(comps)
	orgs := &orgNames{s: s}
	d := &incidentsData{CanPublish: canPublish(p.User)}
	for _, inc := range incs {
		row := s.incidentRow(ctx, p, inc, names, orgs, now)
		switch {
		case inc.EndedAt != nil:
			d.Ended = append(d.Ended, row)
		case row.Ahead:
			d.Ahead = append(d.Ahead, row)
		default:
			d.Active = append(d.Active, row)
		}
	}
	// The soonest maintenance first; the latest to end first.
	slices.SortStableFunc(d.Ahead, func(a, b incidentRow) int { return a.Inc.StartedAt.Compare(b.Inc.StartedAt) })
	slices.SortStableFunc(d.Ended, func(a, b incidentRow) int { return b.Inc.EndedAt.Compare(*a.Inc.EndedAt) })
	p.Title, p.Data = "console.incidents.title", d
	return s.render(w, r, http.StatusOK, "console_incidents", p)
}

// consoleNewIncident shows the form for a new incident.
func (s *Server) consoleNewIncident(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := requirePublisher(p.User); err != nil {
		return err
	}
	return s.renderNewIncident(w, r, p, http.StatusOK)
}

// renderNewIncident renders the new-incident form, with the state of
// p.Form when it was sent.
func (s *Server) renderNewIncident(w http.ResponseWriter, r *http.Request, p *Page, status int) error {
	comps, err := s.Service.Components(r.Context())
	if err != nil {
		return err
	}
	d := &newIncidentData{formState: formState{p: p}, Zone: zoneOf(p.L).String(), Public: true}
	kind, impact, st := string(desk.KindIncident), string(desk.ImpactMinor), ""
	if p.Form != nil {
		d.Active = "new"
		kind, impact, st = p.Form.Get("kind"), p.Form.Get("impact"), p.Form.Get("status")
		d.Public = p.Form.Get("visibility") != "limited"
	}
	for _, k := range incidentKinds {
		d.Kinds = append(d.Kinds, option{Value: string(k), Label: p.L.T("console.incidents.kind." + string(k)), Selected: kind == string(k)})
	}
	d.Impacts = impactOptions(p, impact)
	d.IncidentStatuses = statusOptions(p, incidentStatusChoices, st)
	d.MaintenanceStatuses = statusOptions(p, maintenanceStatusChoices, st)
	// Each service is followed by its feature groups.
	byParent := map[string][]*desk.Component{}
	codes := map[string]bool{}
	for _, c := range comps {
		codes[c.Code] = true
	}
	for _, c := range comps {
		if c.Parent != "" && codes[c.Parent] {
			byParent[c.Parent] = append(byParent[c.Parent], c)
		}
	}
	choice := func(c *desk.Component, service string) componentChoice {
		field := "affected." + c.Code
		cur := p.Form.Get(field)
		ch := componentChoice{Code: c.Code, Name: c.Name, Service: service, Field: field,
			Options: []option{{Value: "", Label: p.L.T("console.incidents.not_affected"), Selected: cur == ""}}}
		for _, st := range affectedStatuses {
			ch.Options = append(ch.Options, option{Value: string(st), Label: p.L.T("console.incidents.component." + string(st)), Selected: cur == string(st)})
		}
		return ch
	}
	for _, c := range comps {
		if c.Parent != "" && codes[c.Parent] {
			continue
		}
		d.Components = append(d.Components, choice(c, ""))
		for _, g := range byParent[c.Code] {
			d.Components = append(d.Components, choice(g, c.Name))
		}
	}
	p.Title, p.Data = "console.incidents.new.title", d
	return s.render(w, r, status, "console_incident_new", p)
}

// impactOptions are the impacts with cur selected.
func impactOptions(p *Page, cur string) []option {
	var out []option
	for _, im := range desk.Impacts {
		out = append(out, option{Value: string(im), Label: p.L.T("console.incidents.impact." + string(im)), Selected: cur == string(im)})
	}
	return out
}

// statusOptions are the statuses of a list with cur selected.
func statusOptions(p *Page, list []desk.IncidentStatus, cur string) []option {
	var out []option
	for _, st := range list {
		out = append(out, option{Value: string(st), Label: p.L.T("console.incidents.status." + string(st)), Selected: cur == string(st)})
	}
	return out
}

// readNewIncident reads the new-incident form, recording on f what is
// missing or malformed; the service checks the rest.
func (s *Server) readNewIncident(ctx context.Context, p *Page, f *Form) (desk.NewIncident, error) {
	in := desk.NewIncident{
		Kind: desk.IncidentKind(f.Get("kind")), Title: strings.TrimSpace(f.Get("title")),
		Impact: desk.Impact(f.Get("impact")), Status: desk.IncidentStatus(f.Get("status")),
		Regions: splitList(f.Get("regions")), Body: f.Get("body"),
	}
	if !slices.Contains(incidentKinds, in.Kind) {
		f.Fail("kind", "console.incidents.error.invalid_kind")
	}
	if in.Title == "" {
		f.Fail("title", "form.required")
	}
	if !slices.Contains(desk.Impacts, in.Impact) {
		f.Fail("impact", "console.incidents.error.invalid_impact")
	}
	if in.Status != "" {
		valid := incidentStatusChoices
		if in.Kind == desk.KindMaintenance {
			valid = maintenanceStatusChoices
		}
		if !slices.Contains(valid, in.Status) {
			f.Fail("status", "console.incidents.error.invalid_status")
		}
	}
	comps, err := s.Service.Components(ctx)
	if err != nil {
		return in, err
	}
	for _, c := range comps {
		v := desk.ComponentStatus(f.Get("affected." + c.Code))
		switch {
		case v == "":
		case slices.Contains(affectedStatuses, v):
			in.Affected = append(in.Affected, desk.Affected{Component: c.Code, Status: v})
		default:
			f.Fail("affected", "console.incidents.error.invalid_component_status")
		}
	}
	if len(in.Affected) == 0 {
		f.Fail("affected", "console.incidents.error.affected_required")
	}
	switch f.Get("visibility") {
	case "public":
		in.Public = true
	case "limited":
		ids := splitList(strings.ReplaceAll(f.Get("orgs"), ";", ","))
		if len(ids) == 0 {
			f.Fail("orgs", "console.incidents.error.orgs_required")
		}
		for _, v := range ids {
			id, err := strconv.ParseInt(strings.TrimPrefix(v, "#"), 10, 64)
			if err != nil || id <= 0 {
				f.Fail("orgs", "console.incidents.error.invalid_orgs")
				break
			}
			if _, err := s.Service.Store.Org(ctx, id); desk.ErrorKind(err) == desk.ENOTFOUND {
				f.Fail("orgs", "console.incidents.error.unknown_org", "id", strconv.FormatInt(id, 10))
				break
			} else if err != nil {
				return in, err
			}
			if !slices.Contains(in.OrgIDs, id) {
				in.OrgIDs = append(in.OrgIDs, id)
			}
		}
	default:
		f.Fail("visibility", "form.required")
	}
	var ok bool
	if in.StartedAt, ok = parseLocal(p.L, f.Get("started_at")); !ok {
		f.Fail("started_at", "console.incidents.error.invalid_time")
	}
	if in.ScheduledEnd, ok = parseLocal(p.L, f.Get("scheduled_end")); !ok {
		f.Fail("scheduled_end", "console.incidents.error.invalid_time")
	}
	if in.NextUpdateAt, ok = parseLocal(p.L, f.Get("next_update")); !ok {
		f.Fail("next_update", "console.incidents.error.invalid_time")
	}
	if in.Kind == desk.KindMaintenance && f.Error("scheduled_end") == "" && f.Error("started_at") == "" {
		start := s.Service.Clock.Now()
		if in.StartedAt != nil {
			start = *in.StartedAt
		}
		if in.ScheduledEnd == nil || !in.ScheduledEnd.After(start) {
			f.Fail("scheduled_end", "console.incidents.error.scheduled_end_required")
		}
	}
	if strings.TrimSpace(in.Body) == "" {
		f.Fail("body", "form.required")
	}
	return in, nil
}

// consoleCreateIncident publishes a new incident and leads to its page;
// input the form or the service refuses shows the form again (422).
func (s *Server) consoleCreateIncident(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := requirePublisher(p.User); err != nil {
		return err
	}
	f, err := readForm(w, r)
	if err != nil {
		return err
	}
	p.Form = f
	in, err := s.readNewIncident(r.Context(), p, f)
	if err != nil {
		return err
	}
	if f.OK() {
		inc, err := s.Service.CreateIncident(r.Context(), p.User, in)
		if err == nil {
			http.Redirect(w, r, incidentURL(inc.ID, "created"), http.StatusSeeOther)
			return nil
		}
		if handled, err := incidentFailed(p, "new", f, err); !handled {
			return err
		}
	}
	return s.renderNewIncident(w, r, p, http.StatusUnprocessableEntity)
}

// consoleIncidentPage shows an incident with its updates, the forms that
// change it and the cases linked to it.
func (s *Server) consoleIncidentPage(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, err := pathIncidentID(r)
	if err != nil {
		return err
	}
	if done := r.URL.Query().Get("done"); incidentFlashes[done] {
		p.Flash = "console.incidents.flash." + done
	}
	return s.renderIncident(w, r, p, id, "", http.StatusOK)
}

// renderIncident renders incident id's page; active names the form whose
// state p.Form holds, if any.
func (s *Server) renderIncident(w http.ResponseWriter, r *http.Request, p *Page, id int64, active string, status int) error {
	ctx := r.Context()
	inc, err := s.Service.Incident(ctx, p.User, id)
	if err != nil {
		return err
	}
	comps, err := s.Service.Components(ctx)
	if err != nil {
		return err
	}
	staff, err := s.staffNames(ctx)
	if err != nil {
		return err
	}
	now := s.Service.Clock.Now()
	names := componentNames(comps)
	d := &incidentData{formState: formState{p: p, Active: active},
		incidentRow: s.incidentRow(ctx, p, inc, names, &orgNames{s: s}, now),
		CreatedBy:   staff[inc.CreatedBy], CanPublish: canPublish(p.User),
		CanReport: inc.EndedAt != nil && inc.Kind != desk.KindMaintenance,
		Report:    inc.Report, Zone: zoneOf(p.L).String(), ShowCases: p.User.CanHandleCases(),
		Version: inc.Version}
	// A form sent back with a mistake keeps the version it was made from,
	// so that a change made meanwhile is still noticed; after a refusal
	// for a change, the page shows the incident as it is now, and the
	// forms carry its version.
	if v := formVersion(p.Form); v > 0 && p.Form.Error(formLevel) != "console.incidents.error.version_mismatch" {
		d.Version = v
	}
	for _, a := range inc.Affected {
		d.Affected = append(d.Affected, affectedView{Name: cmp.Or(names[a.Component], a.Component), Status: a.Status,
			StatusText: labelOf(p.L, "console.incidents.component.", string(a.Status))})
	}
	for i := len(inc.Posts) - 1; i >= 0; i-- {
		post := inc.Posts[i]
		d.Posts = append(d.Posts, postView{Post: post, Author: staff[post.AuthorID],
			StatusText: labelOf(p.L, "console.incidents.status.", string(post.Status))})
	}
	choices := incidentStatusChoices
	if inc.Kind == desk.KindMaintenance {
		choices = maintenanceStatusChoices
	}
	if !slices.Contains(choices, inc.Status) {
		choices = append(slices.Clone(choices), inc.Status)
	}
	st, impact := string(inc.Status), string(inc.Impact)
	if active == "post" {
		st, impact = p.Form.Get("status"), p.Form.Get("impact")
	}
	d.Statuses, d.Impacts = statusOptions(p, choices, st), impactOptions(p, impact)
	if active == "report" {
		d.Report = p.Form.Get("report")
	}
	if d.CanPublish && inc.EndedAt == nil {
		n, err := s.Service.LinkedOpenCases(ctx, p.User, inc.ID)
		if err != nil {
			return err
		}
		if n > 0 {
			d.LinkedOpen = p.L.Number(int64(n))
		}
	}
	if d.ShowCases {
		page, err := s.Service.Cases(ctx, p.User, desk.CaseFilter{IncidentID: inc.ID, Sort: desk.SortNewest, Limit: incidentCasesShown})
		if err != nil {
			return err
		}
		d.Cases, d.More = page.Items, page.Next != nil
	}
	p.Title, p.Data = "console.incidents.page_title", d
	return s.render(w, r, status, "console_incident", p)
}

// consoleIncidentPost posts an update, which may move the incident's
// status (ending it), its impact and the time of the next update.
func (s *Server) consoleIncidentPost(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, err := pathIncidentID(r)
	if err != nil {
		return err
	}
	if err := requirePublisher(p.User); err != nil {
		return err
	}
	f, err := readForm(w, r)
	if err != nil {
		return err
	}
	p.Form = f
	u := desk.IncidentUpdate{Status: desk.IncidentStatus(f.Get("status")), Impact: desk.Impact(f.Get("impact")), Body: f.Get("body"),
		ResolveLinkedCases: f.Get("resolve_cases") != "", IfVersion: formVersion(f)}
	if u.Status != "" && !slices.Contains(allIncidentStatuses, u.Status) {
		f.Fail("status", "console.incidents.error.invalid_status")
	}
	if u.Impact != "" && !slices.Contains(desk.Impacts, u.Impact) {
		f.Fail("impact", "console.incidents.error.invalid_impact")
	}
	var ok bool
	if u.NextUpdateAt, ok = parseLocal(p.L, f.Get("next_update")); !ok {
		f.Fail("next_update", "console.incidents.error.invalid_time")
	}
	if strings.TrimSpace(u.Body) == "" {
		f.Fail("body", "form.required")
	}
	if f.OK() {
		_, err = s.Service.PostUpdate(r.Context(), p.User, id, u)
		if err == nil {
			http.Redirect(w, r, incidentURL(id, "posted"), http.StatusSeeOther)
			return nil
		}
		if handled, err := incidentFailed(p, "post", f, err); !handled {
			return err
		}
	}
	return s.renderIncident(w, r, p, id, "post", http.StatusUnprocessableEntity)
}

// consoleIncidentReport publishes (or revises) the post-incident report
// of an incident that has ended.
func (s *Server) consoleIncidentReport(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, err := pathIncidentID(r)
	if err != nil {
		return err
	}
	if err := requirePublisher(p.User); err != nil {
		return err
	}
	f, err := readForm(w, r)
	if err != nil {
		return err
	}
	p.Form = f
	report := f.Get("report")
	if strings.TrimSpace(report) == "" {
		f.Fail("report", "form.required")
	} else {
		_, err = s.Service.PublishReportAt(r.Context(), p.User, id, report, formVersion(f))
		if err == nil {
			http.Redirect(w, r, incidentURL(id, "report"), http.StatusSeeOther)
			return nil
		}
		if handled, err := incidentFailed(p, "report", f, err); !handled {
			return err
		}
	}
	return s.renderIncident(w, r, p, id, "report", http.StatusUnprocessableEntity)
}
