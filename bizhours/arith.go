package bizhours

import (
	"math"
	"time"
)

// The arithmetic works on local days, numbered from 1970-01-01, and on
// instants in Unix seconds, with nanoseconds carried beside them where an
// instant comes from the caller. Interval boundaries are whole minutes of
// wall-clock time and UTC offsets whole seconds, so every boundary is a
// whole Unix second.

const (
	daySec = 86400
	// maxOffset exceeds the largest UTC offset the tz database has ever
	// used (15:56 of local mean time), so that the instants whose wall
	// clock shows a given local day lie within maxOffset of that day's
	// midnight read as UTC.
	maxOffset = 18 * 3600
	// maxIdleDays bounds the run of days without open time that is not
	// explained by holidays. A valid calendar is open at least one day a
	// week, so a longer run means it has no open time at all.
	maxIdleDays = 30
)

// span is a stretch of open instants [from, to) in Unix seconds.
type span struct{ from, to int64 }

// zoneSeg is a stretch of instants [from, to), in Unix seconds, during
// which the calendar's zone keeps the UTC offset off, in seconds.
type zoneSeg struct{ from, to, off int64 }

// walker carries a calendar through one computation, remembering the zone
// segment it last looked up: consecutive days nearly always share it, so a
// computation consults the zone database once or twice.
type walker struct {
	c      *Calendar
	loc    *time.Location
	seg    zoneSeg
	cached bool
	// Days freeFrom <= day < freeTo are known to have no holiday.
	freeFrom, freeTo int64
}

func (c *Calendar) walker() walker { return walker{c: c, loc: c.loc()} }

// loc returns the calendar's zone, UTC for one that has none, so that an
// unvalidated calendar does not panic.
func (c *Calendar) loc() *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}

// segAt returns the zone segment holding the instant u.
func (w *walker) segAt(u int64) zoneSeg {
	if w.cached && w.seg.from <= u && u < w.seg.to {
		return w.seg
	}
	t := time.Unix(u, 0).In(w.loc)
	_, off := t.Zone()
	start, end := t.ZoneBounds()
	s := zoneSeg{from: math.MinInt64, to: math.MaxInt64, off: int64(off)}
	if !start.IsZero() {
		s.from = min(start.Unix(), u)
	}
	if !end.IsZero() {
		s.to = max(end.Unix(), u+1)
	}
	w.seg, w.cached = s, true
	return s
}

// dayOf returns the local day of the instant u and its wall-clock time
// read as Unix seconds.
func (w *walker) dayOf(u int64) (day, wall int64) {
	wall = u + w.segAt(u).off
	return floorDiv(wall, daySec), wall
}

// dayOpen appends to buf the open spans of the local day, in instant order,
// ignoring holidays: the instants whose wall clock shows that day and a
// time within one of the day's intervals. Around a change of UTC offset it
// intersects each interval with each offset in force, which is what makes
// a skipped hour count nothing and a repeated one count twice.
func (w *walker) dayOpen(day int64, buf []span) []span {
	ivs := w.c.Week[weekday(day)]
	if len(ivs) == 0 {
		return buf
	}
	w0 := day * daySec
	lo, hi := w0-maxOffset, w0+daySec+maxOffset
	if seg := w.segAt(w0); seg.from <= lo && hi <= seg.to {
		// One offset for the whole day and its surroundings: the common
		// case, one span per interval.
		for _, iv := range ivs {
			if s, e, ok := clampInterval(iv); ok {
				buf = append(buf, span{w0 + s*60 - seg.off, w0 + e*60 - seg.off})
			}
		}
		return buf
	}
	for u := lo; u < hi; {
		seg := w.segAt(u)
		a, b := max(seg.from, lo), min(seg.to, hi)
		for _, iv := range ivs {
			if s, e, ok := clampInterval(iv); ok {
				from, to := max(a, w0+s*60-seg.off), min(b, w0+e*60-seg.off)
				if from < to {
					buf = append(buf, span{from, to})
				}
			}
		}
		if seg.to == math.MaxInt64 {
			break
		}
		u = seg.to
	}
	return buf
}

