package desk

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// ComponentStatus is how a service or feature group is doing.
type ComponentStatus string

const (
	ComponentOperational   ComponentStatus = "operational"
	ComponentDegraded      ComponentStatus = "degraded"
	ComponentPartialOutage ComponentStatus = "partial_outage"
	ComponentMajorOutage   ComponentStatus = "major_outage"
	ComponentMaintenance   ComponentStatus = "maintenance"
)

// ComponentStatuses lists the statuses from best to worst; maintenance is
// planned, so it ranks below any outage.
var ComponentStatuses = []ComponentStatus{ComponentOperational, ComponentMaintenance, ComponentDegraded,
	ComponentPartialOutage, ComponentMajorOutage}

// Valid reports whether s is a known status.
func (s ComponentStatus) Valid() bool { return slices.Contains(ComponentStatuses, s) }

// Worse reports whether s is worse than t.
func (s ComponentStatus) Worse(t ComponentStatus) bool {
	return slices.Index(ComponentStatuses, s) > slices.Index(ComponentStatuses, t)
}

// Down reports whether time in status s counts against uptime: full and
// partial outages do; degradation and announced maintenance do not.
func (s ComponentStatus) Down() bool {
	return s == ComponentPartialOutage || s == ComponentMajorOutage
}

// Component is a service on the status page, or a feature group of one
// (Parent names the service).
type Component struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Parent string `json:"parent,omitempty"`
	// Product is the product code whose subscribers the service concerns.
	Product  string `json:"product,omitempty"`
	Position int    `json:"position"`
}

// IncidentKind says what an incident is.
type IncidentKind string

const (
	KindIncident    IncidentKind = "incident"    // something is broken
	KindAdvisory    IncidentKind = "advisory"    // something may affect some users
	KindMaintenance IncidentKind = "maintenance" // planned work, announced ahead
)

// IncidentStatus is where an incident stands.
type IncidentStatus string

const (
	IncidentInvestigating IncidentStatus = "investigating"
	IncidentIdentified    IncidentStatus = "identified"
	IncidentRestoring     IncidentStatus = "restoring_service"
	IncidentVerifying     IncidentStatus = "verifying"
	IncidentRestored      IncidentStatus = "service_restored"
	IncidentReported      IncidentStatus = "post_incident_report_published"
	IncidentFalsePositive IncidentStatus = "false_positive"
	// Maintenance runs from scheduled through in progress to completed.
	MaintenanceScheduled  IncidentStatus = "scheduled"
	MaintenanceInProgress IncidentStatus = "in_progress"
	MaintenanceCompleted  IncidentStatus = "completed"
)

var incidentStatuses = []IncidentStatus{IncidentInvestigating, IncidentIdentified, IncidentRestoring,
	IncidentVerifying, IncidentRestored, IncidentReported, IncidentFalsePositive}

var maintenanceStatuses = []IncidentStatus{MaintenanceScheduled, MaintenanceInProgress, MaintenanceCompleted}

// Ended reports whether an incident in status s is over.
func (s IncidentStatus) Ended() bool {
	return s == IncidentRestored || s == IncidentReported || s == IncidentFalsePositive || s == MaintenanceCompleted
}

// Impact is how bad an incident is overall.
type Impact string

const (
	ImpactNone     Impact = "none"
	ImpactMinor    Impact = "minor"
	ImpactMajor    Impact = "major"
	ImpactCritical Impact = "critical"
)

// Impacts lists the impacts from least to worst.
var Impacts = []Impact{ImpactNone, ImpactMinor, ImpactMajor, ImpactCritical}

// Affected is a component an incident affects and how.
type Affected struct {
	Component string          `json:"component"`
	Status    ComponentStatus `json:"status"`
}

