package bizhours

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // calendars name IANA zones; the binary carries the data
)

// Interval is an open period of a day, in minutes from local midnight. End
// may be 1440 for an interval running to midnight (24:00). The interval
// includes its start and excludes its end: a desk open 09:00–17:00 is
// closed at 17:00 sharp.
type Interval struct {
	Start, End int
}

// String formats the interval as "09:00–17:00".
func (iv Interval) String() string {
	return clock(iv.Start) + "–" + clock(iv.End)
}

// MarshalText encodes the interval as "09:00-17:00", the form
// ParseInterval reads, so that stored calendars stay readable.
func (iv Interval) MarshalText() ([]byte, error) {
	return []byte(clock(iv.Start) + "-" + clock(iv.End)), nil
}

// UnmarshalText decodes an interval written as "09:00-17:00".
func (iv *Interval) UnmarshalText(b []byte) error {
	v, err := ParseInterval(string(b))
	if err != nil {
		return err
	}
	*iv = v
	return nil
}

// ParseInterval reads an interval written as "09:00-17:00" (an en dash
// works too); the end may be "24:00". It checks the syntax only; Validate
// checks that the interval is not inverted.
func ParseInterval(s string) (Interval, error) {
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		from, to, ok = strings.Cut(s, "–")
	}
	if !ok {
		return Interval{}, fmt.Errorf("interval %q: want HH:MM-HH:MM", s)
	}
	a, err := parseClock(strings.TrimSpace(from))
	if err != nil {
		return Interval{}, fmt.Errorf("interval %q: %w", s, err)
	}
	b, err := parseClock(strings.TrimSpace(to))
	if err != nil {
		return Interval{}, fmt.Errorf("interval %q: %w", s, err)
	}
	return Interval{a, b}, nil
}

// parseClock reads "HH:MM" from 00:00 to 24:00 as minutes from midnight.
func parseClock(s string) (int, error) {
	hh, mm, ok := strings.Cut(s, ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || err1 != nil || err2 != nil || len(mm) != 2 || h < 0 || m < 0 || m > 59 || h*60+m > 1440 {
		return 0, fmt.Errorf("%q is not a time of day from 00:00 to 24:00", s)
	}
	return h*60 + m, nil
}

// clock formats minutes from midnight as "HH:MM", also out of range so that
// error messages show what was given.
func clock(min int) string {
	if min < 0 {
		return "-" + clock(-min)
	}
	return fmt.Sprintf("%02d:%02d", min/60, min%60)
}

// Date is a calendar date without a time or zone, as holidays are given.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads a date written as "2026-12-25".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date like 2026-12-25", s)
	}
	return DateOf(t), nil
}

// String formats the date as "2026-12-25".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero Date, which stands for "not given".
func (d Date) IsZero() bool { return d == Date{} }

// MarshalText encodes the date as "2026-12-25".
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText decodes a date written as "2026-12-25".
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// valid reports whether d names a day that exists.
func (d Date) valid() bool {
	if d.Month < time.January || d.Month > time.December || d.Day < 1 || d.Day > 31 {
		return false
	}
	y, m, dd := civil(d.days())
	return y == d.Year && m == d.Month && dd == d.Day
}

// days returns the number of days from 1970-01-01 to d.
func (d Date) days() int64 { return daysFromCivil(d.Year, d.Month, d.Day) }

// Holiday is a named date or range of dates on which a calendar is closed
// all day, in the calendar's time zone.
type Holiday struct {
	Name string `json:"name"`
	From Date   `json:"from"`
	// To is the last day of a range, inclusive; the zero Date means the
	// holiday is the single day From.
	To Date `json:"to,omitzero"`
}

// last returns the last day of the holiday.
func (h Holiday) last() Date {
	if h.To.IsZero() {
		return h.From
	}
	return h.To
}

