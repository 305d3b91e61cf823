package desk_test

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"desk"
	"desk/help"
	"desk/textsearch"
)

func article() desk.ArticleInput {
	return desk.ArticleInput{Key: "password-reset", Lang: "en", Title: "Reset a password",
		Body: "Open **Users**, pick the user and choose *Reset password*.", Category: "sign-in"}
}

func TestArticleValidation(t *testing.T) {
	e := newEnv(t)
	for _, tt := range []struct {
		name  string
		edit  func(in *desk.ArticleInput)
		code  string
		field string
	}{
		{"key with capitals", func(in *desk.ArticleInput) { in.Key = "Password" }, "invalid_key", "key"},
		{"key with a slash", func(in *desk.ArticleInput) { in.Key = "a/b" }, "invalid_key", "key"},
		{"unknown language", func(in *desk.ArticleInput) { in.Lang = "fr" }, "invalid_language", "lang"},
		{"no title", func(in *desk.ArticleInput) { in.Title = "  " }, "title_required", "title"},
		{"long title", func(in *desk.ArticleInput) { in.Title = strings.Repeat("é", 201) }, "title_too_long", "title"},
		{"no body", func(in *desk.ArticleInput) { in.Body = "\n" }, "body_required", "body"},
		{"huge body", func(in *desk.ArticleInput) { in.Body = strings.Repeat("x", 100<<10+1) }, "body_too_long", "body"},
		{"NUL in the body", func(in *desk.ArticleInput) { in.Body = "a\x00b" }, "invalid_text", "body"},
		{"unknown category", func(in *desk.ArticleInput) { in.Category = "misc" }, "invalid_category", "category"},
		{"unknown product", func(in *desk.ArticleInput) { in.Products = []string{"mail", "fax"} }, "unknown_product", "products"},
		{"unknown visibility", func(in *desk.ArticleInput) { in.Visibility = "secret" }, "invalid_visibility", "visibility"},
	} {
		in := article()
		tt.edit(&in)
		_, err := e.svc.CreateArticle(e.ctx, e.agent, in)
		var de *desk.Error
		if desk.ErrorKind(err) != desk.EINVALID || desk.ErrorCode(err) != tt.code {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
		} else if errorsAs(err, &de) && de.Field != tt.field {
			t.Errorf("%s: field %q, want %q", tt.name, de.Field, tt.field)
		}
	}
	// A body of exactly 100 KB is fine; products are kept sorted, once.
	in := article()
	in.Body = strings.Repeat("x", 100<<10)
	in.Products = []string{"mail", "drive", "mail"}
	a, err := e.svc.CreateArticle(e.ctx, e.agent, in)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(a.Products, ",") != "drive,mail" || a.Visibility != desk.VisibilityPublic || a.State != desk.ArticleDraft {
		t.Fatalf("article = %+v", a)
	}
	if _, err := e.svc.CreateArticle(e.ctx, e.agent, in); desk.ErrorCode(err) != "article_exists" {
		t.Fatalf("same key and language twice: %v", err)
	}
	// The key and language of an article stay.
	moved := in
	moved.Lang = "nl"
	if _, err := e.svc.UpdateArticle(e.ctx, e.agent, a.ID, 1, moved); desk.ErrorCode(err) != "key_fixed" {
		t.Fatalf("moving an article: %v", err)
	}
}

func errorsAs(err error, de **desk.Error) bool {
	e, ok := err.(*desk.Error)
	if ok {
		*de = e
	}
	return ok
}

func TestArticleEditorsAreStaff(t *testing.T) {
	e := newEnv(t)
	for _, who := range []*desk.User{nil, e.entAdmin, e.user} {
		if _, err := e.svc.CreateArticle(e.ctx, who, article()); err == nil {
			t.Fatalf("%v created an article", who)
		}
	}
	a, err := e.svc.CreateArticle(e.ctx, e.agent, article())
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []*desk.User{nil, e.entAdmin} {
		if _, err := e.svc.PublishArticle(e.ctx, who, a.ID); err == nil {
			t.Fatal("a customer published an article")
		}
		if _, err := e.svc.UpdateArticle(e.ctx, who, a.ID, 1, article()); err == nil {
			t.Fatal("a customer edited an article")
		}
		if _, err := e.svc.ArticleRevisions(e.ctx, who, a.ID); err == nil {
			t.Fatal("a customer read revisions")
		}
	}
}