// IncidentPost is one update on an incident's timeline. Body is Markdown,
// rendered through a sanitiser wherever it is shown.
type IncidentPost struct {
	ID        int64          `json:"id"`
	Status    IncidentStatus `json:"status"`
	Body      string         `json:"body"`
	AuthorID  int64          `json:"author_id,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
	// ResolveCases is set on the post that ended an incident when the
	// status manager chose to resolve the linked cases with it; the
	// follow-up that tells those cases reads it (see noticeCases).
	ResolveCases bool `json:"resolve_linked_cases,omitempty"`
}

// Incident is an incident, advisory or planned maintenance.
type Incident struct {
	ID       int64          `json:"id"`
	Kind     IncidentKind   `json:"kind"`
	Title    string         `json:"title"`
	Impact   Impact         `json:"impact"`
	Status   IncidentStatus `json:"status"`
	Affected []Affected     `json:"affected"`
	Regions  []string       `json:"regions,omitempty"`
	// Public incidents show on the status page; the others only to the
	// organisations in OrgIDs, in their portal and API.
	Public bool    `json:"public"`
	OrgIDs []int64 `json:"org_ids,omitempty"`
	// StartedAt is when the incident began (for maintenance, when the work
	// is planned to start); EndedAt is set once it is over.
	StartedAt    time.Time       `json:"started_at"`
	EndedAt      *time.Time      `json:"ended_at,omitempty"`
	ScheduledEnd *time.Time      `json:"scheduled_end,omitempty"`
	NextUpdateAt *time.Time      `json:"next_update_at,omitempty"`
	Posts        []*IncidentPost `json:"posts"`
	// Report is the post-incident report, in Markdown.
	Report            string     `json:"report,omitempty"`
	ReportPublishedAt *time.Time `json:"report_published_at,omitempty"`
	CreatedBy         int64      `json:"created_by,omitempty"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
	Version           int        `json:"version"`
}

// Active reports whether the incident is going on at t: begun and not
// ended (maintenance counts from its planned start).
func (i *Incident) Active(t time.Time) bool {
	return !i.StartedAt.After(t) && (i.EndedAt == nil || i.EndedAt.After(t))
}

// VisibleTo reports whether an organisation may see the incident; orgID
// zero is the public.
func (i *Incident) VisibleTo(orgID int64) bool {
	return i.Public || (orgID != 0 && slices.Contains(i.OrgIDs, orgID))
}

// Affects reports whether the incident concerns a component.
func (i *Incident) Affects(code string) (ComponentStatus, bool) {
	for _, a := range i.Affected {
		if a.Component == code {
			return a.Status, true
		}
	}
	return "", false
}

// HealthStore keeps components and incidents.
type HealthStore interface {
	// PutComponent stores or replaces a component.
	PutComponent(ctx context.Context, c *Component) error
	// Components lists every component by position.
	Components(ctx context.Context) ([]*Component, error)
	// CreateIncident stores a new incident with its posts and sets its id,
	// with the webhook deliveries deliver makes, in one transaction.
	CreateIncident(ctx context.Context, inc *Incident, audit *AuditEntry, deliver DeliveryFunc) error
	// UpdateIncident stores an incident's new state if its stored version is
	// prevVersion, and otherwise fails with ECONFLICT. The webhook
	// deliveries deliver makes are stored in the same transaction.
	UpdateIncident(ctx context.Context, inc *Incident, prevVersion int, audit *AuditEntry, deliver DeliveryFunc) error
	// Incident returns one incident with its posts.
	Incident(ctx context.Context, id int64) (*Incident, error)
	// Incidents returns, in one query, every incident that has not ended or
	// ended at or after since, newest first: all a status page needs.
	Incidents(ctx context.Context, since time.Time) ([]*Incident, error)
}

// HealthHistory is how far back the status page shows uptime.
const HealthHistory = 90 * 24 * time.Hour

var codePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// RequireStatusManager refuses anyone who may not publish service health,
// so that a transport can answer who may before it reads what was sent.
func RequireStatusManager(actor *User) error { return requireStatusManager(actor) }

func requireStatusManager(actor *User) error {
	if actor.Role != RoleStatusManager && actor.Role != RoleSystemAdmin && actor.Role != RoleSupervisor {
		return Errorf(EFORBIDDEN, "status_manager_only", "only status managers publish service health")
	}
	return nil
}

