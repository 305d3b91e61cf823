package bizhours

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/at"
	"github.com/rickar/cal/v2/au"
	"github.com/rickar/cal/v2/be"
	"github.com/rickar/cal/v2/de"
	"github.com/rickar/cal/v2/dk"
	"github.com/rickar/cal/v2/fr"
	"github.com/rickar/cal/v2/gb"
	"github.com/rickar/cal/v2/ie"
	"github.com/rickar/cal/v2/nl"
	"github.com/rickar/cal/v2/no"
	"github.com/rickar/cal/v2/se"
	"github.com/rickar/cal/v2/us"
)

// countries maps ISO 3166 country codes to rickar/cal's lists of national
// holidays. Holiday rules are data we must not type by hand; the library
// keeps them, with their weekend substitutions.
var countries = map[string][]*cal.Holiday{
	"at": at.Holidays,
	// Australia's public holidays are set per state; the library has no
	// national list, so take the days every state keeps.
	"au": {au.NewYear, au.AustraliaDay, au.GoodFriday, au.EasterMonday, au.AnzacDay, au.ChristmasDay, au.BoxingDay},
	"be": be.Holidays,
	"de": de.Holidays,
	"dk": dk.Holidays,
	"fr": fr.Holidays,
	"gb": gb.Holidays,
	"ie": ie.Holidays,
	"nl": nl.Holidays,
	"no": no.Holidays,
	"se": se.Holidays,
	"us": us.Holidays,
}

// Countries returns the country codes CountryHolidays knows, sorted.
func Countries() []string {
	codes := make([]string, 0, len(countries))
	for c := range countries {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}

// CountryHolidays returns the national public holidays of a country (an ISO
// 3166 code such as "nl", "de", "se", "no", "us" or "au"; see Countries)
// that fall in the given years, sorted by date, from rickar/cal. Where a
// holiday on a weekend is observed on a weekday, as in the United States
// and Australia, the observed day is the holiday, named "… (observed)";
// so the United States' New Year's Day 2028, a Saturday, is observed on
// Friday 31 December 2027 and belongs to 2027. An unknown country, no
// years or a year outside MinYear..MaxYear is an *Error.
func CountryHolidays(country string, years ...int) ([]Holiday, error) {
	rules, ok := countries[strings.ToLower(country)]
	if !ok {
		return nil, &Error{Field: "country", Message: fmt.Sprintf("no holidays known for %q; known: %s", country, strings.Join(Countries(), ", "))}
	}
	if len(years) == 0 {
		return nil, &Error{Field: "years", Message: "missing"}
	}
	want := map[int]bool{}
	for _, y := range years {
		if y < MinYear || y > MaxYear {
			return nil, &Error{Field: "years", Message: fmt.Sprintf("%d is outside %d–%d", y, MinYear, MaxYear)}
		}
		want[y] = true
	}
	var hs []Holiday
	for y := range want {
		// A substitute day can fall in the year before its holiday.
		for _, calc := range []int{y - 1, y, y + 1} {
			for _, r := range rules {
				actual, observed := r.Calc(calc)
				if observed.IsZero() || observed.Year() != y {
					continue
				}
				name := r.Name
				if DateOf(actual) != DateOf(observed) {
					name += " (observed)"
				}
				d := DateOf(observed)
				hs = append(hs, Holiday{Name: name, From: d, To: d})
			}
		}
	}
	slices.SortFunc(hs, func(a, b Holiday) int {
		return cmp.Or(cmp.Compare(a.From.days(), b.From.days()), cmp.Compare(a.Name, b.Name))
	})
	return slices.Compact(hs), nil
}
