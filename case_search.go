package desk

import (
	"context"
	"errors"
	"strings"
	"time"

	"desk/textsearch"
)

// CaseSearch is a full-text search over cases: their titles, descriptions
// and timelines, combined with filters on the case.
type CaseSearch struct {
	// Text is what the user typed; see textsearch.Parse for its syntax.
	Text string
	// Lang, when set, reads the text in that language only (its words
	// stemmed as that language's). Empty reads it in every language the
	// desk stems and matches what any reading finds: each case's text is
	// stemmed in the case's language, which may not be the searcher's.
	// German words are prefixes (compounds) only for German searchers.
	Lang       string
	Statuses   []Status
	Severities []Severity
	// OrgID keeps one organisation's cases; for a customer the scope keeps
	// only their own anyway.
	OrgID   int64
	Product string
	// CreatedBy keeps the cases one user opened.
	CreatedBy int64
	// From and To bound the cases' creation time: From inclusive, To
	// exclusive; zero means unbounded.
	From, To time.Time
	// Limit is the page size, at most MaxPageSize; zero means 20.
	Limit int
	// After is the id of the last case of the previous page; the next page
	// holds older cases only.
	After int64
}

// CaseHit is one case found by a search, with the entry of its timeline
// that matched best.
type CaseHit struct {
	Case *Case
	// Message is the newest matching timeline entry the searcher may see;
	// nil when the case's title or description matched and no later entry
	// did.
	Message *Message
	// Snippet is the matching text around its first match, the matched
	// words marked.
	Snippet []textsearch.Fragment
}

// CaseSearchPage is one page of search results; Next is zero on the last
// page and otherwise the After of the next one.
type CaseSearchPage struct {
	Hits []*CaseHit
	Next int64
}

// CaseSearchStore finds cases by their text and rebuilds the index the
// search reads. Case writes (CreateCase, UpdateCase, ImportCases) index
// the text they add in their own transaction.
type CaseSearchStore interface {
	// SearchCases returns up to f.Limit cases within the scope that match
	// f's filters and have an entry matching one of the queries (readings
	// of one text in several languages), newest case (highest id) first,
	// each once, with its newest matching entry. An entry the scope may
	// not see (an internal note for a customer) never makes a case match.
	// No query may be empty. f.Text and f.Lang are not read.
	SearchCases(ctx context.Context, scope Scope, qs []textsearch.Query, f CaseSearch) ([]*CaseHit, error)
	// ReindexCases empties the index and indexes every case again, batch
	// cases per transaction, calling progress (if set) after each batch
	// with the totals so far. It returns how many entries it indexed.
	ReindexCases(ctx context.Context, batch int, progress func(cases, entries int)) (int, error)
	// TidySearchIndexes readies the full-text indexes (cases' and help
	// articles') for searching after bulk writes: SQLite merges each FTS5
	// index into one segment, PostgreSQL refreshes the planner's
	// statistics. Searches are right without it, only slower.
	TidySearchIndexes(ctx context.Context) error
}

// CaseSearchDocument returns the indexed terms of a case's title and
// description, in the case's language. The stores index exactly this, so
// that both engines hold the same entries.
func CaseSearchDocument(c *Case) string {
	return textsearch.Document(c.Language, c.Title+"\n"+c.Description)
}

// Indexed reports whether a timeline entry is indexed for case search:
// events ("status changed") say nothing a search looks for.
func (m *Message) Indexed() bool {
	return m.Kind != MessageEvent && strings.TrimSpace(m.Body) != ""
}

// defaultSearchLimit is the page size of a search that asks for none.
const defaultSearchLimit = 20

// snippetRunes is about how long a result's snippet is.
const snippetRunes = 200

