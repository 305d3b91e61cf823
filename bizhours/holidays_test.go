package bizhours

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// The expected lists were checked against the governments' published
// holidays for 2026 and 2027.
func TestCountryHolidays(t *testing.T) {
	for _, tc := range []struct {
		country string
		year    int
		want    string // date name; ...
	}{
		{"nl", 2026, "2026-01-01 Nieuwjaarsdag; 2026-04-03 Goede Vrijdag; 2026-04-06 Tweede Paasdag; 2026-04-27 Koningsdag; 2026-05-05 Bevrijdingsdag; 2026-05-14 Hemelvaartsdag; 2026-05-25 Tweede Pinksterdag; 2026-12-25 Eerste Kerstdag; 2026-12-26 Tweede Kerstdag"},
		{"de", 2026, "2026-01-01 Neujahrstag; 2026-04-03 Karfreitag; 2026-04-06 Ostermontag; 2026-05-01 Tag der Arbeit; 2026-05-14 Christi Himmelfahrt; 2026-05-25 Pfingstmontag; 2026-10-03 Tag der Deutschen Einheit; 2026-12-25 Weihnachtstag; 2026-12-26 Zweiter Weihnachtsfeiertag"},
		{"se", 2026, "2026-01-01 Nyårsdagen; 2026-01-06 Trettondedag jul; 2026-04-03 Långfredagen; 2026-04-06 Annandag påsk; 2026-05-01 Första Maj; 2026-05-14 Kristi himmelsfärds dag; 2026-06-06 Sveriges nationaldag; 2026-06-19 Midsommarafton; 2026-06-20 Midsommardagen; 2026-10-31 Alla helgons dag; 2026-12-24 Julafton; 2026-12-25 Juldagen; 2026-12-26 Annandag jul; 2026-12-31 Nyårsafton"},
		{"no", 2027, "2027-01-01 Første nyttårsdag; 2027-03-25 Skjærtorsdag; 2027-03-26 Langfredag; 2027-03-29 Andre påskedag; 2027-05-01 Arbeidernes dag; 2027-05-06 Kristi Himmelfartsdag; 2027-05-17 Andre pinsedag; 2027-05-17 Grunnlovsdag; 2027-12-25 Første juledag; 2027-12-26 Andre juledag"},
		{"us", 2026, "2026-01-01 New Year's Day; 2026-01-19 Martin Luther King Jr. Day; 2026-02-16 Presidents' Day; 2026-05-25 Memorial Day; 2026-06-19 Juneteenth; 2026-07-03 Independence Day (observed); 2026-09-07 Labor Day; 2026-10-12 Columbus Day; 2026-11-11 Veterans Day; 2026-11-26 Thanksgiving Day; 2026-12-25 Christmas Day"},
		{"us", 2027, "2027-01-01 New Year's Day; 2027-01-18 Martin Luther King Jr. Day; 2027-02-15 Presidents' Day; 2027-05-31 Memorial Day; 2027-06-18 Juneteenth (observed); 2027-07-05 Independence Day (observed); 2027-09-06 Labor Day; 2027-10-11 Columbus Day; 2027-11-11 Veterans Day; 2027-11-25 Thanksgiving Day; 2027-12-24 Christmas Day (observed); 2027-12-31 New Year's Day (observed)"},
		{"AU", 2026, "2026-01-01 New Year's Day; 2026-01-26 Australia Day; 2026-04-03 Good Friday; 2026-04-06 Easter Monday; 2026-04-25 ANZAC Day; 2026-12-25 Christmas Day; 2026-12-28 Boxing Day (observed)"},
		{"au", 2027, "2027-01-01 New Year's Day; 2027-01-26 Australia Day; 2027-03-26 Good Friday; 2027-03-29 Easter Monday; 2027-04-25 ANZAC Day; 2027-12-27 Christmas Day (observed); 2027-12-28 Boxing Day (observed)"},
	} {
		hs, err := CountryHolidays(tc.country, tc.year)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range hs {
			if h.To != h.From {
				t.Errorf("%s: %+v is not a single day", tc.country, h)
			}
			got = append(got, fmt.Sprintf("%v %s", h.From, h.Name))
		}
		if g := strings.Join(got, "; "); g != tc.want {
			t.Errorf("CountryHolidays(%q, %d):\n got %s\nwant %s", tc.country, tc.year, g, tc.want)
		}
	}
	two, err := CountryHolidays("de", 2027, 2026)
	if err != nil || len(two) != 18 || two[0].From != (Date{2026, 1, 1}) || two[17].From != (Date{2027, 12, 26}) {
		t.Errorf("two years: %d holidays, %v", len(two), err)
	}
	for _, tc := range []struct {
		country string
		years   []int
		field   string
	}{
		{"xx", []int{2026}, "country"},
		{"cn", []int{2026}, "country"},
		{"nl", nil, "years"},
		{"nl", []int{1969}, "years"},
		{"nl", []int{2200}, "years"},
	} {
		_, err := CountryHolidays(tc.country, tc.years...)
		var e *Error
		if !errors.As(err, &e) || e.Field != tc.field {
			t.Errorf("CountryHolidays(%q, %v) = %v, want an error for %s", tc.country, tc.years, err, tc.field)
		}
	}
}

