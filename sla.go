package desk

import (
	"context"
	"time"

	"desk/bizhours"
)

// applySLA sets a case's due times from its plan's policy for its severity,
// counted from its creation on the policy's calendar in the organisation's
// time zone. A plan without a policy for the severity leaves no due times.
func (s *Service) applySLA(ctx context.Context, c *Case, tz string) error {
	c.FirstResponseDueAt, c.NextResponseDueAt, c.ResolutionDueAt = nil, nil, nil
	p, err := s.Store.SLAPolicy(ctx, c.Plan, c.Severity)
	if ErrorKind(err) == ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	cal, err := bizhours.Named(p.Calendar, tz)
	if err != nil {
		return err
	}
	due := func(minutes int) *time.Time {
		if minutes <= 0 {
			return nil
		}
		t := cal.Add(c.CreatedAt, time.Duration(minutes)*time.Minute).UTC()
		return &t
	}
	c.FirstResponseDueAt = due(p.FirstResponseMinutes)
	c.NextResponseDueAt = due(p.NextResponseMinutes)
	c.ResolutionDueAt = due(p.ResolutionMinutes)
	return nil
}