// PutComponent adds or changes a service or feature group.
func (s *Service) PutComponent(ctx context.Context, actor *User, c Component) (*Component, error) {
	if err := requireStatusManager(actor); err != nil {
		return nil, err
	}
	if !codePattern.MatchString(c.Code) {
		return nil, FieldError(EINVALID, "invalid_code", "code", "a code is 1–40 lowercase letters, digits, - and _")
	}
	if err := checkText("name", c.Name, true, 100); err != nil {
		return nil, err
	}
	all, err := s.Store.Components(ctx)
	if err != nil {
		return nil, err
	}
	if c.Parent != "" {
		i := slices.IndexFunc(all, func(x *Component) bool { return x.Code == c.Parent })
		if i < 0 || all[i].Parent != "" || c.Parent == c.Code {
			return nil, FieldError(EREFUSED, "invalid_parent", "parent", "a feature group belongs to a service, which is not a feature group itself")
		}
	}
	if err := s.Store.PutComponent(ctx, &c); err != nil {
		return nil, err
	}
	if s.Bus != nil {
		s.Bus.Publish(ctx, Event{Type: EventComponentsChanged, At: s.Clock.Now()})
	}
	return &c, nil
}

// Components lists the services and feature groups.
func (s *Service) Components(ctx context.Context) ([]*Component, error) {
	return s.Store.Components(ctx)
}

// NewIncident is what a status manager publishes.
type NewIncident struct {
	Kind         IncidentKind   `json:"kind"`
	Title        string         `json:"title"`
	Impact       Impact         `json:"impact"`
	Status       IncidentStatus `json:"status"`
	Affected     []Affected     `json:"affected"`
	Regions      []string       `json:"regions"`
	Public       bool           `json:"public"`
	OrgIDs       []int64        `json:"org_ids"`
	StartedAt    *time.Time     `json:"started_at"`
	ScheduledEnd *time.Time     `json:"scheduled_end"`
	NextUpdateAt *time.Time     `json:"next_update_at"`
	// Body is the first post.
	Body string `json:"body"`
}

