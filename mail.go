package desk

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strconv"
	"strings"
	"time"
)

// MailKind is what an outgoing mail announces.
type MailKind string

// The notifications the desk sends to a case's contacts.
const (
	MailCaseOpened      MailKind = "case_opened"      // with the case number and the first response due time
	MailReply           MailKind = "reply"            // a public reply from support
	MailActionRequired  MailKind = "action_required"  // support asks the customer for something
	MailSeverityChanged MailKind = "severity_changed" // with the old and new severity and the reason
	MailResolved        MailKind = "resolved"         // with the outcome
	MailClosed          MailKind = "closed"           // the case is closed
	MailSurvey          MailKind = "survey"           // the case is closed; how did we do?
	MailIncidentUpdate  MailKind = "incident_update"  // a post on an incident the case is linked to
)

// MailKinds lists every kind, for renderers that must cover them all.
var MailKinds = []MailKind{MailCaseOpened, MailReply, MailActionRequired, MailSeverityChanged,
	MailResolved, MailClosed, MailSurvey, MailIncidentUpdate, MailStatusConfirm, MailStatusIncident}

// OutStatus is where an outgoing mail stands.
type OutStatus string

const (
	OutPending    OutStatus = "pending"    // waiting to be sent, or to be retried
	OutSent       OutStatus = "sent"       // accepted by the SMTP server (or captured)
	OutFailed     OutStatus = "failed"     // given up after the last retry
	OutSuppressed OutStatus = "suppressed" // not sent on purpose: failing address, flood limit
)

// MailData is what a notification says, fixed when the event happens so
// that the mail tells what was true then, whenever it is sent.
type MailData struct {
	CaseTitle string `json:"case_title,omitempty"`
	// Body is the reply, the question or the explanation, as written.
	Body         string     `json:"body,omitempty"`
	AuthorName   string     `json:"author_name,omitempty"`
	Outcome      Outcome    `json:"outcome,omitempty"`
	SeverityFrom Severity   `json:"severity_from,omitempty"`
	SeverityTo   Severity   `json:"severity_to,omitempty"`
	Reason       string     `json:"reason,omitempty"`
	Status       Status     `json:"status,omitempty"`
	DueAt        *time.Time `json:"due_at,omitempty"`
	// TimeZone is the recipient's IANA zone, for the times in the mail.
	TimeZone string `json:"time_zone,omitempty"`
	// MergedInto names the surviving case of a merged duplicate.
	MergedInto int64 `json:"merged_into,omitempty"`
	// Incident is the incident an update is about.
	IncidentTitle string `json:"incident_title,omitempty"`
	// Mail to status page subscribers: what the incident is and where it
	// stands, the names of the services it affects, its public page, the
	// confirmation link (with its expiry) and the one-click unsubscribe
	// address (see subscription.go).
	IncidentKind   IncidentKind   `json:"incident_kind,omitempty"`
	IncidentStatus IncidentStatus `json:"incident_status,omitempty"`
	Services       []string       `json:"services,omitempty"`
	IncidentURL    string         `json:"incident_url,omitempty"`
	Link           string         `json:"link,omitempty"`
	ExpiresAt      *time.Time     `json:"expires_at,omitempty"`
	UnsubscribeURL string         `json:"unsubscribe_url,omitempty"`
}

// OutMail is one message in the outbox. It is written in the same
// transaction as the event that causes it, and its Message-ID is fixed then,
// so a crash between the SMTP server accepting it and the row being marked
// sent causes at most one duplicate that mail clients recognise as such.
type OutMail struct {
	ID        int64    `json:"id"`
	MessageID string   `json:"message_id"` // with angle brackets: <...@host>
	Kind      MailKind `json:"kind"`
	OrgID     int64    `json:"org_id,omitempty"`
	CaseID    int64    `json:"case_id,omitempty"`
	// UserID is the recipient's user id when the recipient is a user.
	UserID   int64  `json:"user_id,omitempty"`
	To       string `json:"to"`
	ToName   string `json:"to_name,omitempty"`
	Language string `json:"language"`
	// ReplyTo is the case's signed reply address.
	ReplyTo    string   `json:"reply_to,omitempty"`
	InReplyTo  string   `json:"in_reply_to,omitempty"`
	References []string `json:"references,omitempty"`
	// Auto marks mail sent without a person writing it, which counts
	// against the per-address hourly limit.
	Auto bool     `json:"auto"`
	Data MailData `json:"data"`

	Status        OutStatus  `json:"status"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt time.Time  `json:"next_attempt_at"`
	LastError     string     `json:"last_error,omitempty"`
	SentAt        *time.Time `json:"sent_at,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
}

// InStatus is what became of a received mail.
type InStatus string

const (
	InReceived    InStatus = "received"    // stored raw, not processed yet
	InAdded       InStatus = "added"       // added to a case's timeline
	InOpened      InStatus = "opened"      // opened a new case
	InBounce      InStatus = "bounce"      // a delivery failure report; the address is marked failing
	InQuarantined InStatus = "quarantined" // kept for staff to review; nothing was added anywhere
	InDiscarded   InStatus = "discarded"   // reviewed and dropped by staff
)

