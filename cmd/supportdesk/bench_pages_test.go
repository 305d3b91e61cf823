package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"desk"
	"desk/loadtest"
)

// session signs a user in directly in the store and returns the cookie
// value, for benchmarks whose bulk users have no password.
func session(b *testing.B, s desk.Store, userID int64) string {
	b.Helper()
	token, hash := desk.NewToken()
	now := time.Now()
	if err := s.CreateSession(context.Background(), hash, &desk.Session{UserID: userID, CreatedAt: now, ExpiresAt: now.Add(desk.SessionIdle)},
		&desk.AuditEntry{At: now, ActorID: userID, Action: "session.sign_in", ObjectType: "user"}); err != nil {
		b.Fatal(err)
	}
	return token
}

func getPage(url, cookie string) error {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Cookie", "session="+cookie)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := httpClient.Do(req)
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

// BenchmarkPages measures the server time of the two busiest pages with
// 100,000 cases stored across 100 organisations, from 16 concurrent
// clients on SQLite: a support admin's inbox (their organisation's
// cases) and an agent's queue (every organisation's open cases by due
// time).
func BenchmarkPages(b *testing.B) {
	const orgs, perOrg, clients = 100, 1000, 16
	a := benchApp(b, benchSQLite(b))
	seedBulk(b, a, orgs, perOrg)
	ctx := context.Background()
	cookies := make([]string, orgs)
	for o := range orgs {
		u, err := a.Store.UserByEmail(ctx, fmt.Sprintf("admin%d@bulk.example", o))
		if err != nil {
			b.Fatal(err)
		}
		cookies[o] = session(b, a.Store, u.ID)
	}
	agent, err := a.Store.UserByEmail(ctx, "agent.nl@vendor.example")
	if err != nil {
		b.Fatal(err)
	}
	agentCookie := session(b, a.Store, agent.ID)
	// Server time: from the request reaching the handler to the last byte
	// written, without the clients' share of the two cores.
	var server loadtest.Timer
	h := a.server.Handler
	a.server.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h.ServeHTTP(w, r)
		server.Add(time.Since(start))
	})
	run := func(b *testing.B, do func(i int) error) {
		getPage(a.URL()+"/login", "") // warm up the connection pool
		server.Reset()
		b.ResetTimer()
		r := loadtest.Run(clients, b.N, func(_, i int) error { return do(i) })
		b.StopTimer()
		p50, p99 := server.Percentiles()
		b.ReportMetric(float64(p50.Microseconds())/1000, "server-p50-ms")
		b.ReportMetric(float64(p99.Microseconds())/1000, "server-p99-ms")
		report(b, r, "pages")
	}
	b.Run("inbox", func(b *testing.B) {
		run(b, func(i int) error { return getPage(a.URL()+"/cases", cookies[i%orgs]) })
	})
	b.Run("queue", func(b *testing.B) {
		run(b, func(i int) error { return getPage(a.URL()+"/console", agentCookie) })
	})
}
