package bizhours

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// The reference below answers the same questions the slow, obvious way:
// minute by minute, reading each minute's wall clock with time.Time.In. It
// shares no code with the engine, so agreement on random instants around
// daylight-saving changes and holidays checks the interval arithmetic.

func refOpen(c *Calendar, t time.Time) bool {
	if c.AlwaysOpen {
		return true
	}
	l := t.In(c.Location)
	day := DateOf(l).days()
	for _, h := range c.Holidays {
		if h.From.days() <= day && day <= h.last().days() {
			return false
		}
	}
	m := l.Hour()*60 + l.Minute()
	for _, iv := range c.Week[l.Weekday()] {
		if iv.Start <= m && m < iv.End {
			return true
		}
	}
	return false
}

func refBetween(c *Calendar, a, b time.Time) time.Duration {
	var d time.Duration
	for m := a; m.Before(b); m = m.Add(time.Minute) {
		if refOpen(c, m) {
			d += time.Minute
		}
	}
	return d
}

func refAdd(c *Calendar, s time.Time, d time.Duration) time.Time {
	for m := s; ; m = m.Add(time.Minute) {
		if refOpen(c, m) {
			if d -= time.Minute; d <= 0 {
				return m.Add(time.Minute)
			}
		}
	}
}

func refNextOpen(c *Calendar, s time.Time) time.Time {
	for m := s; ; m = m.Add(time.Minute) {
		if refOpen(c, m) {
			return m
		}
	}
}

// testCalendars are calendars with something awkward about them.
func testCalendars(t testing.TB) []*Calendar {
	ber := loadTB(t, "Europe/Berlin")
	ny := loadTB(t, "America/New_York")
	syd := loadTB(t, "Australia/Sydney")
	lunch := Weekdays("lunch", ber, 0, 0)
	for d := time.Monday; d <= time.Friday; d++ {
		lunch.Week[d] = []Interval{{8 * 60, 12 * 60}, {12*60 + 30, 17 * 60}}
	}
	nightsBer := Daily("nights berlin", ber, 60, 5*60)
	nightsBer.Week[time.Sunday] = []Interval{{0, 150}, {150, 180}, {200, 1440}}
	nightsNY := Daily("nights new york", ny, 0, 3*60)
	nightsSyd := Daily("nights sydney", syd, 90, 4*60)
	nightsSyd.Holidays = []Holiday{{Name: "Break", From: Date{2026, 4, 1}, To: Date{2026, 4, 4}}}
	cals := []*Calendar{lunch, nightsBer, nightsNY, nightsSyd}
	for _, c := range Seeded() {
		if !c.AlwaysOpen {
			cals = append(cals, c)
		}
	}
	return cals
}

