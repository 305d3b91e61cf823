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
