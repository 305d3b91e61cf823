package desk

import (
	"context"
	"fmt"
	"time"

	"desk/bizhours"
)

// SLAConfig holds the installation's SLA rules that are not per plan.
type SLAConfig struct {
	// WarnAt is the share of a target's business time after which a
	// warning fires, such as 0.75; zero means no warnings.
	WarnAt float64
	// DowngradeAfter is how long, in business time on the organisation's
	// weekday calendar, a case of each severity may wait on the customer
	// before its severity drops one level. Zero means never.
	DowngradeAfter map[Severity]time.Duration
	// AutoCloseAfter is how long after resolution a case that was not
	// reopened closes by itself. Zero means never.
	AutoCloseAfter time.Duration
}

// DefaultSLAConfig returns the rules the seeds describe: a warning at 75%
// of a target; a case waiting on the customer drops a level after one
// business day (critical), two (high) or five (normal); resolved cases
// close after seven days.
func DefaultSLAConfig() SLAConfig {
	day := 8 * time.Hour
	return SLAConfig{
		WarnAt: 0.75,
		DowngradeAfter: map[Severity]time.Duration{
			SeverityCritical: day, SeverityHigh: 2 * day, SeverityNormal: 5 * day,
		},
		AutoCloseAfter: 7 * 24 * time.Hour,
	}
}

// SLAState is a case's SLA clock as of one instant, for display.
type SLAState struct {
	Paused bool `json:"paused"`
	// Remaining business minutes until each pending target; negative once
	// breached; nil when there is no pending target.
	FirstResponseRemainingMinutes *int `json:"first_response_remaining_minutes,omitempty"`
	NextResponseRemainingMinutes  *int `json:"next_response_remaining_minutes,omitempty"`
	ResolutionRemainingMinutes    *int `json:"resolution_remaining_minutes,omitempty"`
	FirstResponseBreached         bool `json:"first_response_breached"`
	NextResponseBreached          bool `json:"next_response_breached"`
	ResolutionBreached            bool `json:"resolution_breached"`
}

// NextDueAt returns the earliest due time still pending, for sorting
// queues; nil when nothing is due (met, paused, resolved).
func (c *Case) NextDueAt() *time.Time {
	if c.Status == StatusResolved || c.Status == StatusClosed {
		return nil
	}
	var min *time.Time
	for _, d := range []*time.Time{
		ifPending(c.FirstResponseDueAt, c.FirstResponseAt == nil),
		ifPending(c.NextResponseDueAt, c.AwaitingSince != nil),
		c.ResolutionDueAt,
	} {
		if d != nil && (min == nil || d.Before(*min)) {
			min = d
		}
	}
	return min
}

func ifPending(t *time.Time, pending bool) *time.Time {
	if pending {
		return t
	}
	return nil
}

// paused reports whether the case's clock stands still now.
func (c *Case) paused() bool {
	return len(c.Pauses) > 0 && c.Pauses[len(c.Pauses)-1].To == nil
}

// slaClock computes due times for one case: its policy, each target with
// its calendar, and the organisation's weekday calendar for downgrades.
type slaClock struct {
	policy                  *SLAPolicy // nil when the plan has no policy for the severity
	first, next, resolution slaTarget
	weekdays                *bizhours.Calendar
}

// slaTarget is one target of a policy with its calendar resolved.
type slaTarget struct {
	target bizhours.Target
	cal    *bizhours.Calendar
}

// set reports whether there is a target. Negative parts, which
// PutSLAPolicy refuses, count as none.
func (t slaTarget) set() bool {
	return t.cal != nil && (t.target.Minutes > 0 || t.target.BusinessDays > 0)
}

