package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"desk"
)

var _ desk.KBStore = (*DB)(nil)

// products stores a product list with a comma at each end, so that one
// product is matched by LIKE '%,code,%'.
func products(ps []string) string { return "," + strings.Join(ps, ",") + "," }

func scanArticle(s scanner) (*desk.Article, error) {
	a := &desk.Article{}
	var ps, state, vis string
	var author sql.NullInt64
	var created, updated int64
	var published sql.NullInt64
	if err := s.Scan(&a.ID, &a.Key, &a.Lang, &a.Title, &a.Body, &a.Category, &ps, &state, &vis, &a.Version,
		&author, &created, &updated, &published, &a.HelpfulYes, &a.HelpfulNo); err != nil {
		return nil, err
	}
	a.Products = split(strings.Trim(ps, ","))
	if a.Products == nil {
		a.Products = []string{}
	}
	a.State, a.Visibility = desk.ArticleState(state), desk.ArticleVisibility(vis)
	a.AuthorID = author.Int64
	a.CreatedAt, a.UpdatedAt, a.PublishedAt = fromUS(created), fromUS(updated), fromNUS(published)
	return a, nil
}

// CreateArticle stores a new article, its search terms and its first
// revision in one transaction.
func (db *DB) CreateArticle(ctx context.Context, a *desk.Article, rev *desk.ArticleRevision) error {
	titleDoc, bodyDoc := desk.ArticleDocuments(a)
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := tx.QueryRowContext(ctx, db.q.Get("insert-article"), a.Key, a.Lang, a.Title, a.Body, a.Category,
			products(a.Products), string(a.State), string(a.Visibility), a.Version, nid(a.AuthorID),
			us(a.CreatedAt), us(a.UpdatedAt), nus(a.PublishedAt), titleDoc, bodyDoc).Scan(&a.ID); err != nil {
			return fmt.Errorf("insert article: %w", err)
		}
		if rev != nil {
			rev.ArticleID = a.ID
			return db.insertRevision(ctx, tx, rev)
		}
		return nil
	})
}

func (db *DB) insertRevision(ctx context.Context, tx *Tx, rev *desk.ArticleRevision) error {
	if _, err := tx.ExecContext(ctx, db.q.Get("insert-article-revision"), rev.ArticleID, rev.Version, rev.Title,
		rev.Body, nid(rev.AuthorID), us(rev.CreatedAt)); err != nil {
		return fmt.Errorf("insert article revision: %w", err)
	}
	return nil
}

// UpdateArticle stores an article's new state and search terms,
// compare-and-set on its version, with rev in the same transaction.
func (db *DB) UpdateArticle(ctx context.Context, a *desk.Article, prevVersion int, rev *desk.ArticleRevision) error {
	titleDoc, bodyDoc := desk.ArticleDocuments(a)
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, db.q.Get("update-article"), a.ID, prevVersion, a.Title, a.Body, a.Category,
			products(a.Products), string(a.State), string(a.Visibility), a.Version, us(a.UpdatedAt),
			nus(a.PublishedAt), titleDoc, bodyDoc)
		if err != nil {
			return fmt.Errorf("update article: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return &desk.Error{Kind: desk.ECONFLICT, Code: "article_changed", Message: "the article was changed by someone else; try again"}
		}
		if rev != nil {
			return db.insertRevision(ctx, tx, rev)
		}
		return nil
	})
}

// Article returns one article.
func (db *DB) Article(ctx context.Context, id int64) (*desk.Article, error) {
	var a *desk.Article
	err := db.one(ctx, "article", func(s scanner) (err error) {
		a, err = scanArticle(s)
		return err
	}, db.q.Get("get-article"), id)
	return a, err
}

// ArticleByKey returns the article of a key in a language.
func (db *DB) ArticleByKey(ctx context.Context, key, lang string) (*desk.Article, error) {
	var a *desk.Article
	err := db.one(ctx, "article", func(s scanner) (err error) {
		a, err = scanArticle(s)
		return err
	}, db.q.Get("get-article-by-key"), key, lang)
	return a, err
}

// ArticlesByID returns the articles with the given ids, in no order.
func (db *DB) ArticlesByID(ctx context.Context, ids []int64) ([]*desk.Article, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	return many(ctx, db, func(s scanner) (*desk.Article, error) { return scanArticle(s) },
		db.q.Get("list-articles-by-id"), string(list))
}

// ArticlesByKey returns every language of a key.
func (db *DB) ArticlesByKey(ctx context.Context, key string) ([]*desk.Article, error) {
	return many(ctx, db, func(s scanner) (*desk.Article, error) { return scanArticle(s) },
		db.q.Get("list-articles-by-key"), key)
}

