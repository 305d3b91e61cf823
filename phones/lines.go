package phones

import (
	"fmt"
	"slices"
	"time"

	"desk/bizhours"
)

// The seeds' weekday hours. The intervals include their start and exclude
// their end, as bizhours does: a desk open 09:00–17:00 is closed at 17:00.
const (
	nine     = 9 * 60
	five     = 17 * 60
	six      = 18 * 60
	midnight = 24 * 60
)

// eeaOthers are the members of the European Economic Area (the 27 members
// of the European Union plus Iceland, Liechtenstein and Norway) except
// Germany, which has a line of its own: the seeds' "all other markets in
// the European Economic Area".
var eeaOthers = []string{
	"AT", "BE", "BG", "CY", "CZ", "DK", "EE", "ES", "FI", "FR",
	"GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV",
	"MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
}

// lines returns the lines the seeds give, in no particular order; the
// directory sorts them.
//
// The seeds do not say whether the weekday desks close on public holidays,
// so the calendars have none: the directory shows what the seeds promise,
// and bizhours' holiday lists cover only a few countries and years.
func lines() []Line {
	return []Line{
		// Seeds 001 and 004, "phone support": billing in English Monday
		// to Friday 09:00–17:00 (09:00–18:00 in Australia), technical
		// support in English around the clock. The seeds give no time
		// zone for these hours; each calendar uses the zone where the
		// desk's country keeps its business day (the most populous one
		// for the United States and Canada, matching bizhours'
		// "weekdays-us"), since a toll-free number cannot tell a caller's
		// zone either.
		{
			Key:       "us",
			Region:    names("United States", "Verenigde Staten", "Vereinigte Staaten", "USA", "USA"),
			Countries: []string{"US"},
			Number:    "1 800 865 9408",
			Hours:     englishDesk("us", "America/New_York", five),
		},
		{
			Key:       "au",
			Region:    names("Australia", "Australië", "Australien", "Australien", "Australia"),
			Countries: []string{"AU"},
			Number:    "1 800 197 503",
			Hours:     englishDesk("au", "Australia/Sydney", six),
		},
		{
			// Canada shares the United States' number (the seeds list it
			// separately), so it is a line of its own with its own zone.
			Key:       "ca",
			Region:    names("Canada", "Canada", "Kanada", "Kanada", "Canada"),
			Countries: []string{"CA"},
			Number:    "1 800 865 9408",
			Hours:     englishDesk("ca", "America/Toronto", five),
		},
		{
			Key:       "gb",
			Region:    names("United Kingdom", "Verenigd Koninkrijk", "Vereinigtes Königreich", "Storbritannien", "Storbritannia"),
			Countries: []string{"GB"},
			Number:    "0800 032 6417",
			Hours:     englishDesk("gb", "Europe/London", five),
		},
		// Seed 001's table for the German cloud: billing in German and
		// English Monday to Friday 09:00–17:00 Berlin time, technical
		// support in both around the clock. The alternative number is
		// the rest-of-EEA number dialled within Germany.
		{
			Key:         "de",
			Region:      names("Germany", "Duitsland", "Deutschland", "Tyskland", "Tyskland"),
			Countries:   []string{"DE"},
			Number:      "0800 589 2330",
			Alternative: "069 380 789 305",
			Hours: germanDesk("de",
				"Alternative number 069 380 789 305: local call charges apply."),
		},
		// The same table's "all other markets in the European Economic
		// Area": a German number with the same desks. The seed writes
		// "Berlin (UTC+1)", Berlin's winter offset; the desk keeps Berlin
		// time all year, so the calendar follows Europe/Berlin.
		{
			Key: "eea",
			Region: names(
				"European Economic Area (other countries)",
				"Europese Economische Ruimte (overige landen)",
				"Europäischer Wirtschaftsraum (übrige Länder)",
				"Europeiska ekonomiska samarbetsområdet (övriga länder)",
				"Det europeiske økonomiske samarbeidsområdet (øvrige land)",
			),
			Countries: eeaOthers,
			Number:    "+49 69 380 789 305",
			Hours: germanDesk("eea",
				"An international call to Germany; international call charges apply. "+
					"A service request in the admin center avoids them."),
		},
		// Seeds 001 and 004, Office 365 operated by 21Vianet. The number
		// is the one the seeds give for when an online request fails;
		// pre-sales, billing and subscription support answer on it too.
		// The seeds do not name the desk's language; 21Vianet serves
		// mainland China, so it is Chinese.
		{
			Key:       "cn",
			Region:    names("China (operated by 21Vianet)", "China (beheerd door 21Vianet)", "China (betrieben von 21Vianet)", "Kina (drivs av 21Vianet)", "Kina (driftes av 21Vianet)"),
			Countries: []string{"CN"},
			Number:    "+86 400 089 0365",
			Hours:     vianetDesk(),
		},
	}
}