func TestAgainstReference(t *testing.T) {
	if testing.Short() {
		t.Skip("minute-by-minute reference")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	// Days around the 2026 changes in Europe, the United States and
	// Australia, and the turn of the year.
	common := []time.Time{
		day(2026, 3, 8), day(2026, 3, 29), day(2026, 4, 5), day(2026, 10, 4),
		day(2026, 10, 25), day(2026, 11, 1), day(2026, 12, 31),
	}
	type check struct {
		cal     *Calendar
		centres []time.Time
	}
	var checks []check
	for _, c := range testCalendars(t) {
		checks = append(checks, check{c, common})
	}
	// Random schedules in zones with awkward changes: half-hour shifts
	// (Lord Howe), odd offsets (Chatham, St John's, Kolkata), Morocco's
	// Ramadan changes, and São Paulo's old changes at midnight.
	for zone, centres := range map[string][]time.Time{
		"Europe/Berlin":       common,
		"America/New_York":    common,
		"Australia/Lord_Howe": {day(2026, 4, 5), day(2026, 10, 4)},
		"Pacific/Chatham":     {day(2026, 4, 5), day(2026, 9, 27)},
		"America/St_Johns":    {day(2026, 3, 8), day(2026, 11, 1)},
		"Asia/Kolkata":        {day(2026, 6, 1)},
		"Africa/Casablanca":   {day(2026, 2, 15), day(2026, 3, 22)},
		"America/Sao_Paulo":   {day(2018, 2, 18), day(2018, 11, 4)},
	} {
		loc := loadTB(t, zone)
		for range 3 {
			checks = append(checks, check{randomCalendar(rng, zone, loc, centres), centres})
		}
	}
	for _, ck := range checks {
		c := ck.cal
		for range 30 {
			centre := ck.centres[rng.IntN(len(ck.centres))]
			a := centre.Add(time.Duration(rng.IntN(6*24*60)-4*24*60) * time.Minute)
			b := a.Add(time.Duration(rng.IntN(4*24*60)) * time.Minute)
			if got, want := c.Between(a, b), refBetween(c, a, b); got != want {
				t.Fatalf("%s: Between(%v, %v) = %v, reference %v", c.Name, a, b, got, want)
			}
			d := time.Duration(1+rng.IntN(24*60)) * time.Minute
			if got, want := c.Add(a, d), refAdd(c, a, d); !got.Equal(want) {
				t.Fatalf("%s: Add(%v, %v) = %v, reference %v", c.Name, a, d, got.UTC(), want)
			}
			if got, want := c.NextOpen(a), refNextOpen(c, a); !got.Equal(want) {
				t.Fatalf("%s: NextOpen(%v) = %v, reference %v", c.Name, a, got.UTC(), want)
			}
			if got, want := c.IsOpen(a), refOpen(c, a); got != want {
				t.Fatalf("%s: IsOpen(%v) = %v, reference %v", c.Name, a, got, want)
			}
		}
	}
}

// randomCalendar returns a valid calendar with up to three intervals a day
// at random minutes, and a random holiday near one of the centres.
func randomCalendar(rng *rand.Rand, zone string, loc *time.Location, centres []time.Time) *Calendar {
	c := &Calendar{Name: "random " + zone, Location: loc}
	for d := range c.Week {
		var cuts []int
		for range rng.IntN(7) {
			cuts = append(cuts, rng.IntN(1441))
		}
		slices.Sort(cuts)
		cuts = slices.Compact(cuts)
		for i := 0; i+1 < len(cuts); i += 2 {
			c.Week[d] = append(c.Week[d], Interval{cuts[i], cuts[i+1]})
		}
	}
	c.Week[rng.IntN(7)] = append([]Interval(nil), Interval{0, 1440})
	h := DateOf(centres[rng.IntN(len(centres))].AddDate(0, 0, rng.IntN(7)-3))
	c.Holidays = []Holiday{{Name: "random", From: h, To: DateOf(time.Date(h.Year, h.Month, h.Day+rng.IntN(3), 0, 0, 0, 0, time.UTC))}}
	if err := c.Validate(); err != nil {
		panic(err)
	}
	return c
}

// FuzzAdd checks the invariants of the arithmetic on random calendars,
// instants and durations; `go test` runs it on the seed corpus below.
func FuzzAdd(f *testing.F) {
	for _, s := range []struct {
		cal          uint8
		sec          int64
		ns           uint32
		a, b         uint32
		businessDays uint8
	}{
		{0, 0, 0, 3600, 7200, 1},
		{1, 7_430_400, 500, 5400, 60, 3}, // around the Berlin spring change
		{2, 25_574_400, 0, 86400, 1, 1},  // around the Berlin fall back
		{3, 5_616_000, 999_999_999, 1, 86400, 2},
		{4, 31_449_600, 0, 28800, 28800, 3}, // new year
		{5, 30_758_400, 1, 100_000, 3, 1},   // christmas
		{6, 26_179_200, 0, 7200, 900, 3},
		{7, 8_035_200, 0, 36_000, 36_000, 1},
		{8, 0, 0, 0, 0, 0},
		{9, 100_000_000, 0, 1_000_000, 500_000, 4},
		{10, 54_000_000, 123, 27_000, 1_800, 2},
	} {
		f.Add(s.cal, s.sec, s.ns, s.a, s.b, s.businessDays)
	}
	cals := append(testCalendars(f), AlwaysOpen)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	f.Fuzz(func(t *testing.T, cal uint8, sec int64, ns uint32, a, b uint32, businessDays uint8) {
		c := cals[int(cal)%len(cals)]
		// Starts within 2026–2029, targets up to ten days in seconds.
		span := int64(4 * 365 * 86400)
		s := time.Unix(base+((sec%span)+span)%span, int64(ns%1_000_000_000))
		da := time.Duration(a%(10*86400)) * time.Second
		db := time.Duration(b%(10*86400)) * time.Second

		due := c.Add(s, da)
		if due.Before(s) {
			t.Fatalf("%s: Add(%v, %v) = %v, before the start", c.Name, s, da, due)
		}
		if got, want := c.Add(due, db), c.Add(s, da+db); !got.Equal(want) {
			t.Fatalf("%s: Add(Add(%v, %v), %v) = %v, Add(s, a+b) = %v", c.Name, s, da, db, got, want)
		}
		if da > 0 {
			if got := c.Between(s, due); got != da {
				t.Fatalf("%s: Between(%v, Add(s, %v) = %v) = %v", c.Name, s, da, due, got)
			}
			if got := c.Between(s, due.Add(-1)); got != da-1 {
				t.Fatalf("%s: Add(%v, %v) = %v is not the earliest such instant", c.Name, s, da, due)
			}
		}
		next := c.NextOpen(s)
		if next.Before(s) || !c.IsOpen(next) || c.Between(s, next) != 0 {
			t.Fatalf("%s: NextOpen(%v) = %v", c.Name, s, next)
		}
		if c.IsOpen(s) != next.Equal(s) {
			t.Fatalf("%s: IsOpen(%v) = %v, NextOpen = %v", c.Name, s, c.IsOpen(s), next)
		}
		n := int(businessDays%5) + 1
		bd := c.AddBusinessDays(s, n)
		if bd.Before(next) || !c.IsOpen(bd) {
			t.Fatalf("%s: AddBusinessDays(%v, %d) = %v", c.Name, s, n, bd)
		}
		if due := c.Due(s, Target{BusinessDays: n}); !due.Equal(bd) {
			t.Fatalf("%s: Due = %v, AddBusinessDays = %v", c.Name, due, bd)
		}
		if more := c.AddBusinessDays(s, n+1); !more.After(bd) {
			t.Fatalf("%s: %d business days = %v, %d = %v", c.Name, n, bd, n+1, more)
		}
	})
}

// TestUnvalidated checks that arithmetic on calendars that fail Validate
// neither panics nor loops: the desk may compute with a calendar before it
// is validated, and must not hang if it does.
func TestUnvalidated(t *testing.T) {
	start := time.Date(2026, 3, 28, 12, 0, 0, 0, time.UTC)
	for _, c := range []*Calendar{
		{Name: "no zone", Week: [7][]Interval{1: {{540, 1020}}}},
		{Name: "inverted", Location: time.UTC, Week: [7][]Interval{1: {{1020, 540}}}},
		{Name: "out of range", Location: time.UTC, Week: [7][]Interval{1: {{-100, 2000}}}},
		{Name: "unordered", Location: time.UTC, Week: [7][]Interval{1: {{780, 1020}, {540, 800}}}},
		{Name: "bad holidays", Location: time.UTC, Week: [7][]Interval{1: {{540, 1020}}}, Holidays: []Holiday{
			{Name: "x", From: Date{2026, 3, 30}, To: Date{2027, 0, 5}},
			{Name: "y", From: Date{2026, 13, 40}},
			{Name: "z", From: Date{2026, 4, 10}, To: Date{2026, 4, 1}},
		}},
		{Name: "closed", Location: time.UTC},
	} {
		c.Add(start, 10*time.Hour)
		c.AddBusinessDays(start, 3)
		c.Between(start, start.Add(30*24*time.Hour))
		c.NextOpen(start)
		c.IsOpen(start)
		if c.Validate() == nil {
			t.Errorf("%s: Validate accepted it", c.Name)
		}
	}
}
