package ui

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"desk"
	"desk/locale"
)

// consoleMailRoutes are the console's mail pages: the outbox (in capture
// mode the only place sent mail can be read) and received mail, with the
// quarantine staff review. All of them are for staff only; the service
// checks that again.
var consoleMailRoutes = []route{
	{"GET /console/mail", staffOnly, (*Server).consoleOutbox},
	{"GET /console/mail/out/{id}", staffOnly, (*Server).consoleOutMail},
	{"GET /console/mail/out/{id}/html", staffOnly, (*Server).consoleOutMailHTML},
	{"GET /console/mail/in", staffOnly, (*Server).consoleInbox},
	{"GET /console/mail/in/{id}", staffOnly, (*Server).consoleInMail},
	{"GET /console/mail/in/{id}/raw", staffOnly, (*Server).consoleInMailRaw},
	{"POST /console/mail/in/{id}/discard", staffOnly, (*Server).consoleDiscardInMail},
}

// outboxPageSize is how many mails a page of the outbox shows.
const outboxPageSize = 50

// inboxListSize is how many received mails a status tab lists.
const inboxListSize = 200

// rawShowLimit is how much of a received mail's raw text its page shows;
// the download has all of it.
const rawShowLimit = 256 << 10

// mailHeldMax bounds the count of quarantined mail in the navigation.
const mailHeldMax = 500

// mailHTMLPolicy is the CSP of a mail's HTML body: a sandbox without
// scripts, forms or same-origin rights, no remote content (a tracking
// pixel would tell the sender the mail was read) and only inline styles,
// which mail HTML needs.
const mailHTMLPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"

// outStatuses and inStatuses are the states of mail, in the order shown.
var (
	outStatuses = []desk.OutStatus{desk.OutPending, desk.OutSent, desk.OutFailed, desk.OutSuppressed}
	inStatuses  = []desk.InStatus{desk.InQuarantined, desk.InReceived, desk.InAdded, desk.InOpened, desk.InBounce, desk.InDiscarded}
)

// mailReasons are the quarantine reasons with their own words: the
// desk's (mailin.go), the parser's, and refusals of the case rules that
// reach the quarantine. Any other reason is shown as its code.
var mailReasons = []string{
	desk.QuarantineOwnMail, desk.QuarantineAutomatic, desk.QuarantineInvalidToken, desk.QuarantineUnknownSender,
	desk.QuarantineStaffSender, desk.QuarantineNoPrivilege, desk.QuarantineOtherOrg, desk.QuarantineUnknownCase,
	desk.QuarantineCaseClosed, desk.QuarantineUnknownAddress, desk.QuarantineNoSubscriptions,
	"mail_too_large", "mail_too_many_parts", "mail_too_deep", "mail_header_too_large", "mail_too_slow", "mail_unreadable",
	"reopen_window_passed",
}

// mailTab is one link of a row of tabs.
type mailTab struct {
	Label   string
	URL     string
	Current bool
}

// outRow is one mail of the outbox.
type outRow struct {
	Mail       *desk.OutMail
	KindText   string
	StatusText string
	// Subject is the subject line as the recipient reads it; empty when
	// no preview could be made.
	Subject string
	Preview bool
}

// outboxData is the data of the outbox page.
type outboxData struct {
	Capture bool
	// Status and Case are the filters, as the form shows them.
	Status, Case string
	Statuses     []option
	Rows         []outRow
	// NextURL leads to older mail, FirstURL back to the newest; ClearURL
	// drops the filters.
	NextURL, FirstURL, ClearURL string
	Filtered                    bool
}

// outMailData is the data of the page of one outgoing mail.
type outMailData struct {
	Mail       *desk.OutMail
	Capture    bool
	KindText   string
	StatusText string
	Language   string
	References string
	// Preview is set when the mail could be rendered: Subject, Text and
	// HTML are then what the recipient gets.
	Preview             bool
	Subject, Text, HTML string
}

// inRow is one received mail of a list.
type inRow struct {
	Mail       *desk.InMail
	StatusText string
	Reason     string
}

// receivedData is the data of the received-mail list.
type receivedData struct {
	Status     string
	StatusText string
	Tabs       []mailTab
	Rows       []inRow
	// Full is set when the list shows only the newest inboxListSize.
	Full  bool
	Limit int
}

// inMailData is the data of the page of one received mail.
type inMailData struct {
	Mail       *desk.InMail
	StatusText string
	Reason     string
	To         string
	Size       string
	// Raw is the start of the message as text; Cut is set when it is not
	// all of it, and Shown says how much is.
	Raw        string
	Cut        bool
	Shown      string
	CanDiscard bool
	// Error is the catalogue key of a refused discard.
	Error string
}

// labelOf returns the words of a catalogue key made of prefix and value,
// or the value itself when there are none.
func labelOf(l *locale.Locale, prefix, value string) string {
	if value == "" {
		return ""
	}
	if key := prefix + value; l.Has(key) {
		return l.T(key)
	}
	return value
}

// mailReason says why a received mail is where it is, in the reader's
// words; a reason without words (a bounce's failing addresses, a code
// added later) is shown as it is.
func mailReason(l *locale.Locale, reason string) string {
	return labelOf(l, "console.mail.reason.", reason)
}

