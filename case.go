package desk

import (
	"context"
	"time"
)

// Severity is the one internal severity scale. Installations show it in
// their own scheme (P1–P4, A/B/C, High/Normal/Low).
type Severity string

const (
	SeverityCritical Severity = "critical"
	SeverityHigh     Severity = "high"
	SeverityNormal   Severity = "normal"
	SeverityLow      Severity = "low"
)

// Severities lists the scale from highest to lowest.
var Severities = []Severity{SeverityCritical, SeverityHigh, SeverityNormal, SeverityLow}

// Rank returns 0 for critical up to 3 for low, and -1 for an unknown value.
func (s Severity) Rank() int {
	for i, v := range Severities {
		if v == s {
			return i
		}
	}
	return -1
}

// Valid reports whether s is on the scale.
func (s Severity) Valid() bool { return s.Rank() >= 0 }

// Above reports whether s is more severe than t.
func (s Severity) Above(t Severity) bool { return s.Rank() < t.Rank() }

// Category is what a case is about.
type Category string

const (
	CategoryTechnical Category = "technical"
	CategoryBilling   Category = "billing" // billing and subscription management
	CategoryPresales  Category = "presales"
)

// Valid reports whether c is a known category.
func (c Category) Valid() bool {
	return c == CategoryTechnical || c == CategoryBilling || c == CategoryPresales
}

// ContactMethod is how the customer prefers to be answered.
type ContactMethod string

const (
	ContactEmail ContactMethod = "email"
	ContactPhone ContactMethod = "phone"
	ContactChat  ContactMethod = "chat"
)

// Valid reports whether m is a known contact method.
func (m ContactMethod) Valid() bool {
	return m == ContactEmail || m == ContactPhone || m == ContactChat
}

// Channel returns the support channel the contact method needs.
func (m ContactMethod) Channel() Channel {
	switch m {
	case ContactPhone:
		return ChannelPhone
	case ContactChat:
		return ChannelChat
	}
	return ChannelEmail
}

// Status is where a case stands:
// new → open → action_required ↔ open → resolved → closed.
type Status string

const (
	StatusNew            Status = "new"
	StatusOpen           Status = "open"
	StatusActionRequired Status = "action_required" // waiting on the customer
	StatusResolved       Status = "resolved"
	StatusClosed         Status = "closed"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case StatusNew, StatusOpen, StatusActionRequired, StatusResolved, StatusClosed:
		return true
	}
	return false
}

// Outcome is how a case was resolved.
type Outcome string

const (
	OutcomeSolved          Outcome = "solved"
	OutcomeWorkaround      Outcome = "workaround"
	OutcomeCannotReproduce Outcome = "cannot_reproduce" // with recommendations
	OutcomeThirdParty      Outcome = "third_party"
	OutcomeNotSupported    Outcome = "not_supported"
	OutcomeOutageResolved  Outcome = "outage_resolved"
)

// Valid reports whether o is a known outcome.
func (o Outcome) Valid() bool {
	switch o {
	case OutcomeSolved, OutcomeWorkaround, OutcomeCannotReproduce, OutcomeThirdParty,
		OutcomeNotSupported, OutcomeOutageResolved:
		return true
	}
	return false
}

