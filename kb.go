package desk

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"desk/textsearch"
)

// ArticleState is where a help article stands in its life.
type ArticleState string

const (
	ArticleDraft     ArticleState = "draft"     // being written; staff only
	ArticlePublished ArticleState = "published" // in the help centre
	ArticleArchived  ArticleState = "archived"  // withdrawn; staff only
)

// ArticleStates lists the states in the order an article goes through them.
var ArticleStates = []ArticleState{ArticleDraft, ArticlePublished, ArticleArchived}

// Valid reports whether s is a known state.
func (s ArticleState) Valid() bool { return slices.Contains(ArticleStates, s) }

// ArticleVisibility says who may read a published article.
type ArticleVisibility string

const (
	// VisibilityPublic articles are read by anyone, signed in or not.
	VisibilityPublic ArticleVisibility = "public"
	// VisibilitySignedIn articles are read only by signed-in customer
	// admins and by staff: escalation paths and the like that are no
	// business of the open web.
	VisibilitySignedIn ArticleVisibility = "signed_in"
)

// Valid reports whether v is a known visibility.
func (v ArticleVisibility) Valid() bool { return v == VisibilityPublic || v == VisibilitySignedIn }

// Article is a help article in one language. Articles with the same Key
// are translations of each other.
type Article struct {
	ID int64 `json:"id"`
	// Key names the translation group, such as "password-reset"; it is
	// what links point to, so it never changes.
	Key   string `json:"key"`
	Lang  string `json:"lang"`
	Title string `json:"title"`
	// Body is Markdown, rendered through a sanitiser wherever it is shown.
	Body       string            `json:"body"`
	Category   string            `json:"category"`
	Products   []string          `json:"products"`
	State      ArticleState      `json:"state"`
	Visibility ArticleVisibility `json:"visibility"`
	// Version counts the edits; an update names the version it edited.
	Version     int        `json:"version"`
	AuthorID    int64      `json:"author_id,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	HelpfulYes  int        `json:"helpful_yes"`
	HelpfulNo   int        `json:"helpful_no"`
}

// ArticleRevision is the text of an article as one edit left it.
type ArticleRevision struct {
	ArticleID int64     `json:"article_id"`
	Version   int       `json:"version"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	AuthorID  int64     `json:"author_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// ArticleInput is what an editor writes.
type ArticleInput struct {
	Key, Lang, Title, Body, Category string
	Products                         []string
	Visibility                       ArticleVisibility
}

// ArticleFilter narrows a list or a search. Empty fields do not filter.
// States applies to staff only: everyone else sees published articles.
type ArticleFilter struct {
	Lang, Category, Product string
	States                  []ArticleState
	Limit                   int
}

// ArticleHit is an article found by a search, with its title and a piece
// of its body marked where they match.
type ArticleHit struct {
	Article *Article
	Title   []textsearch.Fragment
	Snippet []textsearch.Fragment
	Rank    float64
}

// ArticleCategories are the sections of the help centre, in the order it
// lists them.
var ArticleCategories = []string{"admin-roles", "contact-support", "service-status", "mail", "sign-in",
	"billing", "files", "calendar", "security", "data"}

// Limits on articles.
const (
	MaxArticleTitleLen   = 200
	MaxArticleBodyLen    = 100 << 10
	MaxArticleProducts   = 10
	MaxVoteCommentLen    = 1000
	DefaultArticleLimit  = 50
	MaxArticleLimit      = 500
	DefaultSearchLimit   = 20
	MaxSearchLimit       = 100
	maxHelpEventsPerCall = 100
)

// searchCandidates is how many matches of each kind (all words in the
// title; anywhere) a search ranks. The store returns the newest, so both
// engines hand over the same ones; ranking every match of a common word in
// a large knowledge base (FTS5's bm25, PostgreSQL's ts_rank) costs more
// than the rest of a search together.
const searchCandidates = 50

// titleBonus puts the articles that have every searched word in their
// title above those that have them only partly there.
const titleBonus = 100

var articleKeyPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,79}$`)

// KBStore keeps help articles, their revisions and votes, and the events
// of the "Need help?" box.
type KBStore interface {
	// CreateArticle stores a new article and its first revision and sets
	// the article's id; the article's search terms are stored in the same
	// transaction. A second article with the same key and language is
	// ECONFLICT.
	CreateArticle(ctx context.Context, a *Article, rev *ArticleRevision) error
	// UpdateArticle stores an article's new state if its stored version is
	// prevVersion, else fails with ECONFLICT, with rev (if not nil) and
	// its search terms in the same transaction.
	UpdateArticle(ctx context.Context, a *Article, prevVersion int, rev *ArticleRevision) error
	// Article returns one article.
	Article(ctx context.Context, id int64) (*Article, error)
	// ArticleByKey returns the article of a key in a language.
	ArticleByKey(ctx context.Context, key, lang string) (*Article, error)
	// ArticlesByID returns the articles with the given ids that exist, in
	// no particular order.
	ArticlesByID(ctx context.Context, ids []int64) ([]*Article, error)
	// ArticlesByKey returns every language of a key, ordered by language.
	ArticlesByKey(ctx context.Context, key string) ([]*Article, error)
	// Articles lists articles by category, then key, then language.
	Articles(ctx context.Context, f ArticleQuery) ([]*Article, error)
	// ArticleRevisions returns an article's revisions, newest first.
	ArticleRevisions(ctx context.Context, id int64) ([]*ArticleRevision, error)
	// SearchArticles calls fn for up to Limit articles matching a search,
	// the newest first, with their stored search terms: the desk ranks
	// them. The match and its byte slices are valid only during the call,
	// which spares copying the terms of every candidate.
	SearchArticles(ctx context.Context, s ArticleSearch, fn func(m *ArticleMatch)) error
	// AddArticleVote stores a vote and counts it on the article, in one
	// transaction, and sets the vote's id.
	AddArticleVote(ctx context.Context, v *ArticleVote) error
	// ArticleVotes returns the votes on an article that q selects, newest
	// (highest id) first. The counts stay on the article: this is for
	// reading what readers wrote.
	ArticleVotes(ctx context.Context, q VoteQuery) ([]*ArticleVote, error)
	// ArticleVocabulary returns every term that the published articles of
	// a language with one of the visibilities index (title and body, as
	// ArticleDocuments makes them), with the number of those articles
	// that have it.
	ArticleVocabulary(ctx context.Context, lang string, vis []ArticleVisibility) (map[string]int, error)
	// AddHelpEvents stores events of the "Need help?" box.
	AddHelpEvents(ctx context.Context, evs []HelpEvent) error
	// Deflection counts, per product and language, the help sessions that
	// began in [from, to).
	Deflection(ctx context.Context, from, to time.Time) ([]DeflectionRow, error)
}

