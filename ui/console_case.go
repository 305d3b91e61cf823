package ui

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"desk"
)

// caseData is the data of the case workspace.
type caseData struct {
	p    *Page
	Case *desk.Case
	Org  *desk.Org
	// Plan is the plan the case was opened under.
	Plan *desk.Plan
	Subs []subView
	// Product is the product's display name.
	Product string
	// Creator opened the case; nil if the account is gone.
	Creator  *desk.User
	Assignee string
	// PhoneRegistered tells whether the contact phone is one of the
	// organisation's registered numbers: callers on other numbers are
	// verified first.
	PhoneRegistered bool
	Timeline        []entryView
	Attachments     []*desk.Attachment
	SLA             []slaView
	Paused          bool
	// MergedInto is the case this one was merged into; Duplicates the
	// cases merged into this one.
	MergedInto *desk.Case
	Duplicates []*desk.Case
	// Incident is the incident the case is linked to; Incidents those it
	// may be linked to: going on, or ended in the last week, and visible
	// to the case's organisation.
	Incident  *desk.Incident
	Incidents []*desk.Incident
	// Choices of the forms.
	Assignees  []option
	Macros     []option
	Teams      []string
	Severities []option
	Outcomes   []option
	// Active names the form whose state Page.Form holds: the one just
	// submitted with a problem, or the reply form a macro was put into.
	Active string
	Now    time.Time
}

// subView is one subscription of the organisation with its plan.
type subView struct {
	Product  string
	Plan     *desk.Plan
	Extended bool
	Partner  *desk.Partner
}

// Open reports whether the case is neither resolved nor closed.
func (d *caseData) Open() bool {
	return d.Case.Status != desk.StatusResolved && d.Case.Status != desk.StatusClosed
}

// Closed reports whether the case is closed, when nothing can be added.
func (d *caseData) Closed() bool { return d.Case.Status == desk.StatusClosed }

// CanRequestInfo reports whether the case may be set to wait on the
// customer.
func (d *caseData) CanRequestInfo() bool {
	return d.Case.Status == desk.StatusNew || d.Case.Status == desk.StatusOpen
}

// Val returns a field's submitted value if form is the active form, and
// otherwise "".
func (d *caseData) Val(form, field string) string {
	if d.Active != form {
		return ""
	}
	return d.p.Form.Get(field)
}

// Err returns the translated problem of a field of form, or "".
func (d *caseData) Err(form, field string) string {
	if d.Active != form {
		return ""
	}
	return d.p.Err(field)
}

// entryView is one entry of the timeline as the console shows it.
type entryView struct {
	ID        int64
	Kind      desk.MessageKind
	Author    string
	FromStaff bool
	// Text is the entry's text: what the author wrote, or for events and
	// the system's SLA notes a sentence in the reader's language.
	Text string
	// Via says where a message came from (portal, e-mail, chat, ...).
	Via string
	At  time.Time
	// Link and LinkText point to another case or to a file.
	Link, LinkText string
	// FullBody is the whole text of a mail reply whose Text leaves out
	// the quoted history; MailID the received mail the entry came from.
	FullBody string
	MailID   int64
}

// slaView is one SLA target of the case.
type slaView struct {
	// Key names the target: first_response, next_response or resolution.
	Key string
	// State is none, running, paused, breached, met or met_late.
	State string
	Due   *time.Time
	MetAt *time.Time
	// Left is the business time left (running, paused) or overdue
	// (breached), in the reader's language.
	Left string
}

// consoleCase shows the case workspace.
func (s *Server) consoleCase(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, err := pathCaseID(r)
	if err != nil {
		return err
	}
	if done := r.URL.Query().Get("done"); flashKeys[done] {
		p.Flash = "console.flash." + done
	}
	return s.renderCase(w, r, p, id, "", http.StatusOK)
}