// statesArg and visArg fill the fixed IN lists: the queries are static, so a
// shorter list repeats its last element.
func statesArg(st []desk.ArticleState) []any {
	out := make([]any, 3)
	for i := range out {
		out[i] = string(st[min(i, len(st)-1)])
	}
	return out
}

func visArg(v []desk.ArticleVisibility) []any {
	out := make([]any, 2)
	for i := range out {
		out[i] = string(v[min(i, len(v)-1)])
	}
	return out
}

func checkArticleQuery(q desk.ArticleQuery) error {
	if len(q.States) == 0 || len(q.States) > 3 || len(q.Visibilities) == 0 || len(q.Visibilities) > 2 {
		return fmt.Errorf("article query: %d states, %d visibilities", len(q.States), len(q.Visibilities))
	}
	return nil
}

// Articles lists articles by category, key and language.
func (db *DB) Articles(ctx context.Context, q desk.ArticleQuery) ([]*desk.Article, error) {
	if err := checkArticleQuery(q); err != nil {
		return nil, err
	}
	args := append([]any{q.Lang, q.Category, q.Product}, statesArg(q.States)...)
	args = append(args, visArg(q.Visibilities)...)
	args = append(args, q.Limit)
	return many(ctx, db, func(s scanner) (*desk.Article, error) { return scanArticle(s) },
		db.q.Get("list-articles"), args...)
}

// ArticleRevisions returns an article's revisions, newest first.
func (db *DB) ArticleRevisions(ctx context.Context, id int64) ([]*desk.ArticleRevision, error) {
	return many(ctx, db, func(s scanner) (*desk.ArticleRevision, error) {
		r := &desk.ArticleRevision{}
		var author sql.NullInt64
		var created int64
		if err := s.Scan(&r.ArticleID, &r.Version, &r.Title, &r.Body, &author, &created); err != nil {
			return nil, err
		}
		r.AuthorID, r.CreatedAt = author.Int64, fromUS(created)
		return r, nil
	}, db.q.Get("list-article-revisions"), id)
}

// SearchArticles runs a search: FTS5 on SQLite, the tsvector on
// PostgreSQL, newest match first. The expression is rendered from a
// parsed query, whose terms hold only letters and digits, and passed as a
// parameter.
func (db *DB) SearchArticles(ctx context.Context, s desk.ArticleSearch, fn func(m *desk.ArticleMatch)) error {
	if err := checkArticleQuery(s.ArticleQuery); err != nil {
		return err
	}
	var expr string
	switch pg := db.dialect.Name == "postgres"; {
	case pg && s.Any:
		expr = s.Query.AnyTSQuery()
	case pg:
		expr = s.Query.TSQuery()
	case s.InTitle:
		expr = s.Query.FTS5Column("title_doc", s.Any)
	case s.Any:
		expr = s.Query.AnyFTS5()
	default:
		expr = s.Query.FTS5()
	}
	if expr == "" {
		return nil
	}
	args := append([]any{expr, s.Lang, s.Category, s.Product}, statesArg(s.States)...)
	args = append(args, visArg(s.Visibilities)...)
	args = append(args, s.Limit)
	name := "search-articles"
	if s.InTitle {
		// PostgreSQL keeps the title's terms in a vector of their own;
		// SQLite's expression names the column.
		name = "search-articles-title"
	}
	q, err := articleIndex(db.q.Get(name), s.Lang)
	if err != nil {
		return fmt.Errorf("search articles: %w", err)
	}
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	// RawBytes: the terms of up to a few hundred candidates are read and
	// ranked, never kept, so they are not copied.
	var m desk.ArticleMatch
	var key, cat, title, body sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&m.ID, &key, &cat, &title, &body); err != nil {
			return err
		}
		m.Key, m.Category, m.TitleDoc, m.BodyDoc = key, cat, title, body
		fn(&m)
	}
	return rows.Err()
}

// articleIndex returns a statement of SQLite's that names
// article_search_lang with the name of the language's own index
// (article_search_en…); other statements are returned as they are. The
// language is one of the desk's, never text from a request.
func articleIndex(q, lang string) (string, error) {
	if !strings.Contains(q, "article_search_lang") {
		return q, nil
	}
	if !slices.Contains(desk.Languages, lang) {
		return "", fmt.Errorf("no index for language %q", lang)
	}
	return strings.ReplaceAll(q, "article_search_lang", "article_search_"+lang), nil
}

