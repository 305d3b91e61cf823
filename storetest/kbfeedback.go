package storetest

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"desk"
	"desk/textsearch"
)

// testArticleVotes: votes come back newest first, a page at a time by a
// before-id cursor, with or without those lacking a comment, each with
// the id AddArticleVote set; other articles' votes never show.
func testArticleVotes(t *testing.T, f *fixture) {
	clock := &kbClock{t: base}
	svc := desk.NewService(f.s, nil, nil, clock)
	mk := func(key string) *desk.Article {
		a, err := svc.CreateArticle(f.ctx, f.agent, desk.ArticleInput{Key: key, Lang: "en", Title: "Forward mail",
			Body: "Set a rule.", Category: "mail", Visibility: desk.VisibilityPublic})
		must(t, err)
		a, err = svc.PublishArticle(f.ctx, f.agent, a.ID)
		must(t, err)
		return a
	}
	a, other := mk("votes-a"), mk("votes-b")
	votes := []*desk.ArticleVote{
		{ArticleID: a.ID, Helpful: true, Comment: ""},
		{ArticleID: a.ID, Helpful: false, Comment: "It did not say how to stop forwarding.", UserID: f.admin1.ID, OrgID: f.org1.ID},
		{ArticleID: other.ID, Helpful: false, Comment: "Another article's comment."},
		{ArticleID: a.ID, Helpful: true, Comment: "Clear <b>steps</b> & no jargon.", UserID: f.admin2.ID, OrgID: f.org2.ID},
		{ArticleID: a.ID, Helpful: false, Comment: ""},
		{ArticleID: a.ID, Helpful: true, Comment: "Thanks."},
	}
	for i, v := range votes {
		v.CreatedAt = base.Add(time.Duration(i) * time.Minute)
		must(t, f.s.AddArticleVote(f.ctx, v))
		if v.ID == 0 || (i > 0 && v.ID <= votes[i-1].ID) {
			t.Fatalf("vote %d has id %d after %d", i, v.ID, votes[max(i-1, 0)].ID)
		}
	}
	list := func(q desk.VoteQuery) []*desk.ArticleVote {
		t.Helper()
		got, err := f.s.ArticleVotes(f.ctx, q)
		must(t, err)
		return got
	}
	ids := func(vs []*desk.ArticleVote) []int64 {
		out := []int64{}
		for _, v := range vs {
			out = append(out, v.ID)
		}
		return out
	}
	want := func(is ...int) []int64 {
		out := []int64{}
		for _, i := range is {
			out = append(out, votes[i].ID)
		}
		return out
	}

	all := list(desk.VoteQuery{ArticleID: a.ID, Limit: 10})
	if got := ids(all); !slices.Equal(got, want(5, 4, 3, 1, 0)) {
		t.Fatalf("all votes = %v, want %v", got, want(5, 4, 3, 1, 0))
	}
	// Every field comes back as written, the time at the stores'
	// resolution; the anonymous have no user or organisation.
	if v := all[2]; v.ArticleID != a.ID || !v.Helpful || v.Comment != votes[3].Comment || v.UserID != f.admin2.ID ||
		v.OrgID != f.org2.ID || !v.CreatedAt.Equal(votes[3].CreatedAt) {
		t.Errorf("vote = %+v, want %+v", v, votes[3])
	}
	if v := all[1]; v.Helpful || v.UserID != 0 || v.OrgID != 0 || v.Comment != "" {
		t.Errorf("anonymous vote = %+v", v)
	}

	// Pages: a limit, then the next page before the last id seen.
	page := list(desk.VoteQuery{ArticleID: a.ID, Limit: 2})
	if got := ids(page); !slices.Equal(got, want(5, 4)) {
		t.Errorf("first page = %v", got)
	}
	page = list(desk.VoteQuery{ArticleID: a.ID, Limit: 2, Before: page[1].ID})
	if got := ids(page); !slices.Equal(got, want(3, 1)) {
		t.Errorf("second page = %v", got)
	}
	page = list(desk.VoteQuery{ArticleID: a.ID, Limit: 2, Before: page[1].ID})
	if got := ids(page); !slices.Equal(got, want(0)) {
		t.Errorf("last page = %v", got)
	}

	// Only those with a comment, paged the same way.
	if got := ids(list(desk.VoteQuery{ArticleID: a.ID, Limit: 10, Commented: true})); !slices.Equal(got, want(5, 3, 1)) {
		t.Errorf("commented = %v", got)
	}
	if got := ids(list(desk.VoteQuery{ArticleID: a.ID, Limit: 10, Commented: true, Before: votes[3].ID})); !slices.Equal(got, want(1)) {
		t.Errorf("commented before = %v", got)
	}
	if got := ids(list(desk.VoteQuery{ArticleID: other.ID, Limit: 10})); !slices.Equal(got, want(2)) {
		t.Errorf("other article = %v", got)
	}
	if got := list(desk.VoteQuery{ArticleID: 1 << 40, Limit: 10}); len(got) != 0 {
		t.Errorf("no such article = %v", ids(got))
	}
	// The counts stay on the article.
	got, err := f.s.Article(f.ctx, a.ID)
	must(t, err)
	if got.HelpfulYes != 3 || got.HelpfulNo != 2 {
		t.Errorf("counts = %d/%d", got.HelpfulYes, got.HelpfulNo)
	}

	// Through the service: editors only, newest comments first with the
	// cursor of the next page.
	p, err := svc.ArticleVotes(f.ctx, f.agent, a.ID, desk.VoteQuery{Limit: 2, Commented: true})
	must(t, err)
	if got := ids(p.Votes); !slices.Equal(got, want(5, 3)) || p.Next != votes[3].ID {
		t.Errorf("service page = %v next %d", got, p.Next)
	}
	p, err = svc.ArticleVotes(f.ctx, f.agent, a.ID, desk.VoteQuery{Limit: 2, Commented: true, Before: p.Next})
	must(t, err)
	if got := ids(p.Votes); !slices.Equal(got, want(1)) || p.Next != 0 {
		t.Errorf("service last page = %v next %d", got, p.Next)
	}
	_, err = svc.ArticleVotes(f.ctx, f.admin1, a.ID, desk.VoteQuery{})
	wantKind(t, err, desk.EFORBIDDEN)
}