// atWall returns the first instant at which the wall clock reads wall (in
// Unix seconds read as local time) or later, and whether it reads exactly
// wall then. It is inexact only inside a spring-forward gap, where it
// returns the instant the gap ends. On a fall-back day it returns the first
// of the two instants showing wall.
func (w *walker) atWall(wall int64) (int64, bool) {
	lo, hi := wall-maxOffset, wall+maxOffset
	if seg := w.segAt(wall); seg.from <= lo && hi <= seg.to {
		return wall - seg.off, true
	}
	for u := lo; u < hi; {
		seg := w.segAt(u)
		if x := max(seg.from, lo, wall-seg.off); x < seg.to {
			return x, x == wall-seg.off
		}
		if seg.to == math.MaxInt64 {
			break
		}
		u = seg.to
	}
	return wall - w.segAt(wall).off, true
}

// closedThrough reports whether a holiday covers the local day, and if so
// the last day of the holidays covering it, so that a walk can jump past
// them in one step. A scan of the holidays also tells which days around
// the one asked about are free of holidays; the walker remembers that
// stretch, so a walk over consecutive days scans the list about once.
func (w *walker) closedThrough(day int64) (int64, bool) {
	hs := w.c.Holidays
	if len(hs) == 0 || (w.freeFrom <= day && day < w.freeTo) {
		return 0, false
	}
	y, m, d := civil(day)
	k := packDate(y, m, d)
	var end int64
	found := false
	var before, after *Date // the nearest holiday edges around day
	for i := range hs {
		h := &hs[i]
		last := &h.From
		if h.To != (Date{}) {
			last = &h.To
		}
		if from := packDate(h.From.Year, h.From.Month, h.From.Day); k < from {
			if after == nil || from < packDate(after.Year, after.Month, after.Day) {
				after = &h.From
			}
			continue
		}
		if lk := packDate(last.Year, last.Month, last.Day); k > lk {
			if before == nil || lk > packDate(before.Year, before.Month, before.Day) {
				before = last
			}
			continue
		}
		// max keeps a walk moving forwards even on an unvalidated
		// calendar whose dates do not exist.
		if e := max(last.days(), day); !found || e > end {
			end, found = e, true
		}
	}
	if !found {
		w.freeFrom, w.freeTo = math.MinInt64, math.MaxInt64
		if before != nil {
			w.freeFrom = before.days() + 1
		}
		if after != nil {
			w.freeTo = after.days()
		}
	}
	return end, found
}

// hasIntervals reports whether the local day's weekday has open
// intervals, whatever a daylight-saving change does to them that day.
func (c *Calendar) hasIntervals(day int64) bool {
	for _, iv := range c.Week[weekday(day)] {
		if _, _, ok := clampInterval(iv); ok {
			return true
		}
	}
	return false
}

// nextBusinessDay returns the first business day after day: one with open
// intervals on its weekday that is not a holiday.
func (w *walker) nextBusinessDay(day int64) (int64, bool) {
	c := w.c
	for idle := 0; idle < maxIdleDays; {
		day++
		if !c.hasIntervals(day) {
			idle++
			continue
		}
		if end, closed := w.closedThrough(day); closed {
			day = end
			continue
		}
		return day, true
	}
	return 0, false
}

// nextOpen returns the first open instant at or after (u, ns).
func (w *walker) nextOpen(u, ns int64) (int64, int64, bool) {
	var buf [8]span
	day, _ := w.dayOf(u)
	for idle := 0; idle < maxIdleDays; day++ {
		if len(w.c.Week[weekday(day)]) == 0 {
			idle++
			continue
		}
		if end, closed := w.closedThrough(day); closed {
			day = end
			continue
		}
		spans := w.dayOpen(day, buf[:0])
		for _, p := range spans {
			if p.to <= u {
				continue
			}
			if p.from <= u {
				return u, ns, true
			}
			return p.from, 0, true
		}
		if len(spans) == 0 {
			idle++
		} else {
			idle = 0
		}
	}
	return 0, 0, false
}

