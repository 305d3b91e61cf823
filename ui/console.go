package ui

import (
	"context"
	"encoding/base64"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"desk"
	"desk/locale"
)

// consoleRoutes are the pages of the agent console. Everything but the
// queue page is staffOnly. The queue page is open to anyone signed in so
// that a customer who follows a /console link lands on the portal instead
// of an error page; it redirects them itself.
var consoleRoutes = []route{
	{"GET /console", signedIn, (*Server).queues},
	{"GET /console/cases/{id}", staffOnly, (*Server).consoleCase},
	{"GET /console/search", staffOnly, (*Server).consoleSearch},
	{"GET /console/attachments/{id}", staffOnly, (*Server).consoleAttachment},
	{"POST /console/cases/{id}/reply", staffOnly, (*Server).consoleReply},
	{"POST /console/cases/{id}/request-info", staffOnly, (*Server).consoleRequestInfo},
	{"POST /console/cases/{id}/severity", staffOnly, (*Server).consoleSeverity},
	{"POST /console/cases/{id}/escalate", staffOnly, (*Server).consoleEscalate},
	{"POST /console/cases/{id}/assign", staffOnly, (*Server).consoleAssign},
	{"POST /console/cases/{id}/resolve", staffOnly, (*Server).consoleResolve},
	{"POST /console/cases/{id}/merge", staffOnly, (*Server).consoleMerge},
	{"POST /console/cases/{id}/incident", staffOnly, (*Server).consoleIncident},
	{"GET /console/incidents", staffOnly, (*Server).consoleIncidents},
	{"GET /console/incidents/new", staffOnly, (*Server).consoleNewIncident},
	{"POST /console/incidents", staffOnly, (*Server).consoleCreateIncident},
	{"GET /console/incidents/{id}", staffOnly, (*Server).consoleIncidentPage},
	{"POST /console/incidents/{id}/posts", staffOnly, (*Server).consoleIncidentPost},
	{"POST /console/incidents/{id}/report", staffOnly, (*Server).consoleIncidentReport},
	{"GET /console/credits", staffOnly, (*Server).consoleCredits},
	{"POST /console/credits/{id}/approve", staffOnly, (*Server).consoleApproveCredit},
	{"POST /console/credits/{id}/decline", staffOnly, (*Server).consoleDeclineCredit},
	{"GET /console/articles", staffOnly, (*Server).consoleArticles},
	{"GET /console/articles/new", staffOnly, (*Server).consoleNewArticle},
	{"POST /console/articles", staffOnly, (*Server).consoleCreateArticle},
	{"GET /console/articles/{id}", staffOnly, (*Server).consoleArticle},
	{"POST /console/articles/{id}", staffOnly, (*Server).consoleUpdateArticle},
	{"POST /console/articles/{id}/publish", staffOnly, (*Server).consolePublishArticle},
	{"POST /console/articles/{id}/archive", staffOnly, (*Server).consoleArchiveArticle},
	{"GET /console/articles/{id}/preview", staffOnly, (*Server).consolePreviewArticle},
	{"GET /console/deflection", staffOnly, (*Server).consoleDeflection},
}

// atRiskWindow is how far ahead the "at risk" queue looks: a case whose
// next target runs out within it, or has run out, is at risk.
const atRiskWindow = 4 * time.Hour

// queuePageSize is how many cases a queue page shows.
const queuePageSize = 25

// openStatuses are the states in which a case waits for work.
var openStatuses = []desk.Status{desk.StatusNew, desk.StatusOpen, desk.StatusActionRequired}

// allStatuses lists the states in the order of the lifecycle.
var allStatuses = []desk.Status{desk.StatusNew, desk.StatusOpen, desk.StatusActionRequired, desk.StatusResolved, desk.StatusClosed}

// queueViews are the saved views of the queue page, in the order shown.
var queueViews = []string{"mine", "unassigned", "at_risk", "open", "all"}

// defaultView is the view of /console without ?view=: every case that
// waits for work, most urgent first.
const defaultView = "open"

// queueFilter is what the queue page's GET form selects.
type queueFilter struct {
	View, Severity, Status, Language, Product, Team, Query, Sort string
}

