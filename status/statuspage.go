package status

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"desk"
)

// The JSON API follows the public shape of Atlassian Statuspage's v2 API
// (as served at https://metastatuspage.com/api/v2/summary.json), because
// monitoring tools, chat bots and status aggregators parse it already.
// Our statuses are mapped onto Statuspage's fixed vocabularies; fields we
// have no data for are null, as Statuspage itself sends them.

type spPage struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	URL       string    `json:"url"`
	TimeZone  string    `json:"time_zone"`
	UpdatedAt time.Time `json:"updated_at"`
}

type spStatus struct {
	Indicator   string `json:"indicator"`
	Description string `json:"description"`
}

type spComponent struct {
	ID                 string    `json:"id"`
	Name               string    `json:"name"`
	Status             string    `json:"status"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
	Position           int       `json:"position"`
	Description        *string   `json:"description"`
	Showcase           bool      `json:"showcase"`
	StartDate          *string   `json:"start_date"`
	GroupID            *string   `json:"group_id"`
	PageID             string    `json:"page_id"`
	Group              bool      `json:"group"`
	OnlyShowIfDegraded bool      `json:"only_show_if_degraded"`
	Components         []string  `json:"components,omitempty"`
}

type spUpdate struct {
	ID                   string    `json:"id"`
	Status               string    `json:"status"`
	Body                 string    `json:"body"`
	IncidentID           string    `json:"incident_id"`
	CreatedAt            time.Time `json:"created_at"`
	UpdatedAt            time.Time `json:"updated_at"`
	DisplayAt            time.Time `json:"display_at"`
	AffectedComponents   []any     `json:"affected_components"`
	DeliverNotifications bool      `json:"deliver_notifications"`
	CustomTweet          *string   `json:"custom_tweet"`
	TweetID              *string   `json:"tweet_id"`
}

type spIncident struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	Status          string         `json:"status"`
	CreatedAt       time.Time      `json:"created_at"`
	UpdatedAt       time.Time      `json:"updated_at"`
	MonitoringAt    *time.Time     `json:"monitoring_at"`
	ResolvedAt      *time.Time     `json:"resolved_at"`
	Impact          string         `json:"impact"`
	Shortlink       string         `json:"shortlink"`
	StartedAt       time.Time      `json:"started_at"`
	PageID          string         `json:"page_id"`
	IncidentUpdates []spUpdate     `json:"incident_updates"`
	Components      []*spComponent `json:"components"`
	// ScheduledFor and ScheduledUntil are set on scheduled maintenance
	// only; incidents leave them out, as Statuspage does.
	ScheduledFor   *time.Time `json:"scheduled_for,omitempty"`
	ScheduledUntil *time.Time `json:"scheduled_until,omitempty"`
}

// componentStatus maps our component statuses onto Statuspage's.
var componentStatus = map[desk.ComponentStatus]string{
	desk.ComponentOperational:   "operational",
	desk.ComponentDegraded:      "degraded_performance",
	desk.ComponentPartialOutage: "partial_outage",
	desk.ComponentMajorOutage:   "major_outage",
	desk.ComponentMaintenance:   "under_maintenance",
}

// incidentStatus maps our incident statuses onto Statuspage's, which has
// fewer steps: restoring service is still "identified", verifying is
// "monitoring", and every way of ending is "resolved" until a report
// makes it a "postmortem".
var incidentStatus = map[desk.IncidentStatus]string{
	desk.IncidentInvestigating: "investigating",
	desk.IncidentIdentified:    "identified",
	desk.IncidentRestoring:     "identified",
	desk.IncidentVerifying:     "monitoring",
	desk.IncidentRestored:      "resolved",
	desk.IncidentFalsePositive: "resolved",
	desk.IncidentReported:      "postmortem",
	desk.MaintenanceScheduled:  "scheduled",
	desk.MaintenanceInProgress: "in_progress",
	desk.MaintenanceCompleted:  "completed",
}

// maxListed is how many incidents and maintenances the list endpoints
// carry, as on Statuspage.
const maxListed = 50

// statuspageDocs renders every JSON document, keyed by its path under
// /api/v2/.
func (p *Page) statuspageDocs(m *model) (map[string][]byte, error) {
	base := strings.TrimSuffix(p.BaseURL, "/")
	page := spPage{ID: pageID(m.Name), Name: m.Name, URL: base + "/status", TimeZone: "Etc/UTC", UpdatedAt: m.updatedAt}

	// Components: each service followed by its feature groups; a service
	// with feature groups is a Statuspage group listing them.
	comps := make(map[string]*spComponent, len(m.comps))
	var all []*spComponent
	created := historyStart(m.now)
	for _, s := range m.Services {
		c := m.component(page.ID, s.C, created)
		c.Showcase = true
		all = append(all, c)
		for _, g := range s.Groups {
			gc := m.component(page.ID, g.C, created)
			gc.GroupID = &c.ID
			c.Group = true
			c.Components = append(c.Components, gc.ID)
			all = append(all, gc)
		}
	}
	for _, c := range all {
		comps[c.ID] = c
	}

	var incidents, unresolved, maint, upcoming, active []*spIncident
	for _, v := range m.incidents {
		inc := m.incident(page.ID, base, v, comps)
		if v.Inc.Kind == desk.KindMaintenance {
			if len(maint) < maxListed {
				maint = append(maint, inc)
			}
			switch inc.Status {
			case "scheduled":
				upcoming = append(upcoming, inc)
			case "in_progress", "verifying":
				active = append(active, inc)
			}
			continue
		}
		if len(incidents) < maxListed {
			incidents = append(incidents, inc)
		}
		if v.Inc.EndedAt == nil {
			unresolved = append(unresolved, inc)
		}
	}
	// Upcoming maintenance is listed soonest first, like the page.
	for i, j := 0, len(upcoming)-1; i < j; i, j = i+1, j-1 {
		upcoming[i], upcoming[j] = upcoming[j], upcoming[i]
	}
	st := indicator(m, unresolved, active)
	nonNil := func(l []*spIncident) []*spIncident {
		if l == nil {
			return []*spIncident{}
		}
		return l
	}
	if all == nil {
		all = []*spComponent{}
	}
	docs := map[string]any{
		"summary.json": struct {
			Page                  spPage         `json:"page"`
			Components            []*spComponent `json:"components"`
			Incidents             []*spIncident  `json:"incidents"`
			ScheduledMaintenances []*spIncident  `json:"scheduled_maintenances"`
			Status                spStatus       `json:"status"`
		}{page, all, nonNil(unresolved), nonNil(append(append([]*spIncident{}, active...), upcoming...)), st},
		"status.json": struct {
			Page   spPage   `json:"page"`
			Status spStatus `json:"status"`
		}{page, st},
		"components.json": struct {
			Page       spPage         `json:"page"`
			Components []*spComponent `json:"components"`
		}{page, all},
		"incidents.json":                       incidentList{page, nonNil(incidents)},
		"incidents/unresolved.json":            incidentList{page, nonNil(unresolved)},
		"scheduled-maintenances.json":          maintenanceList{page, nonNil(maint)},
		"scheduled-maintenances/upcoming.json": maintenanceList{page, nonNil(upcoming)},
		"scheduled-maintenances/active.json":   maintenanceList{page, nonNil(active)},
	}
	out := make(map[string][]byte, len(docs))
	for path, v := range docs {
		var b bytes.Buffer
		// The encoder escapes <, > and & as \u003c and so on, so even a
		// reader that wrongly treats the JSON as HTML sees no markup.
		if err := json.NewEncoder(&b).Encode(v); err != nil {
			return nil, fmt.Errorf("statuspage %s: %w", path, err)
		}
		out[path] = b.Bytes()
	}
	return out, nil
}

type incidentList struct {
	Page      spPage        `json:"page"`
	Incidents []*spIncident `json:"incidents"`
}

type maintenanceList struct {
	Page                  spPage        `json:"page"`
	ScheduledMaintenances []*spIncident `json:"scheduled_maintenances"`
}

// component returns the Statuspage form of a component. Our components
// carry no timestamps: created_at is the start of the history window, and
// updated_at the last change of an incident that concerns the component
// (or the same start if none did), so that both stay the same between
// rebuilds that change nothing.
func (m *model) component(pageID string, c *desk.Component, created time.Time) *spComponent {
	updated := created
	for _, v := range m.incidents {
		if _, ok := v.Inc.Affects(c.Code); ok && v.Inc.UpdatedAt.After(updated) {
			updated = v.Inc.UpdatedAt
		}
	}
	return &spComponent{
		ID: c.Code, Name: c.Name, Status: componentStatus[m.status[c.Code]],
		CreatedAt: created, UpdatedAt: updated, Position: c.Position, PageID: pageID,
	}
}

// incident returns the Statuspage form of an incident or maintenance.
func (m *model) incident(pageID, base string, v *incidentView, comps map[string]*spComponent) *spIncident {
	inc := v.Inc
	out := &spIncident{
		ID: v.ID(), Name: inc.Title, Status: incidentStatus[inc.Status],
		CreatedAt: inc.CreatedAt, UpdatedAt: inc.UpdatedAt, ResolvedAt: inc.EndedAt,
		Impact: string(inc.Impact), Shortlink: base + "/status/incidents/" + v.ID(),
		StartedAt: inc.StartedAt, PageID: pageID,
		IncidentUpdates: []spUpdate{}, Components: []*spComponent{},
	}
	if inc.Kind == desk.KindMaintenance {
		out.ScheduledFor, out.ScheduledUntil = &inc.StartedAt, inc.ScheduledEnd
		// The status follows the clock as well as the posts: work whose
		// start has come is in progress even before anyone posts so.
		switch {
		case inc.EndedAt != nil:
			out.Status = "completed"
		case inc.StartedAt.After(m.now):
			out.Status = "scheduled"
		default:
			out.Status = "in_progress"
		}
	}
	if inc.Kind == desk.KindAdvisory && inc.Impact == "" {
		out.Impact = string(desk.ImpactNone)
	}
	for _, pv := range v.Posts {
		post := pv.Post
		if post.Status == desk.IncidentVerifying && (out.MonitoringAt == nil || post.CreatedAt.Before(*out.MonitoringAt)) {
			t := post.CreatedAt
			out.MonitoringAt = &t
		}
		out.IncidentUpdates = append(out.IncidentUpdates, spUpdate{
			ID:     v.ID() + "-" + strconv.FormatInt(post.ID, 10),
			Status: incidentStatus[post.Status], Body: post.Body, IncidentID: v.ID(),
			CreatedAt: post.CreatedAt, UpdatedAt: post.CreatedAt, DisplayAt: post.CreatedAt,
			DeliverNotifications: true,
		})
	}
	for _, a := range inc.Affected {
		if c := comps[a.Component]; c != nil {
			out.Components = append(out.Components, c)
		}
	}
	return out
}

// indicator sums up the page as Statuspage does: the worse of what the
// components say and the impact of unresolved incidents.
func indicator(m *model, unresolved, maintenance []*spIncident) spStatus {
	level := map[desk.ComponentStatus]int{desk.ComponentDegraded: 1, desk.ComponentPartialOutage: 2, desk.ComponentMajorOutage: 3}[m.Overall]
	for _, inc := range unresolved {
		if l := map[string]int{"minor": 1, "major": 2, "critical": 3}[inc.Impact]; l > level {
			level = l
		}
	}
	switch level {
	case 1:
		return spStatus{"minor", "Minor Service Outage"}
	case 2:
		return spStatus{"major", "Partial System Outage"}
	case 3:
		return spStatus{"critical", "Major Service Outage"}
	}
	if len(maintenance) > 0 || m.Overall == desk.ComponentMaintenance {
		// Statuspage itself says "maintenance" here; readers that know
		// only the four levels would fail on it, so the level stays
		// "none" and the words tell.
		return spStatus{"none", "Service Under Maintenance"}
	}
	return spStatus{"none", "All Systems Operational"}
}

// pageID derives a stable page id from the vendor's name.
func pageID(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "status"
	}
	return b.String()
}