// flashKeys are the confirmations a form's redirect may ask for.
var flashKeys = map[string]bool{
	"reply": true, "note": true, "request_info": true, "severity": true, "escalate": true,
	"assign": true, "resolve": true, "merged": true, "incident_linked": true, "incident_unlinked": true,
}

// pathCaseID reads the case id of the path; an id that is no number is a
// case that does not exist.
func pathCaseID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, desk.NotFound("case")
	}
	return id, nil
}

// renderCase renders the workspace of case id. active names the form
// whose state p.Form holds, if any.
func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, p *Page, id int64, active string, status int) error {
	d, err := s.loadCase(r.Context(), p, id)
	if err != nil {
		return err
	}
	d.Active = active
	p.Title, p.Data = "console.case.page_title", d
	return s.render(w, r, status, "console_case", p)
}

// loadCase reads everything the workspace shows. The case is read through
// the service with the agent's scope first; what hangs off it (the
// organisation, its subscriptions and people) is then read from the store
// directly, since staff who may see the case may see those too.
func (s *Server) loadCase(ctx context.Context, p *Page, id int64) (*caseData, error) {
	svc, u := s.Service, p.User
	c, err := svc.Case(ctx, u, id)
	if err != nil {
		return nil, err
	}
	d := &caseData{p: p, Case: c, Now: svc.Clock.Now(), Paused: c.SLA != nil && c.SLA.Paused}
	if d.Org, err = svc.Store.Org(ctx, c.OrgID); err != nil {
		return nil, err
	}
	products, err := svc.Products(ctx, u)
	if err != nil {
		return nil, err
	}
	productName := func(code string) string {
		for _, pr := range products {
			if pr.Code == code {
				return pr.Name
			}
		}
		return code
	}
	d.Product = productName(c.Product)
	plans := map[string]*desk.Plan{}
	plan := func(code string) (*desk.Plan, error) {
		if pl, ok := plans[code]; ok {
			return pl, nil
		}
		pl, err := svc.Store.Plan(ctx, code)
		if desk.ErrorKind(err) == desk.ENOTFOUND {
			pl, err = &desk.Plan{Code: code, Name: code}, nil
		}
		plans[code] = pl
		return pl, err
	}
	if d.Plan, err = plan(c.Plan); err != nil {
		return nil, err
	}
	subs, err := svc.Store.Subscriptions(ctx, c.OrgID)
	if err != nil {
		return nil, err
	}
	for _, sub := range subs {
		pl, err := plan(sub.Plan)
		if err != nil {
			return nil, err
		}
		d.Subs = append(d.Subs, subView{Product: productName(sub.Product), Plan: pl, Extended: sub.ExtendedSupport, Partner: sub.Partner})
	}
	d.PhoneRegistered = registeredPhone(d.Org.Phones, c.ContactPhone)

	// Names of everyone who wrote on the timeline: the organisation's
	// people and the vendor's staff.
	names := map[int64]string{}
	staff, err := svc.Store.Users(ctx, 0)
	if err != nil {
		return nil, err
	}
	people, err := svc.Store.Users(ctx, c.OrgID)
	if err != nil {
		return nil, err
	}
	for _, x := range append(staff, people...) {
		names[x.ID] = x.Name
		if x.ID == c.CreatedBy {
			d.Creator = x
		}
	}
	d.Assignee = names[c.AssigneeID]
	d.Assignees = []option{{Value: "", Label: p.L.T("console.assign.nobody"), Selected: c.AssigneeID == 0},
		{Value: "me", Label: p.L.T("console.assign.me", "name", u.Name), Selected: c.AssigneeID == u.ID}}
	for _, x := range staff {
		if x.CanHandleCases() && x.ID != u.ID {
			d.Assignees = append(d.Assignees, option{Value: strconv.FormatInt(x.ID, 10), Label: x.Name, Selected: c.AssigneeID == x.ID})
		}
	}

	msgs, err := svc.Timeline(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if d.Attachments, err = svc.Attachments(ctx, u, id); err != nil {
		return nil, err
	}
	files := map[string]*desk.Attachment{}
	for _, a := range d.Attachments {
		files[a.ID] = a
	}
	for _, m := range msgs {
		d.Timeline = append(d.Timeline, s.entry(p, m, names, files))
	}
	d.SLA = slaViews(p, c)

	if c.MergedInto != 0 {
		// The survivor belongs to the same organisation; if it cannot be
		// read the banner still names it.
		if d.MergedInto, err = svc.Case(ctx, u, c.MergedInto); err != nil {
			d.MergedInto = &desk.Case{ID: c.MergedInto}
		}
	}
	if d.Duplicates, err = svc.Duplicates(ctx, u, id); err != nil {
		return nil, err
	}
	incs, err := svc.Incidents(ctx, u, d.Now.Add(-7*24*time.Hour))
	if err != nil {
		return nil, err
	}
	for _, inc := range incs {
		if inc.ID == c.IncidentID {
			d.Incident = inc
		}
		if inc.VisibleTo(c.OrgID) && inc.Kind != desk.KindMaintenance {
			d.Incidents = append(d.Incidents, inc)
		}
	}
	if c.IncidentID != 0 && d.Incident == nil {
		d.Incident, _ = svc.Incident(ctx, u, c.IncidentID)
	}

	for _, m := range desk.BuiltinMacros() {
		d.Macros = append(d.Macros, option{Value: m.ID, Label: m.TitleIn(p.L.Lang)})
	}
	for _, sev := range desk.Severities {
		d.Severities = append(d.Severities, option{Value: string(sev), Label: p.L.T("severity." + string(sev)), Selected: sev == c.Severity})
	}
	for _, o := range []desk.Outcome{desk.OutcomeSolved, desk.OutcomeWorkaround, desk.OutcomeCannotReproduce,
		desk.OutcomeThirdParty, desk.OutcomeNotSupported, desk.OutcomeOutageResolved} {
		d.Outcomes = append(d.Outcomes, option{Value: string(o), Label: p.L.T("outcome." + string(o))})
	}
	teams, err := svc.CountCases(ctx, u, desk.CaseFilter{}, desk.CountByTeam)
	if err != nil {
		return nil, err
	}
	for _, t := range teams {
		if t.Value != "" {
			d.Teams = append(d.Teams, t.Value)
		}
	}
	return d, nil
}

// registeredPhone reports whether phone is one of the registered numbers,
// comparing digits only, since people write numbers with and without
// spaces and brackets.
func registeredPhone(registered []string, phone string) bool {
	digits := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
	}
	want := digits(phone)
	if want == "" {
		return false
	}
	for _, r := range registered {
		if digits(r) == want {
			return true
		}
	}
	return false
}

