package web

import (
	"errors"
	"net/http"
	"time"

	"desk"
	"desk/bizhours"
)

// calendarBody is the JSON form of a bizhours.Calendar, decoded strictly
// first so that unknown fields and wrong types are refused as everywhere
// else; bizhours then decodes the same bytes, loading the time zone.
type calendarBody struct {
	Name       string                `json:"name"`
	TimeZone   string                `json:"time_zone"`
	Week       [][]bizhours.Interval `json:"week"`
	Holidays   []bizhours.Holiday    `json:"holidays"`
	AlwaysOpen bool                  `json:"always_open"`
}

// putCalendar stores the calendar named in the path, replacing the one of
// that name (supervisors and system admins).
func (s *Server) putCalendar(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	if err := desk.RequireSLAAdmin(u); err != nil {
		return err
	}
	name := r.PathValue("name")
	if err := requireJSON(r); err != nil {
		return err
	}
	b, err := readBody(w, r, s.maxBody())
	if err != nil {
		return err
	}
	var in calendarBody
	if err := unmarshalStrict(b, &in); err != nil {
		return err
	}
	if in.Week != nil && len(in.Week) != 7 {
		return desk.FieldError(desk.EINVALID, "invalid_calendar", "week",
			"week must list 7 days of intervals, Sunday first; got %d", len(in.Week))
	}
	if in.Name != "" && in.Name != name {
		return desk.FieldError(desk.EINVALID, "name_mismatch", "name",
			"the body names calendar %q, the path %q", in.Name, name)
	}
	cal := &bizhours.Calendar{}
	if err := cal.UnmarshalJSON(b); err != nil {
		var be *bizhours.Error
		if errors.As(err, &be) {
			return desk.InvalidCalendar(err)
		}
		return malformed("malformed calendar: %v", err)
	}
	cal.Name = name
	if err := s.Service.PutCalendar(r.Context(), u, cal); err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, cal)
}

// listCalendars lists the stored calendars (supervisors and system admins).
func (s *Server) listCalendars(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	cals, err := s.Service.Calendars(r.Context(), u)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, items(cals))
}

// slaPolicyBody is the JSON form of an SLA policy: targets as text such as
// "1h", "8h" or "1 business day", each on the policy's calendar unless it
// names its own.
type slaPolicyBody struct {
	Plan                  string        `json:"plan"`
	Severity              desk.Severity `json:"severity"`
	Calendar              string        `json:"calendar"`
	FirstResponse         string        `json:"first_response"`
	FirstResponseCalendar string        `json:"first_response_calendar,omitempty"`
	NextResponse          string        `json:"next_response,omitempty"`
	NextResponseCalendar  string        `json:"next_response_calendar,omitempty"`
	Resolution            string        `json:"resolution,omitempty"`
	ResolutionCalendar    string        `json:"resolution_calendar,omitempty"`
}

func policyBody(p *desk.SLAPolicy) slaPolicyBody {
	str := func(t desk.SLATarget) string {
		if t.IsZero() {
			return ""
		}
		return t.Target.String()
	}
	return slaPolicyBody{
		Plan: p.Plan, Severity: p.Severity, Calendar: p.Calendar,
		FirstResponse: str(p.FirstResponse()), FirstResponseCalendar: p.FirstResponseCalendar,
		NextResponse: str(p.NextResponse()), NextResponseCalendar: p.NextResponseCalendar,
		Resolution: str(p.Resolution()), ResolutionCalendar: p.ResolutionCalendar,
	}
}

// policy parses the targets. An absent target is none; the service
// decides which are required.
func (b slaPolicyBody) policy() (*desk.SLAPolicy, error) {
	p := &desk.SLAPolicy{Plan: b.Plan, Severity: b.Severity, Calendar: b.Calendar}
	for _, t := range []struct {
		field, text, calendar string
		set                   func(bizhours.Target, string)
	}{
		{"first_response", b.FirstResponse, b.FirstResponseCalendar, p.SetFirstResponse},
		{"next_response", b.NextResponse, b.NextResponseCalendar, p.SetNextResponse},
		{"resolution", b.Resolution, b.ResolutionCalendar, p.SetResolution},
	} {
		var target bizhours.Target
		if t.text != "" {
			var err error
			if target, err = bizhours.ParseTarget(t.text); err != nil {
				msg := err.Error()
				var be *bizhours.Error
				if errors.As(err, &be) {
					msg = be.Message
				}
				return nil, desk.FieldError(desk.EREFUSED, "invalid_target", t.field, "%s: %s", t.field, msg)
			}
		}
		t.set(target, t.calendar)
	}
	return p, nil
}

// putSLAPolicy stores the policy of a plan and severity, replacing the one
// there was (supervisors and system admins).
func (s *Server) putSLAPolicy(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	if err := desk.RequireSLAAdmin(u); err != nil {
		return err
	}
	var in slaPolicyBody
	if err := decodeJSON(w, r, s.maxBody(), &in); err != nil {
		return err
	}
	p, err := in.policy()
	if err != nil {
		return err
	}
	if err := s.Service.PutSLAPolicy(r.Context(), u, p); err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, policyBody(p))
}

// listSLAPolicies lists every SLA policy (supervisors and system admins).
func (s *Server) listSLAPolicies(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	ps, err := s.Service.SLAPolicies(r.Context(), u)
	if err != nil {
		return err
	}
	out := make([]slaPolicyBody, len(ps))
	for i, p := range ps {
		out[i] = policyBody(p)
	}
	return s.writeJSON(w, r, http.StatusOK, items(out))
}

// recomputeSLA recomputes the due times and timers of every case not yet
// closed, after calendars or policies changed (supervisors and system
// admins).
func (s *Server) recomputeSLA(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	n, err := s.Service.RecomputeSLA(r.Context(), u)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, map[string]int{"updated": n})
}

// slaSummary counts the SLA warnings, breaches, downgrades and automatic
// closes since ?since= (RFC 3339; default 30 days ago).
func (s *Server) slaSummary(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	since := s.Service.Clock.Now().Add(-30 * 24 * time.Hour)
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return desk.FieldError(desk.EINVALID, "invalid_since", "since", "since must be an RFC 3339 time such as 2026-11-01T00:00:00Z")
		}
		since = t
	}
	sum, err := s.Service.Summary(r.Context(), u, since)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, sum)
}
