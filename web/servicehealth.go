package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"desk"
	"desk/markdown"
)

// The service health API under /api/v1/admin/serviceAnnouncement follows
// Microsoft Graph's service communications API (serviceHealth and
// serviceHealthIssue), so that the tools an organisation already points at
// Microsoft 365 can read our service health with a different base URL and
// token. Names and values are Graph's; the scope is ours: a customer sees
// the services of the products the organisation subscribes to (and those
// of no product, such as sign-in) and the incidents it may see that concern
// them, exactly what the portal shows. Anything else is not found.

// Graph status values for desk statuses, in one place. A service's status
// comes from its current component status; an issue's from the incident's
// status. Graph has no status for planned maintenance (Microsoft announces
// it in the message center), so maintenance going on reads as a
// degradation, announced maintenance as confirmed and finished maintenance
// as resolved. An identified incident is a degradation, or an
// interruption when a service it affects is (partly) down; see
// issueStatus.
var (
	graphServiceStatus = map[desk.ComponentStatus]string{
		desk.ComponentOperational:   "serviceOperational",
		desk.ComponentMaintenance:   "serviceDegradation",
		desk.ComponentDegraded:      "serviceDegradation",
		desk.ComponentPartialOutage: "serviceInterruption",
		desk.ComponentMajorOutage:   "serviceInterruption",
	}
	graphIssueStatus = map[desk.IncidentStatus]string{
		desk.IncidentInvestigating: "investigating",
		desk.IncidentIdentified:    "serviceDegradation",
		desk.IncidentRestoring:     "restoringService",
		desk.IncidentVerifying:     "verifyingService",
		desk.IncidentRestored:      "serviceRestored",
		desk.IncidentReported:      "postIncidentReviewPublished",
		desk.IncidentFalsePositive: "falsePositive",
		desk.MaintenanceScheduled:  "confirmed",
		desk.MaintenanceInProgress: "serviceDegradation",
		desk.MaintenanceCompleted:  "resolved",
	}
	// Graph classifies issues as incidents or advisories only; planned
	// maintenance may affect some users, which is what an advisory says.
	graphClassification = map[desk.IncidentKind]string{
		desk.KindIncident:    "incident",
		desk.KindAdvisory:    "advisory",
		desk.KindMaintenance: "advisory",
	}
)

// graphServiceHealth is Graph's serviceHealth: one service and its
// overall status, with its issues when asked for by $expand=issues.
type graphServiceHealth struct {
	ID      string        `json:"id"`
	Service string        `json:"service"`
	Status  string        `json:"status"`
	Issues  *[]graphIssue `json:"issues,omitempty"`
}

// graphIssue is Graph's serviceHealthIssue.
type graphIssue struct {
	ID                   string           `json:"id"`
	Title                string           `json:"title"`
	ImpactDescription    string           `json:"impactDescription"`
	Classification       string           `json:"classification"`
	Status               string           `json:"status"`
	Service              string           `json:"service"`
	Feature              *string          `json:"feature"`
	FeatureGroup         *string          `json:"featureGroup"`
	IsResolved           bool             `json:"isResolved"`
	StartDateTime        time.Time        `json:"startDateTime"`
	EndDateTime          *time.Time       `json:"endDateTime"`
	LastModifiedDateTime time.Time        `json:"lastModifiedDateTime"`
	Origin               string           `json:"origin"`
	Details              []graphKeyValue  `json:"details"`
	Posts                []graphIssuePost `json:"posts"`
}

// graphKeyValue is Graph's keyValuePair.
type graphKeyValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// graphIssuePost is Graph's serviceHealthIssuePost.
type graphIssuePost struct {
	CreatedDateTime time.Time     `json:"createdDateTime"`
	PostType        string        `json:"postType"`
	Description     graphItemBody `json:"description"`
}

// graphItemBody is Graph's itemBody.
type graphItemBody struct {
	ContentType string `json:"contentType"`
	Content     string `json:"content"`
}

// graphCollection is the body of every Graph list.
type graphCollection[T any] struct {
	Value []T `json:"value"`
}

// healthScope is what the caller may see through the service health API:
// the services of the organisation's products with their feature groups,
// and the incidents of the status page's history that concern them.
type healthScope struct {
	now      time.Time
	services []desk.ServiceHealth
	// service maps the code of every service and feature group in scope
	// to the service it belongs to.
	service map[string]*desk.ServiceHealth
	name    map[string]string
	issues  []*desk.Incident
}

