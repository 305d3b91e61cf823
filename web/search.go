package web

import (
	"net/http"
	"strconv"
	"time"

	"desk"
	"desk/textsearch"
)

// caseHit is one result of a case search as the API shows it.
type caseHit struct {
	Case    *desk.Case    `json:"case"`
	Message *desk.Message `json:"message,omitempty"`
	// Snippet is plain text in pieces; the pieces with match set are
	// the searched words, for a client to highlight.
	Snippet []snippetPart `json:"snippet"`
}

type snippetPart struct {
	Text  string `json:"text"`
	Match bool   `json:"match,omitempty"`
}

type caseHits struct {
	Items []caseHit `json:"items"`
	// NextAfter is the after of the next page, absent on the last.
	NextAfter int64 `json:"next_after,omitempty"`
}

func snippetParts(fs []textsearch.Fragment) []snippetPart {
	out := make([]snippetPart, len(fs))
	for i, f := range fs {
		out[i] = snippetPart{Text: f.Text, Match: f.Match}
	}
	return out
}

// searchCases searches the text of the cases the caller may see:
// agents every organisation's, customers their own organisation's without
// internal notes.
func (s *Server) searchCases(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	q, err := caseSearch(r)
	if err != nil {
		return err
	}
	page, err := s.Service.SearchCases(r.Context(), u, q)
	if err != nil {
		return err
	}
	out := caseHits{Items: make([]caseHit, len(page.Hits)), NextAfter: page.Next}
	for i, h := range page.Hits {
		out.Items[i] = caseHit{Case: h.Case, Message: h.Message, Snippet: snippetParts(h.Snippet)}
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

// caseSearch reads a case search's query parameters.
func caseSearch(r *http.Request) (desk.CaseSearch, error) {
	v := r.URL.Query()
	q := desk.CaseSearch{Text: v.Get("q"), Lang: v.Get("lang"), Product: v.Get("product")}
	for _, s := range splitList(v["status"]) {
		q.Statuses = append(q.Statuses, desk.Status(s))
	}
	for _, s := range splitList(v["severity"]) {
		q.Severities = append(q.Severities, desk.Severity(s))
	}
	id := func(name string) (int64, error) {
		s := v.Get(name)
		if s == "" {
			return 0, nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return 0, desk.FieldError(desk.EINVALID, "invalid_"+name, name, "%s must be a positive integer", name)
		}
		return n, nil
	}
	var err error
	if q.OrgID, err = id("org"); err != nil {
		return q, err
	}
	if q.After, err = id("after"); err != nil {
		return q, desk.FieldError(desk.EINVALID, "invalid_cursor", "after", "after is not one this search returned; start again without it")
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > desk.MaxPageSize {
			return q, desk.FieldError(desk.EINVALID, "invalid_limit", "limit", "limit must be an integer from 1 to %d", desk.MaxPageSize)
		}
		q.Limit = n
	}
	for _, b := range []struct {
		name string
		t    *time.Time
	}{{"from", &q.From}, {"to", &q.To}} {
		s := v.Get(b.name)
		if s == "" {
			continue
		}
		t, day, err := parseDay(s)
		if err != nil {
			return q, desk.FieldError(desk.EINVALID, "invalid_"+b.name, b.name, "%s must be a date (2026-03-01) or an RFC 3339 time", b.name)
		}
		if day && b.t == &q.To {
			// A date to search up to includes its whole day.
			t = t.AddDate(0, 0, 1)
		}
		*b.t = t
	}
	return q, nil
}

// parseDay reads an RFC 3339 time or a date (day set), which means its
// midnight UTC.
func parseDay(s string) (t time.Time, day bool, err error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), false, nil
	}
	t, err = time.Parse(time.DateOnly, s)
	return t, true, err
}
