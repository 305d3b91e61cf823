package ui

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"desk"
	"desk/locale"
)

// casePageData is what a case's page shows.
type casePageData struct {
	Case         *desk.Case
	StatusText   string
	SeverityText string
	ProductName  string
	CategoryText string
	MethodText   string
	LanguageName string
	Opened       string
	OpenedBy     string
	// SLA says in plain words when the next answer is due, in the
	// reader's time; Late is set when it is overdue.
	SLA  string
	Late bool
	// Request is what the agent asked when the case waits on the
	// customer, and RequestAt when.
	Request, RequestAt string
	// MergedInto is the case this one was merged into, as a duplicate;
	// nil when it was not.
	MergedInto  *desk.Case
	Timeline    []portalEntry
	Attachments []portalFileView
	CanReply    bool
	CanClose    bool
	CanReopen   bool
	CanRate     bool
	Rating      *ratingView
	Scores      []portalChoice
	MaxBytes    int64
	MaxSize     string
	// Outage is the incident the case is linked to and what can be asked
	// for from it; nil for a case without one.
	Outage *outageView
}

// portalEntry is one entry of a case's timeline as the customer sees
// it: replies, events in the reader's words, and files. Internal notes
// never reach it; the desk leaves them out of a customer's timeline.
type portalEntry struct {
	Kind      desk.MessageKind
	Author    string
	FromStaff bool
	At        string
	ISO       string
	Body      string
	File      *portalFileView
	// FullBody is the whole text of a reply by e-mail whose Body leaves
	// out the quoted history; ByEmail is set for what came by e-mail.
	FullBody string
	ByEmail  bool
}

// portalFileView is a file of a case, ready to list.
type portalFileView struct {
	Name, Link, Size, By, At string
}

// ratingView is the stored satisfaction rating of a case.
type ratingView struct {
	Score     int
	ScoreText string
	Comment   string
	At        string
}

// portalCaseFields are the fields of the forms on a case's page.
var portalCaseFields = []string{"body", "file", "score", "comment"}

// portalCase shows one case of the organisation.
func (s *Server) portalCase(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, err := portalCaseID(r)
	if err != nil {
		return err
	}
	p.Flash = portalFlash(r)
	return s.renderPortalCase(w, r, p, id, nil, http.StatusOK)
}