func (s *Server) healthScope(ctx context.Context, u *desk.User) (*healthScope, error) {
	view, err := s.Service.OrgHealth(ctx, u)
	if err != nil {
		return nil, err
	}
	now := s.Service.Clock.Now()
	incs, err := s.Service.Incidents(ctx, u, now.Add(-desk.HealthHistory))
	if err != nil {
		return nil, err
	}
	sc := &healthScope{now: now, services: view.Services, service: map[string]*desk.ServiceHealth{}, name: map[string]string{}}
	for i := range sc.services {
		sh := &sc.services[i]
		sc.service[sh.Component.Code], sc.name[sh.Component.Code] = sh, sh.Component.Name
		for _, g := range sh.Groups {
			sc.service[g.Component.Code], sc.name[g.Component.Code] = sh, g.Component.Name
		}
	}
	for _, inc := range incs {
		for _, a := range inc.Affected {
			if sc.service[a.Component] != nil {
				sc.issues = append(sc.issues, inc)
				break
			}
		}
	}
	return sc, nil
}

// lookup returns a service by its id (the component code) or its name, as
// Graph's healthOverviews/{serviceName} takes the name.
func (sc *healthScope) lookup(key string) (*desk.ServiceHealth, bool) {
	for i := range sc.services {
		c := sc.services[i].Component
		if c.Code == key || strings.EqualFold(c.Name, key) {
			return &sc.services[i], true
		}
	}
	return nil, false
}

// issue returns an incident in scope; any other is not found, like an id
// that never existed.
func (sc *healthScope) issue(id int64) (*desk.Incident, error) {
	for _, inc := range sc.issues {
		if inc.ID == id {
			return inc, nil
		}
	}
	return nil, desk.NotFound("incident")
}

// overview returns a service's health, with the issues that concern it
// when expand is set.
func (sc *healthScope) overview(sh *desk.ServiceHealth, expand bool) graphServiceHealth {
	o := graphServiceHealth{ID: sh.Component.Code, Service: sh.Component.Name, Status: graphServiceStatus[sh.Status]}
	if expand {
		issues := []graphIssue{}
		for _, inc := range sc.issues {
			if _, ok := sc.placement(inc, sh.Component.Code); ok {
				issues = append(issues, sc.graphIssue(inc, sh.Component.Code))
			}
		}
		o.Issues = &issues
	}
	return o
}

// placement returns the affected component that names an issue's service
// and feature group: the first one in scope, or with only set the first
// one that belongs to that service.
func (sc *healthScope) placement(inc *desk.Incident, only string) (desk.Affected, bool) {
	for _, a := range inc.Affected {
		if sh := sc.service[a.Component]; sh != nil && (only == "" || sh.Component.Code == only) {
			return a, true
		}
	}
	return desk.Affected{}, false
}

// graphIssue renders an incident in scope as a serviceHealthIssue, placed
// in the given service if it is not empty.
func (sc *healthScope) graphIssue(inc *desk.Incident, service string) graphIssue {
	g := graphIssue{
		ID: strconv.FormatInt(inc.ID, 10), Title: inc.Title,
		Classification: graphClassification[inc.Kind], Status: issueStatus(inc),
		IsResolved: inc.Status.Ended(), StartDateTime: inc.StartedAt, EndDateTime: inc.EndedAt,
		LastModifiedDateTime: inc.UpdatedAt,
		// In Graph, "microsoft" is the provider of the service itself,
		// which is who publishes every one of our incidents.
		Origin:  "microsoft",
		Details: []graphKeyValue{{Name: "impact", Value: string(inc.Impact)}, {Name: "kind", Value: string(inc.Kind)}},
		Posts:   make([]graphIssuePost, 0, len(inc.Posts)),
	}
	if g.EndDateTime == nil && inc.Kind == desk.KindMaintenance {
		g.EndDateTime = inc.ScheduledEnd
	}
	if a, ok := sc.placement(inc, service); ok {
		sh := sc.service[a.Component]
		g.Service = sh.Component.Name
		if a.Component != sh.Component.Code {
			name := sc.name[a.Component]
			g.FeatureGroup = &name
		}
	}
	// The first post says what the incident does to users.
	if len(inc.Posts) > 0 {
		g.ImpactDescription = inc.Posts[0].Body
	}
	if len(inc.Regions) > 0 {
		g.Details = append(g.Details, graphKeyValue{Name: "regions", Value: strings.Join(inc.Regions, ", ")})
	}
	if inc.NextUpdateAt != nil {
		g.Details = append(g.Details, graphKeyValue{Name: "nextUpdateDateTime", Value: inc.NextUpdateAt.UTC().Format(time.RFC3339)})
	}
	for _, p := range inc.Posts {
		g.Posts = append(g.Posts, graphIssuePost{CreatedDateTime: p.CreatedAt, PostType: "regular",
			Description: graphItemBody{ContentType: "html", Content: renderMarkdown(p.Body)}})
	}
	return g
}