// known is the case's organisation when the caller has read it already.
func (s *Service) clockFor(ctx context.Context, c *Case, known ...*Org) (*slaClock, error) {
	var org *Org
	if len(known) > 0 && known[0] != nil && known[0].ID == c.OrgID {
		org = known[0]
	} else {
		var err error
		if org, err = s.Store.Org(ctx, c.OrgID); err != nil {
			return nil, err
		}
	}
	var err error
	k := &slaClock{}
	if k.weekdays, err = bizhours.Named(RegionCalendar, org.TimeZone); err != nil {
		return nil, err
	}
	p, err := s.slaPolicy(ctx, c.Plan, c.Severity)
	if ErrorKind(err) == ENOTFOUND {
		return k, nil
	} else if err != nil {
		return nil, err
	}
	k.policy = p
	cals := map[string]*bizhours.Calendar{}
	for _, t := range []struct {
		dst *slaTarget
		SLATarget
	}{{&k.first, p.FirstResponse()}, {&k.next, p.NextResponse()}, {&k.resolution, p.Resolution()}} {
		if t.Target.Minutes <= 0 && t.Target.BusinessDays <= 0 {
			continue
		}
		cal, ok := cals[t.Calendar]
		if !ok {
			if cal, err = s.calendar(ctx, t.Calendar, org.TimeZone); err != nil {
				return nil, fmt.Errorf("sla policy %s/%s: calendar %q: %w", p.Plan, p.Severity, t.Calendar, err)
			}
			cals[t.Calendar] = cal
		}
		*t.dst = slaTarget{target: bizhours.Target{Minutes: max(t.Target.Minutes, 0), BusinessDays: max(t.Target.BusinessDays, 0)}, cal: cal}
	}
	return k, nil
}

// due returns when target t, counted from start, runs out, with the case's
// pauses not counting; nil while a pause that began before that instant
// lasts, since the clock then stands still.
func (k *slaClock) due(c *Case, t slaTarget, start time.Time) *time.Time {
	return pushPauses(c, t.cal, start, t.cal.Due(start, t.target))
}

// warnAt returns when share of target t, counted from start, has run out,
// with the case's pauses not counting. The share of a business-day target
// is of the open time it spans when nothing pauses it.
func (k *slaClock) warnAt(c *Case, t slaTarget, start time.Time, share float64) *time.Time {
	span := t.target.Duration()
	if t.target.BusinessDays > 0 {
		due := t.cal.Due(start, t.target)
		if due.IsZero() {
			return nil
		}
		span = t.cal.Between(start, due)
	}
	return pushPauses(c, t.cal, start, t.cal.Add(start, time.Duration(float64(span)*share)))
}

// pushPauses moves d, the instant a target counted from start runs out
// when nothing pauses it, later by the open time of each pause that began
// before it; nil while such a pause lasts, and for the zero time, which
// the calendar returns when it has no open time left.
func pushPauses(c *Case, cal *bizhours.Calendar, start, d time.Time) *time.Time {
	if d.IsZero() {
		return nil
	}
	for _, p := range c.Pauses {
		if p.To != nil && !p.To.After(start) {
			continue // ended before this target's clock started
		}
		from := p.From
		if from.Before(start) {
			from = start
		}
		if !from.Before(d) {
			break // the target ran out before this pause
		}
		if p.To == nil {
			return nil
		}
		d = cal.Add(d, cal.Between(from, *p.To))
	}
	d = d.UTC()
	return &d
}

// refreshSLA recomputes a case's due times from its policy, its pauses and
// where it stands, sets its SLA state, and returns the timers it should
// have pending at now.
func (s *Service) refreshSLA(ctx context.Context, c *Case, now time.Time, known ...*Org) ([]*Timer, error) {
	k, err := s.clockFor(ctx, c, known...)
	if err != nil {
		return nil, err
	}
	ts := k.refresh(c, now, s.SLA)
	c.SLA = k.state(c, now)
	return ts, nil
}

