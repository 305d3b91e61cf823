package web

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"desk"
)

// DefaultPageSize is the number of cases in a page when the request does
// not name a limit.
const DefaultPageSize = 50

// maxImportBody is the largest import request from staff: an import carries
// up to desk.MaxImportBatch cases with their timelines, far more than a
// single case.
const maxImportBody = 32 << 20

// products lists the products the caller's organisation subscribes to.
func (s *Server) products(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	ps, err := s.Service.Products(r.Context(), u)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, items(ps))
}

// caseLocation is the URL of a case.
func caseLocation(id int64) string { return "/api/v1/cases/" + strconv.FormatInt(id, 10) }

// pathID returns the {id} path value as a positive integer. Anything else
// is answered like an id that does not exist.
func pathID(r *http.Request, what string) (int64, error) {
	v := r.PathValue("id")
	if v == "" || len(v) > 19 || strings.TrimLeft(v, "0123456789") != "" {
		return 0, desk.NotFound(what)
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, desk.NotFound(what)
	}
	return id, nil
}

// openCase opens a case. With an Idempotency-Key header, a retried request
// answers 200 with the case the first one created instead of creating
// another.
func (s *Server) openCase(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	var in desk.NewCase
	if err := decodeJSON(w, r, s.maxBody(), &in); err != nil {
		return err
	}
	c, created, err := s.Service.OpenCase(r.Context(), u, in, r.Header.Get("Idempotency-Key"))
	if err != nil {
		return err
	}
	w.Header().Set("Location", caseLocation(c.ID))
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
		w.Header().Set("Idempotent-Replayed", "true")
	}
	return s.writeJSON(w, r, status, c)
}

// encodeCursor and decodeCursor make the opaque page cursor: the creation
// time (microseconds) and id of the last case of a page. The scope of the
// caller, not the cursor, decides what the next page holds, so a forged
// cursor reveals nothing.
func encodeCursor(c *desk.CaseCursor) string {
	at := strconv.FormatInt(c.At.UnixMicro(), 10)
	if c.NoDue {
		at = "-"
	}
	return base64.RawURLEncoding.EncodeToString([]byte(c.Sort + "." + at + "." + strconv.FormatInt(c.ID, 10)))
}

func decodeCursor(s string) (*desk.CaseCursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) == 0 || len(b) > 48 {
		return nil, false
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 3 {
		return nil, false
	}
	c := &desk.CaseCursor{Sort: parts[0]}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || id <= 0 || strings.HasPrefix(parts[2], "+") {
		return nil, false
	}
	c.ID = id
	if parts[1] == "-" {
		c.NoDue = true
		return c, c.Sort == desk.SortDue
	}
	us, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || strings.HasPrefix(parts[1], "+") {
		return nil, false
	}
	c.At = time.UnixMicro(us).UTC()
	return c, true
}

// splitList splits query values that may each be comma lists.
func splitList(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// listCases lists the caller's cases, newest first or by due time, a page
// at a time.
func (s *Server) listCases(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	f, err := caseFilter(r)
	if err != nil {
		return err
	}
	p, err := s.Service.Cases(r.Context(), u, f)
	if err != nil {
		return err
	}
	return s.writeCasePage(w, r, p)
}

// casesAtRisk lists the cases whose next due time falls within ?within=
// (default two hours), earliest first.
func (s *Server) casesAtRisk(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	f, err := caseFilter(r)
	if err != nil {
		return err
	}
	within := 2 * time.Hour
	if v := r.URL.Query().Get("within"); v != "" {
		if within, err = time.ParseDuration(v); err != nil {
			return desk.FieldError(desk.EINVALID, "invalid_window", "within", "within must be a duration such as 90m or 4h")
		}
	}
	p, err := s.Service.AtRisk(r.Context(), u, within, f)
	if err != nil {
		return err
	}
	return s.writeCasePage(w, r, p)
}

func (s *Server) writeCasePage(w http.ResponseWriter, r *http.Request, p *desk.CasePage) error {
	page := items(p.Items)
	if p.Next != nil {
		page.NextCursor = encodeCursor(p.Next)
	}
	return s.writeJSON(w, r, http.StatusOK, page)
}

// caseFilter reads a case list's query parameters.
func caseFilter(r *http.Request) (desk.CaseFilter, error) {
	q := r.URL.Query()
	f := desk.CaseFilter{Product: q.Get("product"), Query: q.Get("q")}
	switch q.Get("sort") {
	case "", "newest":
	case "due":
		f.Sort = desk.SortDue
	default:
		return f, desk.FieldError(desk.EINVALID, "invalid_sort", "sort", "sort must be newest or due")
	}
	for _, v := range splitList(q["status"]) {
		f.Statuses = append(f.Statuses, desk.Status(v))
	}
	for _, v := range splitList(q["severity"]) {
		f.Severities = append(f.Severities, desk.Severity(v))
	}
	if v := q.Get("created_by"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return f, desk.FieldError(desk.EINVALID, "invalid_created_by", "created_by", "created_by must be a user id")
		}
		f.CreatedBy = id
	}
	limit := DefaultPageSize
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > desk.MaxPageSize {
			return f, desk.FieldError(desk.EINVALID, "invalid_limit", "limit",
				"limit must be an integer from 1 to %d", desk.MaxPageSize)
		}
		limit = n
	}
	if v := q.Get("cursor"); v != "" {
		c, ok := decodeCursor(v)
		if !ok {
			return f, desk.FieldError(desk.EINVALID, "invalid_cursor", "cursor",
				"cursor is not one this API returned; start again without it")
		}
		f.After = c
	}
	f.Limit = limit
	return f, nil
}

