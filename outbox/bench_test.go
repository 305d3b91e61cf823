package outbox_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"desk"
	"desk/outbox"
)

// BenchmarkOutboxDrain drains b.N mails (at least 2,000) from a SQLite
// outbox to an SMTP server on loopback: claim, policy checks, rendering,
// SMTP over up to four connections and recording the results, as
// production does. It reports mails per second; the aim is 1,000.
func BenchmarkOutboxDrain(b *testing.B) {
	n := max(b.N, 2000)
	f := newSQLite(b)
	clock := newClock()
	ms := make([]*desk.OutMail, n)
	for i := range ms {
		// Automatic mail to 500 addresses, four mails each at most per
		// 2,000, stays under the flood limit while every mail pays for
		// its policy checks.
		ms[i] = newMail(clock, i, fmt.Sprintf("user%d@example.com", i%500))
		ms[i].Auto = i%2 == 0
	}
	f.queue(b, ms)
	s := newSink(b, sinkOptions{})
	w := &outbox.Worker{Store: f.db, Renderer: renderer, Sender: outbox.NewSMTPSender(s.config(outbox.SecurityNone)),
		Clock: clock, Owner: "bench", AutoLimit: n}

	b.ResetTimer()
	start := time.Now()
	done, err := w.RunOnce(context.Background())
	elapsed := time.Since(start)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if done != n || len(s.received()) != n {
		b.Fatalf("finished %d, server received %d, want %d", done, len(s.received()), n)
	}
	b.ReportMetric(float64(n)/elapsed.Seconds(), "mails/s")
	b.ReportMetric(float64(elapsed.Microseconds())/float64(n), "µs/mail")
}
