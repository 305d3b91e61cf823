package bizhours

import (
	"testing"
	"time"
)

// benchStarts returns instants spread over 2026 on a calendar, some on
// holidays, weekends and nights, so that the benchmark does not measure
// one lucky path.
func benchStarts(b *testing.B, c *Calendar) []time.Time {
	var starts []time.Time
	for i := range 64 {
		starts = append(starts, time.Date(2026, 1, 1, 7, 45, 0, 0, c.Location).Add(time.Duration(i)*(137*time.Hour+17*time.Minute)))
	}
	starts = append(starts, local(b, c, "2026-12-24 16:30"), local(b, c, "2026-12-25 10:00"), local(b, c, "2026-04-02 16:00"))
	return starts
}

// BenchmarkDueBusinessDay computes "1 business day" due times on the Dutch
// calendar, with its 18 holidays of 2026–2027.
func BenchmarkDueBusinessDay(b *testing.B) {
	c := named(b, "weekdays-nl", "")
	starts := benchStarts(b, c)
	target := Target{BusinessDays: 1}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c.Due(starts[i%len(starts)], target)
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "dues/s")
}

// BenchmarkDueHours computes 8-hour due times on the same calendar.
func BenchmarkDueHours(b *testing.B) {
	c := named(b, "weekdays-nl", "")
	starts := benchStarts(b, c)
	target := Target{Minutes: 8 * 60}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		c.Due(starts[i%len(starts)], target)
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "dues/s")
}

// BenchmarkBetween measures a week of open time, as an SLA display does
// for remaining minutes.
func BenchmarkBetween(b *testing.B) {
	c := named(b, "weekdays-nl", "")
	starts := benchStarts(b, c)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s := starts[i%len(starts)]
		c.Between(s, s.Add(7*24*time.Hour))
		i++
	}
}