// getCase returns one case.
func (s *Server) getCase(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	c, err := s.Service.Case(r.Context(), u, id)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, c)
}

// listMessages returns a case's timeline as the caller may see it:
// customers never see internal notes.
func (s *Server) listMessages(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	ms, err := s.Service.Timeline(r.Context(), u, id)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, items(ms))
}

// addMessage adds a reply, or for staff an internal note, to a case.
func (s *Server) addMessage(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	var in desk.Reply
	if err := decodeJSON(w, r, s.maxBody(), &in); err != nil {
		return err
	}
	m, err := s.Service.AddMessage(r.Context(), u, id, in)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusCreated, m)
}

// caseAction serves the POST actions on a case that answer with the case.
func (s *Server) caseAction(w http.ResponseWriter, r *http.Request, act func(id int64) (*desk.Case, error)) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	c, err := act(id)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, c)
}

// closeCase closes a case; the body is empty or {}.
func (s *Server) closeCase(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	return s.caseAction(w, r, func(id int64) (*desk.Case, error) {
		if err := decodeEmpty(w, r, s.maxBody()); err != nil {
			return nil, err
		}
		return s.Service.Close(r.Context(), u, id)
	})
}

// reopenCase reopens a resolved case; the body is empty or {}.
func (s *Server) reopenCase(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	return s.caseAction(w, r, func(id int64) (*desk.Case, error) {
		if err := decodeEmpty(w, r, s.maxBody()); err != nil {
			return nil, err
		}
		return s.Service.Reopen(r.Context(), u, id)
	})
}

// infoRequest is the body of request-info: the question for the customer.
type infoRequest struct {
	Body string `json:"body"`
}

// requestInfo asks the customer for information; the case waits on them.
func (s *Server) requestInfo(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	return s.caseAction(w, r, func(id int64) (*desk.Case, error) {
		var in infoRequest
		if err := decodeJSON(w, r, s.maxBody(), &in); err != nil {
			return nil, err
		}
		return s.Service.RequestInfo(r.Context(), u, id, in.Body)
	})
}

// resolveCase resolves a case with an outcome.
func (s *Server) resolveCase(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	return s.caseAction(w, r, func(id int64) (*desk.Case, error) {
		var in desk.Resolution
		if err := decodeJSON(w, r, s.maxBody(), &in); err != nil {
			return nil, err
		}
		return s.Service.Resolve(r.Context(), u, id, in)
	})
}

// escalateCase hands a case to a specialist team or a third party.
func (s *Server) escalateCase(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	return s.caseAction(w, r, func(id int64) (*desk.Case, error) {
		var in desk.Escalation
		if err := decodeJSON(w, r, s.maxBody(), &in); err != nil {
			return nil, err
		}
		return s.Service.Escalate(r.Context(), u, id, in)
	})
}

// changeSeverity sets a case's severity (staff).
func (s *Server) changeSeverity(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	return s.caseAction(w, r, func(id int64) (*desk.Case, error) {
		var in desk.SeverityChange
		if err := decodeJSON(w, r, s.maxBody(), &in); err != nil {
			return nil, err
		}
		return s.Service.ChangeSeverity(r.Context(), u, id, in)
	})
}

// notifications lists the caller's notifications.
func (s *Server) notifications(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	limit := DefaultPageSize
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > desk.MaxPageSize {
			return desk.FieldError(desk.EINVALID, "invalid_limit", "limit", "limit must be an integer from 1 to %d", desk.MaxPageSize)
		}
		limit = n
	}
	ns, err := s.Service.Notifications(r.Context(), u, limit)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, items(ns))
}

// importRequest is the body of an import.
type importRequest struct {
	Cases []desk.ImportedCase `json:"cases"`
}

// importCases stores historical cases with their original timestamps, all
// of them or none.
func (s *Server) importCases(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	// Only staff may import; everyone else gets the ordinary limit, so that
	// the refusal does not cost reading a large body first.
	limit := s.maxBody()
	if u.IsStaff() {
		limit = max(limit, maxImportBody)
	}
	var in importRequest
	if err := decodeJSON(w, r, limit, &in); err != nil {
		return err
	}
	cs, err := s.Service.ImportCases(r.Context(), u, in.Cases)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusCreated, items(cs))
}