// ArticleQuery is what a store lists: the filter with the states and
// visibilities the reader may see already decided.
type ArticleQuery struct {
	Lang, Category, Product string
	States                  []ArticleState
	Visibilities            []ArticleVisibility
	Limit                   int
}

// ArticleSearch is a search a store runs.
type ArticleSearch struct {
	ArticleQuery
	Query textsearch.Query
	// Any matches articles with any included term rather than all of them.
	Any bool
	// InTitle matches the included terms in the title only.
	InTitle bool
}

// ArticleMatch is an article a store found: enough to rank it, the terms
// it indexes for the title and the body (textsearch.Document text).
type ArticleMatch struct {
	ID                int64
	Key, Category     []byte
	TitleDoc, BodyDoc []byte
}

// ArticleVote is one answer to "was this helpful?". UserID and OrgID are
// those of a signed-in reader, zero for the anonymous.
type ArticleVote struct {
	ID        int64     `json:"id"`
	ArticleID int64     `json:"article_id"`
	Helpful   bool      `json:"helpful"`
	Comment   string    `json:"comment"`
	UserID    int64     `json:"user_id,omitempty"`
	OrgID     int64     `json:"org_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// VoteQuery selects votes of one article for a page.
type VoteQuery struct {
	ArticleID int64
	// Before is a page cursor: only votes with a smaller id; 0 starts at
	// the newest.
	Before int64
	Limit  int
	// Commented leaves out the votes without a comment.
	Commented bool
}

// VotePage is a page of an article's votes, newest first.
type VotePage struct {
	Votes []*ArticleVote
	// Next is the Before of the next (older) page, 0 on the last.
	Next int64
}

// Limits on reading votes.
const (
	DefaultVoteLimit = 20
	MaxVoteLimit     = 100
)

// ArticleDocuments returns the search terms a store indexes for an
// article's title and body: the body's Markdown syntax is left out.
func ArticleDocuments(a *Article) (title, body string) {
	return textsearch.Document(a.Lang, a.Title), textsearch.Document(a.Lang, PlainText(a.Body))
}

// PlainText returns Markdown as plain text, for snippets and the search
// index: emphasis, code marks, heading and list markers go, link labels
// stay and their addresses go. It need not be exact; it must not show
// syntax where a reader expects words.
func PlainText(md string) string { return plainPrefix(md, len(md)) }

// plainPrefix returns PlainText(md), or a prefix of it at least n bytes
// long (when it is longer): Markdown is converted line by line, so the
// text of a text's first lines is the start of the whole text's.
func plainPrefix(md string, n int) string {
	var b strings.Builder
	b.Grow(min(len(md), n+512))
	for line := range strings.SplitSeq(md, "\n") {
		if b.Len() > n {
			break
		}
		t := strings.TrimSpace(line)
		t = strings.TrimLeft(t, "#>")
		t = strings.TrimSpace(t)
		for _, p := range []string{"- ", "* ", "+ "} {
			t = strings.TrimPrefix(t, p)
		}
		if i := strings.Index(t, ". "); i > 0 && i <= 3 && isDigits(t[:i]) {
			t = t[i+2:]
		}
		if strings.HasPrefix(t, "```") || strings.Trim(t, "-=*_ |:") == "" {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			continue
		}
		t = stripLinks(t)
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		writeUnmarked(&b, t)
	}
	return b.String()
}