// names returns a region's names in the user-interface languages.
func names(en, nl, de, sv, nb string) map[string]string {
	return map[string]string{"en": en, "nl": nl, "de": de, "sv": sv, "nb": nb}
}

// englishDesk returns the hours of the English-speaking desks of seeds 001
// and 004: billing Monday to Friday from 09:00 to close in tz, technical
// support around the clock.
func englishDesk(key, tz string, close int) []Hours {
	loc := zone(tz)
	return []Hours{
		{Service: Billing, Languages: []string{"en"}, Calendar: bizhours.Weekdays("phone-"+key+"-billing", loc, nine, close)},
		{Service: Technical, Languages: []string{"en"}, Calendar: always("phone-"+key+"-technical", loc)},
	}
}

// germanDesk returns the hours of the desks of seed 001's German table,
// with the line's note on each.
func germanDesk(key, note string) []Hours {
	loc := zone("Europe/Berlin")
	langs := []string{"de", "en"}
	return []Hours{
		{Service: Billing, Languages: langs, Calendar: bizhours.Weekdays("phone-"+key+"-billing", loc, nine, five), Note: note},
		{Service: Technical, Languages: slices.Clone(langs), Calendar: always("phone-"+key+"-technical", loc), Note: note},
	}
}

// vianetDesk returns the hours of the 21Vianet desk. Technical support
// answers critical (severity A) cases around the clock and the others
// 09:00–24:00 Beijing time every day of the year, the seeded "beijing"
// calendar. Pre-sales and billing answer Monday to Friday in "business
// hours" in China, which the seeds do not spell out; 09:00–17:00, the
// billing hours the seeds give elsewhere, keeps the directory from showing
// the desk open when it may not be.
func vianetDesk() []Hours {
	loc := zone("Asia/Shanghai")
	zh := func() []string { return []string{"zh"} }
	return []Hours{
		{Service: Technical, Languages: zh(), Calendar: always("phone-cn-technical-a", loc),
			Note: "Severity A (critical) cases, around the clock."},
		{Service: Technical, Languages: zh(), Calendar: bizhours.Daily("phone-cn-technical", loc, nine, midnight),
			Note: "Severity B and C cases, 09:00–24:00 Beijing time, 365 days a year."},
		{Service: PreSales, Languages: zh(), Calendar: bizhours.Weekdays("phone-cn-presales", loc, nine, five),
			Note: "Monday to Friday during business hours."},
		{Service: Billing, Languages: zh(), Calendar: bizhours.Weekdays("phone-cn-billing", loc, nine, five),
			Note: "Billing and subscription management, Monday to Friday during business hours in China (Beijing time)."},
	}
}

// always returns a 24x7 calendar that still names the desk's zone, so that
// the hours can be shown in the zone the desk works in.
func always(name string, loc *time.Location) *bizhours.Calendar {
	return &bizhours.Calendar{Name: name, Location: loc, AlwaysOpen: true}
}

// zone loads an IANA zone. The zones are fixed names and bizhours embeds
// the zone database, so a failure is a programming error.
func zone(tz string) *time.Location {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		panic(fmt.Sprintf("phones: load zone %q: %v", tz, err))
	}
	return loc
}