// nextTimers keeps of a case's timers the ones a store needs pending at
// now: those due already (fired ones stay fired in the store, the others
// are about to fire) and the earliest of the rest. The later ones are
// stored when the earlier fires, because firing changes the case and
// refreshes its timers; so recomputing a case writes one timer, not every
// warning and breach it may ever have.
func nextTimers(ts []*Timer, now time.Time) []*Timer {
	var next time.Time
	for _, t := range ts {
		if t.FireAt.After(now) && (next.IsZero() || t.FireAt.Before(next)) {
			next = t.FireAt
		}
	}
	keep := ts[:0:0]
	for _, t := range ts {
		if !t.FireAt.After(now) || t.FireAt.Equal(next) {
			keep = append(keep, t)
		}
	}
	return keep
}

func (k *slaClock) refresh(c *Case, now time.Time, cfg SLAConfig) []*Timer {
	c.FirstResponseDueAt, c.NextResponseDueAt, c.ResolutionDueAt = nil, nil, nil
	var ts []*Timer
	open := c.Status != StatusResolved && c.Status != StatusClosed
	target := func(start time.Time, t slaTarget, pending bool, warn, breach TimerKind) *time.Time {
		if k.policy == nil || !t.set() {
			return nil
		}
		d := k.due(c, t, start)
		if d == nil || !pending || !open {
			return d
		}
		if cfg.WarnAt > 0 && cfg.WarnAt < 1 {
			if w := k.warnAt(c, t, start, cfg.WarnAt); w != nil {
				ts = append(ts, &Timer{Kind: warn, DueAt: *d, FireAt: *w})
			}
		}
		ts = append(ts, &Timer{Kind: breach, DueAt: *d, FireAt: *d})
		return d
	}
	if k.policy != nil {
		c.FirstResponseDueAt = target(c.CreatedAt, k.first, c.FirstResponseAt == nil,
			TimerFirstResponseWarning, TimerFirstResponseBreach)
		if c.AwaitingSince != nil {
			c.NextResponseDueAt = target(*c.AwaitingSince, k.next, true,
				TimerNextResponseWarning, TimerNextResponseBreach)
		}
		c.ResolutionDueAt = target(c.CreatedAt, k.resolution, c.ResolvedAt == nil,
			TimerResolutionWarning, TimerResolutionBreach)
	}
	if c.Status == StatusActionRequired && c.paused() && c.Severity != SeverityLow {
		if after := cfg.DowngradeAfter[c.Severity]; after > 0 {
			at := k.weekdays.Add(c.Pauses[len(c.Pauses)-1].From, after).UTC()
			ts = append(ts, &Timer{Kind: TimerDowngrade, DueAt: at, FireAt: at})
		}
	}
	if c.Status == StatusResolved && c.ResolvedAt != nil && cfg.AutoCloseAfter > 0 {
		at := c.ResolvedAt.Add(cfg.AutoCloseAfter)
		ts = append(ts, &Timer{Kind: TimerAutoClose, DueAt: at, FireAt: at})
	}
	return ts
}

// state returns the SLA state of a case at now. While the clock stands
// still, the remaining time is what was left when the pause began.
func (k *slaClock) state(c *Case, now time.Time) *SLAState {
	st := &SLAState{Paused: c.paused()}
	if k.policy == nil {
		return st
	}
	at, running := now, c
	if st.Paused {
		// Measure as if the pause had not begun, at its start.
		at = c.Pauses[len(c.Pauses)-1].From
		cp := *c
		cp.Pauses = c.Pauses[:len(c.Pauses)-1]
		running = &cp
	}
	open := c.Status != StatusResolved && c.Status != StatusClosed
	measure := func(start *time.Time, t slaTarget, met *time.Time) (*int, bool) {
		if start == nil || !t.set() {
			return nil, false
		}
		due := k.due(running, t, *start)
		if due == nil {
			return nil, false
		}
		if met != nil {
			return nil, met.After(*due)
		}
		breached := !at.Before(*due)
		if !open {
			return nil, breached
		}
		var m int
		if breached {
			m = -int(t.cal.Between(*due, at) / time.Minute)
		} else {
			m = int(t.cal.Between(at, *due) / time.Minute)
		}
		return &m, breached
	}
	st.FirstResponseRemainingMinutes, st.FirstResponseBreached = measure(&c.CreatedAt, k.first, c.FirstResponseAt)
	st.NextResponseRemainingMinutes, st.NextResponseBreached = measure(c.AwaitingSince, k.next, nil)
	st.ResolutionRemainingMinutes, st.ResolutionBreached = measure(&c.CreatedAt, k.resolution, c.ResolvedAt)
	return st
}