// writeUnmarked writes s without its emphasis and code marks ("*", "__",
// "`"), and with table bars as spaces. It does what a strings.Replacer of
// those would, in one pass and without a copy of the line: a help search
// strips the Markdown of each article it shows, and the replacer's
// general matching was a twentieth of a search.
func writeUnmarked(b *strings.Builder, s string) {
	from := 0
	for i := 0; i < len(s); i++ {
		n := 0
		switch c := s[i]; {
		case c == '*' || c == '`' || c == '|':
			n = 1
		case c == '_' && i+1 < len(s) && s[i+1] == '_':
			n = 2
		default:
			continue
		}
		b.WriteString(s[from:i])
		if s[i] == '|' {
			b.WriteByte(' ')
		}
		i += n - 1
		from = i + 1
	}
	b.WriteString(s[from:])
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// stripLinks keeps the labels of [label](url) and ![alt](url).
func stripLinks(s string) string {
	if !strings.Contains(s, "](") {
		return s
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(s, '[')
		if open < 0 {
			break
		}
		mid := strings.Index(s[open:], "](")
		if mid < 0 {
			break
		}
		mid += open
		end := strings.IndexByte(s[mid:], ')')
		if end < 0 {
			break
		}
		end += mid
		pre := s[:open]
		pre = strings.TrimSuffix(pre, "!")
		b.WriteString(pre)
		b.WriteString(s[open+1 : mid])
		s = s[end+1:]
	}
	b.WriteString(s)
	return b.String()
}

// requireEditor refuses anyone but staff: editors are vendor staff.
func requireEditor(actor *User) error {
	if actor == nil {
		return Errorf(EUNAUTHORIZED, "sign_in_required", "sign in to edit help articles")
	}
	if !actor.IsStaff() {
		return Errorf(EFORBIDDEN, "staff_only", "only support staff edit help articles")
	}
	return nil
}

// readerStates and readerVisibilities decide what a reader may see: staff
// everything they ask for, signed-in customer admins published articles
// of both visibilities, everyone else published public ones.
func readerStates(actor *User, want []ArticleState) []ArticleState {
	if actor != nil && actor.IsStaff() {
		if len(want) == 0 {
			return []ArticleState{ArticleDraft, ArticlePublished}
		}
		return want
	}
	return []ArticleState{ArticlePublished}
}

func readerVisibilities(actor *User) []ArticleVisibility {
	if mayReadSignedIn(actor) {
		return []ArticleVisibility{VisibilityPublic, VisibilitySignedIn}
	}
	return []ArticleVisibility{VisibilityPublic}
}

// mayReadSignedIn reports whether actor may read articles limited to the
// signed in: staff and the admins of customer organisations, not their
// ordinary users, who have no business with the support desk.
func mayReadSignedIn(actor *User) bool {
	return actor != nil && (actor.IsStaff() || actor.Role != RoleUser)
}

// mayRead reports whether actor may read a.
func mayRead(actor *User, a *Article) bool {
	if actor != nil && actor.IsStaff() {
		return true
	}
	if a.State != ArticlePublished {
		return false
	}
	return a.Visibility == VisibilityPublic || mayReadSignedIn(actor)
}

func (s *Service) checkArticle(ctx context.Context, in *ArticleInput) error {
	in.Key = strings.TrimSpace(in.Key)
	in.Title = strings.TrimSpace(in.Title)
	in.Category = strings.TrimSpace(in.Category)
	if in.Visibility == "" {
		in.Visibility = VisibilityPublic
	}
	switch {
	case !articleKeyPattern.MatchString(in.Key):
		return FieldError(EINVALID, "invalid_key", "key", "the key is 2 to 80 lower-case letters, digits and hyphens")
	case !slices.Contains(Languages, in.Lang):
		return FieldError(EINVALID, "invalid_language", "lang", "the language must be one of %s", strings.Join(Languages, ", "))
	case in.Title == "":
		return FieldError(EINVALID, "title_required", "title", "the title is required")
	case utf8.RuneCountInString(in.Title) > MaxArticleTitleLen:
		return FieldError(EINVALID, "title_too_long", "title", "the title is longer than %d characters", MaxArticleTitleLen)
	case !utf8.ValidString(in.Title) || !utf8.ValidString(in.Body) || strings.ContainsRune(in.Title+in.Body, 0):
		return FieldError(EINVALID, "invalid_text", "body", "the text is not valid UTF-8")
	case strings.TrimSpace(in.Body) == "":
		return FieldError(EINVALID, "body_required", "body", "the body is required")
	case len(in.Body) > MaxArticleBodyLen:
		return FieldError(EINVALID, "body_too_long", "body", "the body is larger than %d KB", MaxArticleBodyLen>>10)
	case !slices.Contains(ArticleCategories, in.Category):
		return FieldError(EINVALID, "invalid_category", "category", "the category must be one of %s", strings.Join(ArticleCategories, ", "))
	case !in.Visibility.Valid():
		return FieldError(EINVALID, "invalid_visibility", "visibility", "the visibility must be public or signed_in")
	case len(in.Products) > MaxArticleProducts:
		return FieldError(EINVALID, "too_many_products", "products", "an article names at most %d products", MaxArticleProducts)
	}
	if len(in.Products) > 0 {
		known, err := s.Store.Products(ctx)
		if err != nil {
			return err
		}
		var ps []string
		for _, p := range in.Products {
			p = strings.TrimSpace(p)
			if !slices.ContainsFunc(known, func(k *Product) bool { return k.Code == p }) {
				return FieldError(EINVALID, "unknown_product", "products", "there is no product %q", p)
			}
			if !slices.Contains(ps, p) {
				ps = append(ps, p)
			}
		}
		slices.Sort(ps)
		in.Products = ps
	}
	return nil
}

// CreateArticle stores a draft article, version 1 with its first revision.
func (s *Service) CreateArticle(ctx context.Context, actor *User, in ArticleInput) (*Article, error) {
	if err := requireEditor(actor); err != nil {
		return nil, err
	}
	if err := s.checkArticle(ctx, &in); err != nil {
		return nil, err
	}
	if _, err := s.Store.ArticleByKey(ctx, in.Key, in.Lang); err == nil {
		return nil, FieldError(ECONFLICT, "article_exists", "key", "an article with this key exists in this language")
	} else if ErrorKind(err) != ENOTFOUND {
		return nil, err
	}
	now := s.Clock.Now()
	a := &Article{Key: in.Key, Lang: in.Lang, Title: in.Title, Body: in.Body, Category: in.Category,
		Products: in.Products, State: ArticleDraft, Visibility: in.Visibility, Version: 1,
		AuthorID: actor.ID, CreatedAt: now, UpdatedAt: now}
	rev := &ArticleRevision{Version: 1, Title: a.Title, Body: a.Body, AuthorID: actor.ID, CreatedAt: now}
	if err := s.Store.CreateArticle(ctx, a, rev); err != nil {
		if ErrorKind(err) == ECONFLICT {
			return nil, FieldError(ECONFLICT, "article_exists", "key", "an article with this key exists in this language")
		}
		return nil, fmt.Errorf("create article: %w", err)
	}
	s.articlesChanged(ctx)
	return a, nil
}

// ImportArticle stores an article written elsewhere (the help texts the
// desk ships with) as published at publishedAt, in one write: version 1
// with its revision. An article already there for the key and language
// is ECONFLICT.
func (s *Service) ImportArticle(ctx context.Context, actor *User, in ArticleInput, publishedAt time.Time) (*Article, error) {
	if err := requireEditor(actor); err != nil {
		return nil, err
	}
	if err := s.checkArticle(ctx, &in); err != nil {
		return nil, err
	}
	a := &Article{Key: in.Key, Lang: in.Lang, Title: in.Title, Body: in.Body, Category: in.Category,
		Products: in.Products, State: ArticlePublished, Visibility: in.Visibility, Version: 1,
		AuthorID: actor.ID, CreatedAt: publishedAt, UpdatedAt: publishedAt, PublishedAt: &publishedAt}
	rev := &ArticleRevision{Version: 1, Title: a.Title, Body: a.Body, AuthorID: actor.ID, CreatedAt: publishedAt}
	if err := s.Store.CreateArticle(ctx, a, rev); err != nil {
		return nil, fmt.Errorf("import article %s/%s: %w", in.Key, in.Lang, err)
	}
	s.articlesChanged(ctx)
	return a, nil
}

// UpdateArticle stores an edit of the article at version, the one the
// editor started from, as a new version and revision. An edit of a version
// someone else has changed since is ECONFLICT: nothing is overwritten
// unseen.
func (s *Service) UpdateArticle(ctx context.Context, actor *User, id int64, version int, in ArticleInput) (*Article, error) {
	if err := requireEditor(actor); err != nil {
		return nil, err
	}
	a, err := s.Store.Article(ctx, id)
	if err != nil {
		return nil, err
	}
	// The key and language say which translation this is; moving an
	// article between them would break links and the group.
	if in.Key == "" {
		in.Key = a.Key
	}
	if in.Lang == "" {
		in.Lang = a.Lang
	}
	if in.Key != a.Key || in.Lang != a.Lang {
		return nil, FieldError(EINVALID, "key_fixed", "key", "the key and language of an article cannot change")
	}
	if err := s.checkArticle(ctx, &in); err != nil {
		return nil, err
	}
	if a.Version != version {
		return nil, Errorf(ECONFLICT, "stale_version", "the article changed since you opened it (now version %d)", a.Version)
	}
	now := s.Clock.Now()
	a.Title, a.Body, a.Category, a.Products, a.Visibility = in.Title, in.Body, in.Category, in.Products, in.Visibility
	a.Version++
	a.UpdatedAt = now
	rev := &ArticleRevision{ArticleID: a.ID, Version: a.Version, Title: a.Title, Body: a.Body, AuthorID: actor.ID, CreatedAt: now}
	if err := s.Store.UpdateArticle(ctx, a, version, rev); err != nil {
		if ErrorKind(err) == ECONFLICT {
			return nil, Errorf(ECONFLICT, "stale_version", "the article changed since you opened it")
		}
		return nil, fmt.Errorf("update article: %w", err)
	}
	s.articlesChanged(ctx)
	return a, nil
}

// articlesChanged drops this node's cached search results and
// vocabularies after an article was written, and announces the change so
// that other nodes drop theirs (FollowCatalogue); without a bus reaching
// them they see it within CatalogueCacheTTL (vocabularyTTL for the
// vocabularies).
func (s *Service) articlesChanged(ctx context.Context) {
	s.forgetArticles()
	if s.Bus != nil {
		s.Bus.Publish(ctx, Event{Type: EventArticlesChanged, At: s.Clock.Now()})
	}
}

// PublishArticle puts an article into the help centre.
func (s *Service) PublishArticle(ctx context.Context, actor *User, id int64) (*Article, error) {
	return s.setArticleState(ctx, actor, id, ArticlePublished)
}

// ArchiveArticle withdraws an article; staff still find it.
func (s *Service) ArchiveArticle(ctx context.Context, actor *User, id int64) (*Article, error) {
	return s.setArticleState(ctx, actor, id, ArticleArchived)
}

func (s *Service) setArticleState(ctx context.Context, actor *User, id int64, st ArticleState) (*Article, error) {
	if err := requireEditor(actor); err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		a, err := s.Store.Article(ctx, id)
		if err != nil {
			return nil, err
		}
		if a.State == st {
			return a, nil
		}
		now := s.Clock.Now()
		a.State = st
		a.UpdatedAt = now
		if st == ArticlePublished {
			a.PublishedAt = &now
		}
		// A change of state is no edit of the text: the version stays, so
		// an editor's open form is still current, but the write is still
		// compare-and-set so it cannot undo an edit made meanwhile.
		err = s.Store.UpdateArticle(ctx, a, a.Version, nil)
		if ErrorKind(err) == ECONFLICT && attempt < 3 {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("change article state: %w", err)
		}
		s.articlesChanged(ctx)
		return a, nil
	}
}

