package demo

import (
	"context"
	"testing"
	"time"

	"desk"
	"desk/help"
)

func TestSeedKnowledgeBase(t *testing.T) {
	svc := newService(t)
	ctx := context.Background()
	if err := Seed(ctx, svc); err != nil {
		t.Fatal(err)
	}
	// Every help text is a published article in its language, readable by
	// the public unless it is limited to the signed in.
	total := 0
	for _, lang := range help.Languages {
		want := 0
		for _, h := range help.All(lang) {
			if h.Lang == lang {
				want++
			}
		}
		list, err := svc.Articles(ctx, user(t, svc, "sam@vendor.example"), desk.ArticleFilter{Lang: lang, Limit: desk.MaxArticleLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != want || want == 0 {
			t.Errorf("%s: %d articles, want %d", lang, len(list), want)
		}
		for _, a := range list {
			if a.State != desk.ArticlePublished || a.PublishedAt == nil {
				t.Errorf("%s/%s is %s", a.Key, a.Lang, a.State)
			}
		}
		total += len(list)
	}
	// Readers find them through search in their language.
	for lang, q := range map[string]string{"en": "password", "nl": "wachtwoord", "de": "Passwort", "sv": "lösenord", "nb": "passord"} {
		hits, err := svc.SearchArticles(ctx, nil, lang, q, desk.ArticleFilter{})
		if err != nil || len(hits) == 0 {
			t.Errorf("search %s %q: %d hits, %v", lang, q, len(hits), err)
		}
	}

	// The articles alone on a second store, timed for the log only: a
	// machine's speed is no test of behaviour.
	svc2 := newService(t)
	for _, p := range products {
		if err := svc2.Store.PutProduct(ctx, &p); err != nil {
			t.Fatal(err)
		}
	}
	author := &desk.User{Email: "editor@vendor.example", Name: "Editor", Role: desk.RoleAgent, CreatedAt: time.Now()}
	if err := svc2.Store.CreateUser(ctx, author); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := writeArticles(ctx, svc2, time.Now(), author); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeding %d articles took %v", total, time.Since(start))
}