// IsOpen reports whether the calendar is open at t: its wall-clock time in
// the calendar's zone lies within an interval of its local date, which is
// not a holiday.
func (c *Calendar) IsOpen(t time.Time) bool {
	if c.AlwaysOpen {
		return true
	}
	w := c.walker()
	day, wall := w.dayOf(t.Unix())
	if _, closed := w.closedThrough(day); closed {
		return false
	}
	sec := wall - day*daySec
	for _, iv := range c.Week[weekday(day)] {
		if s, e, ok := clampInterval(iv); ok && s*60 <= sec && sec < e*60 {
			return true
		}
	}
	return false
}

// NextOpen returns the first instant at or after t at which the calendar
// is open: t itself when it is open, otherwise the start of the next open
// interval. A calendar without open time returns the zero time.
func (c *Calendar) NextOpen(t time.Time) time.Time {
	if c.AlwaysOpen {
		return t
	}
	w := c.walker()
	u, ns, ok := w.nextOpen(t.Unix(), int64(t.Nanosecond()))
	if !ok {
		return time.Time{}
	}
	return time.Unix(u, ns).In(w.loc)
}

// Add returns the instant at which d of open time, counted from start, has
// passed: the earliest instant e with Between(start, e) == d. Time outside
// the open intervals does not count, so a target that runs out exactly at
// the close of business is due at closing time, not at the next opening.
// A d of zero or less returns start. A calendar without open time returns
// the zero time. The result is in the calendar's zone, except on a 24x7
// calendar, which returns start.Add(d).
func (c *Calendar) Add(start time.Time, d time.Duration) time.Time {
	if c.AlwaysOpen {
		return start.Add(d)
	}
	w := c.walker()
	if d <= 0 {
		return start.In(w.loc)
	}
	u, ns := start.Unix(), int64(start.Nanosecond())
	left := d
	var buf [8]span
	day, _ := w.dayOf(u)
	for idle := 0; idle < maxIdleDays; day++ {
		if len(c.Week[weekday(day)]) == 0 {
			idle++
			continue
		}
		if end, closed := w.closedThrough(day); closed {
			day = end
			continue
		}
		spans := w.dayOpen(day, buf[:0])
		for _, p := range spans {
			if p.to <= u {
				continue
			}
			fromSec, fromNs := p.from, int64(0)
			if p.from <= u {
				fromSec, fromNs = u, ns
			}
			avail := time.Duration(p.to-fromSec)*time.Second - time.Duration(fromNs)
			if avail >= left {
				return time.Unix(fromSec, fromNs).Add(left).In(w.loc)
			}
			left -= avail
		}
		if len(spans) == 0 {
			idle++
		} else {
			idle = 0
		}
	}
	return time.Time{}
}

// Between returns the open time from a up to b: 0 if b is not after a. It
// is the inverse of Add: Between(s, Add(s, d)) == d for d > 0.
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if c.AlwaysOpen {
		return b.Sub(a)
	}
	w := c.walker()
	au, ans := a.Unix(), int64(a.Nanosecond())
	bu, bns := b.Unix(), int64(b.Nanosecond())
	last, _ := w.dayOf(bu)
	day, _ := w.dayOf(au)
	var buf [8]span
	var sum time.Duration
	for ; day <= last; day++ {
		if len(c.Week[weekday(day)]) == 0 {
			continue
		}
		if end, closed := w.closedThrough(day); closed {
			day = end
			continue
		}
		for _, p := range w.dayOpen(day, buf[:0]) {
			fromSec, fromNs := p.from, int64(0)
			if au >= p.from {
				fromSec, fromNs = au, ans
			}
			toSec, toNs := p.to, int64(0)
			if bu < p.to {
				toSec, toNs = bu, bns
			}
			if d := time.Duration(toSec-fromSec)*time.Second + time.Duration(toNs-fromNs); d > 0 {
				if sum > math.MaxInt64-d {
					return math.MaxInt64
				}
				sum += d
			}
		}
	}
	return sum
}