// Article returns an article the actor may read. One the actor may not
// read is not found, the same answer as for one that does not exist.
func (s *Service) Article(ctx context.Context, actor *User, id int64) (*Article, error) {
	a, err := s.Store.Article(ctx, id)
	if err != nil {
		return nil, err
	}
	if !mayRead(actor, a) {
		return nil, NotFound("article")
	}
	return a, nil
}

// ArticleByKey returns the article of a key in exactly one language.
func (s *Service) ArticleByKey(ctx context.Context, actor *User, key, lang string) (*Article, error) {
	if !articleKeyPattern.MatchString(key) || !slices.Contains(Languages, lang) {
		return nil, NotFound("article")
	}
	a, err := s.Store.ArticleByKey(ctx, key, lang)
	if err != nil {
		return nil, err
	}
	if !mayRead(actor, a) {
		return nil, NotFound("article")
	}
	return a, nil
}

// Translations returns the languages of a key the actor may read, in the
// order of Languages.
func (s *Service) Translations(ctx context.Context, actor *User, key string) ([]*Article, error) {
	out := []*Article{}
	if !articleKeyPattern.MatchString(key) {
		return out, nil
	}
	all, err := s.Store.ArticlesByKey(ctx, key)
	if err != nil {
		return nil, err
	}
	for _, a := range all {
		if mayRead(actor, a) {
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return slices.Index(Languages, out[i].Lang) < slices.Index(Languages, out[j].Lang)
	})
	return out, nil
}