// CreateIncident publishes an incident, advisory or planned maintenance.
func (s *Service) CreateIncident(ctx context.Context, actor *User, in NewIncident) (*Incident, error) {
	if err := requireStatusManager(actor); err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	inc := &Incident{
		Kind: in.Kind, Title: strings.TrimSpace(in.Title), Impact: in.Impact, Status: in.Status,
		Affected: in.Affected, Regions: in.Regions, Public: in.Public, OrgIDs: in.OrgIDs,
		StartedAt: now, ScheduledEnd: in.ScheduledEnd, NextUpdateAt: in.NextUpdateAt,
		CreatedBy: actor.ID, CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	if inc.Kind == "" {
		inc.Kind = KindIncident
	}
	if inc.Impact == "" {
		inc.Impact = ImpactMinor
	}
	if inc.Status == "" {
		inc.Status = IncidentInvestigating
		if inc.Kind == KindMaintenance {
			inc.Status = MaintenanceScheduled
		}
	}
	if in.StartedAt != nil {
		inc.StartedAt = in.StartedAt.UTC()
	}
	if err := s.checkIncident(ctx, inc); err != nil {
		return nil, err
	}
	if err := checkText("body", in.Body, true, MaxBodyLen); err != nil {
		return nil, err
	}
	if inc.Status.Ended() {
		t := now
		inc.EndedAt = &t
	}
	inc.Posts = []*IncidentPost{{ID: 1, Status: inc.Status, Body: in.Body, AuthorID: actor.ID, CreatedAt: now}}
	deliver, err := s.incidentDeliveries(ctx, EventIncidentCreated, inc)
	if err != nil {
		return nil, fmt.Errorf("create incident: %w", err)
	}
	if err := s.Store.CreateIncident(ctx, inc, s.audit(ctx, actor, 0, "incident.create", "incident", "", in), deliver); err != nil {
		return nil, fmt.Errorf("create incident: %w", err)
	}
	s.publishHealth(ctx)
	return inc, nil
}

// checkIncident validates what a status manager sets on an incident.
func (s *Service) checkIncident(ctx context.Context, inc *Incident) error {
	switch inc.Kind {
	case KindIncident, KindAdvisory:
		if !slices.Contains(incidentStatuses, inc.Status) {
			return FieldError(EINVALID, "invalid_status", "status", "status must be one of %s", joinStrings(incidentStatuses))
		}
	case KindMaintenance:
		if !slices.Contains(maintenanceStatuses, inc.Status) {
			return FieldError(EINVALID, "invalid_status", "status", "maintenance status must be one of %s", joinStrings(maintenanceStatuses))
		}
		if inc.ScheduledEnd == nil || !inc.ScheduledEnd.After(inc.StartedAt) {
			return FieldError(EREFUSED, "scheduled_end_required", "scheduled_end", "maintenance needs an end after its start")
		}
	default:
		return FieldError(EINVALID, "invalid_kind", "kind", "kind must be incident, advisory or maintenance")
	}
	if !slices.Contains(Impacts, inc.Impact) {
		return FieldError(EINVALID, "invalid_impact", "impact", "impact must be none, minor, major or critical")
	}
	if err := checkText("title", inc.Title, true, MaxTitleLen); err != nil {
		return err
	}
	if len(inc.Affected) == 0 {
		return FieldError(EREFUSED, "affected_required", "affected", "name at least one affected service")
	}
	comps, err := s.Store.Components(ctx)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, a := range inc.Affected {
		if !slices.ContainsFunc(comps, func(c *Component) bool { return c.Code == a.Component }) || seen[a.Component] {
			return FieldError(EREFUSED, "unknown_component", "affected", "unknown or repeated service %q", a.Component)
		}
		seen[a.Component] = true
		if a.Status == "" {
			inc.Affected[i].Status = ComponentDegraded
			if inc.Kind == KindMaintenance {
				inc.Affected[i].Status = ComponentMaintenance
			}
		} else if !a.Status.Valid() || a.Status == ComponentOperational {
			return FieldError(EINVALID, "invalid_component_status", "affected", "an affected service is degraded, partial_outage, major_outage or maintenance")
		}
	}
	if len(inc.Regions) > 20 {
		return FieldError(EREFUSED, "too_many_regions", "regions", "at most 20 regions")
	}
	for _, r := range inc.Regions {
		if err := checkText("regions", r, true, 50); err != nil {
			return err
		}
	}
	if !inc.Public {
		if len(inc.OrgIDs) == 0 {
			return FieldError(EREFUSED, "orgs_required", "org_ids", "an incident that is not public names the organisations it affects")
		}
		for _, id := range inc.OrgIDs {
			if _, err := s.Store.Org(ctx, id); err != nil {
				return FieldError(EREFUSED, "unknown_org", "org_ids", "organisation %d not found", id)
			}
		}
	}
	return nil
}

func joinStrings[T ~string](v []T) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}

// IncidentUpdate is a new post on an incident, which may move its status,
// change what it affects, or set the time of the next update.
type IncidentUpdate struct {
	Status       IncidentStatus `json:"status"`
	Body         string         `json:"body"`
	Impact       Impact         `json:"impact,omitempty"`
	Affected     []Affected     `json:"affected,omitempty"`
	NextUpdateAt *time.Time     `json:"next_update_at,omitempty"`
	// ResolveLinkedCases resolves the open cases linked to the incident
	// with the outcome outage_resolved when this post ends it; without
	// it they get the post as a reply.
	ResolveLinkedCases bool `json:"resolve_linked_cases,omitempty"`
	// IfVersion, when set, is the version of the incident the post was
	// written against (the API's If-Match): the post is refused if
	// another status manager changed the incident since.
	IfVersion int `json:"-"`
}