// SearchCases finds the cases the actor may see whose text matches
// q.Text, with q's filters, newest case first. Staff who work cases search
// every organisation's cases, internal notes included; customers with the
// Support privilege search their own organisation's cases, and internal
// notes never make one of them match; anyone else is refused, as for the
// case list.
func (s *Service) SearchCases(ctx context.Context, actor *User, q CaseSearch) (*CaseSearchPage, error) {
	if err := requireCaseManager(actor); err != nil {
		return nil, err
	}
	if strings.TrimSpace(q.Text) == "" {
		return nil, FieldError(EINVALID, "query_required", "q", "type what to search for")
	}
	if q.Lang != "" && !validLanguage(q.Lang) {
		return nil, FieldError(EINVALID, "invalid_language", "lang", "language must be one of %s", strings.Join(Languages, ", "))
	}
	var err error
	if q.Statuses, err = uniqueValid(q.Statuses, []Status{StatusNew, StatusOpen, StatusActionRequired, StatusResolved, StatusClosed}, "status"); err != nil {
		return nil, err
	}
	if q.Severities, err = uniqueValid(q.Severities, Severities, "severity"); err != nil {
		return nil, err
	}
	if err := checkText("product", q.Product, false, 100); err != nil {
		return nil, err
	}
	if q.OrgID < 0 {
		return nil, FieldError(EINVALID, "invalid_org", "org", "org must be an organisation id")
	}
	if q.CreatedBy < 0 {
		return nil, FieldError(EINVALID, "invalid_creator", "creator", "creator must be a user id")
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.To.After(q.From) {
		return nil, FieldError(EINVALID, "invalid_range", "to", "to must come after from")
	}
	if q.After < 0 {
		return nil, FieldError(EINVALID, "invalid_cursor", "after", "after is not one this search returned")
	}
	if q.Limit <= 0 {
		q.Limit = defaultSearchLimit
	}
	q.Limit = min(q.Limit, MaxPageSize)
	langs := textsearch.Languages
	if q.Lang != "" {
		langs = []string{q.Lang}
	}
	german := q.Lang == "de" || (q.Lang == "" && actor.Language == "de")
	var match []textsearch.Query
	for _, lang := range langs {
		// A search is sent whole, so its last word is not still being
		// typed: the trailing space keeps it from being a prefix (a
		// trailing * still makes one).
		m, err := textsearch.Parse(lang, q.Text+" ")
		switch {
		case errors.Is(err, textsearch.ErrQueryTooLong):
			return nil, FieldError(EINVALID, "query_too_long", "q", "the search text is too long; use at most %d bytes", textsearch.MaxQueryBytes)
		case errors.Is(err, textsearch.ErrTooManyTerms):
			return nil, FieldError(EINVALID, "too_many_terms", "q", "the search text has too many words; use at most %d", textsearch.MaxQueryTerms)
		case err != nil:
			return nil, err
		}
		if m.Empty() {
			// Only punctuation, stop words or exclusions: nothing to
			// look for (stop words are the same in every language).
			return &CaseSearchPage{}, nil
		}
		if lang == "de" && !german && !strings.Contains(q.Text, "*") {
			// German reads every word as a prefix (its compounds put
			// the searched word first), which makes a search of common
			// words read much of the index: only those who search in
			// German get it. A German prefix term is the word's stem.
			for i := range m.Terms {
				m.Terms[i].Prefix = false
			}
		}
		match = append(match, m)
	}
	page := &CaseSearchPage{}
	limit := q.Limit
	// One case more than the page tells whether there is a next page.
	q.Limit++
	var hits []*CaseHit
	err = s.inSearchSlot(ctx, s.slots.cases, func() error {
		var err error
		hits, err = s.Store.SearchCases(ctx, ScopeOf(actor), match, q)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(hits) > limit {
		hits = hits[:limit]
		page.Next = hits[limit-1].Case.ID
	}
	// The snippet marks words as the case's language reads them; one
	// snippeter per reading serves the page, whose texts share words.
	sns := make([]*textsearch.Snippeter, len(match))
	for _, h := range hits {
		i := 0
		for j, v := range match {
			if v.Lang == h.Case.Language {
				i = j
			}
		}
		if sns[i] == nil {
			sns[i] = textsearch.NewSnippeter(match[i])
		}
		h.Snippet = hitSnippet(sns[i], h)
	}
	page.Hits = hits
	return page, nil
}

// hitSnippet cuts the snippet of a hit from the entry that matched: the
// message, or else the description or, failing a match there, the title.
func hitSnippet(sn *textsearch.Snippeter, h *CaseHit) []textsearch.Fragment {
	if h.Message != nil {
		return sn.Snippet(h.Message.Body, snippetRunes)
	}
	if d := sn.Snippet(h.Case.Description, snippetRunes); hasMatch(d) || h.Case.Description != "" && !hasMatch(sn.Snippet(h.Case.Title, snippetRunes)) {
		return d
	}
	return sn.Snippet(h.Case.Title, snippetRunes)
}

func hasMatch(fs []textsearch.Fragment) bool {
	for _, f := range fs {
		if f.Match {
			return true
		}
	}
	return false
}

// Reindex rebuilds the case search index from scratch; see
// CaseSearchStore.ReindexCases.
func (s *Service) Reindex(ctx context.Context, progress func(cases, entries int)) (int, error) {
	return s.Store.ReindexCases(ctx, 500, progress)
}
