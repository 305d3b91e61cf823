package desk

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"desk/bizhours"
)

// PutSLAPolicy stores the policy of a plan and severity, replacing the one
// there was. The plan must exist, the first-response target must be set,
// every target set must be positive minutes or business days (not both),
// and every calendar named must be stored or be "weekdays"; otherwise the
// policy is refused with the field at fault, and nothing is stored. Due
// times of open cases follow the new policy once RecomputeSLA runs.
func (s *Service) PutSLAPolicy(ctx context.Context, actor *User, p *SLAPolicy) error {
	if err := RequireSLAAdmin(actor); err != nil {
		return err
	}
	if p == nil {
		return Errorf(EINVALID, "invalid_sla_policy", "no policy given")
	}
	if err := s.checkSLAPolicy(ctx, p); err != nil {
		return err
	}
	if err := s.Store.PutSLAPolicy(ctx, p); err != nil {
		return fmt.Errorf("put sla policy: %w", err)
	}
	s.cache.policies.forget(p.Plan + "/" + string(p.Severity))
	s.publishCatalogue(ctx)
	return s.Store.AppendAudit(ctx, s.audit(ctx, actor, 0, "sla_policy.put", "sla_policy",
		p.Plan+"/"+string(p.Severity), p))
}

func (s *Service) checkSLAPolicy(ctx context.Context, p *SLAPolicy) error {
	if p.Plan == "" {
		return FieldError(EREFUSED, "plan_required", "plan", "plan is required")
	}
	if !p.Severity.Valid() {
		return FieldError(EINVALID, "invalid_severity", "severity", "severity must be critical, high, normal or low")
	}
	if _, err := s.Store.Plan(ctx, p.Plan); ErrorKind(err) == ENOTFOUND {
		return FieldError(EREFUSED, "unknown_plan", "plan", "there is no plan %q", p.Plan)
	} else if err != nil {
		return err
	}
	if p.Calendar == "" {
		return FieldError(EREFUSED, "calendar_required", "calendar", "calendar is required")
	}
	calendars := []struct{ field, name string }{{"calendar", p.Calendar}}
	for _, t := range []struct {
		field    string
		target   bizhours.Target
		calendar string
		required bool
	}{
		{"first_response", p.FirstResponse().Target, p.FirstResponseCalendar, true},
		{"next_response", p.NextResponse().Target, p.NextResponseCalendar, false},
		{"resolution", p.Resolution().Target, p.ResolutionCalendar, false},
	} {
		if t.target.IsZero() {
			if t.required {
				return FieldError(EREFUSED, "invalid_target", t.field,
					"%s is required: a positive number of minutes or business days", t.field)
			}
			if t.calendar != "" {
				return FieldError(EREFUSED, "invalid_target", t.field+"_calendar",
					"%s_calendar is set, but there is no %s target", t.field, t.field)
			}
			continue
		}
		if err := t.target.Validate(); err != nil {
			msg := err.Error()
			var be *bizhours.Error
			if errors.As(err, &be) {
				msg = be.Message
			}
			return FieldError(EREFUSED, "invalid_target", t.field, "%s: %s", t.field, msg)
		}
		if t.calendar != "" {
			calendars = append(calendars, struct{ field, name string }{t.field + "_calendar", t.calendar})
		}
	}
	for _, c := range calendars {
		if c.name == RegionCalendar {
			continue
		}
		if _, err := s.Store.Calendar(ctx, c.name); ErrorKind(err) == ENOTFOUND {
			return FieldError(EREFUSED, "unknown_calendar", c.field, "there is no calendar named %q", c.name)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// SLAPolicies lists every SLA policy by plan, then by severity from
// critical to low.
func (s *Service) SLAPolicies(ctx context.Context, actor *User) ([]*SLAPolicy, error) {
	if err := RequireSLAAdmin(actor); err != nil {
		return nil, err
	}
	ps, err := s.Store.SLAPolicies(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ps, func(a, b *SLAPolicy) int {
		return cmp.Or(cmp.Compare(a.Plan, b.Plan), cmp.Compare(a.Severity.Rank(), b.Severity.Rank()))
	})
	return ps, nil
}
