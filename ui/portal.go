package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"desk"
	"desk/locale"
)

// portalRoutes are the pages of the customer portal. Everything but the
// home page and the help centre (help.go, open to anyone) is for customers
// only: staff who follow a portal link are sent to the console.
var portalRoutes = []route{
	{"GET /{$}", signedIn, (*Server).home},
	{"GET /help", public, (*Server).helpCentre},
	{"GET /help/search", public, (*Server).helpSearch},
	{"GET /help/{key}", public, (*Server).helpArticle},
	{"POST /help/{key}/vote", public, (*Server).helpVote},
	{"GET /cases/new", customerOnly, (*Server).portalNewCase},
	{"POST /cases", customerOnly, (*Server).portalCreateCase},
	{"GET /cases", customerOnly, (*Server).portalInbox},
	{"GET /cases/{id}", customerOnly, (*Server).portalCase},
	{"POST /cases/{id}/reply", customerOnly, (*Server).portalReply},
	{"POST /cases/{id}/attachments", customerOnly, (*Server).portalUpload},
	{"GET /cases/{id}/attachments/{att}", customerOnly, (*Server).portalDownload},
	{"POST /cases/{id}/close", customerOnly, (*Server).portalClose},
	{"POST /cases/{id}/reopen", customerOnly, (*Server).portalReopen},
	{"POST /cases/{id}/rate", customerOnly, (*Server).portalRate},
	{"GET /cases/{id}/credit", customerOnly, (*Server).portalCredit},
	{"POST /cases/{id}/credit", customerOnly, (*Server).portalRequestCredit},
	{"GET /cases/{id}/incident-report", customerOnly, (*Server).portalReport},
	{"POST /cases/{id}/incident-report", customerOnly, (*Server).portalRequestReport},
	{"GET /phone", customerOnly, (*Server).portalPhone},
}

// homeData is what the portal's home page shows.
type homeData struct {
	OrgName string
	// CanContact is set for users who may contact support: super admins
	// and holders of the Support privilege.
	CanContact bool
	// SupportIncluded is false for organisations on entry plans only.
	SupportIncluded bool
	Upgrades        []upgradeView
	Admins          []adminView
	// Waiting are the open cases waiting on the organisation; Open the
	// other open ones.
	Waiting, Open []portalCaseRow
	// Health is the service health of the organisation's products.
	Health *desk.HealthView
}

// upgradeView is a subscription without support and the plan that adds it.
type upgradeView struct {
	Product, Plan, Upgrade string
}

// adminView is a support admin an ordinary user may ask.
type adminView struct {
	Name, Email string
}

// home is the portal's home page for customers and the console for staff.
func (s *Server) home(w http.ResponseWriter, r *http.Request, p *Page) error {
	if p.User.IsStaff() {
		http.Redirect(w, r, "/console", http.StatusSeeOther)
		return nil
	}
	p.Title = "nav.home"
	p.Flash = portalFlash(r)
	opts, err := s.Service.SupportOptions(r.Context(), p.User)
	if err != nil {
		return err
	}
	d := &homeData{
		OrgName:         opts.Org.Name,
		CanContact:      p.User.HasSupportPrivilege(),
		SupportIncluded: opts.SupportIncluded(),
		Upgrades:        upgrades(opts),
		Admins:          admins(opts),
	}
	if d.Health, err = s.Service.OrgHealth(r.Context(), p.User); err != nil {
		return err
	}
	if d.CanContact && d.SupportIncluded {
		// Cases waiting on the organisation come first: until the admin
		// answers, nothing moves and the SLA clock stands still.
		for _, q := range []struct {
			statuses []desk.Status
			into     *[]portalCaseRow
		}{
			{[]desk.Status{desk.StatusActionRequired}, &d.Waiting},
			{[]desk.Status{desk.StatusNew, desk.StatusOpen}, &d.Open},
		} {
			page, err := s.Service.Cases(r.Context(), p.User, desk.CaseFilter{Statuses: q.statuses, Limit: homeListSize})
			if err != nil {
				return err
			}
			*q.into = s.portalCaseRows(r, p, page.Items, nil)
		}
	}
	p.Data = d
	return s.render(w, r, http.StatusOK, "home", p)
}

// homeListSize is how many cases each list on the home page shows; the
// support inbox has them all.
const homeListSize = 10

// upgrades lists the organisation's subscriptions that do not include
// support, with the plan that would.
func upgrades(opts *desk.SupportOptions) []upgradeView {
	var out []upgradeView
	for _, e := range opts.Entitlements {
		if e.Plan.SupportIncluded {
			continue
		}
		v := upgradeView{Product: e.Product.Name, Plan: e.Plan.Name}
		if e.Upgrade != nil {
			v.Upgrade = e.Upgrade.Name
		}
		out = append(out, v)
	}
	return out
}

// admins lists whom users without the Support privilege can ask.
func admins(opts *desk.SupportOptions) []adminView {
	out := make([]adminView, 0, len(opts.Admins))
	for _, u := range opts.Admins {
		out = append(out, adminView{Name: u.Name, Email: u.Email})
	}
	return out
}

// portalCaseRow is a case in a list, with everything the list shows already in
// the reader's words.
type portalCaseRow struct {
	ID           int64
	Title        string
	Status       desk.Status
	StatusText   string
	Severity     desk.Severity
	SeverityText string
	Product      string
	Creator      string
	Created      string
	// CreatedISO is the machine-readable creation time for <time>.
	CreatedISO string
	// Due says when the next answer is due, in the reader's time; empty
	// when nothing is due.
	Due      string
	Breached bool
}

