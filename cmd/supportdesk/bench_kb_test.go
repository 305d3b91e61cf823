package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"desk"
	"desk/help"
	"desk/loadtest"
	"desk/postgres/pgtest"
	"desk/sqlite"
)

// kbBenchVersion names the cached SQLite fixture of BenchmarkHelpSearch;
// change it when the generated articles change.
const kbBenchVersion = 4

// helpQueries are what readers type into the help centre's search box,
// per language: single words, inflected forms, questions, half-typed words.
var helpQueries = map[string][]string{
	"en": {"password", "reset password", "mailbox full", "how do I share a file", "calendar sync", "spam", "forward mail to another address", "mfa", "invoice", "export data", "dkim", "shared mailbox permissions"},
	"nl": {"wachtwoord", "wachtwoorden opnieuw instellen", "postvak vol", "bestanden delen", "agenda synchroniseren", "spam", "doorsturen", "beheerder", "factuur", "gegevens exporteren", "gedeeld postvak", "aanmel"},
	"de": {"Passwort", "Kennwort zurücksetzen", "Postfach voll", "Dateien freigeben", "Kalender", "Spam", "Weiterleitung", "Anmeldung", "Rechnung", "Daten exportieren", "freigegebenes Postfach", "Kont"},
	"sv": {"lösenord", "losenord", "återställ lösenord", "brevlåda full", "dela filer", "kalender", "skräppost", "vidarebefordra", "faktura", "exportera data", "delad brevlåda", "inlogg"},
	"nb": {"passord", "tilbakestill passord", "postboks full", "dele filer", "kalender", "søppelpost", "videresending", "faktura", "eksportere data", "delt postboks", "pålogg", "administrator"},
}

// kbArticles generates n published articles, spread over the five
// languages, by recombining the titles and paragraphs of the shipped help
// texts of each language: varied text with a real language's words.
func kbArticles(n int) []desk.ArticleInput {
	rng := rand.New(rand.NewPCG(7, 7))
	type corpus struct {
		titles, paras []string
		cats          []string
	}
	byLang := map[string]*corpus{}
	for _, lang := range help.Languages {
		c := &corpus{}
		for _, h := range help.All(lang) {
			if h.Lang != lang {
				continue
			}
			c.titles = append(c.titles, h.Title)
			c.cats = append(c.cats, h.Category)
			for _, p := range strings.Split(h.Body, "\n\n") {
				if p = strings.TrimSpace(p); p != "" {
					c.paras = append(c.paras, p)
				}
			}
		}
		byLang[lang] = c
	}
	prods := []string{"mail", "calendar", "drive", "chat"}
	out := make([]desk.ArticleInput, 0, n)
	for i := range n {
		lang := help.Languages[i%len(help.Languages)]
		c := byLang[lang]
		t := rng.IntN(len(c.titles))
		var body []string
		for range 3 + rng.IntN(4) {
			body = append(body, c.paras[rng.IntN(len(c.paras))])
		}
		title := c.titles[t]
		if i >= len(help.Languages)*len(c.titles) {
			// A second title's first words make titles differ.
			other := strings.Fields(c.titles[rng.IntN(len(c.titles))])
			title += " – " + strings.Join(other[:min(2, len(other))], " ")
		}
		out = append(out, desk.ArticleInput{Key: fmt.Sprintf("bench-%06d", i/len(help.Languages)), Lang: lang,
			Title: title, Body: strings.Join(body, "\n\n"), Category: c.cats[t],
			Products: []string{prods[rng.IntN(len(prods))]}, Visibility: desk.VisibilityPublic})
	}
	return out
}

// seedKB stores the articles through the service, side by side so that
// writes are committed in groups.
func seedKB(b *testing.B, svc *desk.Service, ins []desk.ArticleInput) {
	b.Helper()
	ctx := context.Background()
	for _, p := range []string{"mail", "calendar", "drive", "chat"} {
		if err := svc.Store.PutProduct(ctx, &desk.Product{Code: p, Name: p}); err != nil {
			b.Fatal(err)
		}
	}
	editor := &desk.User{Email: "editor@vendor.example", Name: "Editor", Role: desk.RoleAgent, CreatedAt: time.Now()}
	if err := svc.Store.CreateUser(ctx, editor); err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	work := make(chan desk.ArticleInput)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for in := range work {
				if _, err := svc.ImportArticle(ctx, editor, in, time.Now()); err != nil {
					mu.Lock()
					first = err
					mu.Unlock()
				}
			}
		}()
	}
	for _, in := range ins {
		work <- in
	}
	close(work)
	wg.Wait()
	if first != nil {
		b.Fatal(first)
	}
}

// kbBenchSize is 50,000 articles, or 1,000 when the benchmark runs once
// (-benchtime 1x, as CI does), where building the large fixture would
// only check that the code runs.
func kbBenchSize() int {
	if f := flag.Lookup("test.benchtime"); f != nil && f.Value.String() == "1x" {
		return 1000
	}
	return 50000
}