// clockCache keeps the SLA clocks built during one call over many cases:
// cases of one organisation, plan and severity share a clock.
type clockCache struct {
	s *Service
	m map[string]*slaClock
}

func (s *Service) newClockCache() *clockCache { return &clockCache{s: s, m: map[string]*slaClock{}} }

func (cc *clockCache) get(ctx context.Context, c *Case) (*slaClock, error) {
	key := fmt.Sprint(c.OrgID, "/", c.Plan, "/", c.Severity)
	if k, ok := cc.m[key]; ok {
		return k, nil
	}
	k, err := cc.s.clockFor(ctx, c)
	if err != nil {
		return nil, err
	}
	cc.m[key] = k
	return k, nil
}

// withSLA fills in the SLA state of cases for display.
func (s *Service) withSLA(ctx context.Context, cs ...*Case) error {
	now := s.Clock.Now()
	clocks := s.newClockCache()
	for _, c := range cs {
		k, err := clocks.get(ctx, c)
		if err != nil {
			return err
		}
		c.SLA = k.state(c, now)
	}
	return nil
}

// MaxAtRiskWindow bounds how far ahead the list of cases at risk looks.
const MaxAtRiskWindow = 30 * 24 * time.Hour

// AtRisk lists the cases whose next due time falls within the window from
// now, breached ones first: the supervisor's list of cases at risk.
func (s *Service) AtRisk(ctx context.Context, actor *User, within time.Duration, f CaseFilter) (*CasePage, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	if within < time.Minute || within > MaxAtRiskWindow {
		return nil, FieldError(EINVALID, "invalid_window", "within", "within must be a duration from 1m to 720h")
	}
	before := s.Clock.Now().Add(within)
	f.Sort, f.DueBefore = SortDue, &before
	return s.Cases(ctx, actor, f)
}

// SeverityChange is staff's change of a case's severity.
type SeverityChange struct {
	Severity Severity `json:"severity"`
	Reason   string   `json:"reason"`
}

// ChangeSeverity sets a case's severity; due times follow the new
// severity's targets, counted from when the case was opened.
func (s *Service) ChangeSeverity(ctx context.Context, actor *User, caseID int64, sc SeverityChange) (*Case, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	if !sc.Severity.Valid() {
		return nil, FieldError(EINVALID, "invalid_severity", "severity", "severity must be critical, high, normal or low")
	}
	if err := checkText("reason", sc.Reason, true, 2000); err != nil {
		return nil, err
	}
	return s.change(ctx, actor, caseID, "case.severity", func(c *Case, now time.Time, ch *CaseChange) (any, error) {
		if c.Status == StatusResolved || c.Status == StatusClosed {
			return nil, Errorf(EREFUSED, "invalid_transition", "the severity of a %s case cannot change", c.Status)
		}
		if c.Category == CategoryBilling && sc.Severity.Above(SeverityHigh) {
			return nil, FieldError(EREFUSED, "billing_severity_capped", "severity", "billing and subscription cases can be at most high severity")
		}
		if sc.Severity == c.Severity {
			return nil, FieldError(EREFUSED, "severity_unchanged", "severity", "the case is %s already", c.Severity)
		}
		from := c.Severity
		c.Severity = sc.Severity
		ch.reason = sc.Reason
		ch.Messages = append(ch.Messages,
			&Message{Kind: MessageEvent, Body: fmt.Sprintf("severity: %s → %s (%s)", from, sc.Severity, sc.Reason)})
		return map[string]any{"from": from, "to": sc.Severity, "reason": sc.Reason}, nil
	})
}

// RecomputeBatch is how many cases RecomputeSLA writes per transaction.
const RecomputeBatch = 1000

