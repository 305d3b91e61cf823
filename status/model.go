package status

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"desk"
)

// historyDays is the number of day cells per service: today and the 89
// days before it, all inside desk.HealthHistory.
const historyDays = 90

// model is what one snapshot shows, worked out once and then rendered in
// every language and format.
type model struct {
	Name string
	now  time.Time
	// Overall is the worst current status of any component.
	Overall desk.ComponentStatus
	comps   []*desk.Component
	byCode  map[string]*desk.Component
	status  map[string]desk.ComponentStatus
	// Services are the top-level components with their feature groups and
	// history, in position order.
	Services []*serviceView
	// incidents are every public incident of the history window, newest
	// first; the lists below are views of it.
	incidents []*incidentView
	byID      map[int64]*incidentView
	// Active are incidents and advisories going on now, Maintenance is
	// maintenance in progress, Upcoming is maintenance announced ahead
	// (soonest first), and Past are those that have ended.
	Active, Maintenance, Upcoming, Past []*incidentView
	// fingerprint stands for everything besides an incident that its
	// page shows: the vendor's name and the components' names.
	fingerprint string
	// updatedAt is when the shown content last changed (the latest
	// incident change), so that identical content gets identical bytes
	// and ETags from one rebuild to the next.
	updatedAt time.Time
}

type serviceView struct {
	C      *desk.Component
	Status desk.ComponentStatus
	Groups []groupView
	// Uptime is the share of the history window the service was up.
	Uptime float64
	Days   []dayView
}

type groupView struct {
	C      *desk.Component
	Status desk.ComponentStatus
}

// dayView is one UTC day in a service's history: its worst status and
// its uptime (of the part that has passed, for today).
type dayView struct {
	Day    time.Time
	Worst  desk.ComponentStatus
	Uptime float64
}

type incidentView struct {
	Inc *desk.Incident
	// Posts are newest first, with their Markdown rendered and sanitised.
	Posts    []postView
	Report   string // sanitised HTML of the post-incident report
	Affected []affectedView
}

type postView struct {
	Post *desk.IncidentPost
	HTML string
}

type affectedView struct {
	Name   string
	Status desk.ComponentStatus
}

// ID returns the incident's id as it appears in paths and the JSON API.
func (v *incidentView) ID() string { return strconv.FormatInt(v.Inc.ID, 10) }

// newModel works out the page from the components and the public
// incidents at now; md renders Markdown to sanitised HTML.
func newModel(name string, comps []*desk.Component, incs []*desk.Incident, now time.Time, md func(string) string) *model {
	m := &model{
		Name: name, now: now, comps: comps,
		byCode: make(map[string]*desk.Component, len(comps)),
		byID:   make(map[int64]*incidentView, len(incs)),
	}
	fp := sha256.New()
	fmt.Fprintf(fp, "%q", name)
	for _, c := range comps {
		m.byCode[c.Code] = c
		fmt.Fprintf(fp, "|%q %q %q", c.Code, c.Name, c.Parent)
	}
	m.fingerprint = hex.EncodeToString(fp.Sum(nil)[:12])
	// The service already filtered to public incidents; checking again
	// here keeps a mistake there from leaking a limited incident.
	var public []*desk.Incident
	for _, inc := range incs {
		if inc.Public {
			public = append(public, inc)
		}
	}
	slices.SortStableFunc(public, func(a, b *desk.Incident) int {
		return cmp.Or(b.StartedAt.Compare(a.StartedAt), cmp.Compare(b.ID, a.ID))
	})
	m.status = desk.CurrentStatus(comps, public, now)
	m.Overall = desk.ComponentOperational
	for _, st := range m.status {
		if st.Worse(m.Overall) {
			m.Overall = st
		}
	}
	for _, inc := range public {
		v := newIncidentView(inc, m.byCode, md)
		m.incidents = append(m.incidents, v)
		m.byID[inc.ID] = v
		if inc.UpdatedAt.After(m.updatedAt) {
			m.updatedAt = inc.UpdatedAt
		}
		switch {
		case inc.Kind == desk.KindMaintenance && inc.Active(now):
			m.Maintenance = append(m.Maintenance, v)
		case inc.Kind == desk.KindMaintenance && inc.EndedAt == nil && inc.StartedAt.After(now):
			m.Upcoming = append(m.Upcoming, v)
		case inc.Active(now):
			m.Active = append(m.Active, v)
		case inc.EndedAt != nil:
			m.Past = append(m.Past, v)
		}
	}
	// Upcoming maintenance reads best soonest first.
	slices.Reverse(m.Upcoming)
	if m.updatedAt.IsZero() {
		// With nothing to date the content by, the start of the history
		// window's first day stands in: stable for a whole day, and the
		// same on every node.
		m.updatedAt = historyStart(now)
	}
	for _, c := range comps {
		if c.Parent != "" {
			continue
		}
		s := &serviceView{C: c, Status: m.status[c.Code]}
		codes := []string{c.Code}
		for _, g := range comps {
			if g.Parent == c.Code {
				s.Groups = append(s.Groups, groupView{C: g, Status: m.status[g.Code]})
				codes = append(codes, g.Code)
			}
		}
		s.history(public, codes, now)
		m.Services = append(m.Services, s)
	}
	return m
}

