// Package notify renders the desk's outgoing notifications: it turns an
// outbox row (desk.OutMail) into a complete RFC 5322 message with a plain
// text and an HTML body in the recipient's language and time zone.
//
// The texts live in the locale catalogue under the keys "mail.*"
// (locale/messages/mail.<lang>.json), so that translators keep them next to
// the rest of the interface and the catalogue tests check them the same way.
// Everything a mail says is taken from the row, which was written when the
// event happened: rendering the same row twice gives the same text, so a
// mail resent after a crash tells the same story as the first copy.
//
// Values that come from people (case titles, names, addresses) are treated
// as hostile: header values are stripped of control characters before they
// are encoded, so that a title such as "x\r\nBcc: evil@x" can never start a
// header line of its own, and the HTML body is escaped by html/template.
package notify

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	netmail "net/mail"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message/mail"

	"desk"
	"desk/locale"
)

// ReopenDays is how long after resolution a reply reopens a case, as the
// resolved mail promises.
const ReopenDays = 30

// Renderer turns outbox rows into complete RFC 5322 messages.
type Renderer struct {
	// From is the sender, display name and address, such as
	// "Supportdesk <support@desk.example>".
	From string
	// BaseURL is where the portal is; links are BaseURL + "/cases/{id}".
	BaseURL string
	// Product is the name shown in the signature and the footer.
	Product string
}

// blockKind is how one block of a mail body is laid out.
type blockKind string

const (
	blockPara  blockKind = "para"  // a paragraph of our own text
	blockQuote blockKind = "quote" // text a person wrote, line breaks kept
	blockLink  blockKind = "link"  // a link with its label
)

// block is one paragraph of a mail body. Both bodies are made from the same
// blocks, so the plain text and the HTML part always say the same thing.
type block struct {
	Kind  blockKind
	Text  string
	Lines []string // of a quote
	URL   string   // of a link
}

// content is a rendered mail before it is laid out as text or HTML.
type content struct {
	Lang     string
	Subject  string
	Greeting string
	Blocks   []block
	Signoff  string
	Team     string
	Footer   string
}

// Render returns the subject and the plain text and HTML bodies of m in
// m.Language (English if the language is not supported), with times in the
// recipient's zone (m.Data.TimeZone, UTC if unknown). The staff page of
// captured mail shows mail through it too.
func (r *Renderer) Render(m *desk.OutMail) (subject, text, html string, err error) {
	c, err := r.compose(m)
	if err != nil {
		return "", "", "", err
	}
	var hb strings.Builder
	if err := htmlBody.Execute(&hb, c); err != nil {
		return "", "", "", fmt.Errorf("render html of mail %d: %w", m.ID, err)
	}
	return c.Subject, c.text(), hb.String(), nil
}

