package desk_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"desk"
)

// spellArticles publishes a few articles in English, Dutch and Swedish and
// a draft whose words must never be offered.
func spellArticles(t *testing.T, e *env) {
	t.Helper()
	for _, in := range []desk.ArticleInput{
		article(),
		{Key: "mailbox-quota", Lang: "en", Title: "Mailbox quota", Body: "Each mailbox holds 50 GB of mail.", Category: "mail"},
		{Key: "password-reset", Lang: "nl", Title: "Wachtwoord opnieuw instellen",
			Body: "Een beheerder stelt het wachtwoord van een gebruiker opnieuw in.", Category: "sign-in"},
		{Key: "password-reset", Lang: "sv", Title: "Återställ lösenord",
			Body: "En administratör återställer en användares lösenord.", Category: "sign-in"},
	} {
		a, err := e.svc.CreateArticle(e.ctx, e.agent, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.PublishArticle(e.ctx, e.agent, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.svc.CreateArticle(e.ctx, e.agent, desk.ArticleInput{Key: "merger", Lang: "en",
		Title: "Our acquisition by Northwind", Body: "Secret until announced.", Category: "billing"}); err != nil {
		t.Fatal(err)
	}
}

func keys(hits []*desk.ArticleHit) []string {
	out := []string{}
	for _, h := range hits {
		out = append(out, h.Article.Key)
	}
	return out
}

// TestSearchCorrectsTypingErrors: a short query that finds nothing is
// corrected to the nearest terms the published articles of its language
// have, searched again and reported in words a reader recognises; a query
// that finds something, a word of two letters and a word nothing is near
// are left as typed.
func TestSearchCorrectsTypingErrors(t *testing.T) {
	e := newEnv(t)
	spellArticles(t, e)
	for _, tt := range []struct {
		name, lang, q string
		corrected     string
		want          []string
	}{
		{"one letter missing", "en", "pasword", "password", []string{"password-reset"}},
		{"the last word complete", "en", "pasword ", "password", []string{"password-reset"}},
		{"two letters swapped", "en", "passowrd", "password", []string{"password-reset"}},
		{"Dutch", "nl", "wachtwoort", "wachtwoord", []string{"password-reset"}},
		// The index holds "losenord"; the reader is shown the word the
		// article has.
		{"Swedish, shown with its accent", "sv", "losenrd", "lösenord", []string{"password-reset"}},
		// Of two words, only the unknown one is corrected; without the
		// correction the search would fall back to articles with
		// either word.
		{"the unknown of two words", "en", "Reset pasword", "Reset password", []string{"password-reset"}},
		{"both of two words", "en", "mailbx qouta", "mailbox quota", []string{"mailbox-quota"}},
		{"a short word by one letter", "en", "mial", "mail", []string{"mailbox-quota"}},
		// What finds something is not corrected.
		{"a hit", "en", "password", "", []string{"password-reset"}},
		{"a hit by prefix", "en", "passw", "", []string{"password-reset"}},
		// Two letters are never corrected ("gb" is one letter away).
		{"two letters", "en", "gd", "", nil},
		// Nothing within the distance: nothing, as before.
		{"nothing near", "en", "xylophone", "", nil},
		{"too far for a short word", "en", "mxyl", "", nil},
		// A word only a draft has is never offered ("acquisition").
		{"a draft's word", "en", "acquisiton", "", nil},
		// An English word is not corrected to a Dutch one.
		{"another language's word", "en", "wachtwoort", "", nil},
		// Longer questions are left to the any-word fallback.
		{"three words", "en", "reset pasword quickly", "", []string{"password-reset"}},
	} {
		res, err := e.svc.SearchArticlesCorrected(e.ctx, nil, tt.lang, tt.q, desk.ArticleFilter{})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		want := tt.want
		if want == nil {
			want = []string{}
		}
		if res.Corrected != tt.corrected || !slices.Equal(keys(res.Hits), want) {
			t.Errorf("%s: %s %q = corrected %q, %v; want %q, %v", tt.name, tt.lang, tt.q, res.Corrected, keys(res.Hits), tt.corrected, want)
		}
	}
	// SearchArticles searches what was typed, as before.
	if hits, err := e.svc.SearchArticles(e.ctx, nil, "en", "pasword", desk.ArticleFilter{}); err != nil || len(hits) != 0 {
		t.Errorf("exact search = %v, %v", keys(hits), err)
	}
	// Bad input is refused as by SearchArticles.
	if _, err := e.svc.SearchArticlesCorrected(e.ctx, nil, "xx", "pasword", desk.ArticleFilter{}); desk.ErrorCode(err) != "invalid_language" {
		t.Errorf("unknown language: %v", err)
	}
	if res, err := e.svc.SearchArticlesCorrected(e.ctx, nil, "en", "  ", desk.ArticleFilter{}); err != nil || len(res.Hits) != 0 || res.Corrected != "" {
		t.Errorf("empty query = %+v, %v", res, err)
	}
}

// TestSearchCorrectionFollowsWrites: the vocabulary is cached, but a
// newly published word is offered at once on the node that published it
// and, once the event arrives, on another.
func TestSearchCorrectionFollowsWrites(t *testing.T) {
	e := newEnv(t)
	spellArticles(t, e)
	corrected := func() string {
		t.Helper()
		res, err := e.svc.SearchArticlesCorrected(e.ctx, nil, "en", "quarantne", desk.ArticleFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return res.Corrected
	}
	if got := corrected(); got != "" {
		t.Fatalf("before the article: %q", got)
	}
	in := desk.ArticleInput{Key: "quarantine", Lang: "en", Title: "Release mail from quarantine", Body: "Open the quarantine.", Category: "mail"}
	a, err := e.svc.CreateArticle(e.ctx, e.agent, in)
	if err != nil {
		t.Fatal(err)
	}
	if got := corrected(); got != "" {
		t.Fatalf("a draft's word was offered: %q", got)
	}
	if _, err := e.svc.PublishArticle(e.ctx, e.agent, a.ID); err != nil {
		t.Fatal(err)
	}
	// The index holds "quarantin"; the reader reads "quarantine".
	if got := corrected(); got != "quarantine" {
		t.Fatalf("after publishing: %q", got)
	}

	// Another node publishes a word; this node offers it once the event
	// arrives.
	other := desk.NewService(e.svc.Store, nil, nil, e.clock)
	b, err := other.CreateArticle(e.ctx, e.agent, desk.ArticleInput{Key: "retention", Lang: "en",
		Title: "Retention policies", Body: "Keep mail for seven years.", Category: "mail"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.PublishArticle(e.ctx, e.agent, b.ID); err != nil {
		t.Fatal(err)
	}
	search := func() *desk.ArticleResults {
		t.Helper()
		res, err := e.svc.SearchArticlesCorrected(e.ctx, nil, "en", "retenton", desk.ArticleFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := search(); res.Corrected != "" {
		t.Fatalf("offered before the event: %q", res.Corrected)
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	go e.svc.FollowCatalogue(ctx)
	time.Sleep(20 * time.Millisecond) // let it subscribe
	e.svc.Bus.Publish(e.ctx, desk.Event{Type: desk.EventArticlesChanged})
	deadline := time.Now().Add(5 * time.Second)
	for res := search(); res.Corrected != "retention" || len(res.Hits) != 1; res = search() {
		if time.Now().After(deadline) {
			t.Fatalf("the other node's article never corrected: %+v", res)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
