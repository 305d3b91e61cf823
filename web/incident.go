package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"desk"
)

// incidentLocation is the URL of an incident.
func incidentLocation(id int64) string { return "/api/v1/incidents/" + strconv.FormatInt(id, 10) }

// listComponents lists the services and feature groups of the status page
// (status managers).
func (s *Server) listComponents(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	if err := desk.RequireStatusManager(u); err != nil {
		return err
	}
	comps, err := s.Service.Components(r.Context())
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, items(comps))
}

// componentBody is what a status manager sends for a component; the code
// comes from the path.
type componentBody struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Parent   string `json:"parent"`
	Product  string `json:"product"`
	Position int    `json:"position"`
}

// putComponent adds or replaces the service or feature group named in the
// path (status managers).
func (s *Server) putComponent(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	// Who may is answered before what was sent.
	if err := desk.RequireStatusManager(u); err != nil {
		return err
	}
	var in componentBody
	if err := decodeJSON(w, r, s.maxBody(), &in); err != nil {
		return err
	}
	code := r.PathValue("code")
	if in.Code != "" && in.Code != code {
		return desk.FieldError(desk.EINVALID, "code_mismatch", "code",
			"the body names component %q, the path %q", in.Code, code)
	}
	c, err := s.Service.PutComponent(r.Context(), u, desk.Component{
		Code: code, Name: in.Name, Parent: in.Parent, Product: in.Product, Position: in.Position,
	})
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, c)
}

// createIncident publishes an incident, advisory or planned maintenance
// (status managers).
func (s *Server) createIncident(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	if err := desk.RequireStatusManager(u); err != nil {
		return err
	}
	var in desk.NewIncident
	if err := decodeJSON(w, r, s.maxBody(), &in); err != nil {
		return err
	}
	inc, err := s.Service.CreateIncident(r.Context(), u, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", incidentLocation(inc.ID))
	return s.writeJSON(w, r, http.StatusCreated, inc)
}

// listIncidents lists the incidents the caller may see that are going on,
// announced, or ended since the time in ?since= (RFC 3339; by default the
// history the status page shows), newest first.
func (s *Server) listIncidents(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	since := s.Service.Clock.Now().Add(-desk.HealthHistory)
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return desk.FieldError(desk.EINVALID, "invalid_since", "since",
				"since must be an RFC 3339 time such as 2026-01-02T15:04:05Z")
		}
		since = t
	}
	incs, err := s.Service.Incidents(r.Context(), u, since)
	if err != nil {
		return err
	}
	out := make([]*desk.Incident, len(incs))
	for i, inc := range incs {
		out[i] = incidentFor(u, inc)
	}
	return s.writeJSON(w, r, http.StatusOK, items(out))
}

// getIncident returns an incident the caller may see; any other is not
// found, exactly like an id that never existed.
func (s *Server) getIncident(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	id, err := pathID(r, "incident")
	if err != nil {
		return err
	}
	inc, err := s.Service.Incident(r.Context(), u, id)
	if err != nil {
		return err
	}
	setIncidentETag(w, inc)
	return s.writeJSON(w, r, http.StatusOK, incidentFor(u, inc))
}

// setIncidentETag names the incident's version, which a status manager's
// change may send back in If-Match.
func setIncidentETag(w http.ResponseWriter, inc *desk.Incident) {
	w.Header().Set("ETag", `"`+strconv.Itoa(inc.Version)+`"`)
}

// ifMatchVersion reads an If-Match header naming an incident version: 0
// without the header. Two status managers posting at once would
// otherwise each write over what the other just said.
func ifMatchVersion(r *http.Request) (int, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" {
		return 0, nil
	}
	v, err := strconv.Atoi(strings.Trim(h, `"`))
	if err != nil || v <= 0 || !strings.HasPrefix(h, `"`) || !strings.HasSuffix(h, `"`) {
		return 0, desk.FieldError(desk.EINVALID, "invalid_if_match", "If-Match", `If-Match must be the incident's ETag, such as "3"`)
	}
	return v, nil
}

// preconditionFailed answers a change refused by If-Match with 412.
func preconditionFailed(err error) error {
	var e *desk.Error
	if errors.As(err, &e) && e.Code == "version_mismatch" {
		return &statusError{Status: http.StatusPreconditionFailed, Err: e}
	}
	return err
}

// postIncidentUpdate adds a post to an incident, which may move its status
// and end it (status managers). It answers with the incident.
func (s *Server) postIncidentUpdate(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	if err := desk.RequireStatusManager(u); err != nil {
		return err
	}
	id, err := pathID(r, "incident")
	if err != nil {
		return err
	}
	var in desk.IncidentUpdate
	if err := decodeJSON(w, r, s.maxBody(), &in); err != nil {
		return err
	}
	if in.IfVersion, err = ifMatchVersion(r); err != nil {
		return err
	}
	inc, err := s.Service.PostUpdate(r.Context(), u, id, in)
	if err != nil {
		return preconditionFailed(err)
	}
	setIncidentETag(w, inc)
	w.Header().Set("Location", incidentLocation(inc.ID))
	return s.writeJSON(w, r, http.StatusCreated, inc)
}

// reportBody is the post-incident report in Markdown.
type reportBody struct {
	Report string `json:"report"`
}

// putIncidentReport publishes or replaces the post-incident report of an
// ended incident (status managers).
func (s *Server) putIncidentReport(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	if err := desk.RequireStatusManager(u); err != nil {
		return err
	}
	id, err := pathID(r, "incident")
	if err != nil {
		return err
	}
	var in reportBody
	if err := decodeJSON(w, r, s.maxBody(), &in); err != nil {
		return err
	}
	ifVersion, err := ifMatchVersion(r)
	if err != nil {
		return err
	}
	inc, err := s.Service.PublishReportAt(r.Context(), u, id, in.Report, ifVersion)
	if err != nil {
		return preconditionFailed(err)
	}
	setIncidentETag(w, inc)
	return s.writeJSON(w, r, http.StatusOK, inc)
}

// incidentFor returns the incident as the caller may read it. Customers do
// not learn which other organisations a limited incident names, nor which
// member of staff wrote it; the stored incident is left untouched, since a
// store may share it with other readers.
func incidentFor(u *desk.User, inc *desk.Incident) *desk.Incident {
	if u.IsStaff() {
		return inc
	}
	c := *inc
	c.CreatedBy = 0
	c.OrgIDs = nil
	if slices.Contains(inc.OrgIDs, u.OrgID) {
		c.OrgIDs = []int64{u.OrgID}
	}
	c.Posts = make([]*desk.IncidentPost, len(inc.Posts))
	for i, p := range inc.Posts {
		cp := *p
		cp.AuthorID = 0
		c.Posts[i] = &cp
	}
	return &c
}