// compose decides what a mail says, block by block.
func (r *Renderer) compose(m *desk.OutMail) (*content, error) {
	if m == nil {
		return nil, errors.New("render mail: no mail")
	}
	if m.Kind == desk.MailStatusConfirm || m.Kind == desk.MailStatusIncident {
		return r.composeStatus(m)
	}
	if m.CaseID == 0 && m.Kind != desk.MailIncidentUpdate {
		return nil, fmt.Errorf("render mail %d: a %s mail needs a case", m.ID, m.Kind)
	}
	l := locale.For(m.Language, zone(m.Data.TimeZone))
	d := &m.Data
	number := strconv.FormatInt(m.CaseID, 10)
	title := oneLine(d.CaseTitle)
	tag := l.T("mail.case_tag", "number", number)
	caseURL := r.link("/cases/" + number)
	viewCase := block{Kind: blockLink, Text: l.T("mail.view_case", "number", number), URL: caseURL}

	c := &content{
		Lang:    l.Lang,
		Signoff: l.T("mail.signoff"),
		Team:    l.T("mail.team", "product", r.Product),
		Footer:  l.T("mail.footer_case", "product", r.Product, "number", number),
	}
	if name := oneLine(m.ToName); name != "" {
		c.Greeting = l.T("mail.greeting", "name", name)
	} else {
		c.Greeting = l.T("mail.greeting_anonymous")
	}
	para := func(key string, args ...any) {
		c.Blocks = append(c.Blocks, block{Kind: blockPara, Text: l.T(key, args...)})
	}
	quote := func(s string) {
		if lines := bodyLines(s); len(lines) > 0 {
			c.Blocks = append(c.Blocks, block{Kind: blockQuote, Lines: lines})
		}
	}
	subject := func(key string, args ...any) {
		c.Subject = oneLine(l.T(key, append([]any{"tag", tag, "title", title}, args...)...))
	}

	switch m.Kind {
	case desk.MailCaseOpened:
		subject("mail.case_opened.subject")
		para("mail.case_opened.intro", "number", number, "title", title)
		if d.DueAt != nil {
			para("mail.case_opened.due", "time", l.DateTime(*d.DueAt))
		} else {
			para("mail.case_opened.no_due")
		}
		para("mail.how_to_reply")
	case desk.MailReply:
		subject("mail.reply.subject")
		if author := oneLine(d.AuthorName); author != "" {
			para("mail.reply.intro", "author", author, "number", number)
		} else {
			para("mail.reply.intro_team", "number", number)
		}
		quote(d.Body)
		para("mail.how_to_reply")
	case desk.MailActionRequired:
		subject("mail.action_required.subject")
		para("mail.action_required.intro", "number", number)
		quote(d.Body)
		para("mail.action_required.paused")
		para("mail.how_to_reply")
	case desk.MailSeverityChanged:
		subject("mail.severity_changed.subject")
		para("mail.severity_changed.intro", "number", number,
			"from", severityWord(l, d.SeverityFrom), "to", severityWord(l, d.SeverityTo))
		if reason := strings.Join(bodyLines(d.Reason), " "); reason != "" {
			para("mail.severity_changed.reason", "reason", reason)
		}
		para("mail.how_to_reply")
	case desk.MailResolved:
		subject("mail.resolved.subject")
		para("mail.resolved.intro", "number", number, "title", title)
		// An outcome without a text (none recorded, or one added after
		// this binary was built) is left out rather than shown as a key.
		if key := "mail.resolved.outcome." + string(d.Outcome); d.Outcome != "" && l.Has(key) {
			para(key)
		}
		quote(d.Body)
		// A string, not an int, so that the number is not grouped.
		para("mail.resolved.reopen", "days", strconv.Itoa(ReopenDays))
	case desk.MailClosed:
		subject("mail.closed.subject")
		para("mail.closed.intro", "number", number, "title", title)
		if d.MergedInto != 0 {
			target := strconv.FormatInt(d.MergedInto, 10)
			para("mail.closed.merged", "target", target)
			c.Blocks = append(c.Blocks, block{Kind: blockLink,
				Text: l.T("mail.closed.view_target", "target", target), URL: r.link("/cases/" + target)})
		} else {
			para("mail.closed.new_case")
		}
	case desk.MailSurvey:
		subject("mail.survey.subject")
		para("mail.survey.intro", "number", number, "title", title)
		para("mail.survey.ask")
		c.Blocks = append(c.Blocks, block{Kind: blockLink, Text: l.T("mail.survey.link"), URL: caseURL + "#rating"})
		para("mail.survey.thanks")
	case desk.MailIncidentUpdate:
		incident := oneLine(d.IncidentTitle)
		if m.CaseID == 0 {
			c.Subject = oneLine(l.T("mail.incident_update.subject_general", "incident", incident))
			para("mail.incident_update.intro_general", "incident", incident)
			quote(d.Body)
			c.Blocks = append(c.Blocks, block{Kind: blockLink, Text: l.T("mail.open_portal"), URL: r.link("/")})
			c.Footer = l.T("mail.footer", "product", r.Product)
			return c, nil
		}
		subject("mail.incident_update.subject", "incident", incident)
		para("mail.incident_update.intro", "incident", incident, "number", number)
		quote(d.Body)
	default:
		return nil, fmt.Errorf("render mail %d: unknown kind %q", m.ID, m.Kind)
	}
	// Every mail about a case ends with the way to it.
	c.Blocks = append(c.Blocks, viewCase)
	return c, nil
}

// link returns the absolute URL of a path in the portal.
func (r *Renderer) link(path string) string {
	return strings.TrimRight(r.BaseURL, "/") + path
}

// severityWord names a severity in running text. The words come from the
// interface's catalogue, so that the mail and the portal agree; they are
// capitalised there as labels, and lowered here for the middle of a
// sentence, except in German, where level names keep their capital.
func severityWord(l *locale.Locale, s desk.Severity) string {
	key := "severity." + string(s)
	if s == "" || !l.Has(key) {
		return oneLine(string(s))
	}
	w := l.T(key)
	if l.Lang == "de" {
		return w
	}
	return strings.ToLower(w)
}

// zones caches loaded time zones: loading one parses zoneinfo data, which
// is wasted work when a batch of mails goes to readers in the same zone.
var zones sync.Map // name → *time.Location

// zone returns the named IANA zone, or nil (UTC) when it is empty or
// unknown: a wrong zone in a profile must not stop the mail.
func zone(name string) *time.Location {
	if name == "" {
		return nil
	}
	if z, ok := zones.Load(name); ok {
		return z.(*time.Location)
	}
	z, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	zones.Store(name, z)
	return z
}

