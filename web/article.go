package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"desk"
	"desk/markdown"
)

// The knowledge base's API. Reading is open like the help centre: without
// a token the caller sees published public articles; with one, what that
// user may read (signed-in customer admins also the articles limited to
// them, staff every state). Writing is for staff, and the deflection
// report for supervisors and system admins.

// optionalUser returns the caller of a public route that a token widens:
// nil without an Authorization header, the token's user with one, and an
// error for a token that is not valid, so that a client never silently
// reads less than it asked for.
func (s *Server) optionalUser(r *http.Request) (*desk.User, error) {
	if r.Header.Get("Authorization") == "" {
		return nil, nil
	}
	u, err := s.authenticate(r.Context(), r)
	if err != nil {
		return nil, err
	}
	*r = *r.WithContext(context.WithValue(r.Context(), userKey, u))
	return u, nil
}

// articleBody is what a client writes: the article's fields, and on an
// update the version it edited.
type articleBody struct {
	Key        string   `json:"key"`
	Lang       string   `json:"lang"`
	Title      string   `json:"title"`
	Body       string   `json:"body"`
	Category   string   `json:"category"`
	Products   []string `json:"products"`
	Visibility string   `json:"visibility"`
	Version    *int     `json:"version,omitempty"`
}

func (b articleBody) input() desk.ArticleInput {
	return desk.ArticleInput{Key: b.Key, Lang: b.Lang, Title: b.Title, Body: b.Body, Category: b.Category,
		Products: b.Products, Visibility: desk.ArticleVisibility(b.Visibility)}
}

// articleJSON is an article as the API shows it: the stored Markdown and
// its sanitised HTML are both there, so that a client need not render.
type articleJSON struct {
	*desk.Article
	Products []string `json:"products"`
	HTML     string   `json:"html"`
}

func articleOut(a *desk.Article) articleJSON {
	ps := a.Products
	if ps == nil {
		ps = []string{}
	}
	return articleJSON{Article: a, Products: ps, HTML: markdown.HTML(a.Body)}
}

// articleHitJSON is a search result: the article and its title and body
// snippet in pieces, those with match set being the searched words.
type articleHitJSON struct {
	Article articleJSON   `json:"article"`
	Title   []snippetPart `json:"title"`
	Snippet []snippetPart `json:"snippet"`
	Rank    float64       `json:"rank"`
}

// articleLocation is the URL of an article.
func articleLocation(id int64) string { return "/api/v1/articles/" + strconv.FormatInt(id, 10) }

// articleFilter reads the filter parameters shared by the list and the
// search.
func articleFilter(r *http.Request) (desk.ArticleFilter, error) {
	v := r.URL.Query()
	f := desk.ArticleFilter{Lang: v.Get("lang"), Category: v.Get("category"), Product: v.Get("product")}
	for _, st := range splitList(v["state"]) {
		f.States = append(f.States, desk.ArticleState(st))
	}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n <= 0 {
			return f, desk.FieldError(desk.EINVALID, "invalid_limit", "limit", "limit must be a positive integer")
		}
		f.Limit = n
	}
	return f, nil
}

// listArticles lists the articles the caller may read, by category, key
// and language.
func (s *Server) listArticles(w http.ResponseWriter, r *http.Request, _ *desk.User) error {
	u, err := s.optionalUser(r)
	if err != nil {
		return err
	}
	f, err := articleFilter(r)
	if err != nil {
		return err
	}
	as, err := s.Service.Articles(r.Context(), u, f)
	if err != nil {
		return err
	}
	out := make([]articleJSON, len(as))
	for i, a := range as {
		out[i] = articleOut(a)
	}
	return s.writeJSON(w, r, http.StatusOK, items(out))
}

// getArticle answers one article the caller may read; any other is not
// found, whether it exists or not.
func (s *Server) getArticle(w http.ResponseWriter, r *http.Request, _ *desk.User) error {
	u, err := s.optionalUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "article")
	if err != nil {
		return err
	}
	a, err := s.Service.Article(r.Context(), u, id)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, articleOut(a))
}