// Patterns of the timeline entries the service writes, so that the
// console can say them in the reader's language. An entry that matches
// none is shown as written.
var (
	reStatus     = regexp.MustCompile(`^status: ([a-z_]+) → ([a-z_]+)(?: \((.*)\))?$`)
	reSeverity   = regexp.MustCompile(`(?s)^severity: ([a-z]+) → ([a-z]+) \((.*)\)$`)
	reDowngrade  = regexp.MustCompile(`^severity lowered from ([a-z]+) to ([a-z]+):`)
	reTeam       = regexp.MustCompile(`^escalated to team (.+)$`)
	reThirdParty = regexp.MustCompile(`^escalated to third party (.+)$`)
	reMergedInto = regexp.MustCompile(`^merged into case #(\d+)$`)
	reMergedFrom = regexp.MustCompile(`^case #(\d+) merged into this case$`)
	reIncident   = regexp.MustCompile(`^linked to incident #(\d+): (.*)$`)
	reSLANote    = regexp.MustCompile(`^SLA (warning|breached): (the first response|the next response|resolution) (?:is|was) due at (\S+)$`)
)

// slaNoteTargets maps the target named in an SLA note to its key.
var slaNoteTargets = map[string]string{
	"the first response": "first_response", "the next response": "next_response", "resolution": "resolution",
}