// values returns the filter as query parameters, leaving out defaults so
// that links stay short.
func (q queueFilter) values() url.Values {
	v := url.Values{}
	for _, kv := range [][2]string{{"view", q.View}, {"severity", q.Severity}, {"status", q.Status},
		{"language", q.Language}, {"product", q.Product}, {"team", q.Team}, {"q", q.Query}, {"sort", q.Sort}} {
		if kv[1] != "" && !(kv[0] == "sort" && kv[1] == desk.SortDue) {
			v.Set(kv[0], kv[1])
		}
	}
	return v
}

// base returns the case filter of the view alone, before the form's own
// filters: the set the view's count and the option counts describe.
func (q queueFilter) base(u *desk.User, now time.Time) desk.CaseFilter {
	f := desk.CaseFilter{Statuses: openStatuses, Sort: desk.SortDue}
	switch q.View {
	case "mine":
		f.AssigneeID = u.ID
	case "unassigned":
		f.Unassigned = true
	case "at_risk":
		before := now.Add(atRiskWindow)
		f.DueBefore = &before
	case "all":
		f.Statuses = nil
	}
	return f
}

// apply narrows a view's filter by the form's filters. A chosen status
// replaces the view's statuses, so that "my cases" can show the ones I
// resolved.
func (q queueFilter) apply(f desk.CaseFilter) desk.CaseFilter {
	if q.Severity != "" {
		f.Severities = []desk.Severity{desk.Severity(q.Severity)}
	}
	if q.Status != "" {
		f.Statuses = []desk.Status{desk.Status(q.Status)}
	}
	f.Language, f.Product, f.Team, f.Query = q.Language, q.Product, q.Team, q.Query
	if q.Sort == "newest" && q.View != "at_risk" {
		f.Sort = desk.SortNewest
	}
	return f
}

// readQueueFilter reads the form, dropping values that are not on offer,
// so that a hand-edited address shows a wider list rather than an error.
func readQueueFilter(v url.Values) queueFilter {
	q := queueFilter{
		View: v.Get("view"), Severity: v.Get("severity"), Status: v.Get("status"),
		Language: v.Get("language"), Product: strings.TrimSpace(v.Get("product")),
		Team: strings.TrimSpace(v.Get("team")), Query: strings.TrimSpace(v.Get("q")), Sort: v.Get("sort"),
	}
	if !slices.Contains(queueViews, q.View) {
		q.View = defaultView
	}
	if !desk.Severity(q.Severity).Valid() {
		q.Severity = ""
	}
	if !desk.Status(q.Status).Valid() {
		q.Status = ""
	}
	if !slices.Contains(desk.Languages, q.Language) {
		q.Language = ""
	}
	if q.Sort != "newest" {
		q.Sort = desk.SortDue
	}
	if len(q.Product) > 100 {
		q.Product = ""
	}
	if len(q.Team) > 200 {
		q.Team = ""
	}
	if r := []rune(q.Query); len(r) > 200 {
		q.Query = string(r[:200])
	}
	return q
}

// viewLink is one saved view in the queue navigation.
type viewLink struct {
	Key     string
	URL     string
	Count   int64
	Current bool
}

// option is one choice of a select, with the number of cases it would
// show where that is known.
type option struct {
	Value    string
	Label    string
	Count    int64
	Selected bool
}

// queueRow is one case of a queue.
type queueRow struct {
	Case     *desk.Case
	Org      string
	Assignee string
	// Due is the earliest pending due time; nil when none runs.
	Due *time.Time
	// Breached is set when Due has passed, AtRisk when it passes within
	// the at-risk window, Paused while the case waits on the customer.
	Breached, AtRisk, Paused bool
	// The row's texts in the reader's language, made in Go: the same
	// through the template's functions cost more than the page's queries.
	Ref, Severity, Status, DueISO, DueRelative, DueText string
}

// queueData is the data of the queue page.
type queueData struct {
	Filter queueFilter
	Views  []viewLink
	// The filter form's choices, each with its count in the current view.
	Severities, Statuses, Languages, Products, Teams []option
	Rows                                             []queueRow
	// RowsHTML and the *HTML choices are the rows and the choices
	// rendered (markup.go).
	RowsHTML, SeverityHTML, StatusHTML, LanguageHTML, ProductHTML, TeamHTML template.HTML
	// Total is the number of cases the view and filters select.
	Total int64
	// NextURL leads to the next page, FirstURL back to the first; empty
	// when there is none.
	NextURL, FirstURL string
	// ClearURL shows the view without the form's filters.
	ClearURL string
	Now      time.Time
	// Filtered is set when the form narrows the view.
	Filtered bool
}