// Calendar is a weekly schedule of open intervals in a time zone, closed on
// its holidays. Calendars returned by Named are shared: treat them as
// read-only, and copy one (Seeded returns copies) to change it.
type Calendar struct {
	Name     string
	Location *time.Location
	// Week holds the open intervals of each weekday, indexed by
	// time.Weekday, in ascending order and not overlapping.
	Week [7][]Interval
	// Holidays are dates on which the calendar is closed all day.
	Holidays []Holiday
	// AlwaysOpen marks a 24x7 calendar, whose arithmetic is plain: it
	// ignores Week, and Validate refuses one with holidays or intervals.
	AlwaysOpen bool
}

// AlwaysOpen is the 24x7 calendar.
var AlwaysOpen = &Calendar{Name: "24x7", Location: time.UTC, AlwaysOpen: true}

// Weekdays returns a Monday-to-Friday calendar open from..to (minutes from
// midnight) in loc.
func Weekdays(name string, loc *time.Location, from, to int) *Calendar {
	c := &Calendar{Name: name, Location: loc}
	for d := time.Monday; d <= time.Friday; d++ {
		c.Week[d] = []Interval{{from, to}}
	}
	return c
}

// Daily returns a calendar open from..to every day of the week in loc.
func Daily(name string, loc *time.Location, from, to int) *Calendar {
	c := &Calendar{Name: name, Location: loc}
	for d := range c.Week {
		c.Week[d] = []Interval{{from, to}}
	}
	return c
}

// New returns a validated calendar with the given schedule in the IANA time
// zone tz. An unknown or missing zone is an *Error for the field
// "time_zone"; the other checks are those of Validate.
func New(name, tz string, week [7][]Interval, holidays ...Holiday) (*Calendar, error) {
	loc, err := loadZone(tz)
	if err != nil {
		return nil, err
	}
	c := &Calendar{Name: name, Location: loc, Week: week, Holidays: holidays}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// loadZone loads an IANA zone, refusing the empty name (which
// time.LoadLocation takes for UTC) and "Local" (which differs per machine).
func loadZone(tz string) (*time.Location, error) {
	if tz == "" {
		return nil, &Error{Field: "time_zone", Message: "missing"}
	}
	if tz == "Local" {
		return nil, &Error{Field: "time_zone", Message: `"Local" differs per machine; name an IANA zone such as "Europe/Amsterdam"`}
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, &Error{Field: "time_zone", Message: fmt.Sprintf("unknown time zone %q", tz)}
	}
	return loc, nil
}

// Copy returns a deep copy of c, which the caller may change freely.
func (c *Calendar) Copy() *Calendar {
	n := *c
	for d := range n.Week {
		if n.Week[d] != nil {
			n.Week[d] = append([]Interval(nil), n.Week[d]...)
		}
	}
	if n.Holidays != nil {
		n.Holidays = append([]Holiday(nil), n.Holidays...)
	}
	return &n
}

// calendarJSON is the stored form of a Calendar: the zone by its IANA
// name, intervals as "09:00-17:00", week indexed from Sunday.
type calendarJSON struct {
	Name       string        `json:"name"`
	TimeZone   string        `json:"time_zone"`
	Week       [7][]Interval `json:"week"`
	Holidays   []Holiday     `json:"holidays,omitempty"`
	AlwaysOpen bool          `json:"always_open,omitempty"`
}

// MarshalJSON encodes the calendar with its zone's IANA name.
func (c *Calendar) MarshalJSON() ([]byte, error) {
	v := calendarJSON{Name: c.Name, Week: c.Week, Holidays: c.Holidays, AlwaysOpen: c.AlwaysOpen}
	if c.Location != nil {
		v.TimeZone = c.Location.String()
	}
	return json.Marshal(v)
}

// UnmarshalJSON decodes a calendar, loading its zone; an unknown or missing
// zone is an *Error for "time_zone". It does not call Validate.
func (c *Calendar) UnmarshalJSON(b []byte) error {
	var v calendarJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	loc, err := loadZone(v.TimeZone)
	if err != nil {
		return err
	}
	*c = Calendar{Name: v.Name, Location: loc, Week: v.Week, Holidays: v.Holidays, AlwaysOpen: v.AlwaysOpen}
	return nil
}
