// Package bizhours does business-hours arithmetic: when a duration of open
// time, counted from an instant, runs out on a weekly schedule in a time
// zone. It is pure: no storage, no clock of its own.
package bizhours

import (
	"fmt"
	"time"
	_ "time/tzdata" // calendars name IANA zones; the binary carries the data
)

// Interval is an open period of a day, in minutes from local midnight. End
// may be 1440 for an interval running to midnight (24:00).
type Interval struct {
	Start, End int
}

// Calendar is a weekly schedule of open intervals in a time zone.
type Calendar struct {
	Name     string
	Location *time.Location
	// Week holds the open intervals of each weekday, indexed by
	// time.Weekday, in ascending order and not overlapping.
	Week [7][]Interval
	// AlwaysOpen marks a 24x7 calendar, whose arithmetic is plain.
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

// Named returns one of the seeded calendars. Calendars that follow the
// customer's region ("weekdays") use tz, the organisation's time zone.
//
//   - "24x7": always open.
//   - "weekdays": Monday to Friday 09:00–17:00 in tz.
//   - "weekdays-au": Monday to Friday 09:00–18:00 in tz (Australia).
//   - "beijing": every day 09:00–24:00 in Asia/Shanghai.
func Named(name, tz string) (*Calendar, error) {
	switch name {
	case "24x7", "":
		return AlwaysOpen, nil
	case "beijing":
		loc, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			return nil, err
		}
		return Daily(name, loc, 9*60, 24*60), nil
	case "weekdays", "weekdays-au":
		loc, err := time.LoadLocation(tz)
		if err != nil || tz == "" {
			loc = time.UTC
		}
		end := 17 * 60
		if name == "weekdays-au" {
			end = 18 * 60
		}
		return Weekdays(name, loc, 9*60, end), nil
	}
	return nil, fmt.Errorf("bizhours: unknown calendar %q", name)
}

// Add returns the instant at which d of open time, counted from start, has
// passed. Time outside the open intervals does not count. A schedule with no
// open time at all returns the zero time.
func (c *Calendar) Add(start time.Time, d time.Duration) time.Time {
	if c.AlwaysOpen {
		return start.Add(d)
	}
	left := d
	local := start.In(c.Location)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, c.Location)
	// A schedule with open time finds it within a week; two weeks of
	// nothing means it has none.
	for empty := 0; empty < 14; {
		open := false
		for _, iv := range c.Week[day.Weekday()] {
			from := at(day, iv.Start, c.Location)
			to := at(day, iv.End, c.Location)
			if !to.After(start) {
				continue
			}
			if from.Before(start) {
				from = start
			}
			open = true
			if span := to.Sub(from); span >= left {
				return from.Add(left)
			} else {
				left -= span
			}
		}
		if open {
			empty = 0
		} else {
			empty++
		}
		day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, c.Location)
	}
	return time.Time{}
}

// at returns the instant min minutes after local midnight of day, with
// 1440 meaning the next midnight.
func at(day time.Time, min int, loc *time.Location) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), min/60, min%60, 0, 0, loc)
}