// kbSQLite opens the SQLite fixture of n articles (cachedSQLite).
func kbSQLite(b *testing.B, n int) desk.Store {
	db := cachedSQLite(b, fmt.Sprintf("supportdesk-bench-kb-v%d-%d.db", kbBenchVersion, n), func(db *sqlite.DB) {
		start := time.Now()
		seedKB(b, desk.NewService(db, nil, nil, desk.SystemClock{}), kbArticles(n))
		tidySearch(b, db)
		b.Logf("stored %d articles in %v", n, time.Since(start).Round(time.Millisecond))
	})
	b.Cleanup(func() { db.Close() })
	return db
}

// cachedSQLite opens the SQLite fixture kept under the temporary
// directory by name, building it first with build when it is not there:
// building the big fixtures takes far longer than what is measured. It is
// built under another name and renamed when complete, so that a run
// stopped halfway leaves no fixture behind. The caller closes it.
func cachedSQLite(b *testing.B, name string, build func(db *sqlite.DB)) *sqlite.DB {
	ctx := context.Background()
	final := filepath.Join(os.TempDir(), name)
	open := func(path string) *sqlite.DB {
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		if err := db.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		return db
	}
	if _, err := os.Stat(final); os.IsNotExist(err) {
		tmp := fmt.Sprintf("%s.%d.tmp", final, os.Getpid())
		db := open(tmp)
		build(db)
		db.Close()
		for _, ext := range []string{"-wal", "-shm"} {
			os.Remove(tmp + ext)
		}
		if err := os.Rename(tmp, final); err != nil {
			b.Fatal(err)
		}
	}
	return open(final)
}

// BenchmarkHelpSearch measures the help centre's search as the public
// uses it: Service.SearchArticles over 50,000 published articles in five
// languages, from 16 concurrent clients, with ranking and snippets.
// docs/performance.md records the figures.
func BenchmarkHelpSearch(b *testing.B) {
	n := kbBenchSize()
	for _, eng := range []struct {
		name string
		open func(b *testing.B) desk.Store
	}{
		{"sqlite", func(b *testing.B) desk.Store { return kbSQLite(b, n) }},
		{"postgres", func(b *testing.B) desk.Store {
			db := pgtest.Open(b)
			seedKB(b, desk.NewService(db, nil, nil, desk.SystemClock{}), kbArticles(n))
			// Autovacuum would analyze the table soon after a bulk load;
			// the benchmark does not wait for it.
			if err := db.TidySearchIndexes(context.Background()); err != nil {
				b.Fatal(err)
			}
			return db
		}},
	} {
		b.Run(fmt.Sprintf("%s/articles=%d", eng.name, n), func(b *testing.B) {
			svc := desk.NewService(eng.open(b), nil, nil, desk.SystemClock{})
			type query struct{ lang, q string }
			var qs []query
			for _, lang := range help.Languages {
				for _, q := range helpQueries[lang] {
					qs = append(qs, query{lang, q})
				}
			}
			ctx := context.Background()
			// Every query must find something, or the benchmark measures
			// empty answers.
			for _, q := range qs {
				hits, err := svc.SearchArticles(ctx, nil, q.lang, q.q, desk.ArticleFilter{Limit: 10})
				if err != nil {
					b.Fatal(err)
				}
				if len(hits) == 0 {
					b.Logf("no hits for %s %q", q.lang, q.q)
				}
			}
			// Readers repeat the same questions, which the service's
			// cache answers; "uncached" makes every search new with an
			// exclusion of a word no article has, to measure the store and
			// the ranking.
			for _, mode := range []string{"repeated", "uncached"} {
				for _, clients := range []int{1, 2, 16} {
					b.Run(fmt.Sprintf("%s/clients=%d", mode, clients), func(b *testing.B) {
						// Each query's own times, logged with -v: the p99 of
						// the whole is usually a few kinds of query.
						per := make([]loadtest.Timer, len(qs))
						b.ResetTimer()
						r := loadtest.Run(clients, b.N, func(_, i int) error {
							q := qs[i%len(qs)]
							text := q.q
							if mode == "uncached" {
								// In front, so that the query's last word
								// stays the half-typed prefix it is.
								text = fmt.Sprintf("-zzq%d ", i) + text
							}
							t0 := time.Now()
							_, err := svc.SearchArticles(ctx, nil, q.lang, text, desk.ArticleFilter{Limit: 10})
							per[i%len(qs)].Add(time.Since(t0))
							return err
						})
						b.StopTimer()
						if r.Errors > 0 {
							b.Fatalf("%d errors", r.Errors)
						}
						report(b, r, "searches")
						if b.N >= 10*len(qs) {
							for i, q := range qs {
								p50, p99 := per[i].Percentiles()
								b.Logf("%s %-32q p50 %6.2f ms  p99 %6.2f ms", q.lang, q.q, float64(p50.Microseconds())/1000, float64(p99.Microseconds())/1000)
							}
						}
					})
				}
			}
		})
	}
}
