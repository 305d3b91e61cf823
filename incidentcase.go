package desk

import (
	"context"
	"fmt"
	"time"
)

// LinkIncident links a case to the service incident it is about, or with
// incidentID zero unlinks it. The incident must be one the case's
// organisation can see, so that a customer is never pointed at another
// organisation's incident.
func (s *Service) LinkIncident(ctx context.Context, actor *User, caseID, incidentID int64) (*Case, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	var inc *Incident
	if incidentID != 0 {
		var err error
		if inc, err = s.Store.Incident(ctx, incidentID); ErrorKind(err) == ENOTFOUND {
			return nil, FieldError(ENOTFOUND, "incident_not_found", "incident", "incident %d not found", incidentID)
		} else if err != nil {
			return nil, err
		}
	}
	return s.change(ctx, actor, caseID, "case.link_incident", func(c *Case, now time.Time, ch *CaseChange) (any, error) {
		if c.Status == StatusClosed {
			return nil, Errorf(EREFUSED, "case_closed", "case %d is closed", c.ID)
		}
		if inc != nil && !inc.VisibleTo(c.OrgID) {
			return nil, FieldError(EREFUSED, "incident_not_visible", "incident", "incident %d does not concern the case's organisation", inc.ID)
		}
		if c.IncidentID == incidentID {
			return nil, FieldError(EREFUSED, "incident_unchanged", "incident", "the case is linked to that incident already")
		}
		body := "unlinked from incident"
		if inc != nil {
			body = fmt.Sprintf("linked to incident #%d: %s", inc.ID, inc.Title)
		}
		c.IncidentID = incidentID
		ch.Messages = append(ch.Messages, &Message{Kind: MessageEvent, Body: body})
		return map[string]any{"incident": incidentID}, nil
	})
}

// incidentEnded tells the cases linked to an incident that post ended:
// each open case gets the post as a public reply (so the customer hears
// of it by mail too), and with resolve set is resolved with the outcome
// outage_resolved. It may run again for the same post after a crash, so
// a case that has the reply already is left alone. A case that fails to
// take the update is reported; the others go on.
func (s *Service) incidentEnded(ctx context.Context, actor *User, inc *Incident, post *IncidentPost, resolve bool) (updated int, err error) {
	// The status manager who ended the incident does not work cases; the
	// update is theirs all the same, so it is written in their name with
	// the case rights that this one duty needs.
	actor = caseDuty(actor)
	var after *CaseCursor
	var errs []error
	for {
		page, err := s.Store.Cases(ctx, Scope{AllOrgs: true, Internal: true}, CaseFilter{IncidentID: inc.ID,
			Statuses: []Status{StatusNew, StatusOpen, StatusActionRequired}, Sort: SortID, After: after, Limit: 200})
		if err != nil {
			return updated, err
		}
		for _, c := range page {
			after = cursorOf(c, SortID)
			// In the case's language, as everything its customer reads.
			body := caseText(c.Language, "credit.case.incident_update", "title", inc.Title, "update", post.Body)
			var told bool
			if told, err = s.hasMessage(ctx, c.ID, body); err == nil && told {
				continue
			}
			if err == nil && resolve {
				_, err = s.Resolve(ctx, actor, c.ID, Resolution{Outcome: OutcomeOutageResolved, Body: body})
			} else if err == nil {
				_, err = s.AddMessage(ctx, actor, c.ID, Reply{Body: body})
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("case %d: %w", c.ID, err))
				continue
			}
			updated++
		}
		if len(page) < 200 {
			break
		}
	}
	if len(errs) > 0 {
		return updated, fmt.Errorf("update cases of incident %d: %w", inc.ID, errs[0])
	}
	return updated, nil
}

// hasMessage reports whether a case has a public message with this body.
func (s *Service) hasMessage(ctx context.Context, caseID int64, body string) (bool, error) {
	ms, err := s.Store.Messages(ctx, Scope{AllOrgs: true, Internal: true}, caseID)
	if err != nil {
		return false, err
	}
	for _, m := range ms {
		if m.Kind == MessagePublic && m.Body == body {
			return true, nil
		}
	}
	return false, nil
}

// followUp runs the queued follow-ups of incident changes now, so that
// the cases and subscribers they concern hear of a change as it is made.
// What fails here stays queued: the status notice worker retries it, on
// this node or another, which is also what happens when this node stops
// between the change and its follow-up.
func (s *Service) followUp(ctx context.Context) {
	// The owner is new for each run, so that it never shares a lease with
	// the background worker or another request.
	if _, err := s.SendStatusNotices(ctx, "inline-"+newToken()[:16], statusNoticeBatch); err != nil {
		s.logger().WarnContext(ctx, "incident follow-up failed; the worker retries it", "err", err)
	}
}

// noticeCases does what an incident change means for cases: a post that
// ended the incident tells (or resolves) its linked open cases, and a
// published report answers the cases that asked for it. Both may run
// again after a failure or a crash and do nothing twice.
func (s *Service) noticeCases(ctx context.Context, n *StatusNotice) error {
	inc, err := s.Store.Incident(ctx, n.IncidentID)
	if ErrorKind(err) == ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	author := func(id int64) *User {
		if u, err := s.Store.User(ctx, id); err == nil {
			return u
		}
		// A deleted author: the desk itself writes the follow-up.
		return &User{Name: "Supportdesk", Role: RoleSupervisor}
	}
	if i := n.PostCount - 1; i >= 0 && i < len(inc.Posts) && inc.Posts[i].CreatedAt.Equal(n.ChangedAt) {
		p := inc.Posts[i]
		if p.Status.Ended() && (i == 0 || !inc.Posts[i-1].Status.Ended()) {
			if _, err := s.incidentEnded(ctx, author(p.AuthorID), inc, p, p.ResolveCases); err != nil {
				return err
			}
		}
	}
	if inc.ReportPublishedAt != nil && inc.ReportPublishedAt.Equal(n.ChangedAt) {
		by := inc.CreatedBy
		if p := inc.Latest(); p != nil {
			by = p.AuthorID
		}
		return s.reportPublished(ctx, author(by), inc)
	}
	return nil
}