// preview renders an outgoing mail with the injected renderer; ok is
// false when there is none or it fails.
func (s *Server) preview(ctx context.Context, m *desk.OutMail) (subject, text, html string, ok bool) {
	if s.MailPreview == nil {
		return "", "", "", false
	}
	subject, text, html, err := s.MailPreview(m)
	if err != nil {
		s.logger().WarnContext(ctx, "mail preview", "mail", m.ID, "err", err)
		return "", "", "", false
	}
	return subject, text, html, true
}

// pathMailID reads the mail id of the path; an id that is no number is a
// mail that does not exist.
func pathMailID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, desk.NotFound("mail")
	}
	return id, nil
}

// readCaseNumber reads a case number as agents write it ("#1042" or
// "1042"); 0 when there is none or it is no number.
func readCaseNumber(v string) int64 {
	v = strings.TrimPrefix(strings.TrimSpace(v), "#")
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// consoleOutbox lists outgoing mail, newest first, filtered by status and
// case and paged backwards by id.
func (s *Server) consoleOutbox(w http.ResponseWriter, r *http.Request, p *Page) error {
	q := r.URL.Query()
	f := desk.OutboxFilter{Limit: outboxPageSize + 1}
	for _, st := range outStatuses {
		if q.Get("status") == string(st) {
			f.Status = st
		}
	}
	f.CaseID = readCaseNumber(q.Get("case"))
	if b, err := strconv.ParseInt(q.Get("before"), 10, 64); err == nil && b > 0 {
		f.BeforeID = b
	}
	ms, err := s.Service.Outbox(r.Context(), p.User, f)
	if err != nil {
		return err
	}
	d := &outboxData{Capture: s.MailCapture, Status: string(f.Status), ClearURL: "/console/mail"}
	filter := url.Values{}
	if f.Status != "" {
		filter.Set("status", string(f.Status))
	}
	if f.CaseID != 0 {
		d.Case = strconv.FormatInt(f.CaseID, 10)
		filter.Set("case", d.Case)
	}
	d.Filtered = len(filter) > 0
	for _, st := range outStatuses {
		d.Statuses = append(d.Statuses, option{Value: string(st), Label: p.L.T("console.mail.out_status." + string(st)), Selected: st == f.Status})
	}
	if len(ms) > outboxPageSize {
		ms = ms[:outboxPageSize]
		next := url.Values{}
		for k, v := range filter {
			next[k] = v
		}
		next.Set("before", strconv.FormatInt(ms[len(ms)-1].ID, 10))
		d.NextURL = "/console/mail?" + next.Encode()
	}
	if f.BeforeID != 0 {
		d.FirstURL = "/console/mail"
		if len(filter) > 0 {
			d.FirstURL += "?" + filter.Encode()
		}
	}
	for _, m := range ms {
		row := outRow{Mail: m, KindText: labelOf(p.L, "console.mail.kind.", string(m.Kind)),
			StatusText: labelOf(p.L, "console.mail.out_status.", string(m.Status))}
		row.Subject, _, _, row.Preview = s.preview(r.Context(), m)
		d.Rows = append(d.Rows, row)
	}
	p.Title, p.Data = "console.mail.outbox.title", d
	return s.render(w, r, http.StatusOK, "console_mail", p)
}

// consoleOutMail shows one outgoing mail with its headers and bodies.
func (s *Server) consoleOutMail(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, err := pathMailID(r)
	if err != nil {
		return err
	}
	m, err := s.Service.OutMail(r.Context(), p.User, id)
	if err != nil {
		return err
	}
	d := &outMailData{Mail: m, Capture: s.MailCapture, KindText: labelOf(p.L, "console.mail.kind.", string(m.Kind)),
		StatusText: labelOf(p.L, "console.mail.out_status.", string(m.Status)),
		Language:   locale.Name(m.Language), References: strings.Join(m.References, " ")}
	if d.Language == "" {
		d.Language = m.Language
	}
	d.Subject, d.Text, d.HTML, d.Preview = s.preview(r.Context(), m)
	p.Title, p.Data = "console.mail.out.title", d
	return s.render(w, r, http.StatusOK, "console_mail_out", p)
}

// consoleOutMailHTML serves the HTML body of an outgoing mail for the
// sandboxed frame of its page. Mail HTML is not the desk's own markup, so
// it runs under its own policy: no script, no requests, nothing it could
// reach on this origin. Only the mail's own page may frame it.
func (s *Server) consoleOutMailHTML(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, err := pathMailID(r)
	if err != nil {
		return err
	}
	m, err := s.Service.OutMail(r.Context(), p.User, id)
	if err != nil {
		return err
	}
	_, _, html, ok := s.preview(r.Context(), m)
	if !ok || html == "" {
		return desk.NotFound("mail")
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", mailHTMLPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "private, no-store")
	if _, err := w.Write([]byte(html)); err != nil {
		s.logger().DebugContext(r.Context(), "write mail html", "err", err)
	}
	return nil
}

// consoleInbox lists received mail of one status, quarantined by default:
// what staff have to review.
func (s *Server) consoleInbox(w http.ResponseWriter, r *http.Request, p *Page) error {
	status := desk.InQuarantined
	for _, st := range inStatuses {
		if r.URL.Query().Get("status") == string(st) {
			status = st
		}
	}
	ms, err := s.Service.InMails(r.Context(), p.User, status, inboxListSize)
	if err != nil {
		return err
	}
	d := &receivedData{Status: string(status), StatusText: p.L.T("console.mail.in_status." + string(status)),
		Full: len(ms) >= inboxListSize, Limit: inboxListSize}
	for _, st := range inStatuses {
		d.Tabs = append(d.Tabs, mailTab{Label: p.L.T("console.mail.in_status." + string(st)),
			URL: "/console/mail/in?status=" + string(st), Current: st == status})
	}
	for _, m := range ms {
		d.Rows = append(d.Rows, inRow{Mail: m, StatusText: labelOf(p.L, "console.mail.in_status.", string(m.Status)),
			Reason: mailReason(p.L, m.Reason)})
	}
	p.Title, p.Data = "console.mail.inbox.title", d
	return s.render(w, r, http.StatusOK, "console_mail_in", p)
}

// consoleInMail shows one received mail: what the parser read of it and
// the message itself as text.
func (s *Server) consoleInMail(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, err := pathMailID(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("done") == "discarded" {
		p.Flash = "console.mail.flash.discarded"
	}
	return s.renderInMail(w, r, p, id, "", http.StatusOK)
}

// renderInMail renders the page of received mail id, with the catalogue
// key of a refusal to show, if any.
func (s *Server) renderInMail(w http.ResponseWriter, r *http.Request, p *Page, id int64, problem string, status int) error {
	m, err := s.Service.InMail(r.Context(), p.User, id)
	if err != nil {
		return err
	}
	d := &inMailData{Mail: m, StatusText: labelOf(p.L, "console.mail.in_status.", string(m.Status)),
		Reason: mailReason(p.L, m.Reason), To: strings.Join(m.To, ", "), Size: portalSize(p.L, m.Size),
		CanDiscard: m.Status == desk.InQuarantined, Error: problem}
	if m.Size == 0 {
		d.Size = portalSize(p.L, int64(len(m.Raw)))
	}
	raw := m.Raw
	if len(raw) > rawShowLimit {
		raw, d.Cut = raw[:rawShowLimit], true
		// Cut on a character boundary where the text is UTF-8: drop the
		// bytes of a character the limit split.
		for i := 0; i < utf8.UTFMax-1 && len(raw) > 0; i++ {
			if r, size := utf8.DecodeLastRune(raw); r != utf8.RuneError || size != 1 {
				break
			}
			raw = raw[:len(raw)-1]
		}
		d.Shown = portalSize(p.L, rawShowLimit)
	}
	d.Raw = strings.ToValidUTF8(string(raw), "\uFFFD")
	p.Title, p.Data = "console.mail.in.title", d
	return s.render(w, r, status, "console_mail_inmail", p)
}

// consoleInMailRaw sends a received mail as it came, as a download: never
// shown by the browser, and sandboxed should it be opened anyway.
func (s *Server) consoleInMailRaw(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, err := pathMailID(r)
	if err != nil {
		return err
	}
	m, err := s.Service.InMail(r.Context(), p.User, id)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "message/rfc822")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="mail-%d.eml"`, m.ID))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", m.ReceivedAt, bytes.NewReader(m.Raw))
	return nil
}

// consoleDiscardInMail drops a quarantined mail after review and leads
// back to it with a confirmation; mail in any other state is refused on
// its page.
func (s *Server) consoleDiscardInMail(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, err := pathMailID(r)
	if err != nil {
		return err
	}
	err = s.Service.DiscardInMail(r.Context(), p.User, id)
	switch {
	case err == nil:
		s.counts.clear()
		http.Redirect(w, r, fmt.Sprintf("/console/mail/in/%d?done=discarded#main", id), http.StatusSeeOther)
		return nil
	case desk.ErrorKind(err) == desk.EREFUSED:
		return s.renderInMail(w, r, p, id, "console.mail.error.not_quarantined", http.StatusConflict)
	}
	return err
}

// mailHeld returns the number of quarantined mails for the navigation,
// as the reader's digits ("500+" beyond mailHeldMax), or "" when there is
// none or it cannot be counted. It comes from the count cache, so that
// the console's pages do not each count the quarantine.
func (s *Server) mailHeld(r *http.Request, p *Page) string {
	ctx := r.Context()
	_, n, err := s.counts.get("mail|quarantined", time.Now(), func() (map[string]int64, int64, error) {
		ms, err := s.Service.InMails(context.WithoutCancel(ctx), p.User, desk.InQuarantined, mailHeldMax)
		return nil, int64(len(ms)), err
	})
	switch {
	case err != nil:
		s.logger().WarnContext(ctx, "count quarantined mail", "err", err)
		return ""
	case n == 0:
		return ""
	case n >= mailHeldMax:
		return p.L.Number(n) + "+"
	}
	return p.L.Number(n)
}