// RecomputeSLA recomputes the due times and timers of every case not yet
// closed, after a calendar or policy changed. A case that someone changes
// meanwhile is skipped: that change computed its due times afresh. It
// returns how many cases it updated.
func (s *Service) RecomputeSLA(ctx context.Context, actor *User) (int, error) {
	if !actor.IsSupervisor() {
		return 0, Errorf(EFORBIDDEN, "recompute_forbidden", "only supervisors and system admins can recompute due times")
	}
	now := s.Clock.Now()
	// Reading and computing the next batch overlaps writing this one: the
	// store reads beside its writer.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []*CaseChange, 1)
	var readErr error
	go func() {
		defer close(batches)
		readErr = s.recomputeBatches(ctx, now, batches)
	}()
	updated := 0
	for chs := range batches {
		n, err := s.Store.RefreshCases(ctx, chs)
		if err != nil {
			cancel()
			for range batches {
			}
			return updated, fmt.Errorf("recompute due times: %w", err)
		}
		updated += n
	}
	if readErr != nil {
		return updated, readErr
	}
	err := s.Store.AppendAudit(ctx, s.audit(ctx, actor, 0, "sla.recompute", "cases", "", map[string]any{"updated": updated}))
	return updated, err
}

// recomputeBatches walks every case that is not closed, by id, and sends
// their recomputed due times and timers in batches.
func (s *Service) recomputeBatches(ctx context.Context, now time.Time, out chan<- []*CaseChange) error {
	clocks := s.newClockCache()
	// Skip the closed cases here: a status filter would make the database
	// sort each page instead of following the primary key.
	f := CaseFilter{Sort: SortID, Limit: RecomputeBatch}
	scope := Scope{AllOrgs: true, Internal: true}
	for {
		cs, err := s.Store.Cases(ctx, scope, f)
		if err != nil || len(cs) == 0 {
			return err
		}
		chs := make([]*CaseChange, 0, len(cs))
		for _, c := range cs {
			if c.Status == StatusClosed {
				continue
			}
			k, err := clocks.get(ctx, c)
			if err != nil {
				return err
			}
			ch := &CaseChange{Case: c, PrevVersion: c.Version, ReplaceTimers: true}
			ch.Timers = nextTimers(k.refresh(c, now, s.SLA), now)
			c.Version++
			chs = append(chs, ch)
		}
		f.After = cursorOf(cs[len(cs)-1], SortID)
		if len(chs) == 0 {
			continue
		}
		select {
		case out <- chs:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// SLASummary counts what the SLA engine did in a period.
type SLASummary struct {
	Since      time.Time `json:"since"`
	Warnings   int       `json:"warnings"`
	Breaches   int       `json:"breaches"`
	Downgrades int       `json:"downgrades"`
	AutoCloses int       `json:"auto_closes"`
	// ByKind counts each timer kind, such as first_response_breach.
	ByKind map[TimerKind]int `json:"by_kind"`
}

// Summary counts the warnings, breaches, downgrades and automatic closes
// since a time, for supervisors.
func (s *Service) Summary(ctx context.Context, actor *User, since time.Time) (*SLASummary, error) {
	if !actor.IsSupervisor() {
		return nil, Errorf(EFORBIDDEN, "summary_forbidden", "only supervisors and system admins see SLA figures")
	}
	counts, err := s.Store.TimerCounts(ctx, since)
	if err != nil {
		return nil, err
	}
	sum := &SLASummary{Since: since, ByKind: counts}
	for k, n := range counts {
		switch k {
		case TimerFirstResponseWarning, TimerNextResponseWarning, TimerResolutionWarning:
			sum.Warnings += n
		case TimerFirstResponseBreach, TimerNextResponseBreach, TimerResolutionBreach:
			sum.Breaches += n
		case TimerDowngrade:
			sum.Downgrades += n
		case TimerAutoClose:
			sum.AutoCloses += n
		}
	}
	return sum, nil
}