func TestArticleLifecycle(t *testing.T) {
	e := newEnv(t)
	a, err := e.svc.CreateArticle(e.ctx, e.agent, article())
	if err != nil {
		t.Fatal(err)
	}
	// A draft is not in the help centre.
	if _, err := e.svc.ArticleByKey(e.ctx, nil, "password-reset", "en"); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("draft read by the public: %v", err)
	}
	e.clock.Add(time.Hour)
	pub, err := e.svc.PublishArticle(e.ctx, e.super, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if pub.PublishedAt == nil || !pub.PublishedAt.Equal(monday10.Add(time.Hour)) || pub.Version != 1 {
		t.Fatalf("published = %+v", pub)
	}
	// Publishing is no edit: the editor's form at version 1 still saves.
	in := article()
	in.Title = "Reset someone's password"
	e.clock.Add(time.Hour)
	up, err := e.svc.UpdateArticle(e.ctx, e.agent, a.ID, 1, in)
	if err != nil {
		t.Fatal(err)
	}
	if up.Version != 2 || up.State != desk.ArticlePublished || !up.UpdatedAt.Equal(monday10.Add(2*time.Hour)) {
		t.Fatalf("updated = %+v", up)
	}
	got, err := e.svc.ArticleByKey(e.ctx, nil, "password-reset", "en")
	if err != nil || got.Title != "Reset someone's password" {
		t.Fatalf("public read = %+v, %v", got, err)
	}
	// An editor who opened version 1 and saves after this edit is told.
	if _, err := e.svc.UpdateArticle(e.ctx, e.agent, a.ID, 1, article()); desk.ErrorCode(err) != "stale_version" {
		t.Fatalf("stale edit: %v", err)
	}
	if _, err := e.svc.ArchiveArticle(e.ctx, e.agent, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Article(e.ctx, e.entAdmin, a.ID); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("archived article read by a customer: %v", err)
	}
	revs, err := e.svc.ArticleRevisions(e.ctx, e.agent, a.ID)
	if err != nil || len(revs) != 2 {
		t.Fatalf("revisions = %d, %v", len(revs), err)
	}
}

