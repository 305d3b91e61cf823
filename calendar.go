package desk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"desk/bizhours"
)

// CalendarStore keeps the business-hours calendars that SLA policies name.
// A calendar is stored whole, as the JSON of bizhours.Calendar.
type CalendarStore interface {
	// PutCalendar creates the calendar named c.Name or replaces it.
	PutCalendar(ctx context.Context, c *bizhours.Calendar, updatedAt time.Time) error
	// Calendar returns the calendar of that name; ENOTFOUND if there is
	// none.
	Calendar(ctx context.Context, name string) (*bizhours.Calendar, error)
	// Calendars lists every calendar, by name.
	Calendars(ctx context.Context) ([]*bizhours.Calendar, error)
}

// RegionCalendar is the calendar name that follows each organisation:
// Monday to Friday 09:00–17:00 in the organisation's time zone, closed on
// the public holidays of its country (bizhours.Named). It differs per
// organisation, so it is computed and never stored.
const RegionCalendar = "weekdays"

// Limits on stored calendars, so that one request cannot store unbounded
// data. Two years of a country's public holidays are a few dozen entries.
const (
	MaxCalendarNameLen = 64
	MaxHolidays        = 2000
	MaxHolidayNameLen  = 200
)

// RequireSLAAdmin refuses everyone but supervisors and system admins, who
// manage calendars and SLA policies. The service methods check it
// themselves; a transport may check it before decoding a body, so that a
// caller without the role learns nothing from validation errors.
func RequireSLAAdmin(actor *User) error {
	if actor == nil || !actor.IsSupervisor() {
		return Errorf(EFORBIDDEN, "sla_admin_only", "only supervisors and system admins manage calendars and SLA policies")
	}
	return nil
}

// InvalidCalendar turns a *bizhours.Error in err's chain, such as an
// overlapping interval or an unknown time zone, into a refusal with the
// code "invalid_calendar" whose Field is the calendar field at fault
// ("week[1][0]", "time_zone", "holidays[3].from"). Other errors are
// returned as they are.
func InvalidCalendar(err error) error {
	var be *bizhours.Error
	if errors.As(err, &be) {
		return FieldError(EREFUSED, "invalid_calendar", be.Field, "%s: %s", be.Field, be.Message)
	}
	return err
}

// validCalendarName reports whether name is short and made of letters,
// digits, '-', '_' and '.', so that it fits in a URL path unescaped.
func validCalendarName(name string) bool {
	if name == "" || len(name) > MaxCalendarNameLen || name[0] == '.' {
		return false
	}
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
		default:
			return false
		}
	}
	return true
}

// checkCalendar refuses a calendar that cannot be stored.
func checkCalendar(c *bizhours.Calendar) error {
	if c == nil {
		return Errorf(EINVALID, "invalid_calendar", "no calendar given")
	}
	if err := c.Validate(); err != nil {
		return InvalidCalendar(err)
	}
	if !validCalendarName(c.Name) {
		return FieldError(EREFUSED, "invalid_calendar", "name",
			"name must be 1 to %d letters, digits, '-', '_' or '.'", MaxCalendarNameLen)
	}
	if c.Name == RegionCalendar {
		return FieldError(EREFUSED, "reserved_calendar_name", "name",
			"%q is the calendar of each organisation's own country; choose another name", RegionCalendar)
	}
	if len(c.Holidays) > MaxHolidays {
		return FieldError(EREFUSED, "invalid_calendar", "holidays", "at most %d holidays", MaxHolidays)
	}
	for i, h := range c.Holidays {
		field := fmt.Sprintf("holidays[%d].name", i)
		switch {
		case !utf8.ValidString(h.Name) || strings.ContainsRune(h.Name, 0) || strings.TrimSpace(h.Name) == "":
			return FieldError(EREFUSED, "invalid_calendar", field, "%s must be text", field)
		case utf8.RuneCountInString(h.Name) > MaxHolidayNameLen:
			return FieldError(EREFUSED, "invalid_calendar", field, "%s is longer than %d characters", field, MaxHolidayNameLen)
		}
	}
	return nil
}

// PutCalendar stores a business-hours calendar, replacing the one of the
// same name. Calendars that Validate refuses are refused with the field at
// fault, and nothing is stored. Due times of open cases follow the new
// calendar once RecomputeSLA runs.
func (s *Service) PutCalendar(ctx context.Context, actor *User, c *bizhours.Calendar) error {
	if err := RequireSLAAdmin(actor); err != nil {
		return err
	}
	if err := checkCalendar(c); err != nil {
		return err
	}
	if err := s.Store.PutCalendar(ctx, c, s.Clock.Now()); err != nil {
		return fmt.Errorf("put calendar %s: %w", c.Name, err)
	}
	s.cache.cals.forget(c.Name)
	s.publishCatalogue(ctx)
	return s.Store.AppendAudit(ctx, s.audit(ctx, actor, 0, "calendar.put", "calendar", c.Name, c))
}

// Calendars lists the stored calendars, by name.
func (s *Service) Calendars(ctx context.Context, actor *User) ([]*bizhours.Calendar, error) {
	if err := RequireSLAAdmin(actor); err != nil {
		return nil, err
	}
	return s.Store.Calendars(ctx)
}

// SeedCalendars stores the calendars the desk ships with (bizhours.Seeded)
// that the store does not hold yet, and returns how many it stored. A
// calendar of the same name that is stored already, possibly changed by an
// admin, is left alone, so that running it at every start is harmless.
func (s *Service) SeedCalendars(ctx context.Context) (int, error) {
	have, err := s.Store.Calendars(ctx)
	if err != nil {
		return 0, fmt.Errorf("seed calendars: %w", err)
	}
	var added []string
	now := s.Clock.Now()
	for _, c := range bizhours.Seeded() {
		if slices.ContainsFunc(have, func(h *bizhours.Calendar) bool { return h.Name == c.Name }) {
			continue
		}
		if err := s.Store.PutCalendar(ctx, c, now); err != nil {
			return len(added), fmt.Errorf("seed calendar %s: %w", c.Name, err)
		}
		added = append(added, c.Name)
	}
	if len(added) == 0 {
		return 0, nil
	}
	return len(added), s.Store.AppendAudit(ctx, s.audit(ctx, nil, 0, "calendar.seed", "calendar", "", map[string]any{"added": added}))
}

// calendar returns the calendar a policy names, for an organisation in
// time zone tz. "weekdays" follows the organisation; other names are
// stored calendars. A name the store does not hold falls back to the
// built-in calendar of that name (bizhours.Named), so that policies written
// before calendars were stored keep their meaning.
func (s *Service) calendar(ctx context.Context, name, tz string) (*bizhours.Calendar, error) {
	if name == RegionCalendar || name == "" {
		return bizhours.Named(name, tz)
	}
	if c, ok := s.cache.cals.get(name, s.Clock.Now()); ok {
		return c, nil
	}
	gen := s.cache.cals.generation()
	c, err := s.Store.Calendar(ctx, name)
	if err == nil {
		s.cache.cals.put(name, c, s.Clock.Now(), gen)
	}
	if ErrorKind(err) == ENOTFOUND {
		if b, berr := bizhours.Named(name, tz); berr == nil {
			return b, nil
		}
	}
	return c, err
}
