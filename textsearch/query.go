package textsearch

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// Limits on a query. Longer queries are refused rather than cut, so that
// a user never gets results for less than they asked.
const (
	MaxQueryBytes = 500
	MaxQueryTerms = 12
)

// Errors of Parse. Both mean the user must shorten the query.
var (
	ErrQueryTooLong = errors.New("the search text is longer than 500 bytes")
	ErrTooManyTerms = errors.New("the search text has more than 12 words")
)

// Term is one searched term.
type Term struct {
	// Text is the stemmed, folded term: letters and digits only.
	Text string
	// Prefix matches every term that starts with Text: always for the
	// last word being typed and for a word written with a trailing *,
	// and in German for every word, whose compounds put the searched word
	// first ("Passwort" finds "Passwortrichtlinie").
	Prefix bool
	// Exclude leaves out what contains the term (written "-word").
	Exclude bool
}

// fts5Term renders a term for an FTS5 expression.
func (q Query) fts5Term(t Term) string {
	if ex := q.expansions(t); len(ex) > 0 {
		return "(" + `"` + strings.Join(ex, `" OR "`) + `"` + ")"
	}
	s := `"` + t.Text + `"`
	if t.Prefix {
		s += "*"
	}
	return s
}

// tsTerm renders a term for a tsquery, without its exclusion.
func (q Query) tsTerm(t Term) string {
	if ex := q.expansions(t); len(ex) > 0 {
		return "(" + strings.Join(ex, " | ") + ")"
	}
	if t.Prefix {
		return t.Text + ":*"
	}
	return t.Text
}

// expansions returns the terms an included prefix term stands for, if
// known (see Query.Expansions).
func (q Query) expansions(t Term) []string {
	if !t.Prefix || t.Exclude {
		return nil
	}
	return q.Expansions[t.Text]
}

// Query is a parsed search: documents that contain every included term
// and none of the excluded ones. A phrase ("...") is searched as its
// words, each of which must occur.
type Query struct {
	Lang  string
	Terms []Term
	// Expansions holds, for an included prefix term's Text, every term
	// the searched documents have that starts with it, when the desk
	// knows them (from its vocabulary). The engines then look each one
	// up, which reads their entries newest first and stops with the
	// page, where a prefix search first merges the entries of all such
	// terms whole: the same matches, found without reading them all.
	Expansions map[string][]string
}

// Empty reports whether the query has nothing to look for: no included
// term (only stop words, punctuation or exclusions were typed).
func (q Query) Empty() bool {
	for _, t := range q.Terms {
		if !t.Exclude {
			return false
		}
	}
	return true
}

// Parse reads what a user typed in a language's search box. It accepts
// any text: characters other than letters and digits separate words, a
// leading "-" excludes a word and a trailing "*" makes it a prefix. Its
// only errors are ErrQueryTooLong and ErrTooManyTerms.
func Parse(lang, input string) (Query, error) {
	q := Query{Lang: lang}
	if len(input) > MaxQueryBytes {
		return q, ErrQueryTooLong
	}
	input = strings.ToValidUTF8(input, " ")
	seen := map[Term]bool{}
	fields := strings.FieldsFunc(input, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == 0 || r == '"' || r == '(' || r == ')'
	})
	for i, f := range fields {
		exclude := strings.HasPrefix(f, "-") && len(f) > 1
		prefix := strings.HasSuffix(f, "*") || lang == "de"
		// The last word may still be being typed.
		if i == len(fields)-1 && !strings.HasSuffix(input, " ") {
			prefix = true
		}
		Words(strings.Trim(f, "-*"), func(w string) {
			if IsStopword(w) {
				return
			}
			// A word shorter than three letters as a prefix would match
			// half the index.
			p := prefix && utf8.RuneCountInString(w) >= 3
			t := Term{Text: Stem(lang, w), Prefix: p, Exclude: exclude}
			if p {
				// A prefix matches the unstemmed word's start: stemming
				// "instell" from "instellen" and then prefixing would
				// be the same, but a half-typed word has no stem yet.
				t.Text = Fold(w)
				if st := Stem(lang, w); len(st) < len(t.Text) {
					t.Text = st
				}
			}
			if t.Text != "" && !seen[t] {
				seen[t] = true
				q.Terms = append(q.Terms, t)
			}
		})
	}
	if len(q.Terms) > MaxQueryTerms {
		return Query{Lang: lang}, ErrTooManyTerms
	}
	return q, nil
}