// Case is a support request of an organisation.
type Case struct {
	ID             int64         `json:"id"`
	OrgID          int64         `json:"org_id"`
	Product        string        `json:"product"`
	Category       Category      `json:"category"`
	Severity       Severity      `json:"severity"`
	Status         Status        `json:"status"`
	Title          string        `json:"title"`
	Description    string        `json:"description"`
	Language       string        `json:"language"`
	BusinessImpact string        `json:"business_impact,omitempty"`
	ContactMethod  ContactMethod `json:"contact_method"`
	ContactName    string        `json:"contact_name,omitempty"`
	ContactPhone   string        `json:"contact_phone,omitempty"`
	ContactEmail   string        `json:"contact_email,omitempty"`
	// Plan is the plan of the organisation's subscription to Product when
	// the case was opened; it picks the SLA policy.
	Plan       string `json:"plan"`
	CreatedBy  int64  `json:"created_by"`
	AssigneeID int64  `json:"assignee_id,omitempty"`
	// Team and ThirdParty record an escalation.
	Team       string  `json:"team,omitempty"`
	ThirdParty string  `json:"third_party,omitempty"`
	Outcome    Outcome `json:"outcome,omitempty"`
	// MergedInto is the case this one was merged into as a duplicate; a
	// merged case is closed, and its timeline and files stay where they
	// were, reachable from the surviving case (see Service.Merge).
	MergedInto int64 `json:"merged_into,omitempty"`
	// IncidentID is the service incident the case is about, linked by an
	// agent: when the incident ends, the case hears of it.
	IncidentID int64 `json:"incident_id,omitempty"`
	// Source is how the case came in: api, portal, email, chat, phone, import.
	Source string `json:"source"`

	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	FirstResponseAt *time.Time `json:"first_response_at,omitempty"`
	ResolvedAt      *time.Time `json:"resolved_at,omitempty"`
	ClosedAt        *time.Time `json:"closed_at,omitempty"`

	FirstResponseDueAt *time.Time `json:"first_response_due_at,omitempty"`
	NextResponseDueAt  *time.Time `json:"next_response_due_at,omitempty"`
	ResolutionDueAt    *time.Time `json:"resolution_due_at,omitempty"`

	// Pauses are the stretches during which the SLA clock stood still.
	Pauses []Pause `json:"-"`
	// AwaitingSince is when the customer's reply that the next response
	// target counts from arrived; nil when no reply waits.
	AwaitingSince *time.Time `json:"-"`
	// SLA is the case's SLA state as of the read, filled in by the service.
	SLA *SLAState `json:"sla,omitempty"`

	// Version increases with every change; updates are compare-and-set on
	// it so that two writers never silently overwrite each other.
	Version int `json:"version"`
}

// MessageKind is what a timeline entry is.
type MessageKind string

const (
	MessagePublic     MessageKind = "public"     // a reply visible to the customer
	MessageInternal   MessageKind = "internal"   // a staff-only note
	MessageEvent      MessageKind = "event"      // a state, severity or escalation change
	MessageAttachment MessageKind = "attachment" // a file added to the case
)

