package bizhours

import (
	"testing"
	"time"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestAdd(t *testing.T) {
	ams := mustLoad(t, "Europe/Amsterdam")
	sha := mustLoad(t, "Asia/Shanghai")
	syd := mustLoad(t, "Australia/Sydney")
	week, err := Named("weekdays", "Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	beijing, err := Named("beijing", "")
	if err != nil {
		t.Fatal(err)
	}
	au, err := Named("weekdays-au", "Australia/Sydney")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		cal   *Calendar
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		{"24x7 is plain", AlwaysOpen, time.Date(2026, 1, 3, 23, 30, 0, 0, time.UTC), time.Hour, time.Date(2026, 1, 4, 0, 30, 0, 0, time.UTC)},
		{"within a day", week, time.Date(2026, 1, 5, 10, 0, 0, 0, ams), 2 * time.Hour, time.Date(2026, 1, 5, 12, 0, 0, 0, ams)},
		{"runs into the next day", week, time.Date(2026, 1, 5, 16, 0, 0, 0, ams), 2 * time.Hour, time.Date(2026, 1, 6, 10, 0, 0, 0, ams)},
		{"ends exactly at closing", week, time.Date(2026, 1, 5, 16, 0, 0, 0, ams), time.Hour, time.Date(2026, 1, 5, 17, 0, 0, 0, ams)},
		{"friday over the weekend", week, time.Date(2026, 1, 9, 16, 0, 0, 0, ams), 8 * time.Hour, time.Date(2026, 1, 12, 16, 0, 0, 0, ams)},
		{"opened on saturday", week, time.Date(2026, 1, 10, 11, 0, 0, 0, ams), time.Hour, time.Date(2026, 1, 12, 10, 0, 0, 0, ams)},
		{"opened before opening", week, time.Date(2026, 1, 5, 6, 0, 0, 0, ams), 30 * time.Minute, time.Date(2026, 1, 5, 9, 30, 0, 0, ams)},
		{"start given in UTC", week, time.Date(2026, 1, 5, 15, 0, 0, 0, time.UTC), 2 * time.Hour, time.Date(2026, 1, 6, 10, 0, 0, 0, ams)},
		// The clocks go forward on Sunday 29 March 2026: Monday's hours are
		// unaffected, and the UTC offset of the answer is the summer one.
		{"across spring DST", week, time.Date(2026, 3, 27, 16, 0, 0, 0, ams), 2 * time.Hour, time.Date(2026, 3, 30, 10, 0, 0, 0, ams)},
		{"beijing until midnight", beijing, time.Date(2026, 1, 5, 23, 0, 0, 0, sha), 90 * time.Minute, time.Date(2026, 1, 6, 9, 30, 0, 0, sha)},
		{"beijing 15 hours a day", beijing, time.Date(2026, 1, 5, 9, 0, 0, 0, sha), 15 * time.Hour, time.Date(2026, 1, 6, 0, 0, 0, 0, sha)},
		{"australia to 18:00", au, time.Date(2026, 1, 5, 17, 0, 0, 0, syd), 2 * time.Hour, time.Date(2026, 1, 6, 10, 0, 0, 0, syd)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.cal.Add(tc.start, tc.d); !got.Equal(tc.want) {
				t.Fatalf("Add(%v, %v) = %v, want %v", tc.start, tc.d, got.In(tc.want.Location()), tc.want)
			}
		})
	}
}

func TestNoOpenTime(t *testing.T) {
	c := &Calendar{Name: "closed", Location: time.UTC}
	if got := c.Add(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Hour); !got.IsZero() {
		t.Fatalf("closed calendar gave %v, want the zero time", got)
	}
}

func TestNamed(t *testing.T) {
	if _, err := Named("nope", "UTC"); err == nil {
		t.Fatal("unknown calendar accepted")
	}
	c, err := Named("weekdays", "Not/AZone")
	if err != nil || c.Location != time.UTC {
		t.Fatalf("bad zone: %v %v, want UTC fallback", c, err)
	}
}

