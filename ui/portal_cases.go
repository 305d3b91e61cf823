package ui

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"desk"
)

// inboxPageSize is how many cases a page of the support inbox lists.
const inboxPageSize = 25

// statusActive is the inbox filter for every case still being worked on.
const statusActive = "active"

// inboxData is what the support inbox shows.
type inboxData struct {
	Rows []portalCaseRow
	// RowsHTML is the rows rendered (markup.go).
	RowsHTML template.HTML
	Statuses []portalChoice
	Products []portalChoice
	Levels   []portalChoice
	Creators []portalChoice
	Sorts    []portalChoice
	// Next is the address of the next page; empty on the last.
	Next string
	// First is the address of the first page, when this is a later one.
	First string
	// Filtered is set when any filter is applied.
	Filtered bool
	// TextSearch is set when the cases were found by their words, which
	// lists them newest first whatever the sort.
	TextSearch bool
}

// portalInbox lists every case of the organisation for its support admins, with
// filters and sort orders, a page at a time.
func (s *Server) portalInbox(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := requireSupportPrivilege(p.User); err != nil {
		return err
	}
	ctx := r.Context()
	q := r.URL.Query()
	opts, err := s.Service.SupportOptions(ctx, p.User)
	if err != nil {
		return err
	}
	d := &inboxData{}
	f := desk.CaseFilter{Limit: inboxPageSize}
	kept := url.Values{}

	// Each filter takes only values the reader could have picked; anything
	// else is dropped, so that an edited address shows all cases rather
	// than an error.
	statuses := []desk.Status{desk.StatusNew, desk.StatusOpen, desk.StatusActionRequired, desk.StatusResolved, desk.StatusClosed}
	d.Statuses = append(d.Statuses, portalChoice{Value: statusActive, Label: p.L.T("portal.inbox.status_active")})
	for _, st := range statuses {
		d.Statuses = append(d.Statuses, portalChoice{Value: string(st), Label: p.L.T("status." + string(st))})
	}
	switch v := q.Get("status"); {
	case v == statusActive:
		f.Statuses = statuses[:3]
		kept.Set("status", v)
	case slices.Contains(statuses, desk.Status(v)):
		f.Statuses = []desk.Status{desk.Status(v)}
		kept.Set("status", v)
	}
	for _, e := range opts.Entitlements {
		d.Products = append(d.Products, portalChoice{Value: e.Product.Code, Label: e.Product.Name})
		if q.Get("product") == e.Product.Code {
			f.Product = e.Product.Code
			kept.Set("product", f.Product)
		}
	}
	for _, sev := range desk.Severities {
		d.Levels = append(d.Levels, portalChoice{Value: string(sev), Label: s.sevLabel(p.L, sev)})
		if q.Get("severity") == string(sev) {
			f.Severities = []desk.Severity{sev}
			kept.Set("severity", string(sev))
		}
	}
	names := map[int64]string{}
	for _, u := range opts.Admins {
		names[u.ID] = u.Name
		d.Creators = append(d.Creators, portalChoice{Value: strconv.FormatInt(u.ID, 10), Label: u.Name})
		if q.Get("creator") == strconv.FormatInt(u.ID, 10) {
			f.CreatedBy = u.ID
			kept.Set("creator", q.Get("creator"))
		}
	}
	if text := portalClip(q.Get("q"), 200); text != "" {
		f.Query = text
		kept.Set("q", text)
	}
	d.Filtered = len(kept) > 0
	d.Sorts = []portalChoice{{Value: "", Label: p.L.T("portal.inbox.sort_newest")}, {Value: desk.SortDue, Label: p.L.T("portal.inbox.sort_due")}}
	if q.Get("sort") == desk.SortDue {
		f.Sort = desk.SortDue
		kept.Set("sort", desk.SortDue)
	}
	if after, ok := decodePortalCursor(q.Get("after")); ok && after.Sort == f.Sort {
		f.After = after
		d.First = "/cases"
		if len(kept) > 0 {
			d.First += "?" + kept.Encode()
		}
	}
	form, status := NewForm(kept), http.StatusOK
	var items []*desk.Case
	var next string
	// nextPage is this list's address with the next page's cursor.
	nextPage := func(key, cursor string) string {
		v := url.Values{}
		for k, vs := range kept {
			v[k] = vs
		}
		v.Set(key, cursor)
		return "/cases?" + v.Encode()
	}
	if f.Query != "" {
		// Words are looked up in the case search index: stemmed in the
		// case's language, in the title, the description and every
		// reply the admin can read, newest case first whatever the sort.
		d.TextSearch = true
		sq := desk.CaseSearch{Text: f.Query, Statuses: f.Statuses, Severities: f.Severities, Product: f.Product,
			CreatedBy: f.CreatedBy, Limit: inboxPageSize}
		if a, err := strconv.ParseInt(q.Get("found_after"), 10, 64); err == nil && a > 0 {
			sq.After = a
			d.First = "/cases?" + kept.Encode()
		}
		res, err := s.Service.SearchCases(ctx, p.User, sq)
		switch {
		case desk.ErrorKind(err) == desk.EINVALID:
			form.Fail("q", searchErrorKey(err))
			status = http.StatusBadRequest
		case err != nil:
			return err
		default:
			for _, h := range res.Hits {
				items = append(items, h.Case)
			}
			if res.Next > 0 {
				next = nextPage("found_after", strconv.FormatInt(res.Next, 10))
			}
		}
	} else {
		page, err := s.Service.Cases(ctx, p.User, f)
		if err != nil {
			return err
		}
		items = page.Items
		if page.Next != nil {
			next = nextPage("after", encodePortalCursor(page.Next))
		}
	}
	// Creators who lost the Support privilege since still get their name.
	var missing []int64
	for _, c := range items {
		if _, ok := names[c.CreatedBy]; !ok && !slices.Contains(missing, c.CreatedBy) {
			missing = append(missing, c.CreatedBy)
		}
	}
	if len(missing) > 0 {
		more, err := s.Service.UserNames(ctx, p.User, missing)
		if err != nil {
			return err
		}
		for id, n := range more {
			names[id] = n
		}
	}
	d.Rows = s.portalCaseRows(r, p, items, names)
	d.RowsHTML = inboxRowsHTML(p.L, d.Rows)
	d.Next = next
	p.Title, p.Form, p.Data, p.Flash = "nav.support_inbox", form, d, portalFlash(r)
	return s.render(w, r, status, "portal_cases", p)
}

// encodePortalCursor writes a list position into an opaque, URL-safe token.
func encodePortalCursor(c *desk.CaseCursor) string {
	raw := fmt.Sprintf("%s|%d|%t|%d", c.Sort, c.At.UnixMicro(), c.NoDue, c.ID)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// decodePortalCursor reads a token of encodeCursor; anything else is no
// position, and the list starts at its beginning.
func decodePortalCursor(s string) (*desk.CaseCursor, bool) {
	if s == "" || len(s) > 200 {
		return nil, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, false
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 4 || (parts[0] != desk.SortNewest && parts[0] != desk.SortDue) {
		return nil, false
	}
	at, err1 := strconv.ParseInt(parts[1], 10, 64)
	noDue, err2 := strconv.ParseBool(parts[2])
	id, err3 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || id <= 0 {
		return nil, false
	}
	return &desk.CaseCursor{Sort: parts[0], At: time.UnixMicro(at).UTC(), NoDue: noDue, ID: id}, true
}
