package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"desk"
	"desk/loadtest"
	"desk/postgres/pgtest"
	"desk/sqlite"
)

// The benchmarks run the whole node (HTTP server on loopback, service,
// store) and drive it with concurrent HTTP clients. Each reports
// throughput and latency percentiles; docs/performance.md records the
// figures and how to reproduce them.

// benchApp starts a node on the given store, seeded with demo data.
func benchApp(b *testing.B, s store) *App {
	b.Helper()
	cfg := DefaultConfig()
	cfg.Addr, cfg.DataDir, cfg.Demo = "127.0.0.1:0", b.TempDir(), true
	a := &App{Config: cfg, Logger: discardLogger(), Store: s}
	if err := a.Open(context.Background()); err != nil {
		b.Fatal(err)
	}
	go a.Serve()
	b.Cleanup(func() { a.Close() })
	return a
}

func benchSQLite(b *testing.B) store {
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "desk.db"))
	if err != nil {
		b.Fatal(err)
	}
	if err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	return db
}

var engines = []struct {
	name string
	open func(b *testing.B) store
}{
	{"sqlite", benchSQLite},
	{"postgres", func(b *testing.B) store { return pgtest.Open(b) }},
}

// httpClient keeps enough idle connections for every benchmark client.
var httpClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 0}}

func apiToken(b *testing.B, s desk.Store, email string) string {
	b.Helper()
	tok, err := newToken(context.Background(), s, email)
	if err != nil {
		b.Fatal(err)
	}
	return tok
}

func send(method, url, token string, body []byte, want int) error {
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %d", method, url, resp.StatusCode)
	}
	return nil
}

func report(b *testing.B, r loadtest.Result, unit string) {
	b.ReportMetric(r.PerSecond(), unit+"/s")
	b.ReportMetric(float64(r.P50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(r.P99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(0, "ns/op") // wall time per op says little with concurrent clients
	if r.Errors > 0 {
		b.Fatalf("%d of %d requests failed", r.Errors, r.Requests)
	}
}

// BenchmarkCreateCase measures durable case creation through the API:
// each 201 means the case is committed to disk.
func BenchmarkCreateCase(b *testing.B) {
	for _, eng := range engines {
		b.Run(eng.name, func(b *testing.B) {
			a := benchApp(b, eng.open(b))
			tok := apiToken(b, a.Store, "carl@contoso.example")
			body, _ := json.Marshal(map[string]any{
				"product": "mail", "category": "technical", "severity": "normal",
				"title": "Messages to one domain bounce", "description": "Since this morning every message to partner.example bounces with 550 5.7.1.",
			})
			url := a.URL() + "/api/v1/cases"
			for _, clients := range []int{1, 32} {
				b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
					b.ResetTimer()
					r := loadtest.Run(clients, b.N, func(int, int) error { return send("POST", url, tok, body, 201) })
					b.StopTimer()
					report(b, r, "cases")
				})
			}
		})
	}
}

// seedBulk stores orgs organisations with perOrg cases each, none of them
// resolved, through the store's import path.
func seedBulk(b *testing.B, a *App, orgs, perOrg int) []string {
	b.Helper()
	ctx := context.Background()
	s := a.Store
	tokens := make([]string, orgs)
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	statuses := []desk.Status{desk.StatusNew, desk.StatusOpen, desk.StatusActionRequired, desk.StatusOpen}
	for o := range orgs {
		org := &desk.Org{Name: fmt.Sprintf("Bulk %d", o), TimeZone: "Europe/Amsterdam", Language: "en", CreatedAt: start}
		if err := s.CreateOrg(ctx, org); err != nil {
			b.Fatal(err)
		}
		if err := s.PutSubscription(ctx, &desk.Subscription{OrgID: org.ID, Product: "mail", Plan: "business"}); err != nil {
			b.Fatal(err)
		}
		u := &desk.User{OrgID: org.ID, Email: fmt.Sprintf("admin%d@bulk.example", o), Name: "Admin", Role: desk.RoleSupportAdmin, Language: "en", TimeZone: "UTC", CreatedAt: start}
		if err := s.CreateUser(ctx, u); err != nil {
			b.Fatal(err)
		}
		h := sha256.Sum256([]byte(fmt.Sprintf("bulk-token-%d", o)))
		if err := s.CreateToken(ctx, u.ID, h[:], start); err != nil {
			b.Fatal(err)
		}
		tokens[o] = fmt.Sprintf("bulk-token-%d", o)
		for done := 0; done < perOrg; {
			var batch []*desk.CaseChange
			for ; done < perOrg && len(batch) < 500; done++ {
				at := start.Add(time.Duration(done) * time.Minute)
				c := &desk.Case{OrgID: org.ID, Product: "mail", Category: desk.CategoryTechnical, Severity: desk.Severities[done%4],
					Status: statuses[done%4], Title: fmt.Sprintf("Bulk case %d of org %d", done, o), Description: "Seeded for the list benchmark.",
					Language: "en", ContactMethod: desk.ContactEmail, Plan: "business", CreatedBy: u.ID, Source: "import",
					CreatedAt: at, UpdatedAt: at, Version: 1}
				batch = append(batch, &desk.CaseChange{Case: c,
					Messages: []*desk.Message{{Kind: desk.MessageEvent, Body: "case imported", Channel: "import", CreatedAt: at}},
					Audit:    []*desk.AuditEntry{{At: at, OrgID: org.ID, Action: "case.import", ObjectType: "case"}}})
			}
			if err := s.ImportCases(ctx, batch); err != nil {
				b.Fatal(err)
			}
		}
	}
	return tokens
}

// BenchmarkListOpenCases measures listing one organisation's open cases,
// 10 a page, with 100,000 cases stored across 100 organisations, from 16
// concurrent clients: the first page, and page 100 (reached by cursor).
func BenchmarkListOpenCases(b *testing.B) {
	const orgs, perOrg, pageSize, clients = 100, 1000, 10, 16
	for _, eng := range engines {
		b.Run(eng.name, func(b *testing.B) {
			a := benchApp(b, eng.open(b))
			tokens := seedBulk(b, a, orgs, perOrg)
			list := a.URL() + fmt.Sprintf("/api/v1/cases?status=new,open,action_required&limit=%d", pageSize)
			// Walk each organisation to page 100 once to learn its cursor.
			page100 := make([]string, orgs)
			for o, tok := range tokens {
				cursor := ""
				for range 99 {
					req, _ := http.NewRequest("GET", list+"&cursor="+cursor, nil)
					req.Header.Set("Authorization", "Bearer "+tok)
					resp, err := httpClient.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					var p struct {
						NextCursor string `json:"next_cursor"`
					}
					json.NewDecoder(resp.Body).Decode(&p)
					resp.Body.Close()
					cursor = p.NextCursor
				}
				if cursor == "" {
					b.Fatalf("org %d has no page 100", o)
				}
				page100[o] = list + "&cursor=" + cursor
			}
			for _, page := range []int{1, 100} {
				b.Run(fmt.Sprintf("page=%d", page), func(b *testing.B) {
					b.ResetTimer()
					r := loadtest.Run(clients, b.N, func(_, i int) error {
						o := i % orgs
						url := list
						if page == 100 {
							url = page100[o]
						}
						return send("GET", url, tokens[o], nil, 200)
					})
					b.StopTimer()
					report(b, r, "lists")
				})
			}
		})
	}
}