// Message is one entry of a case's timeline.
type Message struct {
	ID     int64       `json:"id"`
	CaseID int64       `json:"case_id"`
	OrgID  int64       `json:"-"`
	Kind   MessageKind `json:"kind"`
	// AuthorID is zero for entries the system writes.
	AuthorID int64 `json:"author_id,omitempty"`
	// FromStaff is set when the author works for the vendor.
	FromStaff bool   `json:"from_staff"`
	Body      string `json:"body"`
	// Channel is where the entry came from: portal, api, email, chat,
	// phone, import or system.
	Channel      string `json:"channel"`
	AttachmentID string `json:"attachment_id,omitempty"`
	// MailID is the received mail an entry came from; FullBody is that
	// mail's whole text when Body shows it without quoted history.
	MailID    int64     `json:"mail_id,omitempty"`
	FullBody  string    `json:"full_body,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Attachment is a file added to a case. Its content lives in the blob store
// under its SHA-256; its name is only ever a display name.
type Attachment struct {
	ID          string    `json:"id"`
	CaseID      int64     `json:"case_id"`
	OrgID       int64     `json:"-"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  int64     `json:"uploaded_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// CaseFilter selects cases for a list.
type CaseFilter struct {
	Statuses   []Status
	Severities []Severity
	Product    string
	CreatedBy  int64
	// AssigneeID keeps the cases assigned to one member of staff, and
	// Unassigned those assigned to nobody: the agent console's "my cases"
	// and "unassigned" queues.
	AssigneeID int64
	Unassigned bool
	// Language and Team keep the cases in one support language or
	// escalated to one specialist team.
	Language string
	Team     string
	// IncidentID keeps the cases linked to one incident.
	IncidentID int64
	// Query matches title and description text.
	Query string
	// Sort is SortNewest (the default) or SortDue.
	Sort string
	// DueBefore keeps only cases with a pending due time before it, for
	// the list of cases at risk.
	DueBefore *time.Time
	// After is the position of the last case of the previous page.
	After *CaseCursor
	Limit int
}

// Case list orders.
const (
	// SortNewest runs from the newest case to the oldest by creation
	// time; imported cases take their place by their original time.
	SortNewest = ""
	// SortDue runs from the earliest pending due time to the latest, then
	// the cases with none (waiting on the customer, met, resolved).
	SortDue = "due"
	// SortID runs by id, oldest first: the cheapest walk over many cases,
	// for batch work.
	SortID = "id"
)

// CaseCursor is a position in a case list: the sort key (creation or due
// time) and id of the last case of a page.
type CaseCursor struct {
	Sort string
	At   time.Time
	// NoDue marks a position among the cases without a due time.
	NoDue bool
	ID    int64
}

// cursorOf returns the position of c in a list sorted by sort.
func cursorOf(c *Case, sort string) *CaseCursor {
	if sort == SortDue {
		if d := c.NextDueAt(); d != nil {
			return &CaseCursor{Sort: sort, At: *d, ID: c.ID}
		}
		return &CaseCursor{Sort: sort, NoDue: true, ID: c.ID}
	}
	if sort == SortID {
		return &CaseCursor{Sort: sort, ID: c.ID}
	}
	return &CaseCursor{At: c.CreatedAt, ID: c.ID}
}

// CaseCount is how many cases share one value of the column a count is
// grouped by; Value is empty for an ungrouped count.
type CaseCount struct {
	Value string
	N     int
}

// The columns a case count may be grouped by.
const (
	CountBySeverity = "severity"
	CountByStatus   = "status"
	CountByLanguage = "language"
	CountByProduct  = "product"
	CountByTeam     = "team"
)

// CasePage is one page of a case list. Next is nil on the last page.
type CasePage struct {
	Items []*Case
	Next  *CaseCursor
}

// Idempotency ties a client's Idempotency-Key to the case its first request
// created. Fingerprint is a hash of the request, so that the same key sent
// with a different request is refused rather than answered wrongly.
type Idempotency struct {
	UserID      int64
	Key         string
	Fingerprint string
}

// CaseChange is everything one case operation writes. A store applies it
// atomically: all of it or nothing.
type CaseChange struct {
	// Case is the new state of the case.
	Case *Case
	// PrevVersion is the version the change was computed from; the store
	// refuses the change with ECONFLICT if the stored case has moved on. It
	// is ignored by CreateCase.
	PrevVersion int
	// Messages are appended to the timeline.
	Messages []*Message
	// Attachment is recorded with the change, if any; Attachments are
	// more (the files of a received mail).
	Attachment  *Attachment
	Attachments []*Attachment
	Audit       []*AuditEntry
	// Mails are queued in the outbox with the change.
	Mails []*OutMail
	// InMail, when set, is the received mail the change comes from: it
	// takes InMailStatus in the same transaction, and the change is refused
	// with ECONFLICT (code mail_processed) if another process has handled
	// the mail already.
	InMail       *InMail
	InMailStatus InStatus

	// reason explains a severity change in the mail that announces it.
	reason string
	// Timers replace the case's pending timers, when ReplaceTimers is set.
	// A timer that has fired already is never created again.
	Timers        []*Timer
	ReplaceTimers bool
}

// CaseStore reads and writes cases, their timelines and attachments. Every
// read takes a Scope and answers ENOTFOUND for what lies outside it.
type CaseStore interface {
	// CreateCase stores a new case with its first timeline entries and sets
	// its ID. With idem set, a second call with the same user and key returns
	// the first call's case and created=false; with the same key but another
	// fingerprint it fails with ECONFLICT.
	CreateCase(ctx context.Context, ch *CaseChange, idem *Idempotency) (created bool, err error)
	// UpdateCase stores the new state of an existing case.
	UpdateCase(ctx context.Context, ch *CaseChange) error
	// RefreshCases stores the recomputed due times and timers of cases in
	// one transaction, skipping each case whose stored version moved on,
	// and returns how many it stored. Other fields are not written.
	RefreshCases(ctx context.Context, chs []*CaseChange) (int, error)
	// ImportCases stores historical cases, all of them or none, and sets
	// their IDs.
	ImportCases(ctx context.Context, chs []*CaseChange) error
	Case(ctx context.Context, scope Scope, id int64) (*Case, error)
	Cases(ctx context.Context, scope Scope, f CaseFilter) ([]*Case, error)
	// CountCases counts the cases a filter selects (its order, cursor and
	// limit aside), grouped by one of the CountBy columns or, with by
	// empty, all together.
	CountCases(ctx context.Context, scope Scope, f CaseFilter, by string) ([]CaseCount, error)
	// Messages returns a case's timeline, oldest first; internal notes only
	// when the scope allows them.
	Messages(ctx context.Context, scope Scope, caseID int64) ([]*Message, error)
	Attachment(ctx context.Context, scope Scope, id string) (*Attachment, error)
	Attachments(ctx context.Context, scope Scope, caseID int64) ([]*Attachment, error)
}