// queues lists the agent's queues and views with their counts, sorted by
// SLA due time unless the agent asks for the newest first.
func (s *Server) queues(w http.ResponseWriter, r *http.Request, p *Page) error {
	if !p.User.IsStaff() {
		http.Redirect(w, r, home(p.User), http.StatusSeeOther)
		return nil
	}
	ctx := r.Context()
	now := s.Service.Clock.Now()
	q := readQueueFilter(r.URL.Query())
	d := &queueData{Filter: q, Now: now, ClearURL: "/console?" + queueFilter{View: q.View}.values().Encode()}
	d.Filtered = q.Severity != "" || q.Status != "" || q.Language != "" || q.Product != "" || q.Team != "" || q.Query != "" || q.Sort != desk.SortDue

	// Counts come from a cache shared by all staff (see countCache); key
	// says which view and filters they are of. "mine" is per person.
	count := func(key string, f desk.CaseFilter, by string) (map[string]int64, int64, error) {
		if f.AssigneeID != 0 {
			key += "|assignee=" + strconv.FormatInt(f.AssigneeID, 10)
		}
		// Staff who may not handle cases see other counts (none).
		key += "|cases=" + strconv.FormatBool(p.User.CanHandleCases())
		return s.counts.get(key+"|by="+by, time.Now(), func() (map[string]int64, int64, error) {
			cs, err := s.Service.CountCases(context.WithoutCancel(ctx), p.User, f, by)
			if err != nil {
				return nil, 0, err
			}
			m, total := map[string]int64{}, int64(0)
			for _, c := range cs {
				m[c.Value] += int64(c.N)
				total += int64(c.N)
			}
			return m, total, nil
		})
	}
	for _, v := range queueViews {
		vq := queueFilter{View: v}
		_, n, err := count(vq.values().Encode(), vq.base(p.User, now), "")
		if err != nil {
			return err
		}
		d.Views = append(d.Views, viewLink{Key: v, URL: "/console?view=" + v, Count: n, Current: v == q.View})
	}

	// The options count the cases of the view, so that an agent sees
	// where the work is before filtering: "High (4)".
	base := q.base(p.User, now)
	groups := map[string]map[string]int64{}
	for _, by := range []string{desk.CountBySeverity, desk.CountByStatus, desk.CountByLanguage, desk.CountByProduct, desk.CountByTeam} {
		m, _, err := count(queueFilter{View: q.View}.values().Encode(), base, by)
		if err != nil {
			return err
		}
		groups[by] = m
	}
	for _, sev := range desk.Severities {
		d.Severities = append(d.Severities, option{Value: string(sev), Label: p.L.T("severity." + string(sev)),
			Count: groups[desk.CountBySeverity][string(sev)], Selected: q.Severity == string(sev)})
	}
	for _, st := range allStatuses {
		d.Statuses = append(d.Statuses, option{Value: string(st), Label: p.L.T("status." + string(st)),
			Count: groups[desk.CountByStatus][string(st)], Selected: q.Status == string(st)})
	}
	for _, l := range desk.Languages {
		d.Languages = append(d.Languages, option{Value: l, Label: locale.Name(l),
			Count: groups[desk.CountByLanguage][l], Selected: q.Language == l})
	}
	products, err := s.Service.Products(ctx, p.User)
	if err != nil {
		return err
	}
	for _, pr := range products {
		d.Products = append(d.Products, option{Value: pr.Code, Label: pr.Name,
			Count: groups[desk.CountByProduct][pr.Code], Selected: q.Product == pr.Code})
	}
	for team, n := range groups[desk.CountByTeam] {
		if team != "" {
			d.Teams = append(d.Teams, option{Value: team, Label: team, Count: n, Selected: q.Team == team})
		}
	}
	slices.SortFunc(d.Teams, func(a, b option) int { return strings.Compare(a.Label, b.Label) })
	if q.Team != "" && groups[desk.CountByTeam][q.Team] == 0 {
		// Keep a team chosen from another view selectable and selected.
		d.Teams = append(d.Teams, option{Value: q.Team, Label: q.Team, Selected: true})
	}

	f := q.apply(base)
	if _, d.Total, err = count(q.values().Encode(), f, ""); err != nil {
		return err
	}
	f.Limit = queuePageSize
	if c, ok := decodeQueueCursor(r.URL.Query().Get("after")); ok && c.Sort == f.Sort {
		f.After = c
		d.FirstURL = "/console?" + q.values().Encode()
	}
	var page *desk.CasePage
	if q.View == "at_risk" {
		page, err = s.Service.AtRisk(ctx, p.User, atRiskWindow, f)
	} else {
		page, err = s.Service.Cases(ctx, p.User, f)
	}
	if err != nil {
		return err
	}
	if page.Next != nil {
		v := q.values()
		v.Set("after", encodeQueueCursor(page.Next))
		d.NextURL = "/console?" + v.Encode()
	}
	if d.Rows, err = s.queueRows(ctx, p.L, page.Items, now); err != nil {
		return err
	}
	d.RowsHTML = queueRowsHTML(p.L, d.Rows)
	d.SeverityHTML, d.StatusHTML = optionsHTML(p.L, d.Severities, false), optionsHTML(p.L, d.Statuses, false)
	d.LanguageHTML, d.ProductHTML = optionsHTML(p.L, d.Languages, true), optionsHTML(p.L, d.Products, false)
	d.TeamHTML = optionsHTML(p.L, d.Teams, false)
	p.Title, p.Data = "console.queues.title", d
	return s.render(w, r, http.StatusOK, "console", p)
}

