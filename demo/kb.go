package demo

import (
	"context"
	"fmt"
	"sync"
	"time"

	"desk"
	"desk/help"
)

// writeArticles publishes the help texts the desk ships with (package
// help) in every language they exist in as the knowledge base, written by
// a vendor staff member.
func writeArticles(ctx context.Context, svc *desk.Service, now time.Time, author *desk.User) error {
	var ins []desk.ArticleInput
	for _, lang := range help.Languages {
		for _, h := range help.All(lang) {
			if h.Lang != lang {
				continue // not translated: All gave the English text
			}
			vis := desk.VisibilityPublic
			if h.Visibility == help.SignedIn {
				vis = desk.VisibilitySignedIn
			}
			ins = append(ins, desk.ArticleInput{Key: h.ID, Lang: lang, Title: h.Title, Body: h.Body,
				Category: h.Category, Products: h.Products, Visibility: vis})
		}
	}
	// A few writes run side by side so that SQLite commits them in
	// groups: one at a time, each waiting for its own fsync, would make
	// seeding a couple of hundred articles take seconds. A few, not
	// many: on PostgreSQL each takes a connection of its own.
	published := now.Add(-60 * 24 * time.Hour)
	var wg sync.WaitGroup
	errs := make([]error, len(ins))
	sem := make(chan struct{}, 8)
	for i, in := range ins {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			_, errs[i] = svc.ImportArticle(ctx, author, in, published)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("article %s/%s: %w", ins[i].Key, ins[i].Lang, err)
		}
	}
	return nil
}