// oneLine makes s safe for a header and for one line of text: every
// control character (CR, LF, NUL, tab, DEL, the C1 set with NEL) and the
// Unicode line and paragraph separators become a space, runs of spaces
// shrink to one and invalid UTF-8 is replaced. Replacing rather than
// deleting keeps "a\r\nb" readable as "a b".
func oneLine(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == '\u2028' || r == '\u2029' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// bodyLines splits text a person wrote into lines, keeping its line breaks
// (CRLF, CR and LF alike) but dropping other control characters, and
// trimming blank lines at both ends.
func bodyLines(s string) []string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\u2028' || r == '\u2029':
			return '\n'
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	s = strings.Trim(s, "\n")
	if strings.TrimSpace(s) == "" {
		return nil
	}
	lines := strings.Split(s, "\n")
	for i, ln := range lines {
		lines[i] = strings.TrimRight(ln, " \t")
	}
	return lines
}

// text lays the mail out as plain text: paragraphs separated by blank
// lines, a link's label above its address (so that clients turn the
// address into a link on its own line), and the footer below the standard
// signature separator "-- ", which mail clients leave out of replies.
func (c *content) text() string {
	var b strings.Builder
	b.WriteString(c.Greeting)
	b.WriteString("\n\n")
	for _, bl := range c.Blocks {
		switch bl.Kind {
		case blockQuote:
			b.WriteString(strings.Join(bl.Lines, "\n"))
		case blockLink:
			b.WriteString(bl.Text)
			b.WriteString(":\n")
			b.WriteString(bl.URL)
		default:
			b.WriteString(bl.Text)
		}
		b.WriteString("\n\n")
	}
	b.WriteString(c.Signoff)
	b.WriteString("\n")
	b.WriteString(c.Team)
	b.WriteString("\n\n-- \n")
	b.WriteString(c.Footer)
	b.WriteString("\n")
	return b.String()
}

//go:embed mail.html
var htmlSource string

// htmlBody is the HTML part. It is deliberately plain: inline styles only
// (many clients drop <style>), no images or scripts, and a lang attribute so
// that screen readers pick the right voice.
var htmlBody = template.Must(template.New("mail").Parse(htmlSource))