// queueRows adds to each case what its row shows: the organisation, the
// assignee and the state of its SLA clock.
func (s *Server) queueRows(ctx context.Context, l *locale.Locale, cs []*desk.Case, now time.Time) ([]queueRow, error) {
	staff, err := s.staffNames(ctx)
	if err != nil {
		return nil, err
	}
	rows := make([]queueRow, 0, len(cs))
	for _, c := range cs {
		name, err := s.orgName(ctx, c.OrgID)
		if err != nil {
			return nil, err
		}
		row := queueRow{Case: c, Org: name, Assignee: staff[c.AssigneeID], Due: c.NextDueAt()}
		row.Paused = c.SLA != nil && c.SLA.Paused
		if row.Due != nil {
			row.Breached = !row.Due.After(now)
			row.AtRisk = !row.Breached && row.Due.Before(now.Add(atRiskWindow))
			row.DueISO = row.Due.UTC().Format(time.RFC3339)
			row.DueRelative, row.DueText = l.Relative(now, *row.Due), l.DateTime(*row.Due)
		}
		row.Ref = l.T("console.case.ref", "id", strconv.FormatInt(c.ID, 10))
		row.Severity = l.T("severity." + string(c.Severity))
		row.Status = l.T("status." + string(c.Status))
		rows = append(rows, row)
	}
	return rows, nil
}

// encodeQueueCursor and decodeQueueCursor make the opaque page cursor of
// a queue: its order, the due or creation time in microseconds and the
// id of the last case shown. The reader's scope, not the cursor, decides
// what a page holds, so a forged cursor reveals nothing.
func encodeQueueCursor(c *desk.CaseCursor) string {
	at := strconv.FormatInt(c.At.UnixMicro(), 10)
	if c.NoDue {
		at = "-"
	}
	return base64.RawURLEncoding.EncodeToString([]byte(c.Sort + "." + at + "." + strconv.FormatInt(c.ID, 10)))
}

func decodeQueueCursor(s string) (*desk.CaseCursor, bool) {
	if s == "" || len(s) > 64 {
		return nil, false
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, false
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 3 || (parts[0] != desk.SortDue && parts[0] != desk.SortNewest) {
		return nil, false
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || id <= 0 {
		return nil, false
	}
	c := &desk.CaseCursor{Sort: parts[0], ID: id}
	if parts[1] == "-" {
		c.NoDue = true
		return c, c.Sort == desk.SortDue
	}
	at, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return nil, false
	}
	c.At = time.UnixMicro(at).UTC()
	return c, true
}
