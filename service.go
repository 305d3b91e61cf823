package desk

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Languages are the support and interface languages.
var Languages = []string{"en", "nl", "de", "sv", "nb"}

// Limits on case text, so that no single request can store unbounded data.
const (
	MaxTitleLen       = 200
	MaxDescriptionLen = 20000
	MaxBodyLen        = 50000
	MaxImpactLen      = 5000
)

// DefaultAttachmentLimit is the largest file accepted unless configured.
const DefaultAttachmentLimit = 25 << 20

// DefaultReopenWindow is how long a resolved case may be reopened.
const DefaultReopenWindow = 30 * 24 * time.Hour

// Service applies the rules of the desk to requests made by users. Every
// method takes the acting user and refuses what that user may not do.
type Service struct {
	Store Store
	Blobs BlobStore
	Bus   Bus
	Clock Clock
	// AttachmentLimit is the largest attachment in bytes.
	AttachmentLimit int64
	// ReopenWindow is how long after resolution a case may be reopened.
	ReopenWindow time.Duration
	// SLA holds the rules for warnings, downgrades and automatic close.
	SLA SLAConfig
	// Passwords checks passwords at sign-in; nil disables it.
	Passwords PasswordChecker
	// Mail is how the desk addresses mail; without an Address it sends
	// none.
	Mail MailConfig
	// WebhookConfig guards the webhooks organisation admins set.
	WebhookConfig
	// Logger records work that a request set going but whose failure is
	// not the request's, such as the follow-up of an incident change that
	// its queue retries; nil discards it.
	Logger *slog.Logger

	// cache and slots are shared by copies of the Service (the demo seeds
	// through one with its own clock).
	cache *catalogueCache
	slots *searchSlots
}

func (s *Service) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

// NewService returns a Service with default limits.
func NewService(store Store, blobs BlobStore, bus Bus, clock Clock) *Service {
	return &Service{
		Store: store, Blobs: blobs, Bus: bus, Clock: clock,
		AttachmentLimit: DefaultAttachmentLimit,
		ReopenWindow:    DefaultReopenWindow,
		SLA:             DefaultSLAConfig(),
		cache:           newCatalogueCache(),
		slots:           newSearchSlots(),
	}
}

type ctxKey int

const remoteAddrKey ctxKey = 0

// WithRemoteAddr returns a context that carries the address a request came
// from, for the audit log.
func WithRemoteAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, remoteAddrKey, addr)
}

func remoteAddr(ctx context.Context) string {
	s, _ := ctx.Value(remoteAddrKey).(string)
	return s
}

func (s *Service) audit(ctx context.Context, actor *User, orgID int64, action, objType, objID string, detail any) *AuditEntry {
	e := &AuditEntry{
		At: s.Clock.Now(), OrgID: orgID, Action: action,
		ObjectType: objType, ObjectID: objID, RemoteAddr: remoteAddr(ctx),
	}
	if actor != nil {
		e.ActorID = actor.ID
	}
	if detail != nil {
		b, _ := json.Marshal(detail)
		e.Detail = string(b)
	}
	return e
}

func (s *Service) publish(ctx context.Context, typ string, c *Case) {
	if s.Bus != nil {
		s.Bus.Publish(ctx, Event{Type: typ, OrgID: c.OrgID, CaseID: c.ID, At: s.Clock.Now()})
	}
}

// Products returns the products the actor's organisation subscribes to; for
// staff, every product.
func (s *Service) Products(ctx context.Context, actor *User) ([]*Product, error) {
	all, err := s.Store.Products(ctx)
	if err != nil {
		return nil, err
	}
	if actor.IsStaff() {
		return all, nil
	}
	subs, err := s.Store.Subscriptions(ctx, actor.OrgID)
	if err != nil {
		return nil, err
	}
	has := make(map[string]bool, len(subs))
	for _, sub := range subs {
		has[sub.Product] = true
	}
	var out []*Product
	for _, p := range all {
		if has[p.Code] {
			out = append(out, p)
		}
	}
	return out, nil
}

// NewCase is what a customer sends to open a case. Server-owned fields
// (organisation, creator, status, plan, due times) are not part of it.
type NewCase struct {
	Product        string        `json:"product"`
	Category       Category      `json:"category"`
	Severity       Severity      `json:"severity"`
	Title          string        `json:"title"`
	Description    string        `json:"description"`
	Language       string        `json:"language"`
	BusinessImpact string        `json:"business_impact"`
	ContactMethod  ContactMethod `json:"contact_method"`
	ContactName    string        `json:"contact_name"`
	ContactPhone   string        `json:"contact_phone"`
	ContactEmail   string        `json:"contact_email"`
	// Channel is where the case came from: "portal" or "api" (the
	// default). It is set by the transport, never by the client.
	Channel string `json:"-"`
}

