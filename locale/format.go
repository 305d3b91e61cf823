package locale

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// conventions are one language's number and date conventions, taken from
// CLDR and written out so that the package needs no golang.org/x/text.
type conventions struct {
	group   string // thousands separator
	decimal string // decimal separator
	minus   string // sign of negative numbers
	// date lays out weekday, day, month and year, in that order of
	// arguments; the languages differ in punctuation, not in order.
	date          string
	weekdays      [7]string // full names, Sunday first like time.Weekday
	weekdaysShort [7]string // CLDR abbreviated format forms
	monthsShort   [12]string
}

// nbsp separates thousands in Swedish and Norwegian. It is a no-break
// space so that "12 345" never wraps between its groups.
const nbsp = "\u00a0"

var conventionsOf = map[string]*conventions{
	"en": {
		group: ",", decimal: ".", minus: "-",
		date:          "%s %d %s %d",
		weekdays:      [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
		weekdaysShort: [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
		monthsShort:   [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	},
	"nl": {
		group: ".", decimal: ",", minus: "-",
		date:          "%s %d %s %d",
		weekdays:      [7]string{"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"},
		weekdaysShort: [7]string{"zo", "ma", "di", "wo", "do", "vr", "za"},
		monthsShort:   [12]string{"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"},
	},
	"de": {
		group: ".", decimal: ",", minus: "-",
		date:          "%s, %d. %s %d",
		weekdays:      [7]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"},
		weekdaysShort: [7]string{"So.", "Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa."},
		monthsShort:   [12]string{"Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."},
	},
	// CLDR gives Swedish and Norwegian the true minus sign U+2212, which
	// typography there expects; it also lines up with the digits.
	"sv": {
		group: nbsp, decimal: ",", minus: "\u2212",
		date:          "%s %d %s %d",
		weekdays:      [7]string{"söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"},
		weekdaysShort: [7]string{"sön", "mån", "tis", "ons", "tors", "fre", "lör"},
		monthsShort:   [12]string{"jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "dec."},
	},
	"nb": {
		group: nbsp, decimal: ",", minus: "\u2212",
		date:          "%s %d. %s %d",
		weekdays:      [7]string{"søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"},
		weekdaysShort: [7]string{"søn.", "man.", "tir.", "ons.", "tor.", "fre.", "lør."},
		monthsShort:   [12]string{"jan.", "feb.", "mars", "apr.", "mai", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "des."},
	},
}

func (l *Locale) conv() *conventions { return conventionsOf[l.lang()] }

// Number formats n with the locale's thousands separator: "12,345" in
// English, "12.345" in Dutch and German, "12 345" (no-break space) in
// Swedish and Norwegian.
func (l *Locale) Number(n int64) string {
	return l.digits(strconv.FormatInt(n, 10))
}

// digits groups a run of decimal digits, optionally signed, in threes.
func (l *Locale) digits(s string) string {
	c := l.conv()
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	if neg {
		b.WriteString(c.minus)
	}
	first := len(s) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(s[:min(first, len(s))])
	for i := first; i < len(s); i += 3 {
		b.WriteString(c.group)
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// Decimal formats f with digits digits after the decimal separator (a
// comma except in English) and grouped thousands. A negative digits gives
// as many as f needs. A value that rounds to zero loses its sign, since
// "-0,00" only puzzles readers.
func (l *Locale) Decimal(f float64, digits int) string {
	c := l.conv()
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "∞"
	case math.IsInf(f, -1):
		return c.minus + "∞"
	}
	s := strconv.FormatFloat(f, 'f', max(digits, -1), 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	out := l.digits(whole)
	if hasFrac {
		out += c.decimal + frac
	}
	return out
}

// Date formats the calendar day of t in the locale's zone with CLDR's
// medium pattern and abbreviated names: "Tue 3 Mar 2026", "di 3 mrt 2026",
// "Di., 3. März 2026", "tis 3 mars 2026", "tir. 3. mars 2026".
func (l *Locale) Date(t time.Time) string {
	c := l.conv()
	t = t.In(l.zone())
	return fmt.Sprintf(c.date, c.weekdaysShort[t.Weekday()], t.Day(), c.monthsShort[t.Month()-1], t.Year())
}

// Time formats the wall-clock time of t in the locale's zone as "15:04".
// English uses the 24-hour clock too: the product serves Europe, and a
// time read off the UI must be the same in every language.
func (l *Locale) Time(t time.Time) string {
	return t.In(l.zone()).Format("15:04")
}

// DateTime formats t as Date, Time and the zone abbreviation ("CET",
// "EST", or an offset such as "+03" where the zone has no abbreviation),
// because agents and customers in different zones read the same case.
func (l *Locale) DateTime(t time.Time) string {
	t = t.In(l.zone())
	return l.Date(t) + " " + l.Time(t) + " " + t.Format("MST")
}

// Weekday returns the full name of d: "Tuesday", "dinsdag", "Dienstag",
// "tisdag", "tirsdag". Dutch, Swedish and Norwegian write weekdays in
// lower case, as they are written mid-sentence.
func (l *Locale) Weekday(d time.Weekday) string {
	if d < time.Sunday || d > time.Saturday {
		return d.String()
	}
	return l.conv().weekdays[d]
}

// Relative describes the instant to as seen from the instant from,
// usually now: a later to reads "in 2 hours", an earlier one "3 days ago".
// The distance is rounded to the nearest whole unit, and the unit grows
// with it (minutes below 45, hours below 22, days below 7, weeks below 26
// days, months below 11, then years) so that the number stays small and
// its rounding error modest. Less than 45 seconds reads "just now" or "in
// a moment".
func (l *Locale) Relative(from, to time.Time) string {
	const (
		day   = 24 * time.Hour
		week  = 7 * day
		month = 2629746 * time.Second  // 30.436875 days, a Gregorian average
		year  = 31557600 * time.Second // 365.25 days
	)
	d := to.Sub(from)
	future := d > 0
	if d < 0 {
		d = -d
		if d < 0 { // Sub saturated at the smallest Duration.
			d = math.MaxInt64
		}
	}
	// round divides without adding first, which could overflow near the
	// largest Duration.
	round := func(unit time.Duration) int64 {
		n := int64(d / unit)
		if d%unit >= unit/2 {
			n++
		}
		return max(n, 1)
	}
	var unit string
	var n int64
	switch {
	case d < 45*time.Second:
		if future {
			return l.T("common.rel.soon")
		}
		return l.T("common.rel.now")
	case round(time.Minute) < 45:
		unit, n = "minutes", round(time.Minute)
	case round(time.Hour) < 22:
		unit, n = "hours", round(time.Hour)
	case round(day) < 7:
		unit, n = "days", round(day)
	case round(day) < 26:
		unit, n = "weeks", round(week)
	case round(month) < 11:
		unit, n = "months", round(month)
	default:
		unit, n = "years", round(year)
	}
	if future {
		return l.T("common.rel.in_"+unit, "count", n)
	}
	return l.T("common.rel."+unit+"_ago", "count", n)
}
