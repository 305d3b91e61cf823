package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"desk"
	"desk/textsearch"
)

// The console's case search: agents find cases of every organisation by
// the text of their titles, descriptions, replies and internal notes,
// narrowed by status, severity, organisation, product and creation date.
// The search itself is desk.Service.SearchCases, as for the API.

// searchPageSize is how many cases a page of results shows.
const searchPageSize = 20

// searchForm is what the search form sent, as typed.
type searchForm struct {
	Q, Status, Severity, Org, Product, From, To string
}

func (f searchForm) values() url.Values {
	v := url.Values{}
	for _, kv := range [][2]string{{"q", f.Q}, {"status", f.Status}, {"severity", f.Severity}, {"org", f.Org},
		{"product", f.Product}, {"from", f.From}, {"to", f.To}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	return v
}

// searchHit is one result in the reader's words.
type searchHit struct {
	Case         *desk.Case
	Org          string
	OrgURL       string
	StatusText   string
	SeverityText string
	Created      string
	// Where says what matched: the case itself, a reply or a note.
	Where   string
	Snippet []textsearch.Fragment
}

type searchData struct {
	Form       searchForm
	Statuses   []option
	Severities []option
	Products   []option
	Searched   bool
	Hits       []searchHit
	// Error is the problem with what was typed, in the reader's words.
	Error   string
	NextURL string
}

// consoleSearch shows the search form and, with ?q=, a page of results.
func (s *Server) consoleSearch(w http.ResponseWriter, r *http.Request, p *Page) error {
	ctx := r.Context()
	v := r.URL.Query()
	f := searchForm{Q: v.Get("q"), Status: v.Get("status"), Severity: v.Get("severity"), Org: v.Get("org"),
		Product: v.Get("product"), From: v.Get("from"), To: v.Get("to")}
	d := &searchData{Form: f}
	for _, st := range allStatuses {
		d.Statuses = append(d.Statuses, option{Value: string(st), Label: p.L.T("status." + string(st)), Selected: f.Status == string(st)})
	}
	for _, sev := range desk.Severities {
		d.Severities = append(d.Severities, option{Value: string(sev), Label: p.L.T("severity." + string(sev)), Selected: f.Severity == string(sev)})
	}
	products, err := s.Service.Products(ctx, p.User)
	if err != nil {
		return err
	}
	for _, pr := range products {
		d.Products = append(d.Products, option{Value: pr.Code, Label: pr.Name, Selected: f.Product == pr.Code})
	}
	p.Title, p.Data = "search.title", d
	status := http.StatusOK
	if _, ok := v["q"]; ok {
		d.Searched = true
		if err := s.runSearch(r, p, d, v.Get("after")); err != nil {
			if desk.ErrorKind(err) != desk.EINVALID && desk.ErrorKind(err) != desk.EREFUSED {
				return err
			}
			d.Error = p.L.T(searchErrorKey(err))
			status = http.StatusBadRequest
		}
	}
	return s.render(w, r, status, "console_search", p)
}

// searchErrorKey returns the message key for a refused search.
func searchErrorKey(err error) string {
	switch code := desk.ErrorCode(err); code {
	case "query_required", "query_too_long", "too_many_terms", "invalid_org", "invalid_from", "invalid_to", "invalid_range":
		return "search.error." + code
	}
	return "search.error.invalid"
}

func (s *Server) runSearch(r *http.Request, p *Page, d *searchData, after string) error {
	f := d.Form
	q := desk.CaseSearch{Text: f.Q, Product: f.Product, Limit: searchPageSize}
	if f.Status != "" {
		q.Statuses = []desk.Status{desk.Status(f.Status)}
	}
	if f.Severity != "" {
		q.Severities = []desk.Severity{desk.Severity(f.Severity)}
	}
	if f.Org != "" {
		id, err := strconv.ParseInt(f.Org, 10, 64)
		if err != nil || id <= 0 {
			return desk.FieldError(desk.EINVALID, "invalid_org", "org", "org must be an organisation number")
		}
		q.OrgID = id
	}
	for _, b := range []struct {
		in, code string
		t        *time.Time
		end      bool
	}{{f.From, "invalid_from", &q.From, false}, {f.To, "invalid_to", &q.To, true}} {
		if b.in == "" {
			continue
		}
		// The dates are days in the reader's time zone; "to" includes its
		// day.
		zone := p.L.Zone
		if zone == nil {
			zone = time.UTC
		}
		t, err := time.ParseInLocation(time.DateOnly, b.in, zone)
		if err != nil {
			return desk.FieldError(desk.EINVALID, b.code, b.code[len("invalid_"):], "not a date")
		}
		if b.end {
			t = t.AddDate(0, 0, 1)
		}
		*b.t = t
	}
	if after != "" {
		id, err := strconv.ParseInt(after, 10, 64)
		if err != nil || id <= 0 {
			return desk.FieldError(desk.EINVALID, "invalid_cursor", "after", "not a position in the results")
		}
		q.After = id
	}
	ctx := r.Context()
	page, err := s.Service.SearchCases(ctx, p.User, q)
	if err != nil {
		return err
	}
	orgs := &orgNames{s: s}
	for _, h := range page.Hits {
		c := h.Case
		ov := f
		ov.Org = strconv.FormatInt(c.OrgID, 10)
		hit := searchHit{Case: c, Org: orgs.name(ctx, c.OrgID), OrgURL: "/console/search?" + ov.values().Encode(),
			StatusText: p.L.T("status." + string(c.Status)), SeverityText: p.L.T("severity." + string(c.Severity)),
			Created: p.L.Date(c.CreatedAt), Snippet: h.Snippet, Where: p.L.T("search.where.case")}
		if m := h.Message; m != nil {
			hit.Where = p.L.T("search.where.reply", "when", p.L.DateTime(m.CreatedAt))
			if m.Kind == desk.MessageInternal {
				hit.Where = p.L.T("search.where.note", "when", p.L.DateTime(m.CreatedAt))
			}
		}
		d.Hits = append(d.Hits, hit)
	}
	if page.Next != 0 {
		v := f.values()
		v.Set("after", strconv.FormatInt(page.Next, 10))
		d.NextURL = "/console/search?" + v.Encode()
	}
	return nil
}