func newIncidentView(inc *desk.Incident, byCode map[string]*desk.Component, md func(string) string) *incidentView {
	v := &incidentView{Inc: inc, Report: md(inc.Report)}
	for i := len(inc.Posts) - 1; i >= 0; i-- {
		v.Posts = append(v.Posts, postView{Post: inc.Posts[i], HTML: md(inc.Posts[i].Body)})
	}
	for _, a := range inc.Affected {
		name := a.Component
		if c := byCode[a.Component]; c != nil {
			name = c.Name
			if p := byCode[c.Parent]; p != nil {
				name = p.Name + " – " + c.Name
			}
		}
		v.Affected = append(v.Affected, affectedView{Name: name, Status: a.Status})
	}
	return v
}

// historyStart returns the start of the first day cell.
func historyStart(now time.Time) time.Time {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return today.AddDate(0, 0, -(historyDays - 1))
}

// history fills in a service's uptime and day cells. A service is as bad
// as its worst feature group (as in desk.CurrentStatus), so an outage of
// any of codes counts against it: each incident is reduced to one that
// affects the service with its worst status among codes, and desk.Uptime
// does the arithmetic, counting overlapping incidents once.
func (s *serviceView) history(incs []*desk.Incident, codes []string, now time.Time) {
	var mine []*desk.Incident
	for _, inc := range incs {
		worst, hit := desk.ComponentStatus(""), false
		for _, code := range codes {
			if st, ok := inc.Affects(code); ok && (!hit || st.Worse(worst)) {
				worst, hit = st, true
			}
		}
		if hit {
			c := *inc
			c.Affected = []desk.Affected{{Component: s.C.Code, Status: worst}}
			mine = append(mine, &c)
		}
	}
	s.Uptime = desk.Uptime(s.C.Code, mine, now.Add(-desk.HealthHistory), now)
	start := historyStart(now)
	s.Days = make([]dayView, historyDays)
	for i := range s.Days {
		from := start.AddDate(0, 0, i)
		to := earlier(from.AddDate(0, 0, 1), now)
		d := dayView{Day: from, Worst: desk.ComponentOperational, Uptime: 1}
		for _, inc := range mine {
			end := now
			if inc.EndedAt != nil {
				end = *inc.EndedAt
			}
			// An incident touches the day if it overlaps the part of the
			// day that has passed.
			if inc.StartedAt.Before(to) && end.After(from) && inc.Affected[0].Status.Worse(d.Worst) {
				d.Worst = inc.Affected[0].Status
			}
		}
		if to.After(from) {
			d.Uptime = desk.Uptime(s.C.Code, mine, from, to)
		}
		s.Days[i] = d
	}
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// percent formats an uptime share as a percentage with two decimals,
// truncated rather than rounded, so that any downtime at all shows as
// less than 100.00.
func percent(u float64) float64 {
	return math.Floor(u*10000+1e-9) / 100
}
