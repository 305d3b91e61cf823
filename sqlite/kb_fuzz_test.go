package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"desk"
	"desk/sqlite"
)

// FuzzSearchArticles sends arbitrary text through the whole search path on
// a real FTS5 index: whatever is typed, the answer is hits or an EINVALID
// error, never an FTS5 syntax error or any other failure.
func FuzzSearchArticles(f *testing.F) {
	for _, s := range []string{"wachtwoord instellen", `"unbalanced`, `a OR b`, `((x`, "\x00", `title_doc : x`,
		`lang : "en"`, `NEAR(a b)`, `x* -y* -`, `{title_doc} : a`, "^a", `"" AND ""`, "pasword", "wachtwort -lang"} {
		f.Add("en", s)
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(f.TempDir(), "desk.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		f.Fatal(err)
	}
	svc := desk.NewService(db, nil, nil, desk.SystemClock{})
	editor := &desk.User{Email: "editor@vendor.example", Name: "Editor", Role: desk.RoleAgent, CreatedAt: time.Now()}
	if err := db.CreateUser(ctx, editor); err != nil {
		f.Fatal(err)
	}
	for i, lang := range desk.Languages {
		if _, err := svc.ImportArticle(ctx, editor, desk.ArticleInput{Key: "article", Lang: lang,
			Title: "Wachtwoord lösenord Passwortrichtlinie password", Body: "Reset en de nl sv nb lang title_doc body " + lang,
			Category: desk.ArticleCategories[i]}, time.Now()); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, lang, q string) {
		_, err := svc.SearchArticles(ctx, nil, lang, q, desk.ArticleFilter{})
		if err != nil && desk.ErrorKind(err) != desk.EINVALID {
			t.Fatalf("search %s %q: %v", lang, q, err)
		}
		// The correction rewrites the terms and searches again: what it
		// sends the engine must be as harmless.
		_, err = svc.SearchArticlesCorrected(ctx, nil, lang, q, desk.ArticleFilter{})
		if err != nil && desk.ErrorKind(err) != desk.EINVALID {
			t.Fatalf("corrected search %s %q: %v", lang, q, err)
		}
	})
}