// checkIncidentVersion refuses a change written against another version
// of the incident than the stored one.
func checkIncidentVersion(inc *Incident, ifVersion int) error {
	if ifVersion != 0 && inc.Version != ifVersion {
		return Errorf(ECONFLICT, "version_mismatch", "the incident is at version %d, not %d: someone changed it; read it again", inc.Version, ifVersion)
	}
	return nil
}

// PostUpdate adds a post to an incident. A post in an ending status ends
// the incident, and the open cases linked to it hear of it: the change
// queues a status notice in its own transaction, and the follow-up that
// notice drives (noticeCases) runs at once and, should this node stop
// first, from the queue on any node.
func (s *Service) PostUpdate(ctx context.Context, actor *User, id int64, u IncidentUpdate) (*Incident, error) {
	if err := requireStatusManager(actor); err != nil {
		return nil, err
	}
	if err := checkText("body", u.Body, true, MaxBodyLen); err != nil {
		return nil, err
	}
	var ends bool
	inc, err := s.changeIncident(ctx, actor, id, "incident.post", u, func(inc *Incident, now time.Time) error {
		if err := checkIncidentVersion(inc, u.IfVersion); err != nil {
			return err
		}
		ends = inc.EndedAt == nil
		if u.Status != "" {
			inc.Status = u.Status
		}
		if u.Impact != "" {
			inc.Impact = u.Impact
		}
		if len(u.Affected) > 0 {
			inc.Affected = u.Affected
		}
		inc.NextUpdateAt = u.NextUpdateAt
		if inc.Status.Ended() && inc.EndedAt == nil {
			t := now
			inc.EndedAt, inc.NextUpdateAt = &t, nil
		} else if !inc.Status.Ended() {
			inc.EndedAt = nil
		}
		ends = ends && inc.EndedAt != nil
		inc.Posts = append(inc.Posts, &IncidentPost{ID: int64(len(inc.Posts) + 1), Status: inc.Status, Body: u.Body, AuthorID: actor.ID, CreatedAt: now,
			ResolveCases: ends && u.ResolveLinkedCases})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if ends {
		s.followUp(ctx)
	}
	return inc, nil
}

// PublishReport sets the post-incident report of an ended incident and
// moves it to post_incident_report_published. The cases that asked for
// the report are then told where to read it, through the same queued
// follow-up as an ending post (see PostUpdate).
func (s *Service) PublishReport(ctx context.Context, actor *User, id int64, report string) (*Incident, error) {
	return s.PublishReportAt(ctx, actor, id, report, 0)
}

// PublishReportAt is PublishReport refused unless the incident is at
// version ifVersion (0: any), as the API's If-Match asks.
func (s *Service) PublishReportAt(ctx context.Context, actor *User, id int64, report string, ifVersion int) (*Incident, error) {
	if err := requireStatusManager(actor); err != nil {
		return nil, err
	}
	if err := checkText("report", report, true, 5*MaxBodyLen); err != nil {
		return nil, err
	}
	inc, err := s.changeIncident(ctx, actor, id, "incident.report", map[string]any{"length": len(report)}, func(inc *Incident, now time.Time) error {
		if err := checkIncidentVersion(inc, ifVersion); err != nil {
			return err
		}
		if inc.EndedAt == nil || inc.Kind == KindMaintenance {
			return Errorf(EREFUSED, "incident_not_ended", "a report is published once the incident has ended")
		}
		t := now
		inc.Report, inc.ReportPublishedAt = report, &t
		if inc.Status == IncidentRestored {
			inc.Status = IncidentReported
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.followUp(ctx)
	return inc, nil
}

func (s *Service) changeIncident(ctx context.Context, actor *User, id int64, action string, detail any, fn func(inc *Incident, now time.Time) error) (*Incident, error) {
	for attempt := 0; ; attempt++ {
		inc, err := s.Store.Incident(ctx, id)
		if err != nil {
			return nil, err
		}
		prev, wasEnded := inc.Version, inc.EndedAt != nil
		now := s.Clock.Now()
		if err := fn(inc, now); err != nil {
			return nil, err
		}
		if err := s.checkIncident(ctx, inc); err != nil {
			return nil, err
		}
		inc.Version, inc.UpdatedAt = prev+1, now
		deliver, err := s.incidentDeliveries(ctx, incidentEvent(wasEnded, inc), inc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", action, err)
		}
		err = s.Store.UpdateIncident(ctx, inc, prev, s.audit(ctx, actor, 0, action, "incident", fmt.Sprint(id), detail), deliver)
		if ErrorKind(err) == ECONFLICT && attempt < maxChangeAttempts {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", action, err)
		}
		s.publishHealth(ctx)
		return inc, nil
	}
}

// publishHealth tells the status page (on every node) to rebuild.
func (s *Service) publishHealth(ctx context.Context) {
	if s.Bus != nil {
		s.Bus.Publish(ctx, Event{Type: EventHealthChanged, At: s.Clock.Now()})
	}
}

// Events of service health. They are separate so that a status page
// reloads the list of components only when it changed: an incident's
// publish then costs the page one store query.
const (
	// EventHealthChanged is published when an incident changes.
	EventHealthChanged = "health.changed"
	// EventComponentsChanged is published when a service or feature group
	// is added or changed.
	EventComponentsChanged = "health.components_changed"
)

// Incident returns an incident the actor may see: staff see all, the
// customer side the public ones and those limited to its organisation.
func (s *Service) Incident(ctx context.Context, actor *User, id int64) (*Incident, error) {
	inc, err := s.Store.Incident(ctx, id)
	if err != nil {
		return nil, err
	}
	if actor != nil && actor.IsStaff() {
		return inc, nil
	}
	var org int64
	if actor != nil {
		org = actor.OrgID
	}
	if !inc.VisibleTo(org) {
		return nil, NotFound("incident")
	}
	return inc, nil
}

// Incidents lists the incidents the actor may see that are going on or
// ended since a time, newest first; a nil actor is the public.
func (s *Service) Incidents(ctx context.Context, actor *User, since time.Time) ([]*Incident, error) {
	all, err := s.Store.Incidents(ctx, since)
	if err != nil {
		return nil, err
	}
	if actor != nil && actor.IsStaff() {
		return all, nil
	}
	var org int64
	if actor != nil {
		org = actor.OrgID
	}
	out := all[:0]
	for _, inc := range all {
		if inc.VisibleTo(org) {
			out = append(out, inc)
		}
	}
	return out, nil
}

// CurrentStatus returns each component's status at t from the incidents
// going on then: the worst of what they say, operational when none.
func CurrentStatus(comps []*Component, incs []*Incident, t time.Time) map[string]ComponentStatus {
	out := make(map[string]ComponentStatus, len(comps))
	for _, c := range comps {
		out[c.Code] = ComponentOperational
	}
	for _, inc := range incs {
		if !inc.Active(t) {
			continue
		}
		for _, a := range inc.Affected {
			if cur, ok := out[a.Component]; ok && a.Status.Worse(cur) {
				out[a.Component] = a.Status
			}
		}
	}
	// A service is as bad as its worst feature group.
	for _, c := range comps {
		if c.Parent != "" && out[c.Code].Worse(out[c.Parent]) {
			out[c.Parent] = out[c.Code]
		}
	}
	return out
}

// Uptime returns a component's share of time up in [from, to): time in a
// partial or major outage by any incident counts as down, overlapping
// incidents once; maintenance and degradation do not.
func Uptime(code string, incs []*Incident, from, to time.Time) float64 {
	if !to.After(from) {
		return 1
	}
	type span struct{ a, b time.Time }
	var down []span
	for _, inc := range incs {
		st, ok := inc.Affects(code)
		if !ok || !st.Down() {
			continue
		}
		a, b := inc.StartedAt, to
		if inc.EndedAt != nil {
			b = *inc.EndedAt
		}
		if a.Before(from) {
			a = from
		}
		if b.After(to) {
			b = to
		}
		if b.After(a) {
			down = append(down, span{a, b})
		}
	}
	slices.SortFunc(down, func(x, y span) int { return x.a.Compare(y.a) })
	var total time.Duration
	var cur span
	for i, d := range down {
		switch {
		case i == 0:
			cur = d
		case !d.a.After(cur.b):
			if d.b.After(cur.b) {
				cur.b = d.b
			}
		default:
			total += cur.b.Sub(cur.a)
			cur = d
		}
	}
	if len(down) > 0 {
		total += cur.b.Sub(cur.a)
	}
	return 1 - float64(total)/float64(to.Sub(from))
}

// ServiceHealth is one service and its feature groups as a customer sees
// them.
type ServiceHealth struct {
	Component *Component
	Status    ComponentStatus
	Groups    []GroupHealth
}

// GroupHealth is a feature group and its status.
type GroupHealth struct {
	Component *Component
	Status    ComponentStatus
}

// HealthView is the service health of what an organisation uses: the
// portal's home, "Need help?" and the case form show it.
type HealthView struct {
	Services []ServiceHealth
	// Incidents are going on now and concern the organisation's services;
	// Upcoming is maintenance announced ahead.
	Incidents []*Incident
	Upcoming  []*Incident
}

// Degraded reports whether any service is not operational.
func (h *HealthView) Degraded() bool {
	for _, s := range h.Services {
		if s.Status != ComponentOperational {
			return true
		}
	}
	return false
}

// IncidentsFor returns the incidents going on that concern a product.
func (h *HealthView) IncidentsFor(product string) []*Incident {
	var out []*Incident
	for _, inc := range h.Incidents {
		for _, s := range h.Services {
			if s.Component.Product != product {
				continue
			}
			if _, ok := inc.Affects(s.Component.Code); ok {
				out = append(out, inc)
				break
			}
			for _, g := range s.Groups {
				if _, ok := inc.Affects(g.Component.Code); ok {
					out = append(out, inc)
					break
				}
			}
		}
	}
	return slices.Compact(out)
}

// OrgHealth returns the service health of the actor's organisation: the
// services of the products it subscribes to (and those of no product, such
// as sign-in), and the incidents it may see that concern them. Staff see
// every service.
func (s *Service) OrgHealth(ctx context.Context, actor *User) (*HealthView, error) {
	comps, err := s.Store.Components(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	incs, err := s.Incidents(ctx, actor, now)
	if err != nil {
		return nil, err
	}
	uses := map[string]bool{}
	if !actor.IsStaff() {
		subs, err := s.Store.Subscriptions(ctx, actor.OrgID)
		if err != nil {
			return nil, err
		}
		for _, sub := range subs {
			uses[sub.Product] = true
		}
	}
	status := CurrentStatus(comps, incs, now)
	h := &HealthView{}
	mine := map[string]bool{}
	for _, c := range comps {
		if c.Parent != "" || (c.Product != "" && !actor.IsStaff() && !uses[c.Product]) {
			continue
		}
		sh := ServiceHealth{Component: c, Status: status[c.Code]}
		mine[c.Code] = true
		for _, g := range comps {
			if g.Parent == c.Code {
				sh.Groups = append(sh.Groups, GroupHealth{Component: g, Status: status[g.Code]})
				mine[g.Code] = true
			}
		}
		h.Services = append(h.Services, sh)
	}
	for _, inc := range incs {
		concerns := slices.ContainsFunc(inc.Affected, func(a Affected) bool { return mine[a.Component] })
		switch {
		case !concerns:
		case inc.Active(now):
			h.Incidents = append(h.Incidents, inc)
		case inc.StartedAt.After(now) && inc.EndedAt == nil:
			h.Upcoming = append(h.Upcoming, inc)
		}
	}
	return h, nil
}

// Latest returns the newest post, nil if there is none.
func (i *Incident) Latest() *IncidentPost {
	if len(i.Posts) == 0 {
		return nil
	}
	return i.Posts[len(i.Posts)-1]
}