// statusReasons are the reasons the service gives for a change of status.
var statusReasons = map[string]string{
	"customer replied": "console.event.why.customer_replied",
	"reopened":         "console.event.why.reopened",
	"merged":           "console.event.why.merged",
	"automatic close":  "console.event.why.auto_close",
}

// entry turns a timeline message into what the console shows.
func (s *Server) entry(p *Page, m *desk.Message, names map[int64]string, files map[string]*desk.Attachment) entryView {
	l := p.L
	e := entryView{ID: m.ID, Kind: m.Kind, FromStaff: m.FromStaff, Text: m.Body, At: m.CreatedAt,
		FullBody: m.FullBody, MailID: m.MailID}
	if key := "console.via." + m.Channel; m.Kind != desk.MessageEvent && l.Has(key) {
		e.Via = l.T(key)
	}
	e.Author = names[m.AuthorID]
	if m.AuthorID == 0 {
		e.Author = l.T("console.timeline.system")
	} else if e.Author == "" {
		e.Author = l.T("console.timeline.unknown_author")
	}
	label := func(prefix, v string) string {
		if key := prefix + v; l.Has(key) {
			return l.T(key)
		}
		return v
	}
	caseLink := func(id string) {
		e.Link, e.LinkText = "/console/cases/"+id, l.T("console.case.ref", "id", id)
	}
	switch m.Kind {
	case desk.MessageAttachment:
		e.Text = l.T("console.timeline.file_added", "name", m.Body)
		if a := files[m.AttachmentID]; a != nil {
			e.Link, e.LinkText = "/console/attachments/"+a.ID, a.Name
		}
	case desk.MessageInternal:
		if m.AuthorID != 0 {
			break
		}
		if x := reSLANote.FindStringSubmatch(m.Body); x != nil {
			due, err := time.Parse(time.RFC3339, x[3])
			if err == nil {
				kind := "warning"
				if x[1] == "breached" {
					kind = "breached"
				}
				e.Text = l.T("console.sla_note."+kind+"."+slaNoteTargets[x[2]], "due", l.DateTime(due))
			}
		}
	case desk.MessageEvent:
		switch b := m.Body; {
		case b == "case opened":
			e.Text = l.T("console.event.opened")
		case b == "case imported":
			e.Text = l.T("console.event.imported")
		case reStatus.MatchString(b):
			x := reStatus.FindStringSubmatch(b)
			from, to := label("status.", x[1]), label("status.", x[2])
			switch why := x[3]; {
			case why == "":
				e.Text = l.T("console.event.status", "from", from, "to", to)
			case strings.HasPrefix(why, "outcome: "):
				e.Text = l.T("console.event.status_why", "from", from, "to", to,
					"why", l.T("console.event.why.outcome", "outcome", label("outcome.", strings.TrimPrefix(why, "outcome: "))))
			case statusReasons[why] != "":
				e.Text = l.T("console.event.status_why", "from", from, "to", to, "why", l.T(statusReasons[why]))
			default:
				e.Text = l.T("console.event.status_why", "from", from, "to", to, "why", why)
			}
		case reSeverity.MatchString(b):
			x := reSeverity.FindStringSubmatch(b)
			e.Text = l.T("console.event.severity", "from", label("severity.", x[1]), "to", label("severity.", x[2]), "reason", x[3])
		case reDowngrade.MatchString(b):
			x := reDowngrade.FindStringSubmatch(b)
			e.Text = l.T("console.event.downgraded", "from", label("severity.", x[1]), "to", label("severity.", x[2]))
		case reTeam.MatchString(b):
			e.Text = l.T("console.event.escalated_team", "team", reTeam.FindStringSubmatch(b)[1])
		case reThirdParty.MatchString(b):
			e.Text = l.T("console.event.escalated_third_party", "party", reThirdParty.FindStringSubmatch(b)[1])
		case reMergedInto.MatchString(b):
			id := reMergedInto.FindStringSubmatch(b)[1]
			e.Text = l.T("console.event.merged_into", "id", id)
			caseLink(id)
		case b == "unlinked from incident":
			e.Text = l.T("console.event.incident_unlinked")
		case reIncident.MatchString(b):
			x := reIncident.FindStringSubmatch(b)
			e.Text = l.T("console.event.incident_linked", "id", x[1], "title", x[2])
		case reMergedFrom.MatchString(b):
			id := reMergedFrom.FindStringSubmatch(b)[1]
			e.Text = l.T("console.event.merged_from", "id", id)
			caseLink(id)
		}
	}
	return e
}