// articleIndexes returns the statements a query stands for: one per
// language when it names article_search_lang (articleIndex), else itself.
func articleIndexes(q string) []string {
	if !strings.Contains(q, "article_search_lang") {
		return []string{q}
	}
	out := make([]string, len(desk.Languages))
	for i, lang := range desk.Languages {
		out[i], _ = articleIndex(q, lang) // a language of the desk's
	}
	return out
}

// AddArticleVote stores a vote and counts it on the article.
func (db *DB) AddArticleVote(ctx context.Context, v *desk.ArticleVote) error {
	yes, no := 0, 1
	if v.Helpful {
		yes, no = 1, 0
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, db.q.Get("count-article-vote"), v.ArticleID, yes, no)
		if err != nil {
			return fmt.Errorf("count article vote: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return desk.NotFound("article")
		}
		if err := tx.QueryRowContext(ctx, db.q.Get("insert-article-vote"), v.ArticleID, v.Helpful, v.Comment,
			nid(v.UserID), nid(v.OrgID), us(v.CreatedAt)).Scan(&v.ID); err != nil {
			return fmt.Errorf("insert article vote: %w", err)
		}
		return nil
	})
}

// ArticleVotes returns a page of an article's votes, newest first.
func (db *DB) ArticleVotes(ctx context.Context, q desk.VoteQuery) ([]*desk.ArticleVote, error) {
	commented := 0
	if q.Commented {
		commented = 1
	}
	return many(ctx, db, func(s scanner) (*desk.ArticleVote, error) {
		v := &desk.ArticleVote{}
		var user, org sql.NullInt64
		var created int64
		if err := s.Scan(&v.ID, &v.ArticleID, &v.Helpful, &v.Comment, &user, &org, &created); err != nil {
			return nil, err
		}
		v.UserID, v.OrgID, v.CreatedAt = user.Int64, org.Int64, fromUS(created)
		return v, nil
	}, db.q.Get("list-article-votes"), q.ArticleID, q.Before, commented, q.Limit)
}

// ArticleVocabulary counts, per term, the published articles of a
// language with one of the visibilities that have it. The engines'
// queries return rows of space-separated terms with a count: SQLite one
// row per article (count 1), PostgreSQL one per term (its count), so one
// loop serves both.
func (db *DB) ArticleVocabulary(ctx context.Context, lang string, vis []desk.ArticleVisibility) (map[string]int, error) {
	if len(vis) == 0 || len(vis) > 2 {
		return nil, fmt.Errorf("article vocabulary: %d visibilities", len(vis))
	}
	args := append([]any{lang}, visArg(vis)...)
	rows, err := db.query(ctx, db.q.Get("article-vocabulary"), args...)
	if err != nil {
		return nil, fmt.Errorf("article vocabulary: %w", err)
	}
	defer rows.Close()
	type count struct{ docs, row int }
	counts := map[string]*count{}
	// RawBytes: on SQLite this reads the terms of every article of the
	// language, which are split and counted, never kept; a term's string
	// is made once, when it is first seen.
	var text sql.RawBytes
	var n, row int
	for rows.Next() {
		if err := rows.Scan(&text, &n); err != nil {
			return nil, fmt.Errorf("article vocabulary: %w", err)
		}
		row++
		for t := range bytes.FieldsSeq(text) {
			c := counts[string(t)]
			if c == nil {
				c = &count{}
				counts[string(t)] = c
			}
			// A term repeated in one article counts once for it.
			if c.row != row {
				c.row = row
				c.docs += n
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("article vocabulary: %w", err)
	}
	out := make(map[string]int, len(counts))
	for t, c := range counts {
		out[t] = c.docs
	}
	return out, nil
}

// AddHelpEvents stores help events in one transaction.
func (db *DB) AddHelpEvents(ctx context.Context, evs []desk.HelpEvent) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		for _, e := range evs {
			if _, err := tx.ExecContext(ctx, db.q.Get("insert-help-event"), e.Session, string(e.Kind),
				nid(e.ArticleID), e.Product, e.Lang, nid(e.OrgID), us(e.At)); err != nil {
				return fmt.Errorf("insert help event: %w", err)
			}
		}
		return nil
	})
}

// Deflection counts the help sessions that began in [from, to).
func (db *DB) Deflection(ctx context.Context, from, to time.Time) ([]desk.DeflectionRow, error) {
	return many(ctx, db, func(s scanner) (desk.DeflectionRow, error) {
		var r desk.DeflectionRow
		err := s.Scan(&r.Product, &r.Lang, &r.Sessions, &r.WithSuggestions, &r.Opened, &r.Helpful,
			&r.CasesOpened, &r.Deflected)
		return r, err
	}, db.q.Get("deflection"), us(from), us(to))
}
