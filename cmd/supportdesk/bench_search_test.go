package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"desk"
	"desk/demo"
	"desk/loadtest"
	"desk/postgres/pgtest"
	"desk/sqlite"
)

// Case search benchmarks. The full fixture (100,000 cases with 10
// timeline entries each: 1,000,000 messages) is built only when a
// benchmark runs more than once (b.N > 1), so that CI's -benchtime 1x
// stays quick on a small one.

// searchWords are common words of support cases; every message draws
// most of its words from them and the rest from a long tail of rarer
// made-up product terms, so that queries meet both very common and rare
// terms.
var searchWords = strings.Fields(`password reset account locked mailbox quota calendar invite meeting room
	printer driver update install error message login failed certificate expired domain dns record
	mx spf dkim bounce delivery delayed sync folder share permission admin user license billing invoice
	payment refund upgrade plan storage drive file upload download slow timeout browser cache cookie
	session token api key webhook integration mobile app phone android iphone outlook client server
	network vpn firewall proxy latency outage incident restore backup archive retention policy export
	import migration tenant group alias forward rule spam filter quarantine attachment size limit
	encryption security audit log report dashboard notification alert setting language time zone`)

// searchFixture is a benchmark node with stored cases and the tokens of
// an agent and of one organisation's admin.
type searchFixture struct {
	app             *App
	agent, customer string
	messages        int
}

// seedSearch stores orgs organisations with perOrg cases each, every case
// with msgs timeline entries (one in ten an internal note), through the
// store's import path, which indexes them.
func seedSearch(b *testing.B, s desk.Store, orgs, perOrg, msgs int) (customer string) {
	b.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	text := func(n int) string {
		var sb strings.Builder
		for i := range n {
			if i > 0 {
				sb.WriteByte(' ')
			}
			if rng.IntN(10) < 8 {
				sb.WriteString(searchWords[rng.IntN(len(searchWords))])
			} else {
				fmt.Fprintf(&sb, "prod%dx", rng.IntN(20000))
			}
		}
		return sb.String()
	}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	statuses := []desk.Status{desk.StatusNew, desk.StatusOpen, desk.StatusActionRequired, desk.StatusResolved, desk.StatusClosed}
	for o := range orgs {
		org := &desk.Org{Name: fmt.Sprintf("Search %d", o), TimeZone: "UTC", Language: "en", CreatedAt: start}
		if err := s.CreateOrg(ctx, org); err != nil {
			b.Fatal(err)
		}
		u := &desk.User{OrgID: org.ID, Email: fmt.Sprintf("admin%d@search.example", o), Name: "Admin", Role: desk.RoleSupportAdmin, Language: "en", TimeZone: "UTC", CreatedAt: start}
		if err := s.CreateUser(ctx, u); err != nil {
			b.Fatal(err)
		}
		if o == 0 {
			customer = searchBenchToken
			h := sha256.Sum256([]byte(customer))
			if err := s.CreateToken(ctx, u.ID, h[:], start); err != nil {
				b.Fatal(err)
			}
		}
		for done := 0; done < perOrg; {
			var batch []*desk.CaseChange
			for ; done < perOrg && len(batch) < 200; done++ {
				at := start.Add(time.Duration(o*perOrg+done) * time.Minute)
				c := &desk.Case{OrgID: org.ID, Product: "mail", Category: desk.CategoryTechnical, Severity: desk.Severities[done%4],
					Status: statuses[done%5], Title: text(6), Description: text(30), Language: "en", ContactMethod: desk.ContactEmail,
					Plan: "business", CreatedBy: u.ID, Source: "import", CreatedAt: at, UpdatedAt: at, Version: 1}
				ms := make([]*desk.Message, msgs)
				for i := range ms {
					kind := desk.MessagePublic
					if i%10 == 9 {
						kind = desk.MessageInternal
					}
					ms[i] = &desk.Message{Kind: kind, Body: text(15 + rng.IntN(25)), Channel: "import", FromStaff: i%2 == 1, CreatedAt: at.Add(time.Duration(i) * time.Second)}
				}
				batch = append(batch, &desk.CaseChange{Case: c, Messages: ms})
			}
			if err := s.ImportCases(ctx, batch); err != nil {
				b.Fatal(err)
			}
		}
	}
	return customer
}

// searchBenchToken is the customer admin's API token in the case search
// fixture.
const searchBenchToken = "search-bench-token"

