package desk

import (
	"context"
	"fmt"
	"time"
)

// timerText describes what a warning or breach timer announces.
var timerText = map[TimerKind]string{
	TimerFirstResponseWarning: "SLA warning: the first response is due at %s",
	TimerFirstResponseBreach:  "SLA breached: the first response was due at %s",
	TimerNextResponseWarning:  "SLA warning: the next response is due at %s",
	TimerNextResponseBreach:   "SLA breached: the next response was due at %s",
	TimerResolutionWarning:    "SLA warning: resolution is due at %s",
	TimerResolutionBreach:     "SLA breached: resolution was due at %s",
}

// FireTimer carries out a timer the caller has claimed. A timer the case no
// longer calls for (it was answered, paused, resolved or changed since) is
// marked fired without effect. Firing and what it writes are one
// transaction, so a timer that fired on another node, or before a crash,
// never fires again.
func (s *Service) FireTimer(ctx context.Context, t *Timer) (outcome string, err error) {
	for attempt := 0; ; attempt++ {
		outcome, err = s.fireOnce(ctx, t)
		if ErrorCode(err) == "case_changed" && attempt < maxChangeAttempts {
			continue
		}
		if ErrorCode(err) == "timer_fired" {
			return "already fired", nil
		}
		return outcome, err
	}
}

func (s *Service) fireOnce(ctx context.Context, t *Timer) (string, error) {
	now := s.Clock.Now()
	c, err := s.Store.Case(ctx, Scope{AllOrgs: true, Internal: true}, t.CaseID)
	if ErrorKind(err) == ENOTFOUND {
		return "gone", s.Store.FireTimer(ctx, t, now, "gone", nil, nil)
	} else if err != nil {
		return "", err
	}
	// Is the timer one the case still calls for?
	probe := *c
	want, err := s.refreshSLA(ctx, &probe, now)
	if err != nil {
		return "", err
	}
	current := false
	for _, w := range want {
		if w.Kind == t.Kind && w.DueAt.Equal(t.DueAt) {
			current = true
		}
	}
	if !current {
		return "stale", s.Store.FireTimer(ctx, t, now, "stale", nil, nil)
	}

	ch := &CaseChange{Case: c, PrevVersion: c.Version}
	prev := *c
	var outcome, noteKind, body string
	switch t.Kind {
	case TimerDowngrade:
		from := c.Severity
		c.Severity = Severities[from.Rank()+1]
		outcome, noteKind = "downgraded", "sla.downgrade"
		body = fmt.Sprintf("severity lowered from %s to %s: no answer from the customer since %s",
			from, c.Severity, c.Pauses[len(c.Pauses)-1].From.Format(time.RFC3339))
		ch.Messages = append(ch.Messages,
			&Message{Kind: MessageEvent, Body: body},
			&Message{Kind: MessagePublic, Body: fmt.Sprintf("We have not heard back from you, so we lowered the severity "+
				"of this case from %s to %s. Reply to this case when you have the information we asked for, and we "+
				"will continue.", from, c.Severity)})
	case TimerAutoClose:
		c.Status = StatusClosed
		closed := now
		c.ClosedAt = &closed
		outcome, noteKind = "closed", "case.auto_close"
		body = fmt.Sprintf("closed automatically %d days after resolution", int(s.SLA.AutoCloseAfter.Hours()/24))
		ch.Messages = append(ch.Messages, transitionEvent(StatusResolved, StatusClosed, "automatic close"))
	default:
		text, ok := timerText[t.Kind]
		if !ok {
			return "", fmt.Errorf("fire timer %d: unknown kind %q", t.ID, t.Kind)
		}
		body = fmt.Sprintf(text, t.DueAt.Format(time.RFC3339))
		outcome, noteKind = "fired", "sla."+string(t.Kind)
		// SLA warnings and breaches are the vendor's business: staff see
		// them on the timeline, customers do not.
		ch.Messages = append(ch.Messages, &Message{Kind: MessageInternal, Body: body})
	}
	if err := s.finish(ctx, nil, ch, prev, now, "sla."+string(t.Kind), map[string]any{"timer": t.ID, "due_at": t.DueAt}); err != nil {
		return "", err
	}
	notes, err := s.notifyStaff(ctx, c, t, noteKind, body, now)
	if err != nil {
		return "", err
	}
	if err := s.Store.FireTimer(ctx, t, now, outcome, ch, notes); err != nil {
		return "", err
	}
	s.publish(ctx, noteKind, c)
	return outcome, nil
}

// notifyStaff addresses a timer's notification to the case's owner and
// every supervisor; warnings and breaches are their business, downgrades
// and automatic closes only the owner's.
func (s *Service) notifyStaff(ctx context.Context, c *Case, t *Timer, kind, body string, now time.Time) ([]*Notification, error) {
	recipients := map[int64]bool{}
	if c.AssigneeID != 0 {
		recipients[c.AssigneeID] = true
	}
	if t.Kind != TimerDowngrade && t.Kind != TimerAutoClose {
		staff, err := s.Store.Users(ctx, 0)
		if err != nil {
			return nil, err
		}
		for _, u := range staff {
			if u.Role == RoleSupervisor {
				recipients[u.ID] = true
			}
		}
	}
	var notes []*Notification
	for id := range recipients {
		notes = append(notes, &Notification{UserID: id, CaseID: c.ID, TimerID: t.ID, Kind: kind,
			Body: fmt.Sprintf("case %d: %s", c.ID, body), CreatedAt: now})
	}
	return notes, nil
}

// Notifications lists the actor's notifications, newest first.
func (s *Service) Notifications(ctx context.Context, actor *User, limit int) ([]*Notification, error) {
	if limit <= 0 || limit > MaxPageSize {
		limit = MaxPageSize
	}
	return s.Store.Notifications(ctx, actor.ID, limit)
}
