package desk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ImportedCase is a historical case brought in from another system with
// its original timestamps. Due times are computed from CreatedAt, as if the
// case had been opened then.
type ImportedCase struct {
	OrgID          int64             `json:"org_id"`
	Product        string            `json:"product"`
	Category       Category          `json:"category"`
	Severity       Severity          `json:"severity"`
	Status         Status            `json:"status"`
	Title          string            `json:"title"`
	Description    string            `json:"description"`
	Language       string            `json:"language"`
	BusinessImpact string            `json:"business_impact"`
	ContactMethod  ContactMethod     `json:"contact_method"`
	ContactName    string            `json:"contact_name"`
	ContactPhone   string            `json:"contact_phone"`
	ContactEmail   string            `json:"contact_email"`
	CreatedBy      string            `json:"created_by"` // e-mail of a user of the organisation
	Outcome        Outcome           `json:"outcome"`
	CreatedAt      time.Time         `json:"created_at"`
	ResolvedAt     *time.Time        `json:"resolved_at"`
	ClosedAt       *time.Time        `json:"closed_at"`
	Messages       []ImportedMessage `json:"messages"`
	ExternalID     string            `json:"external_id"`
}

// ImportedMessage is one historical timeline entry.
type ImportedMessage struct {
	Internal  bool      `json:"internal"`
	Author    string    `json:"author"` // e-mail of a user or staff member
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// MaxImportBatch is the largest number of cases one import request takes.
const MaxImportBatch = 500

// ImportCases stores historical cases for staff, all of them or none.
func (s *Service) ImportCases(ctx context.Context, actor *User, in []ImportedCase) ([]*Case, error) {
	if !actor.IsSupervisor() {
		return nil, Errorf(EFORBIDDEN, "import_forbidden", "only supervisors and system admins can import cases")
	}
	if len(in) == 0 {
		return nil, Errorf(EREFUSED, "import_empty", "nothing to import")
	}
	if len(in) > MaxImportBatch {
		return nil, Errorf(ETOOLARGE, "import_too_large", "at most %d cases per import", MaxImportBatch)
	}
	now := s.Clock.Now()
	users := map[string]*User{}
	lookup := func(email string) (*User, error) {
		email = strings.ToLower(strings.TrimSpace(email))
		if u, ok := users[email]; ok {
			return u, nil
		}
		u, err := s.Store.UserByEmail(ctx, email)
		if err != nil {
			return nil, err
		}
		users[email] = u
		return u, nil
	}
	changes := make([]*CaseChange, 0, len(in))
	for i, ic := range in {
		ch, err := s.importChange(ctx, actor, ic, now, lookup)
		if err != nil {
			var e *Error
			if errors.As(err, &e) {
				e2 := *e
				e2.Message = fmt.Sprintf("case %d: %s", i, e.Message)
				return nil, &e2
			}
			return nil, fmt.Errorf("import case %d: %w", i, err)
		}
		changes = append(changes, ch)
	}
	if err := s.Store.ImportCases(ctx, changes); err != nil {
		return nil, fmt.Errorf("import cases: %w", err)
	}
	out := make([]*Case, len(changes))
	for i, ch := range changes {
		out[i] = ch.Case
		s.publish(ctx, "case.imported", ch.Case)
	}
	return out, nil
}

func (s *Service) importChange(ctx context.Context, actor *User, ic ImportedCase, now time.Time, lookup func(string) (*User, error)) (*CaseChange, error) {
	org, err := s.Store.Org(ctx, ic.OrgID)
	if ErrorKind(err) == ENOTFOUND {
		return nil, FieldError(EREFUSED, "unknown_org", "org_id", "no organisation %d", ic.OrgID)
	} else if err != nil {
		return nil, err
	}
	if ic.CreatedAt.IsZero() || ic.CreatedAt.After(now) {
		return nil, FieldError(EREFUSED, "invalid_created_at", "created_at", "created_at must be a past time")
	}
	if ic.Status == "" {
		ic.Status = StatusClosed
	}
	if !ic.Status.Valid() {
		return nil, FieldError(EINVALID, "invalid_status", "status", "unknown status %q", ic.Status)
	}
	if ic.Outcome != "" && !ic.Outcome.Valid() {
		return nil, FieldError(EINVALID, "invalid_outcome", "outcome", "unknown outcome %q", ic.Outcome)
	}
	creator, err := lookup(ic.CreatedBy)
	if err != nil && ErrorKind(err) != ENOTFOUND {
		return nil, err
	}
	if err != nil || creator.OrgID != org.ID {
		return nil, FieldError(EREFUSED, "unknown_creator", "created_by", "%q is not a user of organisation %d", ic.CreatedBy, org.ID)
	}
	created := ic.CreatedAt.UTC().Truncate(time.Microsecond)
	c := &Case{
		OrgID: org.ID, Product: ic.Product, Category: ic.Category, Severity: ic.Severity,
		Status: ic.Status, Title: strings.TrimSpace(ic.Title), Description: ic.Description,
		Language: ic.Language, BusinessImpact: ic.BusinessImpact, ContactMethod: ic.ContactMethod,
		ContactName: ic.ContactName, ContactPhone: ic.ContactPhone, ContactEmail: ic.ContactEmail,
		CreatedBy: creator.ID, Outcome: ic.Outcome, Source: "import",
		CreatedAt: created, UpdatedAt: created, Version: 1,
	}
	if c.Language == "" {
		c.Language = org.Language
	}
	if c.ContactMethod == "" {
		c.ContactMethod = ContactEmail
	}
	if err := validateCaseFields(c); err != nil {
		return nil, err
	}
	subs, err := s.Store.Subscriptions(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	for _, sub := range subs {
		if sub.Product == c.Product {
			c.Plan = sub.Plan
		}
	}
	if c.Plan == "" {
		return nil, FieldError(EREFUSED, "product_not_subscribed", "product", "organisation %d does not subscribe to %q", org.ID, c.Product)
	}
	stamp := func(t *time.Time, field string) (*time.Time, error) {
		if t == nil {
			return nil, nil
		}
		u := t.UTC().Truncate(time.Microsecond)
		if u.Before(created) || u.After(now) {
			return nil, FieldError(EREFUSED, "invalid_"+field, field, "%s must lie between created_at and now", field)
		}
		return &u, nil
	}
	if c.ResolvedAt, err = stamp(ic.ResolvedAt, "resolved_at"); err != nil {
		return nil, err
	}
	if c.ClosedAt, err = stamp(ic.ClosedAt, "closed_at"); err != nil {
		return nil, err
	}
	if err := consistentImport(c); err != nil {
		return nil, err
	}
	// Due times and timers come after the messages, which set the first
	// response.
	var msgs []*Message
	for j, im := range ic.Messages {
		if err := checkText("body", im.Body, true, MaxBodyLen); err != nil {
			return nil, err
		}
		at, err := stamp(&im.CreatedAt, "created_at")
		if err != nil {
			return nil, fmt.Errorf("message %d: %w", j, err)
		}
		author, err := lookup(im.Author)
		if err != nil && ErrorKind(err) != ENOTFOUND {
			return nil, err
		}
		if err != nil || (!author.IsStaff() && author.OrgID != org.ID) {
			return nil, FieldError(EREFUSED, "unknown_author", "author", "message %d: %q is not staff or a user of organisation %d", j, im.Author, org.ID)
		}
		kind := MessagePublic
		if im.Internal {
			if !author.IsStaff() {
				return nil, FieldError(EREFUSED, "internal_notes_staff_only", "internal", "message %d: only staff write internal notes", j)
			}
			kind = MessageInternal
		}
		if kind == MessagePublic && author.IsStaff() && (c.FirstResponseAt == nil || at.Before(*c.FirstResponseAt)) {
			c.FirstResponseAt = at
		}
		msgs = append(msgs, &Message{Kind: kind, AuthorID: author.ID, FromStaff: author.IsStaff(), Body: im.Body, Channel: "import", CreatedAt: *at})
		if at.After(c.UpdatedAt) {
			c.UpdatedAt = *at
		}
	}
	timers, err := s.refreshSLA(ctx, c, now, org)
	if err != nil {
		return nil, err
	}
	// The import itself is the last entry: the timeline reads oldest first.
	msgs = append(msgs, &Message{Kind: MessageEvent, Body: "case imported", AuthorID: actor.ID, Channel: "import", CreatedAt: now})
	for _, m := range msgs {
		m.OrgID = org.ID
	}
	return &CaseChange{
		Case:     c,
		Messages: msgs,
		Timers:   nextTimers(timers, now), ReplaceTimers: true,
		// The store fills in the new case's id as the audit object.
		Audit: []*AuditEntry{s.audit(ctx, actor, org.ID, "case.import", "case", "", map[string]any{"external_id": ic.ExternalID, "created_at": created})},
	}, nil
}

// consistentImport refuses an imported case whose times and outcome do not
// fit its status: a resolved case needs when and how; a closed one when;
// an unresolved one has neither.
func consistentImport(c *Case) error {
	switch c.Status {
	case StatusResolved:
		if c.ResolvedAt == nil {
			return FieldError(EREFUSED, "resolved_at_required", "resolved_at", "a resolved case needs resolved_at")
		}
		if c.ClosedAt != nil {
			return FieldError(EREFUSED, "invalid_closed_at", "closed_at", "a resolved case is not closed yet")
		}
	case StatusClosed:
		if c.ClosedAt == nil {
			return FieldError(EREFUSED, "closed_at_required", "closed_at", "a closed case needs closed_at")
		}
	default:
		if c.ResolvedAt != nil || c.ClosedAt != nil {
			return FieldError(EREFUSED, "invalid_resolved_at", "resolved_at", "a %s case has no resolved_at or closed_at", c.Status)
		}
		if c.Outcome != "" {
			return FieldError(EREFUSED, "invalid_outcome", "outcome", "a %s case has no outcome", c.Status)
		}
	}
	if c.ResolvedAt != nil && c.Outcome == "" {
		return FieldError(EREFUSED, "outcome_required", "outcome", "a resolved case needs its outcome")
	}
	if c.ResolvedAt != nil && c.ClosedAt != nil && c.ClosedAt.Before(*c.ResolvedAt) {
		return FieldError(EREFUSED, "invalid_closed_at", "closed_at", "closed_at is before resolved_at")
	}
	return nil
}