// requireCaseManager refuses actors who may not open or manage cases.
func requireCaseManager(actor *User) error {
	if actor.IsStaff() {
		if !actor.CanHandleCases() {
			return Errorf(EFORBIDDEN, "staff_only", "only agents, supervisors and system admins work with cases")
		}
		return nil
	}
	if !actor.HasSupportPrivilege() {
		return &Error{Kind: EFORBIDDEN, Code: "support_privilege_required",
			Message: "only super admins and admins with the Support privilege can contact support; ask one of your organisation's admins"}
	}
	return nil
}

func validLanguage(l string) bool {
	for _, v := range Languages {
		if v == l {
			return true
		}
	}
	return false
}

func checkText(field, v string, required bool, max int) error {
	if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
		return FieldError(EINVALID, "invalid_text", field, "%s must be valid UTF-8 text", field)
	}
	if required && strings.TrimSpace(v) == "" {
		return FieldError(EREFUSED, field+"_required", field, "%s is required", field)
	}
	if utf8.RuneCountInString(v) > max {
		return FieldError(EREFUSED, field+"_too_long", field, "%s is longer than %d characters", field, max)
	}
	return nil
}

// validateCaseFields checks the values every case must have, whoever opens it.
func validateCaseFields(c *Case) error {
	if !c.Category.Valid() {
		return FieldError(EINVALID, "invalid_category", "category", "category must be technical, billing or presales")
	}
	if !c.Severity.Valid() {
		return FieldError(EINVALID, "invalid_severity", "severity", "severity must be critical, high, normal or low")
	}
	if !c.ContactMethod.Valid() {
		return FieldError(EINVALID, "invalid_contact_method", "contact_method", "contact_method must be email, phone or chat")
	}
	if !validLanguage(c.Language) {
		return FieldError(EINVALID, "invalid_language", "language", "language must be one of %s", strings.Join(Languages, ", "))
	}
	for _, f := range []struct {
		name, v  string
		required bool
		max      int
	}{
		{"title", c.Title, true, MaxTitleLen},
		{"description", c.Description, true, MaxDescriptionLen},
		{"business_impact", c.BusinessImpact, false, MaxImpactLen},
		{"contact_name", c.ContactName, false, 200},
		{"contact_phone", c.ContactPhone, false, 50},
		{"contact_email", c.ContactEmail, false, 254},
	} {
		if err := checkText(f.name, f.v, f.required, f.max); err != nil {
			return err
		}
	}
	if c.ContactEmail != "" {
		if a, err := mail.ParseAddress(c.ContactEmail); err != nil || a.Address != c.ContactEmail {
			return FieldError(EREFUSED, "invalid_contact_email", "contact_email", "contact_email is not an e-mail address")
		}
	}
	if c.ContactPhone != "" && !plausiblePhone(c.ContactPhone) {
		return FieldError(EREFUSED, "invalid_contact_phone", "contact_phone", "contact_phone is not a phone number")
	}
	return nil
}

func plausiblePhone(p string) bool {
	digits := 0
	for _, r := range p {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+ -().", r):
		default:
			return false
		}
	}
	return digits >= 6 && digits <= 15
}