func (s *Service) articleQuery(actor *User, f ArticleFilter, def, most int) (ArticleQuery, error) {
	q := ArticleQuery{Lang: f.Lang, Category: f.Category, Product: f.Product, Limit: f.Limit,
		States: readerStates(actor, f.States), Visibilities: readerVisibilities(actor)}
	for _, st := range q.States {
		if !st.Valid() {
			return q, FieldError(EINVALID, "invalid_state", "state", "unknown article state %q", st)
		}
	}
	if q.Lang != "" && !slices.Contains(Languages, q.Lang) {
		return q, FieldError(EINVALID, "invalid_language", "lang", "the language must be one of %s", strings.Join(Languages, ", "))
	}
	if q.Category != "" && !slices.Contains(ArticleCategories, q.Category) {
		return q, FieldError(EINVALID, "invalid_category", "category", "unknown category %q", q.Category)
	}
	if q.Limit <= 0 {
		q.Limit = def
	}
	q.Limit = min(q.Limit, most)
	return q, nil
}

// Articles lists the articles the actor may read, by category, key and
// language.
func (s *Service) Articles(ctx context.Context, actor *User, f ArticleFilter) ([]*Article, error) {
	q, err := s.articleQuery(actor, f, DefaultArticleLimit, MaxArticleLimit)
	if err != nil {
		return nil, err
	}
	out, err := s.Store.Articles(ctx, q)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []*Article{}
	}
	return out, nil
}

// ArticleRevisions returns an article's revisions, newest first; staff only.
func (s *Service) ArticleRevisions(ctx context.Context, actor *User, id int64) ([]*ArticleRevision, error) {
	if err := requireEditor(actor); err != nil {
		return nil, err
	}
	if _, err := s.Store.Article(ctx, id); err != nil {
		return nil, err
	}
	return s.Store.ArticleRevisions(ctx, id)
}

// SearchArticles finds the articles in lang the actor may read that match
// what was typed, best first: those with every word in the title, then by
// ArticleRank. When no article has every word of a question of several
// words, articles with any of them are returned, those with more first, so
// a long question still finds something. Answers are cached for
// CatalogueCacheTTL and dropped when an article is written; the hits may
// be shared with other callers and must not be changed. It searches for
// exactly what was typed: SearchArticlesCorrected also corrects typing
// errors.
func (s *Service) SearchArticles(ctx context.Context, actor *User, lang, query string, f ArticleFilter) ([]*ArticleHit, error) {
	pq, aq, err := s.prepareSearch(actor, lang, query, f)
	if err != nil {
		return nil, err
	}
	if pq.Empty() {
		return []*ArticleHit{}, nil
	}
	res, err := s.cachedSearch(ctx, actor, pq, aq)
	if err != nil {
		return nil, err
	}
	return res.hits, nil
}

// prepareSearch checks the language, parses what was typed and decides
// what the actor may find. For a query with nothing to look for it
// returns the empty query and leaves the filter unchecked, as there is
// nothing to search.
func (s *Service) prepareSearch(actor *User, lang, query string, f ArticleFilter) (textsearch.Query, ArticleQuery, error) {
	if !slices.Contains(Languages, lang) {
		return textsearch.Query{}, ArticleQuery{}, FieldError(EINVALID, "invalid_language", "lang", "the language must be one of %s", strings.Join(Languages, ", "))
	}
	pq, err := textsearch.Parse(lang, query)
	switch err {
	case nil:
	case textsearch.ErrQueryTooLong:
		return pq, ArticleQuery{}, FieldError(EINVALID, "query_too_long", "q", "the search text is longer than %d bytes", textsearch.MaxQueryBytes)
	case textsearch.ErrTooManyTerms:
		return pq, ArticleQuery{}, FieldError(EINVALID, "too_many_terms", "q", "the search text has more than %d words", textsearch.MaxQueryTerms)
	default:
		return pq, ArticleQuery{}, err
	}
	if pq.Empty() {
		return pq, ArticleQuery{}, nil
	}
	f.Lang = lang
	aq, err := s.articleQuery(actor, f, DefaultSearchLimit, MaxSearchLimit)
	return pq, aq, err
}

// articleResult is a ranked search answer. partial is set when no article
// had every word and the hits are those with some of them.
type articleResult struct {
	hits    []*ArticleHit
	partial bool
}

// cachedSearch runs a parsed search, from the cache while fresh.
func (s *Service) cachedSearch(ctx context.Context, actor *User, pq textsearch.Query, aq ArticleQuery) (articleResult, error) {
	// The results depend on nothing of the actor but what aq says they
	// may read, so readers with the same rights share cached answers.
	key := fmt.Sprint(aq.Lang, "\x00", pq.Terms, "\x00", aq.Category, "\x00", aq.Product, "\x00", aq.States, "\x00", aq.Visibilities, "\x00", aq.Limit)
	now := s.Clock.Now()
	if res, ok := s.cache.searches.get(key, now); ok {
		return res, nil
	}
	gen := s.cache.searches.generation()
	pq, err := s.expandPrefixes(ctx, pq, aq)
	if err != nil {
		return articleResult{}, err
	}
	var res articleResult
	err = s.inSearchSlot(ctx, s.slots.help, func() error {
		var err error
		res, err = s.searchArticles(ctx, actor, aq.Lang, pq, aq)
		return err
	})
	if err != nil {
		return articleResult{}, err
	}
	s.cache.searches.putBounded(key, res, now, gen, maxCachedSearches)
	return res, nil
}

// maxExpansions bounds how many terms a prefix is looked up as; a
// shorter prefix, with more, is searched as a prefix.
const maxExpansions = 16