// AutoKind says why a received mail was written by a machine, not a person.
type AutoKind string

const (
	AutoNone    AutoKind = ""
	AutoReply   AutoKind = "auto_reply" // Auto-Submitted, out-of-office and vacation replies
	AutoBounce  AutoKind = "bounce"     // a delivery status notification
	AutoList    AutoKind = "list"       // mailing-list or bulk mail
	AutoOwnMail AutoKind = "own"        // a message we sent, come back
)

// InAttachment is a file received with a mail.
type InAttachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// InMail is a received mail, parsed. Raw is the message as received; the
// parsed fields are filled by the parser (package mail).
type InMail struct {
	ID        int64  `json:"id"`
	MessageID string `json:"message_id"` // with angle brackets
	// From is the lowercased address of the sender (the From header).
	From     string `json:"from"`
	FromName string `json:"from_name,omitempty"`
	// To are the recipients: the envelope's (RCPT TO) when known, then To
	// and Cc, lowercased.
	To         []string  `json:"to"`
	Subject    string    `json:"subject"`
	InReplyTo  []string  `json:"in_reply_to,omitempty"`
	References []string  `json:"references,omitempty"`
	Date       time.Time `json:"date"`
	// Text is the full plain text of the message (from the HTML part when
	// there is no plain one); Trimmed is it without quoted history and
	// signature, for display.
	Text        string         `json:"-"`
	Trimmed     string         `json:"-"`
	Attachments []InAttachment `json:"-"`
	Auto        AutoKind       `json:"auto,omitempty"`
	// Failed are the recipients a bounce reports as failing.
	Failed []string `json:"failed,omitempty"`

	// Raw is the message as received; RawSHA256 names it in the blob store.
	Raw        []byte    `json:"-"`
	RawSHA256  string    `json:"raw_sha256"`
	Size       int64     `json:"size"`
	Status     InStatus  `json:"status"`
	Reason     string    `json:"reason,omitempty"`
	CaseID     int64     `json:"case_id,omitempty"`
	ReceivedAt time.Time `json:"received_at"`
}

// MailStore keeps the outbox, received mail and the state of addresses.
type MailStore interface {
	// ClaimOutbox leases up to limit pending mails whose next attempt is
	// due at now to owner until now+lease, oldest first.
	ClaimOutbox(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*OutMail, error)
	// FinishOutbox records the result of attempts: each mail takes its
	// Status, Attempts, NextAttemptAt, LastError and SentAt.
	FinishOutbox(ctx context.Context, ms []*OutMail) error
	// Outbox lists outgoing mails, newest first, for the staff page.
	Outbox(ctx context.Context, f OutboxFilter) ([]*OutMail, error)
	// OutMail returns one outgoing mail.
	OutMail(ctx context.Context, id int64) (*OutMail, error)
	// CaseOfMessageID returns the case of a mail we sent, by Message-ID.
	CaseOfMessageID(ctx context.Context, messageID string) (int64, error)
	// CountAutoMail counts the automatic mails sent to an address since a
	// time.
	CountAutoMail(ctx context.Context, address string, since time.Time) (int, error)

	// SaveInMail stores a received mail raw, before it is processed, with
	// status received. A mail whose Message-ID is stored already is not
	// stored again: it returns the stored row and dup=true.
	SaveInMail(ctx context.Context, m *InMail) (stored *InMail, dup bool, err error)
	// SetInMail records what became of a received mail (status, reason,
	// case) when no case changes with it.
	SetInMail(ctx context.Context, m *InMail) error
	// InMails lists received mails by status, newest first.
	InMails(ctx context.Context, status InStatus, limit int) ([]*InMail, error)
	// InMail returns one received mail.
	InMail(ctx context.Context, id int64) (*InMail, error)

	// MarkAddressFailing records that mail to an address bounced.
	MarkAddressFailing(ctx context.Context, address, reason string, at time.Time) error
	// ClearAddressFailing forgets a failure, as when the address writes to
	// us again.
	ClearAddressFailing(ctx context.Context, address string) error
	// AddressFailing reports whether mail to an address bounced, and why.
	AddressFailing(ctx context.Context, address string) (failing bool, reason string, err error)
}

// OutboxFilter selects outgoing mails for a list.
type OutboxFilter struct {
	Status OutStatus
	CaseID int64
	// BeforeID pages backwards: only mails with a smaller id.
	BeforeID int64
	Limit    int
}

// MailConfig is how the desk addresses mail.
type MailConfig struct {
	// Address is the support address, such as support@desk.example. Reply
	// addresses are made from it: support+c42.<token>@desk.example.
	Address string
	// Name is the display name mail is sent under.
	Name string
	// Secret signs reply addresses; it must stay the same across restarts
	// and nodes, or replies to older mail are quarantined.
	Secret []byte
	// BaseURL is where links in mail point, such as https://desk.example.
	BaseURL string
	// AutoLimit is the most automatic mails per address per hour.
	AutoLimit int
}