// AddBusinessDays returns when n business days, counted from start, have
// passed. A business day is a date that is not a holiday and whose weekday
// has open intervals. The rule is the one a support desk reads into "within
// 1 business day":
//
//  1. The count starts at NextOpen(start): a case opened while the desk is
//     closed (at night, on a weekend or a holiday) starts at the next
//     opening, not at the moment it arrived.
//  2. The answer is due at the same wall-clock time, in the calendar's
//     zone, n business days after that start's local date.
//  3. If the calendar is not open at that instant (the day closes earlier,
//     the time falls in a lunch break, or in a daylight-saving gap), the
//     due time is carried forward to the next open instant.
//
// So on Monday-to-Friday 09:00–17:00, a case opened Friday 16:30 is due
// Monday 16:30; one opened Friday 20:00 or Saturday 10:00 starts Monday
// 09:00 and is due Tuesday 09:00; a Beijing case (every day 09:00–24:00)
// opened Friday 23:30 is due Saturday 23:30. On a fall-back day the wall
// time that occurs twice means its first occurrence. An n of zero or less
// returns start; a calendar without business days returns the zero time.
// On a 24x7 calendar the answer is the same clock time n days later.
func (c *Calendar) AddBusinessDays(start time.Time, n int) time.Time {
	loc := c.loc()
	if n <= 0 {
		return start.In(loc)
	}
	if c.AlwaysOpen {
		l := start.In(loc)
		return time.Date(l.Year(), l.Month(), l.Day()+n, l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), loc)
	}
	w := c.walker()
	u, ns, ok := w.nextOpen(start.Unix(), int64(start.Nanosecond()))
	if !ok {
		return time.Time{}
	}
	day, wall := w.dayOf(u)
	clk := wall - day*daySec
	for range n {
		if day, ok = w.nextBusinessDay(day); !ok {
			return time.Time{}
		}
	}
	x, exact := w.atWall(day*daySec + clk)
	if !exact {
		ns = 0
	}
	if u, ns, ok = w.nextOpen(x, ns); !ok {
		return time.Time{}
	}
	return time.Unix(u, ns).In(loc)
}

// Due returns when the target, counted from start, runs out: business days
// first (AddBusinessDays), then open time (Add). A zero target is due at
// start. A calendar without open time returns the zero time.
func (c *Calendar) Due(start time.Time, t Target) time.Time {
	d := start
	if t.BusinessDays > 0 {
		if d = c.AddBusinessDays(d, t.BusinessDays); d.IsZero() {
			return d
		}
	}
	if t.Minutes > 0 {
		d = c.Add(d, t.Duration())
	}
	return d
}

// clampInterval returns an interval's bounds in 0..1440, and false for one
// that is then empty, so that arithmetic on an unvalidated calendar stays
// within the day and terminates.
func clampInterval(iv Interval) (s, e int64, ok bool) {
	s, e = int64(min(max(iv.Start, 0), 1440)), int64(min(max(iv.End, 0), 1440))
	return s, e, s < e
}

// weekday returns the weekday of a day numbered from 1970-01-01, a
// Thursday.
func weekday(day int64) time.Weekday {
	return time.Weekday(((day+4)%7 + 7) % 7)
}

// floorDiv divides rounding towards minus infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// packDate orders dates as integers without calendar arithmetic.
func packDate(y int, m time.Month, d int) int64 {
	return int64(y)<<9 | int64(m)<<5 | int64(d)
}

// daysFromCivil returns the day number, from 1970-01-01, of a proleptic
// Gregorian date (Howard Hinnant's algorithm).
func daysFromCivil(y int, m time.Month, d int) int64 {
	yy := int64(y)
	if m <= time.February {
		yy--
	}
	era := floorDiv(yy, 400)
	yoe := yy - era*400
	mp := (int64(m) + 9) % 12
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civil returns the proleptic Gregorian date of a day numbered from
// 1970-01-01.
func civil(day int64) (int, time.Month, int) {
	z := day + 719468
	era := z / 146097
	if z < 0 {
		era = floorDiv(z, 146097)
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return int(y), time.Month(m), int(d)
}