// portalCaseRows turns cases into list rows. names maps creator ids to names;
// nil leaves the creator out.
func (s *Server) portalCaseRows(r *http.Request, p *Page, cs []*desk.Case, names map[int64]string) []portalCaseRow {
	products := s.portalProducts(r, p)
	now := s.Service.Clock.Now()
	rows := make([]portalCaseRow, 0, len(cs))
	for _, c := range cs {
		row := portalCaseRow{
			ID: c.ID, Title: c.Title, Status: c.Status, StatusText: p.L.T("status." + string(c.Status)),
			Severity: c.Severity, SeverityText: p.L.T(s.sevLabelKey(c.Severity)),
			Product: products[c.Product], Creator: names[c.CreatedBy],
			Created: p.L.Date(c.CreatedAt), CreatedISO: c.CreatedAt.UTC().Format(time.RFC3339),
		}
		if row.Product == "" {
			row.Product = c.Product
		}
		if d := c.NextDueAt(); d != nil && c.Status != desk.StatusActionRequired {
			row.Due = portalWhen(p.L, now, *d)
			row.Breached = !d.After(now)
		}
		rows = append(rows, row)
	}
	return rows
}

// portalProducts maps the codes of the organisation's products to their
// names. The names are the vendor's product names, the same in every
// language; a product the organisation no longer subscribes to is shown
// by its code.
func (s *Server) portalProducts(r *http.Request, p *Page) map[string]string {
	m := map[string]string{}
	ps, err := s.Service.Products(r.Context(), p.User)
	if err != nil {
		s.logger().WarnContext(r.Context(), "list products", "err", err)
		return m
	}
	for _, x := range ps {
		m[x.Code] = x.Name
	}
	return m
}

// portalWhen says when t is, seen from now, in the reader's zone and words:
// "today at 14:30", "tomorrow at 09:00", "Tuesday at 10:00" within a
// week, else the date and time. It reads naturally inside sentences such
// as "we will answer by …".
func portalWhen(l *locale.Locale, now, t time.Time) string {
	zone := l.Zone
	if zone == nil {
		zone = time.UTC
	}
	lt, ln := t.In(zone), now.In(zone)
	day := func(x time.Time) time.Time { return time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, zone) }
	days := int(day(lt).Sub(day(ln)).Round(24*time.Hour) / (24 * time.Hour))
	hm := l.Time(t)
	switch {
	case days == 0:
		return l.T("portal.when.today", "time", hm)
	case days == 1:
		return l.T("portal.when.tomorrow", "time", hm)
	case days == -1:
		return l.T("portal.when.yesterday", "time", hm)
	case days > 1 && days < 7:
		return l.T("portal.when.weekday", "day", l.Weekday(lt.Weekday()), "time", hm)
	}
	return l.T("portal.when.date", "date", l.Date(t), "time", hm)
}

// portalFlashes are the confirmations a redirect may ask the next page to show,
// by the name in its ?flash= parameter. Only these names are shown, so a
// crafted link cannot put arbitrary catalogue text on the page.
var portalFlashes = map[string]string{
	"opened":       "portal.flash.opened",
	"opened_files": "portal.flash.opened_files_failed",
	"added":        "portal.flash.added_to_case",
	"replied":      "portal.flash.replied",
	"uploaded":     "portal.flash.uploaded",
	"closed":       "portal.flash.closed",
	"reopened":     "portal.flash.reopened",
	"rated":        "portal.flash.rated",
}

// portalFlash returns the catalogue key of the confirmation a redirect asked
// for, or "". The confirmation travels in the URL rather than a cookie so
// that it survives the script that follows an upload's redirect itself.
func portalFlash(r *http.Request) string {
	return portalFlashes[r.URL.Query().Get("flash")]
}

// portalRedirect ends a successful post: the browser loads path with a GET, so
// that reloading the page does not send the form again.
func portalRedirect(w http.ResponseWriter, r *http.Request, path, flash string) error {
	if flash != "" {
		path += "?flash=" + flash
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
	return nil
}

// portalCaseID reads the {id} of a case path; a malformed id is a case that
// does not exist.
func portalCaseID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, desk.NotFound("case")
	}
	return id, nil
}

// requireSupportPrivilege refuses users without the Support privilege before any
// work is done: the desk refuses them too, but the page should not even
// prepare a form they may not send.
func requireSupportPrivilege(u *desk.User) error {
	if !u.HasSupportPrivilege() {
		return desk.Errorf(desk.EFORBIDDEN, "support_privilege_required", "only super admins and support admins contact support")
	}
	return nil
}

// portalSize formats a number of bytes for people: "25 MB", "340 kB". The
// unit symbols are the same in all the interface's languages; the number
// follows the reader's locale. A megabyte is 2^20 bytes here, as in the
// limits people configure ("25 MB" is 25 << 20) and as most mail clients
// count.
func portalSize(l *locale.Locale, n int64) string {
	const kB, MB = 1 << 10, 1 << 20
	switch {
	case n >= MB:
		digits := 1
		if n%MB == 0 || n >= 100*MB {
			digits = 0
		}
		return l.Decimal(float64(n)/MB, digits) + "\u00a0MB"
	case n >= kB:
		return l.Number((n+kB-1)/kB) + "\u00a0kB"
	}
	return fmt.Sprintf("%s\u00a0B", l.Number(n))
}

// firstLine returns the first line of s, cut at a word boundary to at
// most max characters: a title guessed from a description.
func firstLine(s string, max int) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	cut := string(r[:max])
	if i := strings.LastIndexByte(cut, ' '); i > max/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}
