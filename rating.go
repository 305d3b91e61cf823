package desk

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxRatingCommentLen bounds the comment of a satisfaction rating.
const MaxRatingCommentLen = 2000

// Rating is the customer's satisfaction with how a case was handled: a
// score from 1 (very dissatisfied) to 5 (very satisfied) and an optional
// comment. A case has at most one; rating again replaces it.
type Rating struct {
	CaseID    int64     `json:"case_id"`
	OrgID     int64     `json:"org_id"`
	UserID    int64     `json:"user_id"`
	Score     int       `json:"score"`
	Comment   string    `json:"comment,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// RatingStore keeps satisfaction ratings.
type RatingStore interface {
	// PutRating stores or replaces the rating of a case, with an audit
	// entry in the same transaction.
	PutRating(ctx context.Context, r *Rating, audit *AuditEntry) error
	// Rating returns the rating of a case within the scope.
	Rating(ctx context.Context, scope Scope, caseID int64) (*Rating, error)
}

// Rate records the actor's satisfaction with a resolved or closed case of
// their organisation. Only the customer side rates; staff rating their own
// work would make the figure worthless.
func (s *Service) Rate(ctx context.Context, actor *User, caseID int64, score int, comment string) (*Rating, error) {
	if actor.IsStaff() {
		return nil, Errorf(EFORBIDDEN, "customers_only", "only the customer rates a case")
	}
	c, err := s.Case(ctx, actor, caseID)
	if err != nil {
		return nil, err
	}
	if c.Status != StatusResolved && c.Status != StatusClosed {
		return nil, Errorf(ECONFLICT, "not_resolved", "a case can be rated once it is resolved")
	}
	if score < 1 || score > 5 {
		return nil, FieldError(EINVALID, "invalid_score", "score", "choose a rating from 1 to 5")
	}
	comment = strings.TrimSpace(comment)
	if utf8.RuneCountInString(comment) > MaxRatingCommentLen {
		return nil, FieldError(EINVALID, "comment_too_long", "comment", "the comment is longer than %d characters", MaxRatingCommentLen)
	}
	r := &Rating{CaseID: c.ID, OrgID: c.OrgID, UserID: actor.ID, Score: score, Comment: comment, CreatedAt: s.Clock.Now()}
	a := s.audit(ctx, actor, c.OrgID, "case.rate", "case", fmt.Sprint(c.ID), map[string]any{"score": score})
	if err := s.Store.PutRating(ctx, r, a); err != nil {
		return nil, fmt.Errorf("rate case: %w", err)
	}
	return r, nil
}

// CaseRating returns the rating of a case the actor may see, or ENOTFOUND
// when it has none.
func (s *Service) CaseRating(ctx context.Context, actor *User, caseID int64) (*Rating, error) {
	if _, err := s.Case(ctx, actor, caseID); err != nil {
		return nil, err
	}
	return s.Store.Rating(ctx, ScopeOf(actor), caseID)
}

// Assign gives a case to a member of staff who handles cases, or takes it
// back from everyone with assigneeID zero. A new case becomes open.
func (s *Service) Assign(ctx context.Context, actor *User, caseID, assigneeID int64) (*Case, error) {
	if !actor.CanHandleCases() {
		return nil, Errorf(EFORBIDDEN, "staff_only", "only agents, supervisors and system admins assign cases")
	}
	if assigneeID != 0 {
		u, err := s.Store.User(ctx, assigneeID)
		if ErrorKind(err) == ENOTFOUND || (err == nil && !u.CanHandleCases()) {
			return nil, FieldError(EINVALID, "invalid_assignee", "assignee_id", "assign the case to an agent, supervisor or system admin")
		} else if err != nil {
			return nil, err
		}
	}
	return s.change(ctx, actor, caseID, "case.assign", func(c *Case, now time.Time, ch *CaseChange) (any, error) {
		from := c.AssigneeID
		c.AssigneeID = assigneeID
		if c.Status == StatusNew && assigneeID != 0 {
			c.Status = StatusOpen
		}
		return map[string]any{"from": from, "to": assigneeID}, nil
	})
}