// renderPortalCase shows a case's page with the state of the form f (nil when
// no form was sent).
func (s *Server) renderPortalCase(w http.ResponseWriter, r *http.Request, p *Page, id int64, f *Form, status int) error {
	if err := requireSupportPrivilege(p.User); err != nil {
		return err
	}
	ctx := r.Context()
	c, err := s.Service.Case(ctx, p.User, id)
	if err != nil {
		return err
	}
	msgs, err := s.Service.Timeline(ctx, p.User, id)
	if err != nil {
		return err
	}
	atts, err := s.Service.Attachments(ctx, p.User, id)
	if err != nil {
		return err
	}
	ids := []int64{c.CreatedBy}
	for _, m := range msgs {
		ids = append(ids, m.AuthorID)
	}
	for _, a := range atts {
		ids = append(ids, a.UploadedBy)
	}
	names, err := s.Service.UserNames(ctx, p.User, ids)
	if err != nil {
		return err
	}
	l, now := p.L, s.Service.Clock.Now()
	d := &casePageData{
		Case: c, StatusText: l.T("status." + string(c.Status)), SeverityText: s.sevLabel(l, c.Severity),
		ProductName: s.portalProducts(r, p)[c.Product], CategoryText: l.T("category." + string(c.Category)),
		MethodText: l.T("contact." + string(c.ContactMethod)), LanguageName: locale.Name(c.Language),
		Opened: l.DateTime(c.CreatedAt), OpenedBy: names[c.CreatedBy],
		CanReply: c.Status != desk.StatusClosed, CanClose: c.Status != desk.StatusClosed,
		CanReopen: c.Status == desk.StatusResolved && c.ResolvedAt != nil && now.Sub(*c.ResolvedAt) <= s.Service.ReopenWindow,
		CanRate:   c.Status == desk.StatusResolved || c.Status == desk.StatusClosed,
		MaxBytes:  s.attachmentLimit(), MaxSize: portalSize(l, s.attachmentLimit()),
	}
	if d.ProductName == "" {
		d.ProductName = c.Product
	}
	d.SLA, d.Late = slaText(l, now, c)
	if c.MergedInto != 0 {
		// The survivor belongs to the same organisation; if it cannot be
		// read, the notice still names it.
		if d.MergedInto, err = s.Service.Case(ctx, p.User, c.MergedInto); err != nil {
			d.MergedInto = &desk.Case{ID: c.MergedInto}
		}
	}
	byID := map[string]*portalFileView{}
	for _, a := range atts {
		v := portalFileView{Name: a.Name, Size: portalSize(l, a.Size), By: names[a.UploadedBy], At: l.DateTime(a.CreatedAt),
			Link: fmt.Sprintf("/cases/%d/attachments/%s", c.ID, url.PathEscape(a.ID))}
		d.Attachments = append(d.Attachments, v)
		byID[a.ID] = &d.Attachments[len(d.Attachments)-1]
	}
	for _, m := range msgs {
		if m.Kind == desk.MessageInternal {
			continue // the desk leaves them out already; never show one here
		}
		e := portalEntry{Kind: m.Kind, FromStaff: m.FromStaff, At: l.DateTime(m.CreatedAt),
			ISO: m.CreatedAt.UTC().Format(time.RFC3339), Body: m.Body, Author: names[m.AuthorID],
			ByEmail: m.Channel == "email" && m.Kind != desk.MessageEvent}
		if m.Kind == desk.MessagePublic {
			e.FullBody = m.FullBody
		}
		switch m.Kind {
		case desk.MessageEvent:
			e.Body = s.eventText(l, m.Body)
		case desk.MessageAttachment:
			e.File = byID[m.AttachmentID]
		case desk.MessagePublic:
			if m.AuthorID == 0 {
				e.Author = l.T("portal.case.system")
				e.Body = s.systemText(l, m.Body)
			}
		}
		d.Timeline = append(d.Timeline, e)
	}
	if c.Status == desk.StatusActionRequired {
		if q := requestOf(msgs); q != nil {
			d.Request, d.RequestAt = q.Body, l.DateTime(q.CreatedAt)
		}
	}
	if d.CanRate {
		rt, err := s.Service.CaseRating(ctx, p.User, c.ID)
		switch {
		case err == nil:
			d.Rating = &ratingView{Score: rt.Score, ScoreText: l.T(fmt.Sprintf("portal.rate.score%d", rt.Score)),
				Comment: rt.Comment, At: l.DateTime(rt.CreatedAt)}
		case desk.ErrorKind(err) != desk.ENOTFOUND:
			return err
		}
		for i := 5; i >= 1; i-- {
			d.Scores = append(d.Scores, portalChoice{Value: strconv.Itoa(i), Label: l.T(fmt.Sprintf("portal.rate.score%d", i))})
		}
		if f == nil && d.Rating != nil {
			f = NewForm(url.Values{"score": {strconv.Itoa(d.Rating.Score)}, "comment": {d.Rating.Comment}})
		}
	}
	if d.Outage, err = s.outageOf(r, p, c); err != nil {
		return err
	}
	p.Title, p.Data, p.Form = "portal.case.page_title", d, f
	return s.render(w, r, status, "portal_case", p)
}