// Fingerprint returns a hash of a request body, for idempotency checks.
func Fingerprint(v any) string {
	b, _ := json.Marshal(v)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// OpenCase opens a case for the actor's organisation. With a non-empty
// idempotency key, a repeated call returns the first call's case and
// created=false.
func (s *Service) OpenCase(ctx context.Context, actor *User, in NewCase, idemKey string) (c *Case, created bool, err error) {
	return s.openCase(ctx, actor, in, idemKey, nil)
}

// openCase opens a case; extra, when not nil, adds to the change that
// creates it (the mail a case opened by mail comes from, and its files).
func (s *Service) openCase(ctx context.Context, actor *User, in NewCase, idemKey string, extra func(ch *CaseChange)) (c *Case, created bool, err error) {
	if actor.IsStaff() {
		return nil, false, Errorf(EFORBIDDEN, "customer_only", "cases are opened by the customer's admins; staff use the import")
	}
	if err := requireCaseManager(actor); err != nil {
		return nil, false, err
	}
	if len(idemKey) > 255 {
		return nil, false, FieldError(EINVALID, "invalid_idempotency_key", "Idempotency-Key", "the Idempotency-Key header is longer than 255 characters")
	}
	org, err := s.Store.Org(ctx, actor.OrgID)
	if err != nil {
		return nil, false, fmt.Errorf("open case: %w", err)
	}
	now := s.Clock.Now()
	channel := "api"
	if in.Channel == "portal" || in.Channel == "email" {
		channel = in.Channel
	}
	c = &Case{
		OrgID: org.ID, Product: in.Product, Category: in.Category, Severity: in.Severity,
		Status: StatusNew, Title: strings.TrimSpace(in.Title), Description: in.Description,
		Language: in.Language, BusinessImpact: strings.TrimSpace(in.BusinessImpact),
		ContactMethod: in.ContactMethod, ContactName: in.ContactName,
		ContactPhone: in.ContactPhone, ContactEmail: in.ContactEmail,
		CreatedBy: actor.ID, Source: channel, CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	if c.Language == "" {
		c.Language = org.Language
	}
	if c.ContactMethod == "" {
		c.ContactMethod = ContactEmail
	}
	if c.ContactName == "" {
		c.ContactName = actor.Name
	}
	if c.ContactEmail == "" {
		c.ContactEmail = actor.Email
	}
	if c.Category == "" {
		c.Category = CategoryTechnical
	}
	if c.Severity == "" {
		c.Severity = SeverityNormal
	}
	if err := validateCaseFields(c); err != nil {
		return nil, false, err
	}
	if err := s.entitle(ctx, c); err != nil {
		return nil, false, err
	}
	timers, err := s.refreshSLA(ctx, c, now, org)
	if err != nil {
		return nil, false, fmt.Errorf("open case: %w", err)
	}
	ch := &CaseChange{
		Timers: nextTimers(timers, now), ReplaceTimers: true,
		Case: c,
		Messages: []*Message{{
			Kind: MessageEvent, Body: "case opened", Channel: channel, AuthorID: actor.ID, CreatedAt: now,
		}},
		Audit: []*AuditEntry{s.audit(ctx, actor, org.ID, "case.open", "case", "", in)},
	}
	if s.mailOn() {
		data := MailData{CaseTitle: c.Title, DueAt: c.FirstResponseDueAt}
		if ch.Mails, err = s.caseMails(ctx, c, MailCaseOpened, data, true, now, org, actor); err != nil {
			return nil, false, fmt.Errorf("open case: %w", err)
		}
	}
	if extra != nil {
		extra(ch)
	}
	var idem *Idempotency
	if idemKey != "" {
		idem = &Idempotency{UserID: actor.ID, Key: idemKey, Fingerprint: Fingerprint(in)}
	}
	created, err = s.Store.CreateCase(ctx, ch, idem)
	if err != nil {
		return nil, false, fmt.Errorf("open case: %w", err)
	}
	if !created {
		// A replay returns the stored case, as it stands now.
		return c, false, s.withSLA(ctx, c)
	}
	s.publish(ctx, "case.created", c)
	return c, true, nil
}

// entitle checks a new case against the organisation's subscription to
// its product: support included, channel allowed, severity within the
// plan, the contract and the category cap, and the duties of the highest
// severity. It sets the case's plan.
func (s *Service) entitle(ctx context.Context, c *Case) error {
	if strings.TrimSpace(c.Product) == "" {
		return FieldError(EREFUSED, "product_required", "product", "product is required")
	}
	subs, err := s.Store.Subscriptions(ctx, c.OrgID)
	if err != nil {
		return err
	}
	var sub *Subscription
	for _, x := range subs {
		if x.Product == c.Product {
			sub = x
		}
	}
	if sub == nil {
		return FieldError(EREFUSED, "product_not_subscribed", "product", "your organisation does not subscribe to %q", c.Product)
	}
	plan, err := s.plan(ctx, sub.Plan)
	if err != nil {
		return err
	}
	c.Plan = plan.Code
	if !plan.SupportIncluded {
		e := Errorf(EREFUSED, "plan_excludes_support",
			"the %s plan does not include contacting support; use the help centre and community, or upgrade", plan.Name)
		e.UpgradePath = plan.UpgradeTo
		return e
	}
	if !plan.AllowsChannel(c.ContactMethod.Channel()) {
		e := FieldError(EREFUSED, "channel_not_in_plan", "contact_method",
			"the %s plan does not include %s support", plan.Name, c.ContactMethod)
		e.UpgradePath = plan.UpgradeTo
		return e
	}
	if c.Category == CategoryBilling && c.Severity.Above(SeverityHigh) {
		return FieldError(EREFUSED, "billing_severity_capped", "severity",
			"billing and subscription cases can be at most high severity")
	}
	max := plan.MaxSeverity
	if sub.ExtendedSupport {
		max = SeverityCritical
	}
	if c.Severity.Above(max) {
		code, msg := "severity_not_allowed", fmt.Sprintf("the %s plan allows severity up to %s", plan.Name, max)
		if c.Severity == SeverityCritical {
			code, msg = "extended_support_required", "critical severity needs an extended support contract"
		}
		e := FieldError(EREFUSED, code, "severity", "%s", msg)
		e.UpgradePath = plan.UpgradeTo
		return e
	}
	if c.Severity == SeverityCritical {
		if c.BusinessImpact == "" {
			return FieldError(EREFUSED, "business_impact_required", "business_impact",
				"critical cases need a statement of the business impact")
		}
		if c.ContactPhone == "" {
			return FieldError(EREFUSED, "contact_phone_required", "contact_phone",
				"critical cases need a phone number where we can reach you at any hour")
		}
	}
	if c.ContactMethod == ContactPhone && c.ContactPhone == "" {
		return FieldError(EREFUSED, "contact_phone_required", "contact_phone", "a phone callback needs a phone number")
	}
	return nil
}

// Case returns one case the actor may see.
func (s *Service) Case(ctx context.Context, actor *User, id int64) (*Case, error) {
	if err := requireCaseManager(actor); err != nil {
		return nil, err
	}
	c, err := s.Store.Case(ctx, ScopeOf(actor), id)
	if err != nil {
		return nil, err
	}
	return c, s.withSLA(ctx, c)
}

// MaxPageSize is the largest page of a list.
const MaxPageSize = 100

// Cases lists a page of the cases the actor may see, newest first.
func (s *Service) Cases(ctx context.Context, actor *User, f CaseFilter) (*CasePage, error) {
	if err := requireCaseManager(actor); err != nil {
		return nil, err
	}
	if err := checkFilter(&f); err != nil {
		return nil, err
	}
	if f.Sort != SortNewest && f.Sort != SortDue {
		return nil, FieldError(EINVALID, "invalid_sort", "sort", "sort must be newest or due")
	}
	if f.After != nil && f.After.Sort != f.Sort {
		return nil, FieldError(EINVALID, "invalid_cursor", "cursor", "the cursor belongs to a list in another order")
	}
	if f.Limit <= 0 || f.Limit > MaxPageSize {
		f.Limit = MaxPageSize
	}
	limit := f.Limit
	// One case more than the page tells whether there is a next page.
	f.Limit++
	cs, err := s.Store.Cases(ctx, ScopeOf(actor), f)
	if err != nil {
		return nil, err
	}
	page := &CasePage{Items: cs}
	if len(cs) > limit {
		page.Items = cs[:limit]
		page.Next = cursorOf(cs[limit-1], f.Sort)
	}
	return page, s.withSLA(ctx, page.Items...)
}

// checkFilter checks the selecting part of a case filter and puts each
// repeated value once, in a fixed order: the filter then compiles to one
// of a few SQL shapes, whatever the request repeats.
func checkFilter(f *CaseFilter) error {
	var err error
	if f.Statuses, err = uniqueValid(f.Statuses, []Status{StatusNew, StatusOpen, StatusActionRequired, StatusResolved, StatusClosed}, "status"); err != nil {
		return err
	}
	if f.Severities, err = uniqueValid(f.Severities, Severities, "severity"); err != nil {
		return err
	}
	if err := checkText("q", f.Query, false, 200); err != nil {
		return err
	}
	if f.Language != "" && !validLanguage(f.Language) {
		return FieldError(EINVALID, "invalid_language", "language", "language must be one of %s", strings.Join(Languages, ", "))
	}
	if err := checkText("team", f.Team, false, 200); err != nil {
		return err
	}
	if f.AssigneeID < 0 || (f.AssigneeID != 0 && f.Unassigned) {
		return FieldError(EINVALID, "invalid_assignee", "assignee", "filter by one assignee or by none")
	}
	return nil
}

// CountCases counts the cases the actor may see that a filter selects,
// grouped by one of the CountBy columns or, with by empty, all together:
// the sizes of the agent console's queues and views.
func (s *Service) CountCases(ctx context.Context, actor *User, f CaseFilter, by string) ([]CaseCount, error) {
	if err := requireCaseManager(actor); err != nil {
		return nil, err
	}
	if err := checkFilter(&f); err != nil {
		return nil, err
	}
	switch by {
	case "", CountBySeverity, CountByStatus, CountByLanguage, CountByProduct, CountByTeam:
	default:
		return nil, FieldError(EINVALID, "invalid_group", "by", "cases cannot be counted by %q", by)
	}
	f.After, f.Limit = nil, 0
	return s.Store.CountCases(ctx, ScopeOf(actor), f, by)
}

// uniqueValid returns the values of in that occur in all, each once, in
// the order of all; an unknown value is an error naming field.
func uniqueValid[T ~string](in, all []T, field string) ([]T, error) {
	if len(in) == 0 {
		return nil, nil
	}
	seen := map[T]bool{}
	for _, v := range in {
		if !slices.Contains(all, v) {
			return nil, FieldError(EINVALID, "invalid_"+field, field, "unknown %s %q", field, v)
		}
		seen[v] = true
	}
	var out []T
	for _, v := range all {
		if seen[v] {
			out = append(out, v)
		}
	}
	return out, nil
}

// Timeline returns a case's timeline as the actor may see it.
func (s *Service) Timeline(ctx context.Context, actor *User, caseID int64) ([]*Message, error) {
	if err := requireCaseManager(actor); err != nil {
		return nil, err
	}
	return s.Store.Messages(ctx, ScopeOf(actor), caseID)
}

// maxChangeAttempts bounds the retries of a change that lost a race with
// another writer of the same case; each retry is cheap, and one writer
// wins every round.
const maxChangeAttempts = 200

// change loads a case the actor may see, lets fn compute the change, and
// stores it, retrying when another writer changed the case in between.
func (s *Service) change(ctx context.Context, actor *User, id int64, action string, fn func(c *Case, now time.Time, ch *CaseChange) (detail any, err error)) (*Case, error) {
	if err := requireCaseManager(actor); err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		c, err := s.Store.Case(ctx, ScopeOf(actor), id)
		if err != nil {
			return nil, err
		}
		now := s.Clock.Now()
		ch := &CaseChange{Case: c, PrevVersion: c.Version}
		prev := *c
		detail, err := fn(c, now, ch)
		if err != nil {
			return nil, err
		}
		if err := s.finish(ctx, actor, ch, prev, now, action, detail); err != nil {
			return nil, fmt.Errorf("%s: %w", action, err)
		}
		err = s.Store.UpdateCase(ctx, ch)
		if ErrorKind(err) == ECONFLICT && ErrorCode(err) == "case_changed" && attempt < maxChangeAttempts {
			// Many writers on one case: each round one wins. Back off a
			// little, with jitter, so that the rest spread out.
			if attempt >= 8 {
				time.Sleep(time.Duration(mrand.Int64N(int64(attempt) * int64(time.Millisecond))))
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", action, err)
		}
		s.publish(ctx, action, c)
		return c, nil
	}
}

// finish completes a change computed by an actor (nil for the system): it
// stamps the new timeline entries, starts or stops the SLA clock as the
// case enters or leaves action_required, starts or stops the next-response
// clock on public replies, recomputes due times and timers, and adds the
// audit entry.
func (s *Service) finish(ctx context.Context, actor *User, ch *CaseChange, prev Case, now time.Time, action string, detail any) error {
	c := ch.Case
	prevStatus := prev.Status
	for _, m := range ch.Messages {
		m.CaseID, m.OrgID, m.CreatedAt = c.ID, c.OrgID, now
		switch {
		case actor == nil:
			m.FromStaff = true
			if m.Channel == "" {
				m.Channel = "system"
			}
		default:
			if m.AuthorID == 0 {
				m.AuthorID = actor.ID
			}
			m.FromStaff = actor.IsStaff()
		}
		if m.Channel == "" {
			m.Channel = "api"
		}
		if m.Kind == MessagePublic {
			if m.FromStaff {
				c.AwaitingSince = nil
			} else if c.FirstResponseAt != nil && c.AwaitingSince == nil {
				t := now
				c.AwaitingSince = &t
			}
		}
	}
	switch {
	case c.Status == StatusActionRequired && prevStatus != StatusActionRequired:
		c.Pauses = append(c.Pauses, Pause{From: now})
	case prevStatus == StatusActionRequired && c.Status != StatusActionRequired && c.paused():
		t := now
		c.Pauses[len(c.Pauses)-1].To = &t
	}
	if c.Status == StatusResolved || c.Status == StatusClosed {
		c.AwaitingSince = nil
	}
	ts, err := s.refreshSLA(ctx, c, now)
	if err != nil {
		return err
	}
	ch.Timers, ch.ReplaceTimers = nextTimers(ts, now), true
	c.Version = ch.PrevVersion + 1
	c.UpdatedAt = now
	ch.Audit = append(ch.Audit, s.audit(ctx, actor, c.OrgID, action, "case", fmt.Sprint(c.ID), detail))
	mails, err := s.changeMails(ctx, actor, ch, prev, now)
	if err != nil {
		return err
	}
	ch.Mails = append(ch.Mails, mails...)
	return nil
}

// Reply is a message added to a case's timeline.
type Reply struct {
	Body string `json:"body"`
	// Internal makes the message a staff-only note.
	Internal bool `json:"internal"`
}

// AddMessage adds a reply or, for staff, an internal note to a case. A
// customer's reply moves a case waiting on them back to open, and reopens a
// resolved case within the reopen window; staff's first public reply is the
// first response.
func (s *Service) AddMessage(ctx context.Context, actor *User, caseID int64, r Reply) (*Message, error) {
	if err := checkText("body", r.Body, true, MaxBodyLen); err != nil {
		return nil, err
	}
	if r.Internal && !actor.IsStaff() {
		return nil, Errorf(EFORBIDDEN, "internal_notes_staff_only", "only support staff can write internal notes")
	}
	var msg *Message
	_, err := s.change(ctx, actor, caseID, "case.message", func(c *Case, now time.Time, ch *CaseChange) (any, error) {
		if c.Status == StatusClosed {
			return nil, Errorf(EREFUSED, "case_closed", "case %d is closed; open a new case", c.ID)
		}
		kind := MessagePublic
		if r.Internal {
			kind = MessageInternal
		}
		msg = &Message{Kind: kind, Body: r.Body}
		msgs := []*Message{msg}
		switch {
		case kind == MessageInternal:
		case actor.IsStaff():
			if c.FirstResponseAt == nil {
				t := now
				c.FirstResponseAt = &t
			}
			if c.Status == StatusNew {
				c.Status = StatusOpen
			}
		default:
			events, err := s.customerReplied(c, now)
			if err != nil {
				return nil, err
			}
			msgs = append(msgs, events...)
		}
		ch.Messages = append(ch.Messages, msgs...)
		return map[string]any{"kind": kind}, nil
	})
	if err != nil {
		return nil, err
	}
	return msg, nil
}

// customerReplied moves a case the customer answered: one waiting on them
// goes back to open, and a resolved one reopens within the reopen window.
// It returns the timeline events that record the move.
func (s *Service) customerReplied(c *Case, now time.Time) ([]*Message, error) {
	switch c.Status {
	case StatusActionRequired:
		c.Status = StatusOpen
		return []*Message{{Kind: MessageEvent, Body: "status: action_required → open (customer replied)"}}, nil
	case StatusResolved:
		if err := s.reopen(c, now); err != nil {
			return nil, err
		}
		return []*Message{{Kind: MessageEvent, Body: "status: resolved → open (customer replied)"}}, nil
	}
	return nil, nil
}

func (s *Service) reopen(c *Case, now time.Time) error {
	if c.ResolvedAt != nil && now.Sub(*c.ResolvedAt) > s.ReopenWindow {
		return Errorf(EREFUSED, "reopen_window_passed", "case %d was resolved more than %d days ago; open a new case", c.ID, int(s.ReopenWindow.Hours()/24))
	}
	c.Status = StatusOpen
	c.ResolvedAt = nil
	c.Outcome = ""
	return nil
}

func transitionEvent(from, to Status, why string) *Message {
	body := fmt.Sprintf("status: %s → %s", from, to)
	if why != "" {
		body += " (" + why + ")"
	}
	return &Message{Kind: MessageEvent, Body: body}
}

// Close closes a case. Customers close their own organisation's cases;
// staff close any.
func (s *Service) Close(ctx context.Context, actor *User, caseID int64) (*Case, error) {
	return s.change(ctx, actor, caseID, "case.close", func(c *Case, now time.Time, ch *CaseChange) (any, error) {
		if c.Status == StatusClosed {
			return nil, Errorf(EREFUSED, "case_closed", "case %d is already closed", c.ID)
		}
		from := c.Status
		c.Status = StatusClosed
		t := now
		c.ClosedAt = &t
		ch.Messages = append(ch.Messages, transitionEvent(from, StatusClosed, ""))
		return map[string]any{"from": from}, nil
	})
}

// Reopen reopens a resolved case within the reopen window.
func (s *Service) Reopen(ctx context.Context, actor *User, caseID int64) (*Case, error) {
	return s.change(ctx, actor, caseID, "case.reopen", func(c *Case, now time.Time, ch *CaseChange) (any, error) {
		switch c.Status {
		case StatusResolved:
		case StatusClosed:
			return nil, Errorf(EREFUSED, "case_closed", "case %d is closed; open a new case", c.ID)
		default:
			return nil, Errorf(EREFUSED, "case_not_resolved", "case %d is not resolved", c.ID)
		}
		if err := s.reopen(c, now); err != nil {
			return nil, err
		}
		ch.Messages = append(ch.Messages, transitionEvent(StatusResolved, StatusOpen, "reopened"))
		return nil, nil
	})
}

func requireStaff(actor *User) error {
	if !actor.CanHandleCases() {
		return Errorf(EFORBIDDEN, "staff_only", "only support staff can do this")
	}
	return nil
}

// RequestInfo asks the customer for information: the case waits on them
// (action_required) and the question is a public reply.
func (s *Service) RequestInfo(ctx context.Context, actor *User, caseID int64, question string) (*Case, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	if err := checkText("body", question, true, MaxBodyLen); err != nil {
		return nil, err
	}
	return s.change(ctx, actor, caseID, "case.request_info", func(c *Case, now time.Time, ch *CaseChange) (any, error) {
		if c.Status != StatusNew && c.Status != StatusOpen {
			return nil, Errorf(EREFUSED, "invalid_transition", "a %s case cannot be set to action_required", c.Status)
		}
		from := c.Status
		c.Status = StatusActionRequired
		if c.FirstResponseAt == nil {
			t := now
			c.FirstResponseAt = &t
		}
		ch.Messages = append(ch.Messages, &Message{Kind: MessagePublic, Body: question}, transitionEvent(from, StatusActionRequired, ""))
		return nil, nil
	})
}

// Resolution is how staff resolve a case.
type Resolution struct {
	Outcome Outcome `json:"outcome"`
	// Body is a public message explaining the outcome, such as the
	// recommendations of a cannot_reproduce.
	Body string `json:"body"`
}

// Resolve resolves a case with an outcome.
func (s *Service) Resolve(ctx context.Context, actor *User, caseID int64, r Resolution) (*Case, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	if !r.Outcome.Valid() {
		return nil, FieldError(EINVALID, "invalid_outcome", "outcome",
			"outcome must be solved, workaround, cannot_reproduce, third_party, not_supported or outage_resolved")
	}
	if err := checkText("body", r.Body, r.Outcome == OutcomeCannotReproduce, MaxBodyLen); err != nil {
		return nil, err
	}
	return s.change(ctx, actor, caseID, "case.resolve", func(c *Case, now time.Time, ch *CaseChange) (any, error) {
		if c.Status == StatusResolved || c.Status == StatusClosed {
			return nil, Errorf(EREFUSED, "invalid_transition", "a %s case cannot be resolved", c.Status)
		}
		from := c.Status
		c.Status = StatusResolved
		c.Outcome = r.Outcome
		t := now
		c.ResolvedAt = &t
		var msgs []*Message
		if r.Body != "" {
			msgs = append(msgs, &Message{Kind: MessagePublic, Body: r.Body})
			if c.FirstResponseAt == nil {
				c.FirstResponseAt = &t
			}
		}
		msgs = append(msgs, transitionEvent(from, StatusResolved, "outcome: "+string(r.Outcome)))
		ch.Messages = append(ch.Messages, msgs...)
		return r, nil
	})
}

// Escalation hands a case to a specialist team or a third party.
type Escalation struct {
	Team       string `json:"team"`
	ThirdParty string `json:"third_party"`
	// Note is an internal note for the receiving team.
	Note string `json:"note"`
}

// Escalate records an escalation on a case.
func (s *Service) Escalate(ctx context.Context, actor *User, caseID int64, e Escalation) (*Case, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	if (e.Team == "") == (e.ThirdParty == "") {
		return nil, Errorf(EREFUSED, "escalation_target_required", "name either a team or a third party")
	}
	for _, f := range []struct{ name, v string }{{"team", e.Team}, {"third_party", e.ThirdParty}} {
		if err := checkText(f.name, f.v, false, 200); err != nil {
			return nil, err
		}
	}
	if err := checkText("note", e.Note, false, MaxBodyLen); err != nil {
		return nil, err
	}
	return s.change(ctx, actor, caseID, "case.escalate", func(c *Case, now time.Time, ch *CaseChange) (any, error) {
		if c.Status == StatusResolved || c.Status == StatusClosed {
			return nil, Errorf(EREFUSED, "invalid_transition", "a %s case cannot be escalated", c.Status)
		}
		body := "escalated to team " + e.Team
		if e.ThirdParty != "" {
			body = "escalated to third party " + e.ThirdParty
		}
		// An escalation adds to the record: a case escalated to a team and
		// then to a third party keeps both.
		if e.Team != "" {
			c.Team = e.Team
		}
		if e.ThirdParty != "" {
			c.ThirdParty = e.ThirdParty
		}
		if c.Status == StatusNew {
			c.Status = StatusOpen
		}
		msgs := []*Message{{Kind: MessageEvent, Body: body}}
		if e.Note != "" {
			msgs = append(msgs, &Message{Kind: MessageInternal, Body: e.Note})
		}
		ch.Messages = append(ch.Messages, msgs...)
		return e, nil
	})
}

// AddAttachment stores a file and adds it to a case's timeline. name is a
// display name only; it never becomes a path.
func (s *Service) AddAttachment(ctx context.Context, actor *User, caseID int64, name, contentType string, r io.Reader) (*Attachment, error) {
	name = CleanFileName(name)
	// Check access before reading the body, so that a refused upload costs
	// nothing.
	c, err := s.Case(ctx, actor, caseID)
	if err != nil {
		return nil, err
	}
	if c.Status == StatusClosed {
		return nil, Errorf(EREFUSED, "case_closed", "case %d is closed", c.ID)
	}
	sum, size, err := s.Blobs.Put(ctx, r, s.AttachmentLimit)
	if err != nil {
		return nil, err
	}
	if size == 0 {
		return nil, FieldError(EREFUSED, "file_empty", "file", "the file is empty")
	}
	att := &Attachment{
		ID: newID(), CaseID: caseID, Name: name, ContentType: contentType,
		Size: size, SHA256: sum, UploadedBy: actor.ID,
	}
	_, err = s.change(ctx, actor, caseID, "case.attach", func(c *Case, now time.Time, ch *CaseChange) (any, error) {
		if c.Status == StatusClosed {
			return nil, Errorf(EREFUSED, "case_closed", "case %d is closed", c.ID)
		}
		att.OrgID, att.CreatedAt = c.OrgID, now
		ch.Messages = append(ch.Messages, &Message{Kind: MessageAttachment, Body: name, AttachmentID: att.ID})
		ch.Attachment = att
		return att, nil
	})
	if err != nil {
		return nil, err
	}
	return att, nil
}

// OpenAttachment returns an attachment the actor may see and its content.
func (s *Service) OpenAttachment(ctx context.Context, actor *User, id string) (*Attachment, io.ReadSeekCloser, error) {
	if err := requireCaseManager(actor); err != nil {
		return nil, nil, err
	}
	a, err := s.Store.Attachment(ctx, ScopeOf(actor), id)
	if err != nil {
		return nil, nil, err
	}
	f, err := s.Blobs.Open(ctx, a.SHA256)
	if err != nil {
		return nil, nil, fmt.Errorf("open attachment %s: %w", id, err)
	}
	return a, f, nil
}

// Attachments lists a case's attachments.
func (s *Service) Attachments(ctx context.Context, actor *User, caseID int64) ([]*Attachment, error) {
	if err := requireCaseManager(actor); err != nil {
		return nil, err
	}
	return s.Store.Attachments(ctx, ScopeOf(actor), caseID)
}

// newID returns a random 128-bit id in hex: unguessable, so that an id
// seen once cannot be used to find its neighbours.
func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// CleanFileName turns a client's file name into a safe display name: the
// last path element, without control characters, at most 200 characters.
func CleanFileName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(strings.Trim(name, "."))
	if r := []rune(name); len(r) > 200 {
		name = string(r[len(r)-200:])
	}
	if name == "" {
		name = "file"
	}
	return name
}