// DefaultAutoLimit is the default flood limit of automatic mail.
const DefaultAutoLimit = 20

// domain returns the host part of the support address.
func (m MailConfig) domain() string {
	if i := strings.LastIndexByte(m.Address, '@'); i >= 0 {
		return m.Address[i+1:]
	}
	return "desk.invalid"
}

// replyToken signs a case's identity so that a reply address cannot be
// made up for another case.
func (m MailConfig) replyToken(caseID, orgID int64) string {
	mac := hmac.New(sha256.New, m.Secret)
	mac.Write([]byte("reply:" + strconv.FormatInt(caseID, 10) + ":" + strconv.FormatInt(orgID, 10)))
	// 80 bits are far beyond guessing by mail, and keep the address short.
	return strings.ToLower(base32.StdEncoding.EncodeToString(mac.Sum(nil)[:10]))
}

// ReplyAddress returns the signed reply address of a case.
func (m MailConfig) ReplyAddress(caseID, orgID int64) string {
	local, domain, ok := strings.Cut(m.Address, "@")
	if !ok {
		return ""
	}
	return local + "+c" + strconv.FormatInt(caseID, 10) + "." + m.replyToken(caseID, orgID) + "@" + domain
}

// parseReplyAddress returns the case id and token of a reply address, ok
// false for any other address (the plain support address among them).
func (m MailConfig) parseReplyAddress(addr string) (caseID int64, token string, ok bool) {
	local, domain, found := strings.Cut(strings.ToLower(addr), "@")
	wantLocal, wantDomain, _ := strings.Cut(strings.ToLower(m.Address), "@")
	if !found || domain != wantDomain {
		return 0, "", false
	}
	tag, has := strings.CutPrefix(local, wantLocal+"+c")
	if !has {
		return 0, "", false
	}
	id, tok, has := strings.Cut(tag, ".")
	if !has {
		return 0, "", false
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return 0, "", false
	}
	return n, tok, true
}

// isSupportAddress reports whether addr is the plain support address.
func (m MailConfig) isSupportAddress(addr string) bool {
	return strings.EqualFold(addr, m.Address)
}

// verifyReplyToken reports whether token is the case's.
func (m MailConfig) verifyReplyToken(caseID, orgID int64, token string) bool {
	return hmac.Equal([]byte(m.replyToken(caseID, orgID)), []byte(token))
}

// newMessageID returns a fresh Message-ID. Its 96 random bits make it
// unguessable, so a reply referring to it proves the sender saw our mail.
func (m MailConfig) newMessageID() string {
	return "<" + newID()[:24] + "@" + m.domain() + ">"
}

// threadRoot is the Message-ID every mail about a case refers to, so that
// mail clients thread a case's mail together even when the first one was
// never received.
func (m MailConfig) threadRoot(caseID int64) string {
	return "<case-" + strconv.FormatInt(caseID, 10) + "@" + m.domain() + ">"
}

// Outbox lists outgoing mail for staff: in the demo's capture mode this is
// where sent mail can be read.
func (s *Service) Outbox(ctx context.Context, actor *User, f OutboxFilter) ([]*OutMail, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return s.Store.Outbox(ctx, f)
}

// OutMail returns one outgoing mail, for staff, completed with the headers
// it is sent with.
func (s *Service) OutMail(ctx context.Context, actor *User, id int64) (*OutMail, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	m, err := s.Store.OutMail(ctx, id)
	if err != nil {
		return nil, err
	}
	s.Mail.Complete(m)
	return m, nil
}

// InMails lists received mail by status for staff to review, newest first.
func (s *Service) InMails(ctx context.Context, actor *User, status InStatus, limit int) ([]*InMail, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return s.Store.InMails(ctx, status, limit)
}

// InMail returns one received mail with its raw text, for staff.
func (s *Service) InMail(ctx context.Context, actor *User, id int64) (*InMail, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return s.Store.InMail(ctx, id)
}

// DiscardInMail drops a quarantined mail after review. The raw mail stays
// stored, and the decision is audited.
func (s *Service) DiscardInMail(ctx context.Context, actor *User, id int64) error {
	if err := requireStaff(actor); err != nil {
		return err
	}
	m, err := s.Store.InMail(ctx, id)
	if err != nil {
		return err
	}
	if m.Status != InQuarantined {
		return Errorf(EREFUSED, "mail_not_quarantined", "only quarantined mail can be discarded")
	}
	m.Status = InDiscarded
	if err := s.Store.SetInMail(ctx, m); err != nil {
		return err
	}
	return s.Store.AppendAudit(ctx, s.audit(ctx, actor, 0, "mail.discard", "mail", strconv.FormatInt(id, 10), map[string]any{"reason": m.Reason, "from": m.From}))
}