// named returns a calendar from Named or fails the test.
func named(t testing.TB, name, tz string) *Calendar {
	t.Helper()
	c, err := Named(name, tz)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// local reads "2006-01-02 15:04" (optionally with seconds) as wall-clock
// time in the calendar's zone. Wall times that occur twice or never are
// written in UTC with utc instead.
func local(t testing.TB, c *Calendar, s string) time.Time {
	t.Helper()
	layout := "2006-01-02 15:04"
	if len(s) > len(layout) {
		layout = "2006-01-02 15:04:05.999999999"
	}
	v, err := time.ParseInLocation(layout, s, c.Location)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func utc(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// sundayOnly returns a calendar open only on Sundays, in the given
// intervals, for daylight-saving tests: European and American clocks
// change on Sunday nights.
func sundayOnly(t testing.TB, tz string, ivs ...Interval) *Calendar {
	t.Helper()
	c := &Calendar{Name: "sunday", Location: loadTB(t, tz)}
	c.Week[time.Sunday] = ivs
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return c
}

// The tables below give every expected instant exactly, in the zone of the
// calendar and, where a daylight-saving change is near, in UTC too.

func TestAddBusinessDays(t *testing.T) {
	nl := named(t, "weekdays-nl", "")
	de := named(t, "weekdays-de", "")
	us := named(t, "weekdays-us", "")
	au := named(t, "weekdays-au", "")
	bj := named(t, "beijing", "")
	// A calendar with a short Friday and a lunch break, to see a due time
	// carried forward into open hours.
	short := Weekdays("short", nl.Location, 9*60, 17*60)
	short.Week[time.Friday] = []Interval{{9 * 60, 13 * 60}}
	lunch := Weekdays("lunch", nl.Location, 9*60, 17*60)
	for d := time.Monday; d <= time.Friday; d++ {
		lunch.Week[d] = []Interval{{9 * 60, 12 * 60}, {13 * 60, 17 * 60}}
	}
	// Open every night 01:00–05:00 in Berlin, across both changes.
	nights := Daily("nights", de.Location, 1*60, 5*60)
	for _, tc := range []struct {
		name  string
		cal   *Calendar
		start time.Time
		n     int
		want  time.Time
	}{
		{"friday afternoon: same time monday", nl, local(t, nl, "2026-01-09 16:30"), 1, local(t, nl, "2026-01-12 16:30")},
		{"friday evening: carried to monday 09:00, due tuesday 09:00", nl, local(t, nl, "2026-01-09 20:00"), 1, local(t, nl, "2026-01-13 09:00")},
		{"saturday: counted from monday 09:00", nl, local(t, nl, "2026-01-10 10:00"), 1, local(t, nl, "2026-01-13 09:00")},
		{"before opening: counted from 09:00", nl, local(t, nl, "2026-01-12 07:15"), 1, local(t, nl, "2026-01-13 09:00")},
		{"at opening", nl, local(t, nl, "2026-01-12 09:00"), 1, local(t, nl, "2026-01-13 09:00")},
		{"at closing is closed", nl, local(t, nl, "2026-01-12 17:00"), 1, local(t, nl, "2026-01-14 09:00")},
		{"a second before closing", nl, local(t, nl, "2026-01-12 16:59:59.5"), 1, local(t, nl, "2026-01-13 16:59:59.5")},
		{"C: three business days over a weekend", nl, local(t, nl, "2026-01-08 11:00"), 3, local(t, nl, "2026-01-13 11:00")},
		// 21Vianet B and C on the Beijing calendar, open 365 days a year.
		{"beijing B opened friday 23:30", bj, local(t, bj, "2026-01-09 23:30"), 1, local(t, bj, "2026-01-10 23:30")},
		{"beijing B opened friday 03:00", bj, local(t, bj, "2026-01-09 03:00"), 1, local(t, bj, "2026-01-10 09:00")},
		{"beijing C opened friday 23:30", bj, local(t, bj, "2026-01-09 23:30"), 3, local(t, bj, "2026-01-12 23:30")},
		{"beijing B over new year", bj, local(t, bj, "2026-12-31 23:59"), 1, local(t, bj, "2027-01-01 23:59")},
		// Holidays: Christmas is Friday 25 and Saturday 26 December 2026
		// in the Netherlands.
		{"opened on christmas day", nl, local(t, nl, "2026-12-25 10:00"), 1, local(t, nl, "2026-12-29 09:00")},
		{"opened on christmas eve", nl, local(t, nl, "2026-12-24 16:30"), 1, local(t, nl, "2026-12-28 16:30")},
		{"over good friday and easter monday", de, local(t, de, "2026-04-02 12:00"), 1, local(t, de, "2026-04-07 12:00")},
		{"us veterans day wednesday", us, local(t, us, "2026-11-09 10:00"), 3, local(t, us, "2026-11-13 10:00")},
		{"us thanksgiving", us, local(t, us, "2026-11-25 15:00"), 1, local(t, us, "2026-11-27 15:00")},
		{"us independence day observed friday", us, local(t, us, "2026-07-02 12:00"), 1, local(t, us, "2026-07-06 12:00")},
		{"au christmas and boxing day observed monday", au, local(t, au, "2026-12-24 17:30"), 1, local(t, au, "2026-12-29 17:30")},
		// C cases across daylight-saving changes: the clock time holds,
		// the UTC offset changes.
		{"berlin C over spring forward", de, local(t, de, "2026-03-26 10:00"), 3, utc(t, "2026-03-31 08:00")},
		{"berlin C over fall back", de, local(t, de, "2026-10-22 15:00"), 3, utc(t, "2026-10-27 14:00")},
		{"new york C over spring forward", us, local(t, us, "2026-03-06 11:00"), 3, utc(t, "2026-03-11 15:00")},
		{"new york C over fall back", us, local(t, us, "2026-10-29 16:59"), 3, utc(t, "2026-11-03 21:59")},
		// Carried forward when the clock time is not open on the due day.
		{"short friday: carried to monday", short, local(t, short, "2026-01-08 16:30"), 1, local(t, short, "2026-01-12 09:00")},
		{"in the lunch break: counted from 13:00", lunch, local(t, lunch, "2026-01-12 12:30"), 1, local(t, lunch, "2026-01-13 13:00")},
		// 02:30 does not exist on 29 March 2026 in Berlin: carried to the
		// end of the gap, 03:00 CEST.
		{"clock time in the spring gap", nights, local(t, nights, "2026-03-28 02:30"), 1, utc(t, "2026-03-29 01:00")},
		// 02:30 happens twice on 25 October 2026: the first one counts.
		{"clock time repeated at fall back", nights, local(t, nights, "2026-10-24 02:30"), 1, utc(t, "2026-10-25 00:30")},
		{"from the second 02:30", nights, utc(t, "2026-10-25 01:30"), 1, utc(t, "2026-10-26 01:30")},
		{"24x7 over the year boundary", AlwaysOpen, utc(t, "2026-12-31 23:30"), 1, utc(t, "2027-01-01 23:30")},
		{"zero days", nl, local(t, nl, "2026-01-10 10:00"), 0, local(t, nl, "2026-01-10 10:00")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.cal.AddBusinessDays(tc.start, tc.n)
			if !got.Equal(tc.want) {
				t.Fatalf("AddBusinessDays(%v, %d) = %v, want %v", tc.start, tc.n, got, tc.want.In(tc.cal.Location))
			}
			if due := tc.cal.Due(tc.start, Target{BusinessDays: tc.n}); tc.n > 0 && !due.Equal(got) {
				t.Fatalf("Due = %v, AddBusinessDays = %v", due, got)
			}
		})
	}
}

func TestAddMore(t *testing.T) {
	nl := named(t, "weekdays-nl", "")
	de := named(t, "weekdays-de", "")
	us := named(t, "weekdays-us", "")
	au := named(t, "weekdays-au", "")
	bj := named(t, "beijing", "")
	allDayAms := Daily("all day", nl.Location, 0, 24*60)
	allDayBer := Daily("all day", de.Location, 0, 24*60)
	for _, tc := range []struct {
		name  string
		cal   *Calendar
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		{"ends exactly at close of business", nl, local(t, nl, "2026-01-12 13:00"), 4 * time.Hour, local(t, nl, "2026-01-12 17:00")},
		{"one nanosecond more opens the next day", nl, local(t, nl, "2026-01-12 13:00"), 4*time.Hour + 1, local(t, nl, "2026-01-13 09:00").Add(1)},
		{"ends at midnight in beijing", bj, local(t, bj, "2026-01-12 23:00"), time.Hour, local(t, bj, "2026-01-13 00:00")},
		{"beijing 8h from friday 23:30", bj, local(t, bj, "2026-01-09 23:30"), 8 * time.Hour, local(t, bj, "2026-01-10 16:30")},
		{"opened on christmas eve", nl, local(t, nl, "2026-12-24 16:00"), 8 * time.Hour, local(t, nl, "2026-12-28 16:00")},
		{"opened on christmas day", nl, local(t, nl, "2026-12-25 10:00"), time.Hour, local(t, nl, "2026-12-28 10:00")},
		{"24x7 over the year boundary", AlwaysOpen, utc(t, "2026-12-31 23:30"), time.Hour, utc(t, "2027-01-01 00:30")},
		{"all-day calendar over the year boundary", allDayAms, local(t, allDayAms, "2026-12-31 23:30"), time.Hour, local(t, allDayAms, "2027-01-01 00:30")},
		{"all-day calendar over spring forward", allDayBer, local(t, allDayBer, "2026-03-28 23:00"), 4 * time.Hour, utc(t, "2026-03-29 02:00")},
		{"all-day calendar over fall back", allDayBer, local(t, allDayBer, "2026-10-24 23:00"), 4 * time.Hour, utc(t, "2026-10-25 01:00")},
		{"new york over spring forward", us, local(t, us, "2026-03-06 16:00"), 2 * time.Hour, utc(t, "2026-03-09 14:00")},
		{"new york over fall back", us, local(t, us, "2026-10-30 16:00"), 2 * time.Hour, utc(t, "2026-11-02 15:00")},
		// Sydney, ahead of UTC, leaves daylight saving on Sunday 5 April
		// 2026; Good Friday and Easter Monday are holidays.
		{"sydney over easter and the end of daylight saving", au, local(t, au, "2026-04-02 17:00"), 2 * time.Hour, utc(t, "2026-04-07 00:00")},
		{"zero duration", nl, local(t, nl, "2026-01-10 10:00"), 0, local(t, nl, "2026-01-10 10:00")},
		{"negative duration", nl, local(t, nl, "2026-01-10 10:00"), -time.Hour, local(t, nl, "2026-01-10 10:00")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.cal.Add(tc.start, tc.d)
			if !got.Equal(tc.want) {
				t.Fatalf("Add(%v, %v) = %v, want %v", tc.start, tc.d, got, tc.want.In(tc.cal.Location))
			}
			if tc.d > 0 {
				if b := tc.cal.Between(tc.start, got); b != tc.d {
					t.Fatalf("Between(start, due) = %v, want %v", b, tc.d)
				}
				if due := tc.cal.Due(tc.start, Target{Minutes: int(tc.d / time.Minute)}); tc.d%time.Minute == 0 && !due.Equal(got) {
					t.Fatalf("Due = %v, Add = %v", due, got)
				}
			}
		})
	}
}

func TestDaylightSavingIntervals(t *testing.T) {
	// Clocks in Berlin jump from 02:00 to 03:00 on 29 March 2026 and fall
	// back from 03:00 to 02:00 on 25 October 2026; in New York they jump
	// from 02:00 to 03:00 on 8 March and fall back from 02:00 to 01:00 on
	// 1 November 2026.
	for _, tc := range []struct {
		name string
		cal  *Calendar
		from string // a Saturday, UTC midnight; Between runs two days
		want time.Duration
	}{
		{"berlin 02-03 normal sunday", sundayOnly(t, "Europe/Berlin", Interval{120, 180}), "2026-03-21 00:00", time.Hour},
		{"berlin 02-03 skipped", sundayOnly(t, "Europe/Berlin", Interval{120, 180}), "2026-03-28 00:00", 0},
		{"berlin 02-03 happens twice", sundayOnly(t, "Europe/Berlin", Interval{120, 180}), "2026-10-24 00:00", 2 * time.Hour},
		{"berlin 01-04 over the gap", sundayOnly(t, "Europe/Berlin", Interval{60, 240}), "2026-03-28 00:00", 2 * time.Hour},
		{"berlin 01-04 over the repeat", sundayOnly(t, "Europe/Berlin", Interval{60, 240}), "2026-10-24 00:00", 4 * time.Hour},
		{"berlin 02:30-24:00 starting in the gap", sundayOnly(t, "Europe/Berlin", Interval{150, 1440}), "2026-03-28 00:00", 21 * time.Hour},
		{"berlin 00:00-02:30 ending in the repeat", sundayOnly(t, "Europe/Berlin", Interval{0, 150}), "2026-10-24 00:00", 3 * time.Hour},
		{"berlin all day spring", sundayOnly(t, "Europe/Berlin", Interval{0, 1440}), "2026-03-28 00:00", 23 * time.Hour},
		{"berlin all day fall", sundayOnly(t, "Europe/Berlin", Interval{0, 1440}), "2026-10-24 00:00", 25 * time.Hour},
		{"new york 01-03 spring", sundayOnly(t, "America/New_York", Interval{60, 180}), "2026-03-07 00:00", time.Hour},
		{"new york 01-03 fall", sundayOnly(t, "America/New_York", Interval{60, 180}), "2026-10-31 00:00", 3 * time.Hour},
		{"new york 01-02 fall", sundayOnly(t, "America/New_York", Interval{60, 120}), "2026-10-31 00:00", 2 * time.Hour},
		// Sydney, ahead of UTC: back from 03:00 to 02:00 on 5 April, forward
		// from 02:00 to 03:00 on 4 October 2026.
		{"sydney 02-03 repeated in april", sundayOnly(t, "Australia/Sydney", Interval{120, 180}), "2026-04-04 00:00", 2 * time.Hour},
		{"sydney 02-03 skipped in october", sundayOnly(t, "Australia/Sydney", Interval{120, 180}), "2026-10-03 00:00", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := utc(t, tc.from)
			b := a.Add(48 * time.Hour)
			if got := tc.cal.Between(a, b); got != tc.want {
				t.Fatalf("Between = %v, want %v", got, tc.want)
			}
			if tc.want > 0 {
				due := tc.cal.Add(a, tc.want)
				if !due.Before(b) || tc.cal.Between(a, due) != tc.want {
					t.Fatalf("Add(%v) = %v, not the end of that Sunday's open time", tc.want, due)
				}
			}
		})
	}

	c := sundayOnly(t, "Europe/Berlin", Interval{120, 180})
	for _, tc := range []struct {
		name string
		got  time.Time
		want time.Time
	}{
		{"next open skips the lost hour", c.NextOpen(utc(t, "2026-03-28 12:00")), utc(t, "2026-04-05 00:00")},
		{"add skips the lost hour", c.Add(utc(t, "2026-03-28 12:00"), 30*time.Minute), utc(t, "2026-04-05 00:30")},
		{"add runs into the repeated hour", c.Add(utc(t, "2026-10-24 12:00"), 90*time.Minute), utc(t, "2026-10-25 01:30")},
	} {
		if !tc.got.Equal(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got.UTC(), tc.want)
		}
	}
	for _, tc := range []struct {
		at   string
		want bool
	}{
		{"2026-10-25 00:30", true}, // 02:30 CEST
		{"2026-10-25 01:30", true}, // 02:30 CET
		{"2026-10-25 02:00", false},
		{"2026-03-29 00:59", false},
		{"2026-03-29 01:00", false}, // 03:00 CEST
	} {
		if got := c.IsOpen(utc(t, tc.at)); got != tc.want {
			t.Errorf("IsOpen(%s UTC) = %v, want %v", tc.at, got, tc.want)
		}
	}
}