// requestOf returns the agent's question a case waits on: the public
// staff reply that came with the latest move to action_required, or the
// latest public staff reply if the move came without one.
func requestOf(msgs []*desk.Message) *desk.Message {
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m.Kind == desk.MessageEvent && strings.HasSuffix(strings.SplitN(m.Body, " (", 2)[0], "→ "+string(desk.StatusActionRequired)) {
			for j := i - 1; j >= 0; j-- {
				if msgs[j].Kind == desk.MessagePublic && msgs[j].FromStaff {
					return msgs[j]
				}
			}
			break
		}
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Kind == desk.MessagePublic && msgs[i].FromStaff {
			return msgs[i]
		}
	}
	return nil
}

// slaText says when the customer hears from support, from the case's due
// times, in the reader's time zone; late is set when that time has passed.
func slaText(l *locale.Locale, now time.Time, c *desk.Case) (text string, late bool) {
	zone := func(t time.Time) string {
		if l.Zone == nil {
			return "UTC"
		}
		return t.In(l.Zone).Format("MST")
	}
	due := func(t *time.Time, onTime, overdue string) (string, bool) {
		if t.After(now) {
			return l.T(onTime, "when", portalWhen(l, now, *t), "zone", zone(*t)), false
		}
		return l.T(overdue, "when", portalWhen(l, now, *t), "zone", zone(*t)), true
	}
	switch c.Status {
	case desk.StatusResolved:
		return l.T("portal.sla.resolved"), false
	case desk.StatusClosed:
		return l.T("portal.sla.closed"), false
	case desk.StatusActionRequired:
		return l.T("portal.sla.paused"), false
	}
	switch {
	case c.FirstResponseAt == nil && c.FirstResponseDueAt != nil:
		return due(c.FirstResponseDueAt, "portal.sla.first_by", "portal.sla.first_late")
	case c.FirstResponseAt == nil:
		return l.T("portal.sla.first_no_target"), false
	case c.AwaitingSince != nil && c.NextResponseDueAt != nil:
		return due(c.NextResponseDueAt, "portal.sla.next_by", "portal.sla.next_late")
	case c.AwaitingSince != nil:
		return l.T("portal.sla.next_no_target"), false
	case c.ResolutionDueAt != nil && c.ResolutionDueAt.After(now):
		return l.T("portal.sla.resolve_by", "when", portalWhen(l, now, *c.ResolutionDueAt), "zone", zone(*c.ResolutionDueAt)), false
	}
	return l.T("portal.sla.working"), false
}