func TestVoteArticle(t *testing.T) {
	e := newEnv(t)
	a, _ := e.svc.CreateArticle(e.ctx, e.agent, article())
	if err := e.svc.VoteArticle(e.ctx, nil, a.ID, true, ""); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("vote on a draft: %v", err)
	}
	if _, err := e.svc.PublishArticle(e.ctx, e.agent, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.VoteArticle(e.ctx, nil, a.ID, false, strings.Repeat("x", 1001)); desk.ErrorCode(err) != "comment_too_long" {
		t.Fatalf("long comment: %v", err)
	}
	for _, who := range []*desk.User{nil, e.entAdmin, e.bizAdmin} {
		if err := e.svc.VoteArticle(e.ctx, who, a.ID, who != nil, strings.Repeat("y", 1000)); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := e.svc.Article(e.ctx, nil, a.ID)
	if got.HelpfulYes != 2 || got.HelpfulNo != 1 {
		t.Fatalf("votes = %d yes, %d no", got.HelpfulYes, got.HelpfulNo)
	}
}

// TestArticleVotesForEditors: the staff who may edit an article read its
// votes and comments, newest first and a page at a time; customers, even
// admins who voted themselves, get the forbidden error, and the
// anonymous are asked to sign in.
func TestArticleVotesForEditors(t *testing.T) {
	e := newEnv(t)
	a, _ := e.svc.CreateArticle(e.ctx, e.agent, article())
	if _, err := e.svc.PublishArticle(e.ctx, e.agent, a.ID); err != nil {
		t.Fatal(err)
	}
	for i, c := range []string{"First.", "", "Second <script>.", "Third."} {
		e.clock.Add(time.Minute)
		if err := e.svc.VoteArticle(e.ctx, e.entAdmin, a.ID, i%2 == 0, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, who := range []*desk.User{e.agent, e.super, e.stan} {
		p, err := e.svc.ArticleVotes(e.ctx, who, a.ID, desk.VoteQuery{Commented: true, Limit: 2})
		if err != nil {
			t.Fatalf("%s: %v", who.Role, err)
		}
		if len(p.Votes) != 2 || p.Votes[0].Comment != "Third." || p.Votes[1].Comment != "Second <script>." || p.Next != p.Votes[1].ID {
			t.Fatalf("%s: page = %+v", who.Role, p)
		}
		if v := p.Votes[0]; v.Helpful || v.OrgID != e.ent.ID || v.UserID != e.entAdmin.ID || !v.CreatedAt.Equal(monday10.Add(4*time.Minute)) {
			t.Fatalf("vote = %+v", v)
		}
	}
	p, err := e.svc.ArticleVotes(e.ctx, e.agent, a.ID, desk.VoteQuery{})
	if err != nil || len(p.Votes) != 4 || p.Next != 0 {
		t.Fatalf("every vote = %+v, %v", p, err)
	}
	for _, who := range []*desk.User{e.entAdmin, e.bizAdmin, e.user} {
		if _, err := e.svc.ArticleVotes(e.ctx, who, a.ID, desk.VoteQuery{}); desk.ErrorKind(err) != desk.EFORBIDDEN || desk.ErrorCode(err) != "staff_only" {
			t.Errorf("%s reads votes: %v", who.Email, err)
		}
	}
	if _, err := e.svc.ArticleVotes(e.ctx, nil, a.ID, desk.VoteQuery{}); desk.ErrorKind(err) != desk.EUNAUTHORIZED {
		t.Errorf("anonymous reads votes: %v", err)
	}
	if _, err := e.svc.ArticleVotes(e.ctx, e.agent, a.ID+1000, desk.VoteQuery{}); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Errorf("votes of no article: %v", err)
	}
	if _, err := e.svc.ArticleVotes(e.ctx, e.agent, a.ID, desk.VoteQuery{Before: -1}); desk.ErrorCode(err) != "invalid_cursor" {
		t.Errorf("negative cursor: %v", err)
	}
}

func TestSearchArticlesInput(t *testing.T) {
	e := newEnv(t)
	a, _ := e.svc.CreateArticle(e.ctx, e.agent, article())
	e.svc.PublishArticle(e.ctx, e.agent, a.ID)
	hits, err := e.svc.SearchArticles(e.ctx, nil, "en", "", desk.ArticleFilter{})
	if err != nil || hits == nil || len(hits) != 0 {
		t.Fatalf("empty query = %v, %v", hits, err)
	}
	if _, err := e.svc.SearchArticles(e.ctx, nil, "xx", "password", desk.ArticleFilter{}); desk.ErrorKind(err) != desk.EINVALID {
		t.Fatalf("unknown language: %v", err)
	}
	hits, err = e.svc.SearchArticles(e.ctx, nil, "en", "reset passwords", desk.ArticleFilter{})
	if err != nil || len(hits) != 1 {
		t.Fatalf("search = %v, %v", hits, err)
	}
	// The snippet is plain text with the matched words marked.
	var text, marked strings.Builder
	for _, f := range hits[0].Snippet {
		text.WriteString(f.Text)
		if f.Match {
			marked.WriteString(f.Text + "|")
		}
	}
	if strings.ContainsAny(text.String(), "*") || marked.String() != "Reset|password|" {
		t.Fatalf("snippet = %q, marked %q", text.String(), marked.String())
	}
}

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		"# Title\n\nSome **bold** and `code`.":         "Title\n\nSome bold and code.",
		"- one\n- two\n1. three":                       "one\ntwo\nthree",
		"See [the settings](https://x.example/a) now.": "See the settings now.",
		"![logo](https://x.example/l.png) Text":        "logo Text",
		"> quoted [unclosed":                           "quoted [unclosed",
		"| a | b |\n|---|---|\n| c | d |":              "  a   b  \n\n  c   d  ",
		"```\ncode block\n```":                         "code block\n",
		"Choose *Reset password*.":                     "Choose Reset password.",
		"2026. A year":                                 "2026. A year",
		"10. Step ten":                                 "Step ten",
		"__strong__ and ___three___ and a_b":           "strong and _three_ and a_b",
		"`x`|*y*|__":                                   "x y ",
	} {
		if got := desk.PlainText(in); got != want {
			t.Errorf("PlainText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestArticleRank(t *testing.T) {
	q, _ := textsearch.Parse("en", "quota ")
	title := desk.ArticleRank(q, textsearch.Document("en", "Mailbox quota"), textsearch.Document("en", "Each mailbox holds 50 GB."))
	body := desk.ArticleRank(q, textsearch.Document("en", "Archive mail"), textsearch.Document("en", "Stay under the quota."))
	if title <= body || body <= 0 {
		t.Fatalf("title match %v, body match %v", title, body)
	}
	none := desk.ArticleRank(q, "mail", "archiv")
	if none != 0 {
		t.Fatalf("no match ranks %v", none)
	}
}

func TestHelpEventsTakeOrgAndTimeFromTheDesk(t *testing.T) {
	e := newEnv(t)
	s := desk.NewHelpSession()
	// Whatever organisation and time the caller sends, the desk records
	// the actor's own and its clock's.
	err := e.svc.RecordHelpEvents(e.ctx, e.bizAdmin, []desk.HelpEvent{
		{Session: s, Kind: desk.HelpSuggested, Lang: "en", Product: "mail", OrgID: e.ent.ID, At: monday10.Add(-90 * 24 * time.Hour)},
		{Session: s, Kind: desk.HelpOpened, Lang: "en", Product: "mail"},
	})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := e.svc.DeflectionReport(e.ctx, e.super, monday10, monday10.Add(time.Minute))
	if err != nil || len(rows) != 1 || rows[0].Deflected != 1 || rows[0].Rate != 1 {
		t.Fatalf("report = %+v, %v", rows, err)
	}
	if _, err := e.svc.DeflectionReport(e.ctx, e.super, monday10, monday10); desk.ErrorKind(err) != desk.EINVALID {
		t.Fatalf("empty period: %v", err)
	}
	many := make([]desk.HelpEvent, 101)
	for i := range many {
		many[i] = desk.HelpEvent{Session: s, Kind: desk.HelpSuggested, Lang: "en"}
	}
	if err := e.svc.RecordHelpEvents(e.ctx, nil, many); desk.ErrorKind(err) != desk.EINVALID {
		t.Fatalf("101 events: %v", err)
	}
}

// TestSearchCacheFollowsWrites: search answers are cached, but a reader
// never sees an answer older than the last article write on this node,
// and a write on another node drops them when its event arrives.
func TestSearchCacheFollowsWrites(t *testing.T) {
	e := newEnv(t)
	a, err := e.svc.CreateArticle(e.ctx, e.agent, article())
	if err != nil {
		t.Fatal(err)
	}
	titles := func(q string) []string {
		t.Helper()
		hits, err := e.svc.SearchArticles(e.ctx, nil, "en", q, desk.ArticleFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range hits {
			out = append(out, h.Article.Title)
		}
		return out
	}
	if got := titles("password"); len(got) != 0 {
		t.Fatalf("a draft was found: %v", got)
	}
	if _, err := e.svc.PublishArticle(e.ctx, e.agent, a.ID); err != nil {
		t.Fatal(err)
	}
	if got := titles("password"); len(got) != 1 {
		t.Fatalf("published article not found after a cached miss: %v", got)
	}
	in := article()
	in.Title = "Reset someone's password quickly"
	if _, err := e.svc.UpdateArticle(e.ctx, e.agent, a.ID, 1, in); err != nil {
		t.Fatal(err)
	}
	if got := titles("password"); len(got) != 1 || got[0] != in.Title {
		t.Fatalf("after the edit: %v", got)
	}
	// A write on another node reaches this one as an event only; until it
	// does, the cached answer stands, and after it the store is read.
	other := desk.NewService(e.svc.Store, nil, nil, e.clock)
	in.Title = "Resetting a password"
	if _, err := other.UpdateArticle(e.ctx, e.agent, a.ID, 2, in); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	go e.svc.FollowCatalogue(ctx)
	time.Sleep(20 * time.Millisecond) // let it subscribe
	e.svc.Bus.Publish(e.ctx, desk.Event{Type: desk.EventArticlesChanged})
	deadline := time.Now().Add(5 * time.Second)
	for got := titles("password"); len(got) != 1 || got[0] != in.Title; got = titles("password") {
		if time.Now().After(deadline) {
			t.Fatalf("the other node's edit never showed: %v", got)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestPrefixExpansion checks that a help search whose half-typed last
// word is looked up as the terms it stands for finds exactly what the
// store's own prefix search finds, in the same order with the same
// snippets, for prefixes of every word of the shipped help texts'
// titles in all five languages; and that a word published a moment ago
// is found by its prefix at once.
func TestPrefixExpansion(t *testing.T) {
	e := newEnv(t)
	for _, lang := range help.Languages {
		for _, h := range help.All(lang) {
			for _, p := range h.Products {
				if err := e.svc.Store.PutProduct(e.ctx, &desk.Product{Code: p, Name: p}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	prefixes := map[string]map[string]bool{}
	for _, lang := range help.Languages {
		prefixes[lang] = map[string]bool{}
		for _, h := range help.All(lang) {
			if h.Lang != lang {
				continue
			}
			vis := desk.VisibilityPublic
			if h.Visibility == help.SignedIn {
				vis = desk.VisibilitySignedIn
			}
			if _, err := e.svc.ImportArticle(e.ctx, e.agent, desk.ArticleInput{Key: h.ID, Lang: lang, Title: h.Title, Body: h.Body,
				Category: h.Category, Products: h.Products, Visibility: vis}, monday10); err != nil {
				t.Fatal(err)
			}
			for _, w := range strings.Fields(h.Title) {
				r := []rune(w)
				for n := 3; n <= len(r); n += 3 {
					prefixes[lang][string(r[:n])] = true
				}
			}
		}
	}
	type answer struct {
		ids      []int64
		snippets []string
	}
	search := func(lang, q string) answer {
		t.Helper()
		hits, err := e.svc.SearchArticles(e.ctx, nil, lang, q, desk.ArticleFilter{})
		if err != nil {
			t.Fatalf("%s %q: %v", lang, q, err)
		}
		var a answer
		for _, h := range hits {
			a.ids = append(a.ids, h.Article.ID)
			a.snippets = append(a.snippets, fmt.Sprint(h.Title, h.Snippet))
		}
		return a
	}
	expanded, found := 0, 0
	for _, lang := range help.Languages {
		for i, p := range slices.Sorted(maps.Keys(prefixes[lang])) {
			if i%2 == 1 {
				continue // half of them are enough, and take half the time
			}
			q := "support " + p // a word before, and the prefix last
			ex, err := e.svc.PrefixExpansions(e.ctx, lang, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(ex) > 0 {
				expanded++
			}
			got := search(lang, q)
			var want answer
			e.svc.WithoutPrefixExpansion(func() { want = search(lang, q) })
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s %q with %v: %v, as a prefix: %v", lang, q, ex, got, want)
			}
			if len(got.ids) > 0 {
				found++
			}
		}
	}
	if expanded < 200 || found < 100 {
		t.Fatalf("%d searches expanded a prefix and %d found something: too few to compare", expanded, found)
	}

	// A term no article had before is found by its prefix at once.
	in := article()
	in.Key, in.Title = "quokka", "Quokkas in the mail relay"
	a, err := e.svc.CreateArticle(e.ctx, e.agent, in)
	if err != nil {
		t.Fatal(err)
	}
	if got := search("en", "quok"); len(got.ids) != 0 {
		t.Fatalf("a draft was found: %v", got)
	}
	if _, err := e.svc.PublishArticle(e.ctx, e.agent, a.ID); err != nil {
		t.Fatal(err)
	}
	if got := search("en", "quok"); len(got.ids) != 1 || got.ids[0] != a.ID {
		t.Fatalf("the new article's word was not found by its prefix: %v", got)
	}
	if ex, err := e.svc.PrefixExpansions(e.ctx, "en", "quok"); err != nil || !reflect.DeepEqual(ex, map[string][]string{"quok": {"quokka"}}) {
		t.Fatalf("expansions of quok: %v, %v", ex, err)
	}
}