func TestBetween(t *testing.T) {
	nl := named(t, "weekdays-nl", "")
	de := named(t, "weekdays-de", "")
	bj := named(t, "beijing", "")
	for _, tc := range []struct {
		name string
		cal  *Calendar
		a, b time.Time
		want time.Duration
	}{
		{"across a weekend", nl, local(t, nl, "2026-01-09 15:00"), local(t, nl, "2026-01-12 11:00"), 4 * time.Hour},
		{"across good friday and easter monday", de, local(t, de, "2026-04-02 15:00"), local(t, de, "2026-04-07 11:00"), 4 * time.Hour},
		{"across christmas", nl, local(t, nl, "2026-12-23 09:00"), local(t, nl, "2026-12-29 09:00"), 3 * 8 * time.Hour},
		{"a whole week", nl, local(t, nl, "2026-01-12 00:00"), local(t, nl, "2026-01-19 00:00"), 40 * time.Hour},
		{"within closed hours", nl, local(t, nl, "2026-01-12 17:00"), local(t, nl, "2026-01-13 09:00"), 0},
		{"beijing over midnight", bj, local(t, bj, "2026-01-12 23:00"), local(t, bj, "2026-01-13 10:00"), 2 * time.Hour},
		{"fractions of a second", nl, local(t, nl, "2026-01-09 16:59:59.5"), local(t, nl, "2026-01-12 09:00:00.25"), 750 * time.Millisecond},
		{"b before a", nl, local(t, nl, "2026-01-12 12:00"), local(t, nl, "2026-01-12 10:00"), 0},
		{"b equals a", nl, local(t, nl, "2026-01-12 12:00"), local(t, nl, "2026-01-12 12:00"), 0},
		{"24x7", AlwaysOpen, utc(t, "2026-12-31 22:00"), utc(t, "2027-01-01 02:00"), 4 * time.Hour},
		{"a year of weekdays in 2026", nl, local(t, nl, "2026-01-01 00:00"), local(t, nl, "2027-01-01 00:00"), (261 - 8) * 8 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.cal.Between(tc.a, tc.b); got != tc.want {
				t.Fatalf("Between(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

func TestNextOpenAndIsOpen(t *testing.T) {
	nl := named(t, "weekdays-nl", "")
	de := named(t, "weekdays-de", "")
	us := named(t, "weekdays-us", "")
	au := named(t, "weekdays-au", "")
	bj := named(t, "beijing", "")
	shutdown := Weekdays("shutdown", nl.Location, 9*60, 17*60)
	shutdown.Holidays = []Holiday{
		{Name: "Christmas shutdown", From: Date{2026, 12, 24}, To: Date{2027, 1, 1}},
		{Name: "Boxing day", From: Date{2026, 12, 26}},
		{Name: "Extra day", From: Date{2027, 1, 4}},
	}
	for _, tc := range []struct {
		name string
		cal  *Calendar
		t    time.Time
		want time.Time
	}{
		{"open is itself", nl, local(t, nl, "2026-01-12 10:00:00.5"), local(t, nl, "2026-01-12 10:00:00.5")},
		{"at opening", nl, local(t, nl, "2026-01-12 09:00"), local(t, nl, "2026-01-12 09:00")},
		{"at closing friday", nl, local(t, nl, "2026-01-09 17:00"), local(t, nl, "2026-01-12 09:00")},
		{"easter weekend", de, local(t, de, "2026-04-04 12:00"), local(t, de, "2026-04-07 09:00")},
		{"christmas weekend", nl, local(t, nl, "2026-12-25 10:00"), local(t, nl, "2026-12-28 09:00")},
		{"thanksgiving", us, local(t, us, "2026-11-26 10:00"), local(t, us, "2026-11-27 09:00")},
		{"australia day long weekend", au, local(t, au, "2026-01-24 12:00"), local(t, au, "2026-01-27 09:00")},
		{"a holiday range and overlapping days", shutdown, local(t, shutdown, "2026-12-23 17:00"), local(t, shutdown, "2027-01-05 09:00")},
		{"beijing after midnight", bj, local(t, bj, "2026-01-12 00:00"), local(t, bj, "2026-01-12 09:00")},
		{"beijing before midnight", bj, local(t, bj, "2026-01-12 23:59:59.999"), local(t, bj, "2026-01-12 23:59:59.999")},
		{"24x7", AlwaysOpen, utc(t, "2026-12-25 03:00"), utc(t, "2026-12-25 03:00")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.cal.NextOpen(tc.t)
			if !got.Equal(tc.want) {
				t.Fatalf("NextOpen(%v) = %v, want %v", tc.t, got, tc.want)
			}
			if !tc.cal.IsOpen(got) {
				t.Fatalf("IsOpen(NextOpen(%v)) = false", tc.t)
			}
			if open := tc.cal.IsOpen(tc.t); open != got.Equal(tc.t) {
				t.Fatalf("IsOpen(%v) = %v, but NextOpen gives %v", tc.t, open, got)
			}
		})
	}
	for _, tc := range []struct {
		cal  *Calendar
		t    time.Time
		want bool
	}{
		{nl, local(t, nl, "2026-01-12 08:59:59.999"), false},
		{nl, local(t, nl, "2026-01-12 09:00"), true},
		{nl, local(t, nl, "2026-01-12 16:59:59.999"), true},
		{nl, local(t, nl, "2026-01-12 17:00"), false},
		{nl, local(t, nl, "2026-01-10 12:00"), false},
		{nl, local(t, nl, "2026-04-27 12:00"), false}, // Koningsdag
		{de, local(t, de, "2026-04-27 12:00"), true},
		{bj, local(t, bj, "2026-01-12 23:59"), true},
		{bj, local(t, bj, "2026-01-13 00:00"), false},
		{AlwaysOpen, utc(t, "2026-12-25 00:00"), true},
	} {
		if got := tc.cal.IsOpen(tc.t); got != tc.want {
			t.Errorf("%s: IsOpen(%v) = %v, want %v", tc.cal.Name, tc.t, got, tc.want)
		}
	}
}

func loadTB(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