// slaViews describes the case's three SLA targets.
func slaViews(p *Page, c *desk.Case) []slaView {
	st := c.SLA
	if st == nil {
		st = &desk.SLAState{}
	}
	open := c.Status != desk.StatusResolved && c.Status != desk.StatusClosed
	var nextDue *time.Time
	if c.AwaitingSince != nil {
		nextDue = c.NextResponseDueAt
	}
	targets := []struct {
		key      string
		due, met *time.Time
		left     *int
		breached bool
	}{
		{"first_response", c.FirstResponseDueAt, c.FirstResponseAt, st.FirstResponseRemainingMinutes, st.FirstResponseBreached},
		{"next_response", nextDue, nil, st.NextResponseRemainingMinutes, st.NextResponseBreached},
		{"resolution", c.ResolutionDueAt, c.ResolvedAt, st.ResolutionRemainingMinutes, st.ResolutionBreached},
	}
	var out []slaView
	for _, t := range targets {
		v := slaView{Key: t.key, Due: t.due, MetAt: t.met, State: "none"}
		switch {
		case t.met != nil && (t.due != nil || t.breached):
			v.State = "met"
			if t.breached {
				v.State = "met_late"
			}
		case t.left == nil || !open:
			// No target, or the case is resolved or closed without it.
		case st.Paused:
			v.State, v.Left = "paused", duration(p, *t.left)
		case t.breached:
			v.State, v.Left = "breached", duration(p, -*t.left)
		default:
			v.State, v.Left = "running", duration(p, *t.left)
		}
		out = append(out, v)
	}
	return out
}

// duration says a number of business minutes in the reader's language.
func duration(p *Page, minutes int) string {
	if minutes < 0 {
		minutes = 0
	}
	if minutes < 60 {
		return p.L.T("console.duration.minutes", "count", minutes)
	}
	return p.L.T("console.duration.hours_minutes", "hours", minutes/60, "minutes", minutes%60)
}

// consoleAttachment sends a file of a case as a download, never rendered
// by the browser: the disposition is attachment, the type is the one
// sniffed at upload, sniffing is off and a sandboxing CSP covers anything
// that still opens.
func (s *Server) consoleAttachment(w http.ResponseWriter, r *http.Request, p *Page) error {
	id := r.PathValue("id")
	if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
		return desk.NotFound("attachment")
	}
	a, f, err := s.Service.OpenAttachment(r.Context(), p.User, id)
	if err != nil {
		return err
	}
	defer f.Close()
	ctype := a.ContentType
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	disp := mime.FormatMediaType("attachment", map[string]string{"filename": a.Name})
	if disp == "" {
		disp = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", disp)
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; sandbox")
	http.ServeContent(w, r, "", a.CreatedAt, f)
	return nil
}

// caseURL is the workspace of a case with the confirmation to show, at
// the top of the page where the confirmation is. Naming the fragment
// matters: without one, browsers would keep the form's own fragment
// through the redirect and land the agent at the form instead.
func caseURL(id int64, done string) string {
	return fmt.Sprintf("/console/cases/%d?done=%s#main", id, done)
}