// issueStatus is the Graph status of an incident (see graphIssueStatus).
func issueStatus(inc *desk.Incident) string {
	st := graphIssueStatus[inc.Status]
	if inc.Status == desk.IncidentIdentified {
		for _, a := range inc.Affected {
			if a.Status.Down() {
				return "serviceInterruption"
			}
		}
	}
	return st
}

// graphQuery refuses OData query options other than those allowed, so
// that a client never takes an unfiltered answer for a filtered one.
func graphQuery(r *http.Request, allowed ...string) (map[string]string, error) {
	opts := map[string]string{}
	for k, v := range r.URL.Query() {
		if !strings.HasPrefix(k, "$") {
			continue
		}
		ok := false
		for _, a := range allowed {
			ok = ok || a == k
		}
		if !ok {
			return nil, desk.FieldError(desk.EINVALID, "unsupported_query_option", k, "the query option %s is not supported here", k)
		}
		opts[k] = v[len(v)-1]
	}
	if e, ok := opts["$expand"]; ok && e != "issues" {
		return nil, desk.FieldError(desk.EINVALID, "invalid_expand", "$expand", "$expand takes only issues")
	}
	return opts, nil
}

// healthOverviews lists the health of the services the caller's
// organisation uses (Graph: GET /admin/serviceAnnouncement/healthOverviews).
func (s *Server) healthOverviews(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	opts, err := graphQuery(r, "$expand")
	if err != nil {
		return err
	}
	sc, err := s.healthScope(r.Context(), u)
	if err != nil {
		return err
	}
	_, expand := opts["$expand"]
	out := make([]graphServiceHealth, len(sc.services))
	for i := range sc.services {
		out[i] = sc.overview(&sc.services[i], expand)
	}
	return s.writeJSON(w, r, http.StatusOK, graphCollection[graphServiceHealth]{Value: out})
}

// healthOverview returns the health of one service, named by its id or its
// name (Graph: GET .../healthOverviews/{serviceName}).
func (s *Server) healthOverview(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	opts, err := graphQuery(r, "$expand")
	if err != nil {
		return err
	}
	sc, err := s.healthScope(r.Context(), u)
	if err != nil {
		return err
	}
	sh, ok := sc.lookup(r.PathValue("service"))
	if !ok {
		return desk.NotFound("service")
	}
	_, expand := opts["$expand"]
	return s.writeJSON(w, r, http.StatusOK, sc.overview(sh, expand))
}

// healthIssues lists the issues of the last 90 days that concern the
// caller's services, newest first (Graph: GET .../issues).
func (s *Server) healthIssues(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	if _, err := graphQuery(r); err != nil {
		return err
	}
	sc, err := s.healthScope(r.Context(), u)
	if err != nil {
		return err
	}
	out := make([]graphIssue, len(sc.issues))
	for i, inc := range sc.issues {
		out[i] = sc.graphIssue(inc, "")
	}
	return s.writeJSON(w, r, http.StatusOK, graphCollection[graphIssue]{Value: out})
}

// healthIssue returns one issue (Graph: GET .../issues/{id}).
func (s *Server) healthIssue(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	id, err := pathID(r, "incident")
	if err != nil {
		return err
	}
	if _, err := graphQuery(r); err != nil {
		return err
	}
	sc, err := s.healthScope(r.Context(), u)
	if err != nil {
		return err
	}
	inc, err := sc.issue(id)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, sc.graphIssue(inc, ""))
}

// healthIssueReport returns the post-incident report of an issue as
// Markdown, once it is published (Graph: GET .../issues/{id}/incidentReport,
// which answers a document as a stream too).
func (s *Server) healthIssueReport(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	id, err := pathID(r, "incident")
	if err != nil {
		return err
	}
	sc, err := s.healthScope(r.Context(), u)
	if err != nil {
		return err
	}
	inc, err := sc.issue(id)
	if err != nil {
		return err
	}
	if inc.ReportPublishedAt == nil || inc.Report == "" {
		return desk.Errorf(desk.ENOTFOUND, "incident_report_not_published",
			"the post-incident report of incident %d is not published yet", inc.ID)
	}
	h := w.Header()
	h.Set("Content-Type", "text/markdown; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="incident-%d-report.md"`, inc.ID))
	h.Set("Last-Modified", inc.ReportPublishedAt.UTC().Format(http.TimeFormat))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write([]byte(inc.Report))
	}
	return nil
}

// renderMarkdown renders post bodies as Graph's HTML item bodies, with the
// same rules as the status page, so that nothing that runs gets through
// to a tool that shows the HTML.
func renderMarkdown(src string) string { return markdown.HTML(src) }