// Message returns the whole message: the headers and a multipart/
// alternative body of a text/plain and a text/html part, both UTF-8 and
// quoted-printable. The Message-ID is the row's own, fixed when the row was
// written, so that sending the row again yields a duplicate that mail
// clients recognise as such.
func (r *Renderer) Message(m *desk.OutMail) ([]byte, error) {
	var buf bytes.Buffer
	if err := r.WriteMessage(&buf, m); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteMessage writes the message Message returns to w.
func (r *Renderer) WriteMessage(w io.Writer, m *desk.OutMail) error {
	c, err := r.compose(m)
	if err != nil {
		return err
	}
	h, err := r.header(m, c)
	if err != nil {
		return err
	}
	var hb strings.Builder
	if err := htmlBody.Execute(&hb, c); err != nil {
		return fmt.Errorf("render html of mail %d: %w", m.ID, err)
	}
	mw, err := mail.CreateInlineWriter(w, h)
	if err != nil {
		return fmt.Errorf("write mail %d: %w", m.ID, err)
	}
	for _, part := range []struct{ typ, body string }{{"text/plain", c.text()}, {"text/html", hb.String()}} {
		var ph mail.InlineHeader
		ph.SetContentType(part.typ, map[string]string{"charset": "utf-8"})
		pw, err := mw.CreatePart(ph)
		if err != nil {
			return fmt.Errorf("write mail %d: %w", m.ID, err)
		}
		if _, err := io.WriteString(pw, part.body); err != nil {
			return fmt.Errorf("write mail %d: %w", m.ID, err)
		}
		if err := pw.Close(); err != nil {
			return fmt.Errorf("write mail %d: %w", m.ID, err)
		}
	}
	if err := mw.Close(); err != nil {
		return fmt.Errorf("write mail %d: %w", m.ID, err)
	}
	return nil
}

// header builds the message header. Every value that can come from a person
// passes through oneLine or a strict parser first, and go-message's writer
// refuses CR and LF in a value as a second line of defence.
func (r *Renderer) header(m *desk.OutMail, c *content) (mail.Header, error) {
	from, err := r.fromAddress()
	if err != nil {
		return mail.Header{}, err
	}
	to, err := address(m.ToName, m.To)
	if err != nil {
		return mail.Header{}, fmt.Errorf("mail %d: recipient: %w", m.ID, err)
	}
	if !validMsgID(m.MessageID) {
		return mail.Header{}, fmt.Errorf("mail %d: invalid message id %q", m.ID, m.MessageID)
	}
	date := m.CreatedAt
	if date.IsZero() {
		date = time.Now()
	}

	// go-message writes the fields in the reverse order of adding, so they
	// are collected in reading order first and added backwards.
	type field struct{ k, v string }
	var fields []field
	var h mail.Header
	h.SetAddressList("From", []*mail.Address{from})
	fields = append(fields, field{"From", h.Get("From")})
	h.SetAddressList("To", []*mail.Address{to})
	fields = append(fields, field{"To", h.Get("To")})
	if m.ReplyTo != "" {
		rt, err := address("", m.ReplyTo)
		if err != nil {
			return mail.Header{}, fmt.Errorf("mail %d: reply address: %w", m.ID, err)
		}
		h.SetAddressList("Reply-To", []*mail.Address{rt})
		fields = append(fields, field{"Reply-To", h.Get("Reply-To")})
	}
	h.SetSubject(c.Subject)
	fields = append(fields, field{"Subject", h.Get("Subject")})
	h.SetDate(date)
	fields = append(fields, field{"Date", h.Get("Date")})
	fields = append(fields, field{"Message-ID", m.MessageID})
	// In-Reply-To and References may name mail a customer sent, so an id
	// that is not well formed is dropped: it is only a threading hint.
	if validMsgID(m.InReplyTo) {
		fields = append(fields, field{"In-Reply-To", m.InReplyTo})
	}
	var refs []string
	for _, id := range m.References {
		if validMsgID(id) {
			refs = append(refs, id)
		}
	}
	if len(refs) > 0 {
		fields = append(fields, field{"References", strings.Join(refs, " ")})
	}
	fields = append(fields, field{"Content-Language", c.Lang})
	if m.Auto {
		// RFC 3834: well-behaved responders do not answer this.
		fields = append(fields, field{"Auto-Submitted", "auto-generated"})
	}
	if u := m.Data.UnsubscribeURL; u != "" {
		// RFC 2369 and RFC 8058: mail clients offer an unsubscribe button
		// that POSTs to the address at once. The address must be a plain
		// http(s) URL; anything else is an error, not a header.
		if !validHeaderURL(u) {
			return mail.Header{}, fmt.Errorf("mail %d: invalid unsubscribe address", m.ID)
		}
		fields = append(fields, field{"List-Unsubscribe", "<" + u + ">"},
			field{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"})
	}
	// Exchange and Outlook honour this instead of Auto-Submitted: no
	// out-of-office or read receipts back to the desk.
	fields = append(fields, field{"X-Auto-Response-Suppress", "All"})
	// The loop marker: mail with it that comes back to the desk is its own.
	fields = append(fields, field{"X-Supportdesk-Mail", strconv.FormatInt(m.ID, 10)})

	var out mail.Header
	for i := len(fields) - 1; i >= 0; i-- {
		out.Add(fields[i].k, fields[i].v)
	}
	return out, nil
}

// fromAddress parses the configured sender.
func (r *Renderer) fromAddress() (*mail.Address, error) {
	a, err := address("", r.From)
	if err != nil {
		return nil, fmt.Errorf("sender address: %w", err)
	}
	return a, nil
}

// EnvelopeFrom returns the bare support address of From, for MAIL FROM.
func (r *Renderer) EnvelopeFrom() (string, error) {
	a, err := r.fromAddress()
	if err != nil {
		return "", err
	}
	return a.Address, nil
}

// address parses an address (which may carry a display name, as From
// does) after stripping control characters, and sets name as its display
// name when given. The address part must be a plain addr-spec: anything
// the parser would have to interpret is refused rather than guessed at.
func address(name, addr string) (*mail.Address, error) {
	clean := oneLine(addr)
	if clean == "" {
		return nil, errors.New("empty address")
	}
	a, err := netmail.ParseAddress(clean)
	if err != nil {
		return nil, fmt.Errorf("parse %q: %w", clean, err)
	}
	if strings.ContainsAny(a.Address, " \"\\<>()[],;:") || strings.Count(a.Address, "@") != 1 {
		return nil, fmt.Errorf("unsupported address %q", a.Address)
	}
	if name != "" {
		a.Name = oneLine(name)
	} else {
		a.Name = oneLine(a.Name)
	}
	return a, nil
}

// validMsgID reports whether id is a message id in angle brackets made of
// printable ASCII without spaces, with exactly one "@".
func validMsgID(id string) bool {
	if len(id) < 5 || len(id) > 250 || id[0] != '<' || id[len(id)-1] != '>' {
		return false
	}
	inner := id[1 : len(id)-1]
	at := strings.IndexByte(inner, '@')
	if at <= 0 || at == len(inner)-1 || strings.Count(inner, "@") != 1 {
		return false
	}
	for i := 0; i < len(inner); i++ {
		if c := inner[i]; c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
