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

// incidentEnded tells the cases linked to an incident that has just ended:
// each open case gets the incident's last post as a public reply (so the
// customer hears of it by mail too), and with resolve set is resolved with
// the outcome outage_resolved. A case that fails to take the update is
// left as it is and reported; the others go on.
func (s *Service) incidentEnded(ctx context.Context, actor *User, inc *Incident, resolve bool) (updated int, err error) {
	post := inc.Latest()
	if post == nil {
		return 0, nil
	}
	body := fmt.Sprintf("Update on the incident \"%s\": %s", inc.Title, post.Body)
	// The status manager who ended the incident does not work cases; the
	// update is theirs all the same, so it is written in their name with
	// the case rights that this one duty needs.
	as := *actor
	if !as.CanHandleCases() {
		as.Role = RoleSupervisor
	}
	actor = &as
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
			if resolve {
				_, err = s.Resolve(ctx, actor, c.ID, Resolution{Outcome: OutcomeOutageResolved, Body: body})
			} else {
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