// expandPrefixes fills in the terms each included prefix term of q stands
// for (textsearch.Query.Expansions), from the vocabulary of what aq's
// readers may find: every term of the published articles of the language
// with their visibilities. So the answer is the one the prefix would
// give: the vocabulary is dropped with every article write, and a prefix
// is left as it is when the vocabulary is not complete, has more than
// maxExpansions terms for it, or is being read for another search (which
// is not waited for: the first search after a write reads it).
func (s *Service) expandPrefixes(ctx context.Context, q textsearch.Query, aq ArticleQuery) (textsearch.Query, error) {
	if !slices.Equal(aq.States, []ArticleState{ArticlePublished}) || !slices.ContainsFunc(q.Terms, func(t textsearch.Term) bool {
		return t.Prefix && !t.Exclude
	}) {
		// Staff who search drafts too would miss their terms.
		return q, nil
	}
	v, ok, err := s.loadVocabulary(ctx, aq.Lang, aq.Visibilities, false)
	if err != nil || !ok {
		return q, err
	}
	ex := map[string][]string{}
	for _, t := range q.Terms {
		if !t.Prefix || t.Exclude {
			continue
		}
		// A prefix no published article has matches nothing either way.
		if terms, ok := v.withPrefix(t.Text, maxExpansions); ok && len(terms) > 0 {
			ex[t.Text] = terms
		}
	}
	q.Expansions = ex
	return q, nil
}

// searchArticles runs a parsed search against the store and ranks and
// marks what it finds.
func (s *Service) searchArticles(ctx context.Context, actor *User, lang string, pq textsearch.Query, aq ArticleQuery) (articleResult, error) {
	out := []*ArticleHit{}
	limit := aq.Limit
	aq.Limit = max(limit, searchCandidates)
	type cand struct {
		id   int64
		rank float64
		// inBody is whether the body has a searched word: the snippet
		// of one that does not is its start, found without stemming.
		inBody bool
	}
	var cands []cand
	seen := map[int64]bool{}
	rank := newRanker(pq)
	collect := func(anyTerm bool) error {
		// Title matches first; the body only when they are too few, which
		// saves reading many bodies for a word common in titles.
		for _, inTitle := range []bool{true, false} {
			if !inTitle && len(cands) >= limit {
				break
			}
			err := s.Store.SearchArticles(ctx, ArticleSearch{ArticleQuery: aq, Query: pq, Any: anyTerm, InTitle: inTitle},
				func(m *ArticleMatch) {
					if seen[m.ID] {
						return
					}
					seen[m.ID] = true
					r, inBody := rank.score(m.TitleDoc, m.BodyDoc)
					if inTitle && !anyTerm {
						r += titleBonus
					}
					cands = append(cands, cand{m.ID, r, inBody})
				})
			if err != nil {
				return fmt.Errorf("search articles: %w", err)
			}
		}
		return nil
	}
	if err := collect(false); err != nil {
		return articleResult{}, err
	}
	partial := false
	if len(cands) == 0 && pq.Included() >= 2 {
		if err := collect(true); err != nil {
			return articleResult{}, err
		}
		partial = len(cands) > 0
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].rank != cands[j].rank {
			return cands[i].rank > cands[j].rank
		}
		return cands[i].id < cands[j].id
	})
	if len(cands) > limit {
		cands = cands[:limit]
	}
	ids := make([]int64, len(cands))
	for i, c := range cands {
		ids[i] = c.id
	}
	list, err := s.Store.ArticlesByID(ctx, ids)
	if err != nil {
		return articleResult{}, fmt.Errorf("search articles: %w", err)
	}
	byID := make(map[int64]*Article, len(list))
	for _, a := range list {
		byID[a.ID] = a
	}
	// One snippeter for the page: its results share most of their words.
	sn := textsearch.NewSnippeter(pq)
	for _, c := range cands {
		// The store searched only what the actor may read; this check
		// costs nothing and keeps it so should a query ever get it wrong
		// (or an article change between the two reads).
		a := byID[c.id]
		if a == nil || !mayRead(actor, a) {
			continue
		}
		var snippet []textsearch.Fragment
		if c.inBody {
			snippet = sn.Snippet(PlainText(a.Body), snippetRunes)
		} else {
			// Without a match the snippet is the body's start, of at
			// most 200 runes: 4 bytes each, and one more to tell that the
			// text goes on.
			snippet = textsearch.Snippet(textsearch.Query{Lang: lang}, plainPrefix(a.Body, 4*(snippetRunes+1)), snippetRunes)
		}
		out = append(out, &ArticleHit{Article: a, Rank: c.rank,
			Title: sn.Snippet(a.Title, MaxArticleTitleLen), Snippet: snippet})
	}
	return articleResult{hits: out, partial: partial}, nil
}

// ArticleRank scores an article for a query from its indexed terms. Each
// included term adds a saturating amount for how often it occurs, ten
// times more in the title than in the body, whose share shrinks as the
// body grows. Rarer words are not weighed above common ones, since that
// would need counts over the whole index and make the order depend on what
// else is stored: the engines only find, this ranks, so both give the
// same order.
func ArticleRank(q textsearch.Query, titleDoc, bodyDoc string) float64 {
	r, _ := newRanker(q).score([]byte(titleDoc), []byte(bodyDoc))
	return r
}

// ranker scores documents for one query; it works on the bytes a store
// hands over, so that ranking a candidate allocates nothing.
type ranker struct {
	terms  [][]byte
	prefix []bool
}

func newRanker(q textsearch.Query) *ranker {
	r := &ranker{}
	for _, t := range q.Terms {
		if !t.Exclude && len(r.terms) < textsearch.MaxQueryTerms {
			r.terms = append(r.terms, []byte(t.Text))
			r.prefix = append(r.prefix, t.Prefix)
		}
	}
	return r
}

