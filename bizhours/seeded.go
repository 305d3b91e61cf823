package bizhours

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// seededYears are the years whose public holidays the seeded calendars
// carry. Later years need holidays imported with CountryHolidays.
var seededYears = []int{2026, 2027}

// seededWeekdays lists the Monday-to-Friday calendars the desk ships with:
// one per customer region, each with that country's public holidays.
var seededWeekdays = []struct {
	name, zone, country string
	close               int // closing time, minutes from midnight
}{
	{"weekdays-nl", "Europe/Amsterdam", "nl", 17 * 60},
	{"weekdays-de", "Europe/Berlin", "de", 17 * 60},
	{"weekdays-se", "Europe/Stockholm", "se", 17 * 60},
	{"weekdays-no", "Europe/Oslo", "no", 17 * 60},
	{"weekdays-us", "America/New_York", "us", 17 * 60},
	// The billing desk keeps longer hours in Australia (SPEC section 3).
	{"weekdays-au", "Australia/Sydney", "au", 18 * 60},
}

// zoneCountry maps the zones of the seeded countries to their country
// codes, so that the region-following "weekdays" calendar closes on the
// public holidays of the organisation's country.
var zoneCountry = map[string]string{
	"Europe/Amsterdam": "nl",
	"Europe/Berlin":    "de",
	"Europe/Stockholm": "se",
	"Europe/Oslo":      "no",
	"America/New_York": "us", "America/Chicago": "us", "America/Denver": "us",
	"America/Phoenix": "us", "America/Los_Angeles": "us", "America/Anchorage": "us",
	"America/Detroit": "us", "America/Boise": "us", "America/Indiana/Indianapolis": "us",
	"Pacific/Honolulu": "us",
}

// countryOfZone returns the seeded country whose public holidays apply in
// the zone, or "".
func countryOfZone(tz string) string {
	if c, ok := zoneCountry[tz]; ok {
		return c
	}
	if strings.HasPrefix(tz, "Australia/") {
		return "au"
	}
	return ""
}

// seeded builds the seeded calendars once; Named shares them.
var seeded = sync.OnceValue(func() []*Calendar {
	must := func(loc *time.Location, err error) *time.Location {
		if err != nil {
			panic(fmt.Sprintf("bizhours: seeded calendar: %v", err))
		}
		return loc
	}
	cals := []*Calendar{
		AlwaysOpen,
		Daily("beijing", must(time.LoadLocation("Asia/Shanghai")), 9*60, 24*60),
	}
	for _, s := range seededWeekdays {
		c := Weekdays(s.name, must(time.LoadLocation(s.zone)), 9*60, s.close)
		c.Holidays = mustHolidays(s.country)
		cals = append(cals, c)
	}
	return cals
})

// mustHolidays returns a seeded country's holidays in seededYears.
func mustHolidays(country string) []Holiday {
	hs, err := CountryHolidays(country, seededYears...)
	if err != nil {
		panic(fmt.Sprintf("bizhours: seeded holidays: %v", err))
	}
	return hs
}

// Seeded returns copies of the calendars the desk ships with, which the
// caller may change and store:
//
//   - "24x7": always open (seeds 001, 003, 004: severity A).
//   - "beijing": every day of the year 09:00–24:00 Asia/Shanghai, no
//     holidays (21Vianet severity B and C, seeds 001 and 004).
//   - "weekdays-nl", "weekdays-de", "weekdays-se", "weekdays-no",
//     "weekdays-us": Monday to Friday 09:00–17:00 in Europe/Amsterdam,
//     Europe/Berlin, Europe/Stockholm, Europe/Oslo and America/New_York.
//   - "weekdays-au": Monday to Friday 09:00–18:00 Australia/Sydney.
//
// The weekday calendars carry their country's national public holidays
// for 2026 and 2027, from CountryHolidays; add later years with it.
func Seeded() []*Calendar {
	var cals []*Calendar
	for _, c := range seeded() {
		cals = append(cals, c.Copy())
	}
	return cals
}

// named caches the calendars Named builds for region-following names, by
// name and zone, so that computing a due time does not load a zone.
var namedCache sync.Map // name + "\x00" + tz -> *Calendar

// Named returns a calendar by name, for SLA policies that refer to
// calendars by name. The result is shared: treat it as read-only.
//
//   - "24x7" (or ""): always open.
//   - "beijing", "weekdays-nl", "weekdays-de", "weekdays-se",
//     "weekdays-no", "weekdays-us": the seeded calendars (see Seeded); tz
//     is ignored.
//   - "weekdays": Monday to Friday 09:00–17:00 in tz, the organisation's
//     zone (UTC when tz is empty or unknown), closed on the public holidays
//     of the zone's country when it is one of the seeded countries. For
//     Europe/Amsterdam this is "weekdays-nl", and so on.
//   - "weekdays-au": Monday to Friday 09:00–18:00 with Australia's public
//     holidays, in tz when it is a known zone (an Australian state's), else
//     in Australia/Sydney.
//
// An unknown name is an *Error for the field "calendar".
func Named(name, tz string) (*Calendar, error) {
	switch name {
	case "24x7", "":
		return AlwaysOpen, nil
	case "weekdays", "weekdays-au":
	default:
		for _, c := range seeded() {
			if c.Name == name {
				return c, nil
			}
		}
		return nil, &Error{Field: "calendar", Message: fmt.Sprintf("no calendar named %q", name)}
	}
	key := name + "\x00" + tz
	if c, ok := namedCache.Load(key); ok {
		return c.(*Calendar), nil
	}
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "" || tz == "Local" {
		// An organisation without a usable zone keeps the old fallback;
		// such calendars are cheap, so they are not cached.
		if name == "weekdays-au" {
			return seededNamed("weekdays-au"), nil
		}
		return Weekdays(name, time.UTC, 9*60, 17*60), nil
	}
	var c *Calendar
	switch country := countryOfZone(tz); {
	case name == "weekdays-au":
		c = Weekdays(name, loc, 9*60, 18*60)
		c.Holidays = seededNamed("weekdays-au").Holidays
	case country != "" && country != "au" && seededZone(country) == tz:
		// The seeded calendar is this one; Australia's closes later.
		c = seededNamed("weekdays-" + country)
	default:
		c = Weekdays(name, loc, 9*60, 17*60)
		if country != "" {
			c.Holidays = seededNamed("weekdays-" + country).Holidays
		}
	}
	namedCache.Store(key, c)
	return c, nil
}

// seededNamed returns the shared seeded calendar of that name.
func seededNamed(name string) *Calendar {
	for _, c := range seeded() {
		if c.Name == name {
			return c
		}
	}
	panic("bizhours: no seeded calendar " + name)
}

// seededZone returns the zone of a seeded country's calendar.
func seededZone(country string) string {
	for _, s := range seededWeekdays {
		if s.country == country {
			return s.zone
		}
	}
	return ""
}
