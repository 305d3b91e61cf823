package desk_test

import (
	"fmt"
	"testing"
	"time"

	"desk"
)

// bulkOpen stores n open cases of the Business organisation through the
// import path, each with the timers the SLA engine gives it; due of them
// breach their first response in the minute after at, the rest months
// later.
func bulkOpen(b *testing.B, e *env, n, due int, at time.Time) {
	b.Helper()
	for done := 0; done < n; {
		var batch []*desk.CaseChange
		for ; done < n && len(batch) < 500; done++ {
			created := at.Add(-8 * time.Hour) // 8 business hours back: due now
			if done >= due {
				created = at.Add(30 * 24 * time.Hour)
			}
			c := &desk.Case{OrgID: e.biz.ID, Product: "mail", Category: desk.CategoryTechnical, Severity: desk.SeverityNormal,
				Status: desk.StatusOpen, Title: fmt.Sprintf("bulk %d", done), Description: "bulk", Language: "en",
				ContactMethod: desk.ContactEmail, Plan: "business", CreatedBy: e.bizAdmin.ID, Source: "import",
				CreatedAt: created, UpdatedAt: created, Version: 1}
			fire := at.Add(time.Duration(done%60) * time.Second)
			if done >= due {
				fire = created.Add(24 * time.Hour)
			}
			batch = append(batch, &desk.CaseChange{Case: c, ReplaceTimers: true, Timers: []*desk.Timer{
				{Kind: desk.TimerFirstResponseBreach, DueAt: fire, FireAt: fire},
			}})
		}
		if err := e.svc.Store.ImportCases(e.ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecomputeSLA recomputes the due times and timers of 100,000
// open cases, as after a calendar change.
func BenchmarkRecomputeSLA(b *testing.B) {
	const n = 100_000
	e := newEnv(b)
	bulkOpen(b, e, n, 0, monday10)
	// The change: every case's policy moves to another calendar and
	// target, so every due time and timer is rewritten.
	if err := e.svc.Store.PutSLAPolicy(e.ctx, &desk.SLAPolicy{Plan: "business", Severity: desk.SeverityNormal,
		Calendar: "24x7", FirstResponseMinutes: 120, ResolutionMinutes: 2880}); err != nil {
		b.Fatal(err)
	}
	e.svc.ForgetCatalogue()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		got, err := e.svc.RecomputeSLA(e.ctx, e.super)
		if err != nil || got != n {
			b.Fatalf("recomputed %d (%v), want %d", got, err, n)
		}
	}
	elapsed := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(elapsed.Seconds(), "s/recompute")
	b.ReportMetric(float64(n)/elapsed.Seconds(), "cases/s")
}

// BenchmarkTimerSweep: 100,000 open cases with pending timers, 1,000 of
// them due within the same minute; the sweeper fires them all. It reports
// how long after the minute began the last one fired.
func BenchmarkTimerSweep(b *testing.B) {
	const n, due = 100_000, 1000
	for range b.N {
		b.StopTimer()
		e := newEnv(b)
		minute := monday10.Add(48 * time.Hour)
		bulkOpen(b, e, n, due, minute)
		e.clock.Set(minute.Add(time.Minute)) // the whole minute is due
		sw := sweeper(e, "bench")
		b.StartTimer()
		start := time.Now()
		fired := 0
		for fired < due {
			got, err := sw.RunOnce(e.ctx)
			if err != nil {
				b.Fatal(err)
			}
			if got == 0 {
				b.Fatalf("sweep stalled after %d of %d timers", fired, due)
			}
			fired += got
		}
		elapsed := time.Since(start)
		b.ReportMetric(elapsed.Seconds(), "s/1000-due")
		b.ReportMetric(float64(due)/elapsed.Seconds(), "timers/s")
	}
}