func (r *ranker) count(doc []byte, tf *[textsearch.MaxQueryTerms]float64) int {
	// A document is terms joined by single spaces (textsearch.Document),
	// so each term is looked for with bytes.Index, which is much faster
	// than splitting the document, and counted where it starts a term
	// (and ends one, unless it is a prefix).
	for i, t := range r.terms {
		if len(t) == 0 {
			continue
		}
		for off := 0; ; {
			j := bytes.Index(doc[off:], t)
			if j < 0 {
				break
			}
			start, end := off+j, off+j+len(t)
			if (start == 0 || doc[start-1] == ' ') && (r.prefix[i] || end == len(doc) || doc[end] == ' ') {
				tf[i]++
			}
			off = start + 1
		}
	}
	return countTerms(doc)
}

// countTerms returns the number of terms of a document: words separated by
// spaces.
func countTerms(doc []byte) int {
	if len(doc) == 0 {
		return 0
	}
	if doc[0] != ' ' && doc[len(doc)-1] != ' ' && !bytes.Contains(doc, []byte("  ")) {
		return bytes.Count(doc, []byte(" ")) + 1
	}
	n := 0
	for i, c := range doc {
		if c != ' ' && (i == 0 || doc[i-1] == ' ') {
			n++
		}
	}
	return n
}

// score returns the rank and whether the body has any of the terms.
func (r *ranker) score(titleDoc, bodyDoc []byte) (float64, bool) {
	const titleWeight, k1, avgBody = 10.0, 1.2, 150.0
	var tfTitle, tfBody [textsearch.MaxQueryTerms]float64
	r.count(titleDoc, &tfTitle)
	bodyLen := r.count(bodyDoc, &tfBody)
	norm := k1 * (0.25 + 0.75*float64(bodyLen)/avgBody)
	var score float64
	inBody := false
	for i := range r.terms {
		if tf := tfTitle[i]; tf > 0 {
			score += titleWeight * tf * (k1 + 1) / (tf + k1)
		}
		if tf := tfBody[i]; tf > 0 {
			score += tf * (k1 + 1) / (tf + norm)
			inBody = true
		}
	}
	// Rounded so that the order never hangs on the last bits of a float.
	return math.Round(score*1e6) / 1e6, inBody
}

// RelatedArticles returns up to limit other articles in a's language the
// actor may read: those sharing most words of a's title, then those of the
// same category.
func (s *Service) RelatedArticles(ctx context.Context, actor *User, a *Article, limit int) ([]*Article, error) {
	if limit <= 0 {
		limit = 5
	}
	limit = min(limit, 20)
	out := []*Article{}
	seen := map[int64]bool{a.ID: true}
	// The title's terms, as an any-word search of titles: articles about
	// the same thing share the words of what they are about.
	q := textsearch.Query{Lang: a.Lang}
	for _, t := range textsearch.Terms(a.Lang, a.Title) {
		if len(q.Terms) < textsearch.MaxQueryTerms && !slices.ContainsFunc(q.Terms, func(x textsearch.Term) bool { return x.Text == t }) {
			q.Terms = append(q.Terms, textsearch.Term{Text: t})
		}
	}
	aq, err := s.articleQuery(actor, ArticleFilter{Lang: a.Lang}, limit, limit)
	if err != nil {
		return nil, err
	}
	add := func(id int64) error {
		if seen[id] {
			return nil
		}
		seen[id] = true
		r, err := s.Store.Article(ctx, id)
		if ErrorKind(err) == ENOTFOUND {
			return nil
		}
		if err != nil {
			return err
		}
		if mayRead(actor, r) {
			out = append(out, r)
		}
		return nil
	}
	if !q.Empty() {
		sq := aq
		sq.Limit = searchCandidates
		type ranked struct {
			id   int64
			rank float64
		}
		var rs []ranked
		rank := newRanker(q)
		err := s.Store.SearchArticles(ctx, ArticleSearch{ArticleQuery: sq, Query: q, Any: true, InTitle: true},
			func(m *ArticleMatch) {
				if string(m.Key) == a.Key {
					return
				}
				r, _ := rank.score(m.TitleDoc, nil)
				if string(m.Category) == a.Category {
					r++
				}
				rs = append(rs, ranked{m.ID, r})
			})
		if err != nil {
			return nil, fmt.Errorf("related articles: %w", err)
		}
		sort.Slice(rs, func(i, j int) bool {
			if rs[i].rank != rs[j].rank {
				return rs[i].rank > rs[j].rank
			}
			return rs[i].id < rs[j].id
		})
		for _, r := range rs {
			if len(out) == limit {
				break
			}
			if err := add(r.id); err != nil {
				return nil, err
			}
		}
	}
	if len(out) < limit {
		cq := aq
		cq.Category = a.Category
		cq.Limit = limit + len(seen)
		more, err := s.Store.Articles(ctx, cq)
		if err != nil {
			return nil, err
		}
		for _, m := range more {
			if len(out) == limit {
				break
			}
			if m.Key != a.Key {
				if err := add(m.ID); err != nil {
					return nil, err
				}
			}
		}
	}
	return out, nil
}

// VoteArticle records whether an article helped, with an optional comment.
// Anyone who may read the article may vote, signed in or not.
func (s *Service) VoteArticle(ctx context.Context, actor *User, id int64, helpful bool, comment string) error {
	comment = strings.TrimSpace(comment)
	if utf8.RuneCountInString(comment) > MaxVoteCommentLen {
		return FieldError(EINVALID, "comment_too_long", "comment", "the comment is longer than %d characters", MaxVoteCommentLen)
	}
	if !utf8.ValidString(comment) || strings.ContainsRune(comment, 0) {
		return FieldError(EINVALID, "invalid_text", "comment", "the comment is not valid UTF-8")
	}
	a, err := s.Article(ctx, actor, id)
	if err != nil {
		return err
	}
	v := &ArticleVote{ArticleID: a.ID, Helpful: helpful, Comment: comment, CreatedAt: s.Clock.Now()}
	if actor != nil {
		v.UserID, v.OrgID = actor.ID, actor.OrgID
	}
	if err := s.Store.AddArticleVote(ctx, v); err != nil {
		return fmt.Errorf("vote article: %w", err)
	}
	return nil
}

