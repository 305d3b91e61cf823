package status

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"desk"
	"desk/loadtest"
)

// BenchmarkStatusPage measures the status page under a crowd: 64
// concurrent keep-alive clients over loopback alternate between the page
// (/status) and the Statuspage summary, both gzipped, while a status
// manager posts an update every 30 seconds and the page rebuilds from the
// bus. The data is a busy quarter (seedBusy). It also reports what a
// rebuild costs: store queries, and time for the first and for one that
// finds nothing new.
func BenchmarkStatusPage(b *testing.B) {
	const clients = 64
	e := newEnv(b)
	e.page.Bus = e.bus
	// The page's clock is the wall clock, so that the periodic rebuild
	// and the publisher's posts move time as they would in production.
	e.page.Clock = desk.SystemClock{}
	active := seedBusy(e)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.store.reset()
	t0 := time.Now()
	if err := e.page.Start(ctx); err != nil {
		b.Fatal(err)
	}
	cold := time.Since(t0)
	queries := e.store.incidents.Load() + e.store.components.Load()
	// A rebuild with nothing new, as the periodic one mostly is, reuses
	// the incident pages and compressed bodies of the previous snapshot.
	t0 = time.Now()
	if err := e.page.Rebuild(ctx); err != nil {
		b.Fatal(err)
	}
	warm := time.Since(t0)
	srv := httptest.NewServer(e.page.Handler())
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, DisableCompression: true}}
	defer client.CloseIdleConnections()
	urls := []string{srv.URL + "/status", srv.URL + "/api/v2/summary.json"}
	get := func(url string) error {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		// Set by hand so that the transport leaves the body compressed,
		// as a browser's cache would keep it; decompressing would bill
		// the clients' share of the two cores to the server.
		req.Header.Set("Accept-Encoding", "gzip")
		req.Header.Set("Accept-Language", "nl-NL,nl;q=0.9,en;q=0.8")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %d", url, resp.StatusCode)
		}
		return nil
	}
	// Warm up the connection pool, so that the run measures keep-alive
	// requests rather than 64 TCP handshakes.
	warmup := loadtest.Run(clients, clients*4, func(_, i int) error { return get(urls[i%2]) })
	if warmup.Errors > 0 {
		b.Fatalf("warm-up: %v", warmup)
	}

	// The publisher posts every 30 seconds for as long as the run lasts.
	done := make(chan struct{})
	published := make(chan int)
	// visible is the longest time from a post's commit to the page
	// showing it, read through the handler as a reader would.
	var visible time.Duration
	handler := e.page.Handler()
	go func() {
		n := 0
		defer func() { published <- n }()
		tick := time.NewTicker(30 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				text := fmt.Sprintf("Still working on it (%d).", n)
				if _, err := e.svc.PostUpdate(ctx, e.stan, active[n%2].ID, desk.IncidentUpdate{Body: text}); err != nil {
					b.Error(err)
				}
				t0 := time.Now()
				for {
					w := httptest.NewRecorder()
					handler.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/v2/incidents/unresolved.json", nil))
					if strings.Contains(w.Body.String(), text) || time.Since(t0) > 10*time.Second {
						break
					}
					time.Sleep(time.Millisecond)
				}
				visible = max(visible, time.Since(t0))
				n++
			}
		}
	}()
	b.ResetTimer()
	r := loadtest.Run(clients, b.N, func(_, i int) error { return get(urls[i%2]) })
	b.StopTimer()
	close(done)
	posts := <-published
	b.ReportMetric(r.PerSecond(), "req/s")
	b.ReportMetric(float64(r.P50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(r.P99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(posts), "posts")
	if posts > 0 {
		b.ReportMetric(float64(visible.Microseconds())/1000, "post-visible-ms")
	}
	b.ReportMetric(float64(queries), "queries/rebuild")
	b.ReportMetric(float64(cold.Microseconds())/1000, "first-rebuild-ms")
	b.ReportMetric(float64(warm.Microseconds())/1000, "rebuild-ms")
	b.ReportMetric(0, "ns/op") // wall time per op says little with concurrent clients
	if r.Errors > 0 {
		b.Fatalf("%d of %d requests failed", r.Errors, r.Requests)
	}
}

// seedBusy stores a busy quarter ending now: five services with three
// feature groups each, 40 past incidents with three posts each, two
// active incidents (returned) and a maintenance ahead.
func seedBusy(e *env) (active []*desk.Incident) {
	e.clock.Set(time.Now().UTC().Add(-89 * 24 * time.Hour))
	for s := range 5 {
		code := fmt.Sprintf("svc%d", s)
		if _, err := e.svc.PutComponent(e.ctx, e.stan, desk.Component{Code: code, Name: "Service " + code, Position: 10 + s*4}); err != nil {
			e.t.Fatal(err)
		}
		for g := range 3 {
			if _, err := e.svc.PutComponent(e.ctx, e.stan, desk.Component{Code: fmt.Sprintf("%s-g%d", code, g), Name: fmt.Sprintf("Group %d", g), Parent: code, Position: 11 + s*4 + g}); err != nil {
				e.t.Fatal(err)
			}
		}
	}
	for i := range 40 {
		inc := e.incident(desk.NewIncident{Title: fmt.Sprintf("Past incident %d", i), Public: true, Impact: desk.ImpactMajor,
			Affected: []desk.Affected{{Component: fmt.Sprintf("svc%d-g%d", i%5, i%3), Status: desk.ComponentPartialOutage}},
			Body:     "We are investigating **reports** of errors."})
		e.clock.Add(90 * time.Minute)
		e.post(inc.ID, desk.IncidentUpdate{Status: desk.IncidentIdentified, Body: "The cause is known: a failed disk."})
		e.clock.Add(90 * time.Minute)
		e.post(inc.ID, desk.IncidentUpdate{Status: desk.IncidentRestored, Body: "Service is back to normal."})
		e.clock.Add(2 * 24 * time.Hour)
	}
	e.clock.Set(time.Now().UTC())
	for i := range 2 {
		active = append(active, e.incident(desk.NewIncident{Title: fmt.Sprintf("Active incident %d", i), Public: true, Impact: desk.ImpactCritical,
			Affected: []desk.Affected{{Component: fmt.Sprintf("svc%d", i), Status: desk.ComponentMajorOutage}},
			Body:     "Investigating."}))
	}
	start, end := time.Now().UTC().Add(24*time.Hour), time.Now().UTC().Add(26*time.Hour)
	e.incident(desk.NewIncident{Kind: desk.KindMaintenance, Title: "Database upgrade", Public: true, StartedAt: &start, ScheduledEnd: &end,
		Affected: []desk.Affected{{Component: "svc3"}}, Body: "Read-only for two hours."})

	return active
}