// searchArticles searches the articles of one language (lang, English by
// default) the caller may read, best first. A query that is too long or
// has too many words is a 400 with the code query_too_long or
// too_many_terms; any other text gives results.
func (s *Server) searchArticles(w http.ResponseWriter, r *http.Request, _ *desk.User) error {
	u, err := s.optionalUser(r)
	if err != nil {
		return err
	}
	f, err := articleFilter(r)
	if err != nil {
		return err
	}
	lang := f.Lang
	if lang == "" {
		lang = "en"
	}
	exact, err := boolParam(r, "exact")
	if err != nil {
		return err
	}
	q := r.URL.Query().Get("q")
	res := &desk.ArticleResults{}
	if exact {
		res.Hits, err = s.Service.SearchArticles(r.Context(), u, lang, q, f)
	} else {
		res, err = s.Service.SearchArticlesCorrected(r.Context(), u, lang, q, f)
	}
	if err != nil {
		return err
	}
	out := articleHits{Items: make([]articleHitJSON, len(res.Hits)), CorrectedQuery: res.Corrected}
	for i, h := range res.Hits {
		out.Items[i] = articleHitJSON{Article: articleOut(h.Article), Title: snippetParts(h.Title),
			Snippet: snippetParts(h.Snippet), Rank: h.Rank}
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

// articleHits is the answer of a search.
type articleHits struct {
	Items []articleHitJSON `json:"items"`
	// CorrectedQuery is what was searched instead of q when q found
	// nothing and a spelling correction did; absent otherwise.
	CorrectedQuery string `json:"corrected_query,omitempty"`
}

// boolParam reads an optional true/false query parameter.
func boolParam(r *http.Request, name string) (bool, error) {
	switch r.URL.Query().Get(name) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, desk.FieldError(desk.EINVALID, "invalid_"+name, name, "%s must be true or false", name)
}

// articleVotes is a page of an article's votes.
type articleVotes struct {
	Items []*desk.ArticleVote `json:"items"`
	// NextBefore is the before of the next (older) page, absent on the
	// last.
	NextBefore int64 `json:"next_before,omitempty"`
}

// listArticleVotes answers the votes on an article, newest first, with
// their comments; for the staff who edit articles. limit (default 20, at
// most 100) and before (next_before of the previous page) page through
// them; commented=true leaves out votes without a comment.
func (s *Server) listArticleVotes(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	id, err := pathID(r, "article")
	if err != nil {
		return err
	}
	v := r.URL.Query()
	var q desk.VoteQuery
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n <= 0 {
			return desk.FieldError(desk.EINVALID, "invalid_limit", "limit", "limit must be a positive integer")
		}
		q.Limit = n
	}
	if b := v.Get("before"); b != "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n <= 0 {
			return desk.FieldError(desk.EINVALID, "invalid_cursor", "before", "before must be a vote id")
		}
		q.Before = n
	}
	if q.Commented, err = boolParam(r, "commented"); err != nil {
		return err
	}
	page, err := s.Service.ArticleVotes(r.Context(), u, id, q)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, articleVotes{Items: page.Votes, NextBefore: page.Next})
}

// createArticle stores a draft; staff only.
func (s *Server) createArticle(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	if !u.IsStaff() {
		return desk.Errorf(desk.EFORBIDDEN, "staff_only", "only support staff edit help articles")
	}
	var in articleBody
	if err := decodeJSON(w, r, s.maxBody(), &in); err != nil {
		return err
	}
	if in.Version != nil {
		return desk.FieldError(desk.EINVALID, "unknown_field", "version", "a new article has no version")
	}
	a, err := s.Service.CreateArticle(r.Context(), u, in.input())
	if err != nil {
		return err
	}
	w.Header().Set("Location", articleLocation(a.ID))
	return s.writeJSON(w, r, http.StatusCreated, articleOut(a))
}

// updateArticle stores an edit of the version the body names; staff only.
// An edit of a version someone has changed since is a 409 stale_version.
func (s *Server) updateArticle(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	if !u.IsStaff() {
		return desk.Errorf(desk.EFORBIDDEN, "staff_only", "only support staff edit help articles")
	}
	id, err := pathID(r, "article")
	if err != nil {
		return err
	}
	var in articleBody
	if err := decodeJSON(w, r, s.maxBody(), &in); err != nil {
		return err
	}
	if in.Version == nil {
		return desk.FieldError(desk.EINVALID, "version_required", "version", "send the version you edited")
	}
	a, err := s.Service.UpdateArticle(r.Context(), u, id, *in.Version, in.input())
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, articleOut(a))
}

// publishArticle puts an article into the help centre; staff only.
func (s *Server) publishArticle(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	id, err := pathID(r, "article")
	if err != nil {
		return err
	}
	if err := decodeEmpty(w, r, s.maxBody()); err != nil {
		return err
	}
	a, err := s.Service.PublishArticle(r.Context(), u, id)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, articleOut(a))
}

// deflectionJSON is one row of the deflection report.
type deflectionJSON struct {
	Product         string  `json:"product"`
	Lang            string  `json:"lang"`
	Sessions        int     `json:"sessions"`
	WithSuggestions int     `json:"with_suggestions"`
	Opened          int     `json:"opened"`
	Helpful         int     `json:"helpful"`
	CasesOpened     int     `json:"cases_opened"`
	Deflected       int     `json:"deflected"`
	Rate            float64 `json:"rate"`
}

// deflectionDays is the report's default period, ending now.
const deflectionDays = 30

// deflection counts the "Need help?" sessions that began in [from, to)
// per product and language; for supervisors and system admins. from and
// to are RFC 3339 times or dates (UTC midnight); the default is the last
// 30 days.
func (s *Server) deflection(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	now := s.Service.Clock.Now()
	from, to := now.AddDate(0, 0, -deflectionDays), now
	for _, p := range []struct {
		name string
		into *time.Time
	}{{"from", &from}, {"to", &to}} {
		v := strings.TrimSpace(r.URL.Query().Get(p.name))
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			if t, err = time.Parse("2006-01-02", v); err != nil {
				return desk.FieldError(desk.EINVALID, "invalid_"+p.name, p.name, "%s must be an RFC 3339 time or a date (YYYY-MM-DD)", p.name)
			}
		}
		*p.into = t
	}
	rows, err := s.Service.DeflectionReport(r.Context(), u, from, to)
	if err != nil {
		return err
	}
	out := make([]deflectionJSON, len(rows))
	for i, row := range rows {
		out[i] = deflectionJSON{Product: row.Product, Lang: row.Lang, Sessions: row.Sessions,
			WithSuggestions: row.WithSuggestions, Opened: row.Opened, Helpful: row.Helpful,
			CasesOpened: row.CasesOpened, Deflected: row.Deflected, Rate: row.Rate}
	}
	return s.writeJSON(w, r, http.StatusOK, items(out))
}