func TestSeeded(t *testing.T) {
	want := map[string]struct {
		zone        string
		days        int // open weekdays
		open, close int
		holidays    int
	}{
		"24x7":        {"UTC", 0, 0, 0, 0},
		"beijing":     {"Asia/Shanghai", 7, 540, 1440, 0},
		"weekdays-nl": {"Europe/Amsterdam", 5, 540, 1020, 18},
		"weekdays-de": {"Europe/Berlin", 5, 540, 1020, 18},
		"weekdays-se": {"Europe/Stockholm", 5, 540, 1020, 28},
		"weekdays-no": {"Europe/Oslo", 5, 540, 1020, 20},
		"weekdays-us": {"America/New_York", 5, 540, 1020, 23},
		"weekdays-au": {"Australia/Sydney", 5, 540, 1080, 14},
	}
	cals := Seeded()
	if len(cals) != len(want) {
		t.Fatalf("%d seeded calendars, want %d", len(cals), len(want))
	}
	for _, c := range cals {
		w, ok := want[c.Name]
		if !ok {
			t.Errorf("unexpected seeded calendar %q", c.Name)
			continue
		}
		days := 0
		for _, ivs := range c.Week {
			if len(ivs) > 0 {
				days++
				if len(ivs) != 1 || ivs[0] != (Interval{w.open, w.close}) {
					t.Errorf("%s: intervals %v", c.Name, ivs)
				}
			}
		}
		if c.Location.String() != w.zone || days != w.days || len(c.Holidays) != w.holidays || c.AlwaysOpen != (c.Name == "24x7") {
			t.Errorf("%s: zone %v, %d days, %d holidays", c.Name, c.Location, days, len(c.Holidays))
		}
		if n := named(t, c.Name, "Asia/Tokyo"); n.Name != c.Name || len(n.Holidays) != len(c.Holidays) {
			t.Errorf("Named(%q) = %s", c.Name, n.Name)
		}
	}
	// Seeded returns copies.
	cals[2].Holidays[0].Name = "changed"
	cals[2].Week[1][0].End = 1
	if again := Seeded()[2]; again.Holidays[0].Name == "changed" || again.Week[1][0].End == 1 {
		t.Error("Seeded shares its calendars")
	}
}

func TestNamedRegions(t *testing.T) {
	for _, tc := range []struct {
		name, tz  string
		calName   string
		zone      string
		close     int
		holidayOn string // a date in the zone that must be closed, or ""
	}{
		{"weekdays", "Europe/Amsterdam", "weekdays-nl", "Europe/Amsterdam", 1020, "2026-04-27"},
		{"weekdays", "Europe/Berlin", "weekdays-de", "Europe/Berlin", 1020, "2026-04-03"},
		{"weekdays", "America/Chicago", "weekdays", "America/Chicago", 1020, "2026-11-26"},
		{"weekdays", "Australia/Sydney", "weekdays", "Australia/Sydney", 1020, "2026-01-26"},
		{"weekdays", "Asia/Tokyo", "weekdays", "Asia/Tokyo", 1020, ""},
		{"weekdays", "", "weekdays", "UTC", 1020, ""},
		{"weekdays-au", "Australia/Perth", "weekdays-au", "Australia/Perth", 1080, "2026-01-26"},
		{"weekdays-au", "", "weekdays-au", "Australia/Sydney", 1080, "2026-01-26"},
	} {
		c := named(t, tc.name, tc.tz)
		if c.Name != tc.calName || c.Location.String() != tc.zone || c.Week[time.Monday][0].End != tc.close {
			t.Errorf("Named(%q, %q) = %s in %v closing %v", tc.name, tc.tz, c.Name, c.Location, clock(c.Week[time.Monday][0].End))
		}
		if tc.holidayOn == "" {
			if len(c.Holidays) != 0 {
				t.Errorf("Named(%q, %q) has holidays", tc.name, tc.tz)
			}
			continue
		}
		if noon := local(t, c, tc.holidayOn+" 12:00"); c.IsOpen(noon) {
			t.Errorf("Named(%q, %q) open on %v", tc.name, tc.tz, noon)
		}
	}
	if a, b := named(t, "weekdays", "Asia/Tokyo"), named(t, "weekdays", "Asia/Tokyo"); a != b {
		t.Error("Named does not reuse its calendars")
	}
	_, err := Named("weekdays-xx", "UTC")
	var e *Error
	if !errors.As(err, &e) || err.Error() != `calendar: no calendar named "weekdays-xx"` {
		t.Errorf("unknown calendar: %v", err)
	}
}