// FTS5 renders the query as an SQLite FTS5 MATCH expression over a column
// of Document text. Every term is quoted, and terms hold only letters and
// digits, so nothing a user typed is read as FTS5 syntax. It returns ""
// for an empty query, which must not be searched.
func (q Query) FTS5() string { return q.fts5(" AND ") }

// fts5 renders the query with its included terms joined by op.
func (q Query) fts5(op string) string {
	if q.Empty() {
		return ""
	}
	var inc, exc []string
	for _, t := range q.Terms {
		s := q.fts5Term(t)
		if t.Exclude {
			exc = append(exc, s)
		} else {
			inc = append(inc, s)
		}
	}
	expr := strings.Join(inc, op)
	if op == " OR " {
		expr = "(" + expr + ")"
	}
	for _, e := range exc {
		expr += " NOT " + e
	}
	return expr
}

// TSQuery renders the query for PostgreSQL's to_tsquery('simple', $n)
// over a tsvector of Document text. It returns "" for an empty query.
func (q Query) TSQuery() string {
	if q.Empty() {
		return ""
	}
	var parts []string
	for _, t := range q.Terms {
		s := q.tsTerm(t)
		if t.Exclude {
			s = "!" + s
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " & ")
}

// Matches reports whether a document's terms (as Terms returns them)
// satisfy the query. Stores use it for nothing; tests and in-memory
// search do, and it defines what the engines must agree on.
func (q Query) Matches(terms []string) bool {
	if q.Empty() {
		return false
	}
	for _, t := range q.Terms {
		found := false
		for _, d := range terms {
			if d == t.Text || (t.Prefix && strings.HasPrefix(d, t.Text)) {
				found = true
				break
			}
		}
		if found == t.Exclude {
			return false
		}
	}
	return true
}

// Included returns how many terms the query looks for (not excluded).
func (q Query) Included() int {
	n := 0
	for _, t := range q.Terms {
		if !t.Exclude {
			n++
		}
	}
	return n
}

// AnyFTS5 renders the query as an FTS5 MATCH expression that matches a
// document with any of the included terms and none of the excluded ones:
// the fallback when no document has them all. It returns "" for an empty
// query.
func (q Query) AnyFTS5() string { return q.fts5(" OR ") }

// AnyTSQuery renders the query like AnyFTS5 for PostgreSQL's
// to_tsquery('simple', $n). It returns "" for an empty query.
func (q Query) AnyTSQuery() string {
	if q.Empty() {
		return ""
	}
	var inc, exc []string
	for _, t := range q.Terms {
		s := q.tsTerm(t)
		if t.Exclude {
			exc = append(exc, "!"+s)
		} else {
			inc = append(inc, s)
		}
	}
	return strings.Join(append([]string{"(" + strings.Join(inc, " | ") + ")"}, exc...), " & ")
}

// FTS5Column renders the query like FTS5, or like AnyFTS5 when any is
// set, with the included terms matched only in the named FTS5 column; the
// excluded terms still leave out documents that have them anywhere. The
// column name comes from the store's code, never from a user.
func (q Query) FTS5Column(column string, any bool) string {
	if q.Empty() {
		return ""
	}
	var inc, exc []string
	for _, t := range q.Terms {
		s := q.fts5Term(t)
		if t.Exclude {
			exc = append(exc, s)
		} else {
			inc = append(inc, s)
		}
	}
	op := " AND "
	if any {
		op = " OR "
	}
	expr := column + " : (" + strings.Join(inc, op) + ")"
	for _, e := range exc {
		expr += " NOT " + e
	}
	return expr
}