// ArticleVotes returns a page of the votes on an article, newest first,
// for the staff who edit it (the same rule as the editor): readers'
// comments are feedback for the editors, not for other readers, and a
// signed-in reader's vote names their organisation. With q.Commented only
// the votes with a comment are returned. q.ArticleID is ignored.
func (s *Service) ArticleVotes(ctx context.Context, actor *User, articleID int64, q VoteQuery) (*VotePage, error) {
	if err := requireEditor(actor); err != nil {
		return nil, err
	}
	if q.Before < 0 {
		return nil, FieldError(EINVALID, "invalid_cursor", "before", "before must be a vote id")
	}
	if q.Limit < 0 {
		return nil, FieldError(EINVALID, "invalid_limit", "limit", "limit must be a positive integer")
	}
	if q.Limit == 0 {
		q.Limit = DefaultVoteLimit
	}
	q.Limit = min(q.Limit, MaxVoteLimit)
	if _, err := s.Store.Article(ctx, articleID); err != nil {
		return nil, err
	}
	q.ArticleID = articleID
	// One more than the page tells whether an older page exists, so that
	// the last page offers no link to an empty one.
	limit := q.Limit
	q.Limit++
	votes, err := s.Store.ArticleVotes(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("article votes: %w", err)
	}
	page := &VotePage{Votes: votes}
	if len(votes) > limit {
		page.Votes = votes[:limit]
		page.Next = page.Votes[limit-1].ID
	}
	if page.Votes == nil {
		page.Votes = []*ArticleVote{}
	}
	return page, nil
}

// HelpEventKind is what happened in a "Need help?" session.
type HelpEventKind string

const (
	HelpSuggested  HelpEventKind = "suggested"   // an article was shown
	HelpOpened     HelpEventKind = "opened"      // a suggested article was opened
	HelpHelpful    HelpEventKind = "helpful"     // it was marked helpful
	HelpNotHelpful HelpEventKind = "not_helpful" // it was marked not helpful
	HelpCaseOpened HelpEventKind = "case_opened" // the admin opened a case after all
)

// Valid reports whether k is a known kind.
func (k HelpEventKind) Valid() bool {
	switch k {
	case HelpSuggested, HelpOpened, HelpHelpful, HelpNotHelpful, HelpCaseOpened:
		return true
	}
	return false
}

// HelpEvent is one step of a help session: the random id the portal makes
// when the "Need help?" box is used and carries into the case form.
type HelpEvent struct {
	Session   string        `json:"session"`
	Kind      HelpEventKind `json:"kind"`
	ArticleID int64         `json:"article_id,omitempty"`
	Product   string        `json:"product,omitempty"`
	Lang      string        `json:"lang"`
	OrgID     int64         `json:"org_id,omitempty"`
	At        time.Time     `json:"at"`
}

var helpSessionPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`)

// RecordHelpEvents stores what happened in help sessions. The time and the
// organisation come from the desk, not the caller: the actor's
// organisation, none for staff and the anonymous.
func (s *Service) RecordHelpEvents(ctx context.Context, actor *User, evs []HelpEvent) error {
	if len(evs) == 0 {
		return nil
	}
	if len(evs) > maxHelpEventsPerCall {
		return FieldError(EINVALID, "too_many_events", "events", "at most %d events at once", maxHelpEventsPerCall)
	}
	now := s.Clock.Now()
	var org int64
	if actor != nil && !actor.IsStaff() {
		org = actor.OrgID
	}
	out := make([]HelpEvent, 0, len(evs))
	for _, e := range evs {
		switch {
		case !helpSessionPattern.MatchString(e.Session):
			return FieldError(EINVALID, "invalid_session", "session", "the help session id is 16 to 64 letters, digits, - and _")
		case !e.Kind.Valid():
			return FieldError(EINVALID, "invalid_kind", "kind", "unknown help event %q", e.Kind)
		case !slices.Contains(Languages, e.Lang):
			return FieldError(EINVALID, "invalid_language", "lang", "the language must be one of %s", strings.Join(Languages, ", "))
		case e.Product != "" && !codePattern.MatchString(e.Product):
			return FieldError(EINVALID, "invalid_product", "product", "invalid product code")
		case e.ArticleID < 0:
			return FieldError(EINVALID, "invalid_article", "article_id", "invalid article id")
		}
		e.OrgID, e.At = org, now
		out = append(out, e)
	}
	if err := s.Store.AddHelpEvents(ctx, out); err != nil {
		return fmt.Errorf("record help events: %w", err)
	}
	return nil
}

// DeflectionRow counts help sessions of one product and language. A
// session is deflected when it had suggestions, at least one was opened or
// marked helpful, and no case was opened in it.
type DeflectionRow struct {
	Product, Lang   string
	Sessions        int
	WithSuggestions int
	Opened          int
	Helpful         int
	CasesOpened     int
	Deflected       int
	// Rate is Deflected / WithSuggestions, 0 without suggestions.
	Rate float64
}

// DeflectionReport counts the help sessions that began in [from, to) per
// product and language; for supervisors and system admins.
func (s *Service) DeflectionReport(ctx context.Context, actor *User, from, to time.Time) ([]DeflectionRow, error) {
	if actor == nil || !actor.IsSupervisor() {
		return nil, Errorf(EFORBIDDEN, "supervisor_only", "only supervisors see the deflection report")
	}
	if !to.After(from) {
		return nil, FieldError(EINVALID, "invalid_range", "to", "the end of the period must be after its start")
	}
	rows, err := s.Store.Deflection(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("deflection report: %w", err)
	}
	for i := range rows {
		if rows[i].WithSuggestions > 0 {
			rows[i].Rate = float64(rows[i].Deflected) / float64(rows[i].WithSuggestions)
		}
	}
	if rows == nil {
		rows = []DeflectionRow{}
	}
	return rows, nil
}

// NewHelpSession returns a fresh random help session id.
func NewHelpSession() string { return rand.Text() }