// tidySearch does what `supportdesk reindex` does after its bulk writes,
// and what autovacuum or FTS5's own merging would do over time.
func tidySearch(b *testing.B, s store) {
	t0 := time.Now()
	if err := s.TidySearchIndexes(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Logf("tidied the search indexes in %s", time.Since(t0).Round(time.Millisecond))
}

// casesSearchVersion names the layout of the cached case search fixture;
// raise it when the fixture or the schema changes.
const casesSearchVersion = 1

// casesSQLite opens the big SQLite case search fixture (the demo data and
// orgs×perOrg cases of ten messages each; cachedSQLite).
func casesSQLite(b *testing.B, orgs, perOrg int) store {
	name := fmt.Sprintf("supportdesk-bench-cases-v%d-%d.db", casesSearchVersion, orgs*perOrg)
	return cachedSQLite(b, name, func(db *sqlite.DB) {
		t0 := time.Now()
		if err := demo.SeedScheme(context.Background(), desk.NewService(db, nil, nil, desk.SystemClock{}), DefaultConfig().SLAScheme); err != nil {
			b.Fatal(err)
		}
		seedSearch(b, db, orgs, perOrg, 10)
		tidySearch(b, db)
		b.Logf("sqlite: stored and indexed %d cases with %d messages in %s", orgs*perOrg, orgs*perOrg*10, time.Since(t0).Round(time.Second))
	})
}

// BenchmarkCaseSearch measures GET /api/v1/search/cases from 16
// concurrent clients: an agent searching every organisation, and a
// customer admin searching their organisation's 1,000 cases, over
// 1,000,000 messages (with b.N > 1), with queries from common words to
// rare ones and with filters.
func BenchmarkCaseSearch(b *testing.B) {
	queries := []string{
		"q=password+reset", "q=mailbox", "q=certificate+expired+domain", "q=prod123x", "q=prod77x+bounce",
		"q=printer+drivers&status=open,new", "q=sync+folder&severity=critical", "q=invoice+refund&from=2024-02-01&to=2024-03-01",
		"q=vpn+-firewall", "q=webho",
	}
	for _, eng := range engines {
		b.Run(eng.name, func(b *testing.B) {
			fixtures := map[bool]*searchFixture{}
			fixture := func(big bool) *searchFixture {
				if fx := fixtures[big]; fx != nil {
					return fx
				}
				orgs, perOrg := 5, 20
				if big {
					orgs, perOrg = 100, 1000
				}
				var a *App
				var cust string
				switch {
				case big && eng.name == "sqlite":
					a = benchApp(b, casesSQLite(b, orgs, perOrg))
					cust = searchBenchToken
				case big:
					// Built once (minutes) and kept in its own schema.
					db, ready := pgtest.OpenKept(b, fmt.Sprintf("bench_cases_v%d", casesSearchVersion))
					a, cust = benchApp(b, db), searchBenchToken
					if !ready {
						t0 := time.Now()
						seedSearch(b, db, orgs, perOrg, 10)
						tidySearch(b, db)
						pgtest.MarkReady(b, db)
						b.Logf("postgres: stored and indexed %d cases with %d messages in %s", orgs*perOrg, orgs*perOrg*10, time.Since(t0).Round(time.Second))
					}
				default:
					a = benchApp(b, eng.open(b))
					t0 := time.Now()
					cust = seedSearch(b, a.Store, orgs, perOrg, 10)
					tidySearch(b, a.Store)
					if big {
						b.Logf("%s: stored and indexed %d cases with %d messages in %s", eng.name, orgs*perOrg, orgs*perOrg*10, time.Since(t0).Round(time.Second))
					}
				}
				fx := &searchFixture{app: a, agent: apiToken(b, a.Store, "agent.nl@vendor.example"), customer: cust, messages: orgs * perOrg * 10}
				fixtures[big] = fx
				return fx
			}
			for _, who := range []string{"agent", "customer"} {
				b.Run(who, func(b *testing.B) {
					fx := fixture(b.N > 1)
					tok := fx.agent
					if who == "customer" {
						tok = fx.customer
					}
					base := fx.app.URL() + "/api/v1/search/cases?lang=en&limit=20&"
					// Each query's own times, logged with -v: the p99 of
					// the whole is usually one kind of query.
					per := make([]loadtest.Timer, len(queries))
					b.ResetTimer()
					r := loadtest.Run(16, b.N, func(_, i int) error {
						t0 := time.Now()
						err := send("GET", base+queries[i%len(queries)], tok, nil, 200)
						per[i%len(queries)].Add(time.Since(t0))
						return err
					})
					b.StopTimer()
					report(b, r, "searches")
					if b.N >= 10*len(queries) {
						for i, q := range queries {
							p50, p99 := per[i].Percentiles()
							b.Logf("%-50s p50 %6.1f ms  p99 %6.1f ms", q, float64(p50.Microseconds())/1000, float64(p99.Microseconds())/1000)
						}
					}
				})
			}
		})
	}
}

// BenchmarkReindex measures rebuilding the case search index from
// scratch: 20,000 cases with 200,000 messages (with b.N > 1; 2,000 messages
// otherwise) besides the demo's, reported as entries per second.
func BenchmarkReindex(b *testing.B) {
	for _, eng := range engines {
		b.Run(eng.name, func(b *testing.B) {
			s := benchApp(b, eng.open(b)).Store
			cases := 200
			if b.N > 1 {
				cases = 20000
			}
			seedSearch(b, s, 10, cases/10, 10)
			ctx := context.Background()
			b.ResetTimer()
			start := time.Now()
			entries := 0
			for range b.N {
				n, err := s.ReindexCases(ctx, reindexBatch, nil)
				if err != nil {
					b.Fatal(err)
				}
				entries += n
			}
			b.StopTimer()
			// An entry is a message, or a case's title and description
			// (one in eleven here).
			b.ReportMetric(float64(entries)/time.Since(start).Seconds(), "entries/s")
			b.ReportMetric(0, "ns/op")
		})
	}
}