// eventText says what a timeline event records in the reader's words.
// The desk writes events as short English records ("status: open →
// resolved (outcome: solved)"); they are read here, and anything not
// recognised says only that the case changed, so that no English reaches
// a reader of another language.
func (s *Server) eventText(l *locale.Locale, body string) string {
	status := func(v string) string {
		if desk.Status(v).Valid() {
			return l.T("status." + v)
		}
		return v
	}
	sev := func(v string) string {
		if desk.Severity(v).Valid() {
			return s.sevLabel(l, desk.Severity(v))
		}
		return v
	}
	switch {
	case body == "case opened":
		return l.T("portal.event.opened")
	case body == "case imported":
		return l.T("portal.event.imported")
	case strings.HasPrefix(body, "status: "):
		move, why, _ := strings.Cut(strings.TrimPrefix(body, "status: "), " (")
		why = strings.TrimSuffix(why, ")")
		from, to, ok := strings.Cut(move, " → ")
		if !ok {
			break
		}
		args := []any{"from", status(from), "to", status(to)}
		switch {
		case why == "customer replied":
			return l.T("portal.event.status_reply", args...)
		case why == "automatic close":
			return l.T("portal.event.status_auto_close", args...)
		case strings.HasPrefix(why, "outcome: "):
			o := strings.TrimPrefix(why, "outcome: ")
			if desk.Outcome(o).Valid() {
				return l.T("portal.event.status_outcome", append(args, "outcome", l.T("outcome."+o))...)
			}
		}
		return l.T("portal.event.status", args...)
	case strings.HasPrefix(body, "severity lowered from "):
		var from, to string
		if _, err := fmt.Sscanf(body, "severity lowered from %s to %s", &from, &to); err == nil {
			return l.T("portal.event.downgraded", "from", sev(from), "to", sev(strings.TrimSuffix(to, ":")))
		}
	case strings.HasPrefix(body, "severity: "):
		move, reason, _ := strings.Cut(strings.TrimPrefix(body, "severity: "), " (")
		if from, to, ok := strings.Cut(move, " → "); ok {
			return l.T("portal.event.severity", "from", sev(from), "to", sev(to), "reason", strings.TrimSuffix(reason, ")"))
		}
	case strings.HasPrefix(body, "escalated to team "):
		return l.T("portal.event.escalated_team", "team", strings.TrimPrefix(body, "escalated to team "))
	case strings.HasPrefix(body, "escalated to third party "):
		return l.T("portal.event.escalated_third_party", "party", strings.TrimPrefix(body, "escalated to third party "))
	case strings.HasPrefix(body, "service credit requested: "):
		return l.T("credit.event.requested", "amount", strings.TrimPrefix(body, "service credit requested: "))
	case strings.HasPrefix(body, "service credit approved: "):
		return l.T("credit.event.approved", "amount", strings.TrimPrefix(body, "service credit approved: "))
	case strings.HasPrefix(body, "service credit declined: "):
		return l.T("credit.event.declined", "amount", strings.TrimPrefix(body, "service credit declined: "))
	case body == "incident report requested":
		return l.T("credit.event.report_requested")
	case strings.HasPrefix(body, "merged into case #"):
		return l.T("portal.event.merged_into", "id", strings.TrimPrefix(body, "merged into case #"))
	case strings.HasPrefix(body, "case #") && strings.HasSuffix(body, " merged into this case"):
		return l.T("portal.event.merged_from", "id", strings.TrimSuffix(strings.TrimPrefix(body, "case #"), " merged into this case"))
	}
	return l.T("portal.event.updated")
}

// downgradeNotice starts the public message the desk writes when it
// lowers the severity of a case that waited on the customer too long.
const downgradeNotice = "We have not heard back from you, so we lowered the severity of this case from "

// systemText puts a public message the desk wrote itself into the
// reader's words; other messages are shown as written.
func (s *Server) systemText(l *locale.Locale, body string) string {
	if rest, ok := strings.CutPrefix(body, downgradeNotice); ok {
		from, rest, _ := strings.Cut(rest, " to ")
		to, _, _ := strings.Cut(rest, ".")
		if desk.Severity(from).Valid() && desk.Severity(to).Valid() {
			return l.T("portal.msg.downgraded", "from", s.sevLabel(l, desk.Severity(from)), "to", s.sevLabel(l, desk.Severity(to)))
		}
	}
	return body
}

// portalCaseForm parses a small form posted on a case's page.
func portalCaseForm(w http.ResponseWriter, r *http.Request) (*Form, error) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		return nil, desk.Errorf(desk.EINVALID, "bad_form", "the form could not be read")
	}
	return NewForm(r.PostForm), nil
}

// portalCaseAction runs one change of a case posted from its page: on success
// the page is loaded again with a confirmation; a refusal shows the page
// with the problem next to its form.
func (s *Server) portalCaseAction(w http.ResponseWriter, r *http.Request, p *Page, flash string, do func(id int64, f *Form) error) error {
	id, err := portalCaseID(r)
	if err != nil {
		return err
	}
	if err := requireSupportPrivilege(p.User); err != nil {
		return err
	}
	f, err := portalCaseForm(w, r)
	if err != nil {
		return err
	}
	if err := do(id, f); err != nil {
		if !s.portalFail(p, f, err, portalCaseFields, nil) {
			return err
		}
		return s.renderPortalCase(w, r, p, id, f, http.StatusUnprocessableEntity)
	}
	return portalRedirect(w, r, fmt.Sprintf("/cases/%d", id), flash)
}

