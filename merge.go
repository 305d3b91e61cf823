package desk

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"time"
)

// MergeStore records merged duplicates.
type MergeStore interface {
	// MergeCases stores the two changes of a merge atomically: dup, whose
	// case is closed with MergedInto set to the survivor, and survivor. Like
	// UpdateCase it refuses with ECONFLICT (code case_changed) when either
	// stored case moved on from its PrevVersion, and then stores nothing.
	MergeCases(ctx context.Context, dup, survivor *CaseChange) error
	// Duplicates lists the cases merged into a case, within the scope.
	Duplicates(ctx context.Context, scope Scope, caseID int64) ([]*Case, error)
}

// Merge closes a duplicate case in favour of the case that survives. Both
// must belong to one organisation, the survivor must not be closed, and
// a case cannot be merged into itself. The duplicate keeps its timeline
// and files, gains a pointer to the survivor and is closed; both timelines
// get an event naming the other case, and both cases an audit entry. The
// two changes are stored in one transaction. It returns the closed
// duplicate.
func (s *Service) Merge(ctx context.Context, actor *User, duplicateID, survivorID int64) (*Case, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	if survivorID <= 0 {
		return nil, FieldError(EINVALID, "merge_target_required", "into", "name the case to merge into")
	}
	if duplicateID == survivorID {
		return nil, FieldError(EREFUSED, "merge_same_case", "into", "a case cannot be merged into itself")
	}
	scope := ScopeOf(actor)
	for attempt := 0; ; attempt++ {
		dup, err := s.Store.Case(ctx, scope, duplicateID)
		if err != nil {
			return nil, err
		}
		surv, err := s.Store.Case(ctx, scope, survivorID)
		if ErrorKind(err) == ENOTFOUND {
			return nil, FieldError(ENOTFOUND, "merge_target_not_found", "into", "case %d not found", survivorID)
		} else if err != nil {
			return nil, err
		}
		switch {
		case dup.OrgID != surv.OrgID:
			// Only staff merge, and they see every organisation, so the
			// reason may be named.
			return nil, FieldError(EREFUSED, "merge_other_org", "into", "case %d is not a case of the same organisation", survivorID)
		case dup.Status == StatusClosed:
			return nil, Errorf(EREFUSED, "case_closed", "case %d is closed", dup.ID)
		case surv.Status == StatusClosed:
			return nil, FieldError(EREFUSED, "merge_target_closed", "into", "case %d is closed; merge into an open case", surv.ID)
		}
		now := s.Clock.Now()
		detail := map[string]any{"duplicate": dup.ID, "survivor": surv.ID, "duplicate_status": dup.Status}

		dch := &CaseChange{Case: dup, PrevVersion: dup.Version}
		dprev, sprev := *dup, *surv
		from := dup.Status
		dup.Status, dup.MergedInto = StatusClosed, surv.ID
		closed := now
		dup.ClosedAt = &closed
		dch.Messages = append(dch.Messages,
			&Message{Kind: MessageEvent, Body: fmt.Sprintf("merged into case #%d", surv.ID)},
			transitionEvent(from, StatusClosed, "merged"))
		if err := s.finish(ctx, actor, dch, dprev, now, "case.merge", detail); err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}

		sch := &CaseChange{Case: surv, PrevVersion: surv.Version}
		sch.Messages = append(sch.Messages, &Message{Kind: MessageEvent, Body: fmt.Sprintf("case #%d merged into this case", dup.ID)})
		if err := s.finish(ctx, actor, sch, sprev, now, "case.merge", detail); err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}

		err = s.Store.MergeCases(ctx, dch, sch)
		if ErrorKind(err) == ECONFLICT && ErrorCode(err) == "case_changed" && attempt < maxChangeAttempts {
			// As in change: someone else wrote one of the cases in
			// between; compute the merge again from what is stored now.
			if attempt >= 8 {
				time.Sleep(time.Duration(mrand.Int64N(int64(attempt) * int64(time.Millisecond))))
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		s.publish(ctx, "case.merge", dup)
		s.publish(ctx, "case.merge", surv)
		return dup, s.withSLA(ctx, dup)
	}
}

// Duplicates lists the cases that were merged into a case the actor may
// see, so that their timelines and files stay one click away.
func (s *Service) Duplicates(ctx context.Context, actor *User, caseID int64) ([]*Case, error) {
	if _, err := s.Case(ctx, actor, caseID); err != nil {
		return nil, err
	}
	return s.Store.Duplicates(ctx, ScopeOf(actor), caseID)
}