// testArticleVocabulary: the vocabulary of a language is the terms of its
// published articles that readers with the visibilities may read, each
// with the number of those articles that have it; both engines give
// exactly the terms the desk indexed. Drafts, archived articles and other
// languages add nothing, so that a correction never shows their words.
func testArticleVocabulary(t *testing.T, f *fixture) {
	svc, _ := kbSetup(t, f)
	for _, lang := range desk.Languages {
		for _, vis := range [][]desk.ArticleVisibility{
			{desk.VisibilityPublic},
			{desk.VisibilityPublic, desk.VisibilitySignedIn},
		} {
			want := map[string]int{}
			for _, in := range kbFixture {
				v := in.vis
				if v == "" {
					v = desk.VisibilityPublic
				}
				if in.lang != lang || (in.state != "" && in.state != desk.ArticlePublished) || !slices.Contains(vis, v) {
					continue
				}
				title, body := desk.ArticleDocuments(&desk.Article{Lang: in.lang, Title: in.title, Body: in.body})
				seen := map[string]bool{}
				for _, term := range strings.Fields(title + " " + body) {
					if !seen[term] {
						seen[term] = true
						want[term]++
					}
				}
			}
			got, err := f.s.ArticleVocabulary(f.ctx, lang, vis)
			must(t, err)
			if !maps.Equal(got, want) {
				for term, n := range want {
					if got[term] != n {
						t.Errorf("%s %v: %q in %d articles, want %d", lang, vis, term, got[term], n)
					}
				}
				for term, n := range got {
					if _, ok := want[term]; !ok {
						t.Errorf("%s %v: %q (%d) is no term of a readable article", lang, vis, term, n)
					}
				}
			}
		}
	}
	// Spot checks of what the comparison above implies.
	en, err := f.s.ArticleVocabulary(f.ctx, "en", []desk.ArticleVisibility{desk.VisibilityPublic})
	must(t, err)
	if en["password"] != 2 {
		t.Errorf("password in %d public English articles, want 2", en["password"])
	}
	for _, w := range []string{"upcoming", "withdrawn", "escalation", "wachtwoord"} {
		if term := textsearch.Stem("en", w); en[term] != 0 {
			t.Errorf("%q (%q) is in the public English vocabulary", w, term)
		}
	}

	// The service corrects against it on both engines: the misspelt word
	// finds the article and says what it searched for instead.
	for _, tt := range []struct{ lang, q, corrected, first string }{
		{"en", "pasword", "password", "password-reset"},
		{"nl", "wachtwoort", "wachtwoord", "password-reset"},
		{"en", "mailbox", "", "mailbox-quota"},
	} {
		res, err := svc.SearchArticlesCorrected(f.ctx, nil, tt.lang, tt.q, desk.ArticleFilter{})
		must(t, err)
		if res.Corrected != tt.corrected || len(res.Hits) == 0 || res.Hits[0].Article.Key != tt.first {
			t.Errorf("%s %q: corrected %q, hits %v; want %q, %s first", tt.lang, tt.q, res.Corrected, hitKeys(res.Hits), tt.corrected, tt.first)
		}
	}
	// A word only an article limited to the signed-in has is not offered
	// to the public: "paht" becomes "path" (of "Escalation path for
	// critical outages") for an admin only.
	res, err := svc.SearchArticlesCorrected(f.ctx, nil, "en", "paht", desk.ArticleFilter{})
	must(t, err)
	if res.Corrected != "" || len(res.Hits) != 0 {
		t.Errorf("public paht: %q %v", res.Corrected, hitKeys(res.Hits))
	}
	res, err = svc.SearchArticlesCorrected(f.ctx, f.admin1, "en", "paht", desk.ArticleFilter{})
	must(t, err)
	if res.Corrected != "path" || !slices.Equal(hitKeys(res.Hits), []string{"escalation"}) {
		t.Errorf("admin paht: %q %v", res.Corrected, hitKeys(res.Hits))
	}
}