// portalReply adds the customer's reply to a case.
func (s *Server) portalReply(w http.ResponseWriter, r *http.Request, p *Page) error {
	return s.portalCaseAction(w, r, p, "replied", func(id int64, f *Form) error {
		_, err := s.Service.AddMessage(r.Context(), p.User, id, desk.Reply{Body: f.Get("body")})
		return err
	})
}

// portalClose closes a case at the customer's request.
func (s *Server) portalClose(w http.ResponseWriter, r *http.Request, p *Page) error {
	return s.portalCaseAction(w, r, p, "closed", func(id int64, f *Form) error {
		_, err := s.Service.Close(r.Context(), p.User, id)
		return err
	})
}

// portalReopen reopens a resolved case within the reopen window.
func (s *Server) portalReopen(w http.ResponseWriter, r *http.Request, p *Page) error {
	return s.portalCaseAction(w, r, p, "reopened", func(id int64, f *Form) error {
		_, err := s.Service.Reopen(r.Context(), p.User, id)
		return err
	})
}

// portalRate records the customer's satisfaction with a resolved case.
func (s *Server) portalRate(w http.ResponseWriter, r *http.Request, p *Page) error {
	return s.portalCaseAction(w, r, p, "rated", func(id int64, f *Form) error {
		score, err := strconv.Atoi(f.Get("score"))
		if err != nil {
			score = 0 // the desk names the field
		}
		_, err = s.Service.Rate(r.Context(), p.User, id, score, f.Get("comment"))
		return err
	})
}

// portalUpload adds one file to a case.
func (s *Server) portalUpload(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, err := portalCaseID(r)
	if err != nil {
		return err
	}
	if err := requireSupportPrivilege(p.User); err != nil {
		return err
	}
	f := NewForm(nil)
	r.Body = http.MaxBytesReader(w, r.Body, s.attachmentLimit()+multipartMemory)
	switch err := r.ParseMultipartForm(multipartMemory); {
	case err == nil, errors.Is(err, http.ErrNotMultipart):
	default:
		var mbe *http.MaxBytesError
		if !errors.As(err, &mbe) {
			return desk.Errorf(desk.EINVALID, "bad_form", "the form could not be read")
		}
		f.Fail("file", "portal.err.file_too_large", s.portalErrArgs(p)...)
		return s.renderPortalCase(w, r, p, id, f, http.StatusRequestEntityTooLarge)
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if r.MultipartForm == nil || len(r.MultipartForm.File["file"]) == 0 || r.MultipartForm.File["file"][0].Filename == "" {
		f.Fail("file", "portal.err.file_required", s.portalErrArgs(p)...)
		return s.renderPortalCase(w, r, p, id, f, http.StatusUnprocessableEntity)
	}
	if err := s.attachFile(r.Context(), p.User, id, r.MultipartForm.File["file"][0]); err != nil {
		if !s.portalFail(p, f, err, portalCaseFields, nil) {
			return err
		}
		return s.renderPortalCase(w, r, p, id, f, http.StatusUnprocessableEntity)
	}
	return portalRedirect(w, r, fmt.Sprintf("/cases/%d", id), "uploaded")
}

// portalDownload sends a file of a case as a download. The browser is told not
// to guess its type or show it inline, and the sandbox policy keeps a
// file that is opened anyway from running anything on this origin.
func (s *Server) portalDownload(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, err := portalCaseID(r)
	if err != nil {
		return err
	}
	if err := requireSupportPrivilege(p.User); err != nil {
		return err
	}
	a, file, err := s.Service.OpenAttachment(r.Context(), p.User, r.PathValue("att"))
	if err != nil {
		return err
	}
	defer file.Close()
	if a.CaseID != id {
		return desk.NotFound("attachment")
	}
	h := w.Header()
	h.Set("Content-Type", safeContentType(a.ContentType))
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": a.Name})
	if disposition == "" {
		disposition = "attachment"
	}
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", a.CreatedAt, file)
	return nil
}
