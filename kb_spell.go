package desk

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"desk/textsearch"
)

// Typo tolerance for the help centre's search: when a short query finds
// nothing because a word is misspelt ("pasword"), each word the published
// articles do not contain is replaced by the nearest term they do, the
// search runs again, and the reader is told what was searched instead.
//
// The correction works on terms, the stemmed and folded words the index
// holds, because those are what a search matches: correcting the typed
// word to a surface word would have to be stemmed again anyway. The
// vocabulary of terms comes from the store (ArticleVocabulary), per
// language and per set of visibilities a reader has, so that a correction
// never proposes a word that only a draft or an article the reader may
// not read contains; it is cached until an article is written.

// maxCorrectedWords is the longest query that is corrected. A longer
// question still finds articles by its other words (the any-word
// fallback), and guessing several words at once goes wrong more often
// than right.
const maxCorrectedWords = 2

// vocabularyTTL is how long a node keeps a vocabulary. Writes drop it at
// once (on other nodes through EventArticlesChanged); this bounds how long
// a lost announcement leaves it stale.
const vocabularyTTL = 10 * time.Minute

// maxVocabularyTerms bounds a vocabulary's memory and the scan of a
// correction. A knowledge base rarely has more distinct terms in one
// language; beyond it, the rarest are left out, which are the least
// likely corrections anyway.
const maxVocabularyTerms = 200_000

// ArticleResults is the answer of a help-centre search that corrects
// typing errors.
type ArticleResults struct {
	Hits []*ArticleHit
	// Corrected is the query the hits were found for, in words for the
	// reader, when what was typed found nothing (or only articles with
	// some of its words) and a correction found more: the typed query with
	// each corrected word replaced, such as "reset password" for "reset
	// pasword". It is empty when the hits are for what was typed.
	Corrected string
}

// SearchArticlesCorrected is SearchArticles with a "did you mean": when a
// query of one or two words finds nothing, or no article with all of its
// words, each word that no published article of the language has is
// corrected to the nearest term one has (see vocabulary.closest), and
// the corrected query's hits are returned with the correction, if it finds
// any. A query that finds articles with all its words is never corrected,
// so the cost of a correction falls on misses only.
func (s *Service) SearchArticlesCorrected(ctx context.Context, actor *User, lang, query string, f ArticleFilter) (*ArticleResults, error) {
	pq, aq, err := s.prepareSearch(actor, lang, query, f)
	if err != nil {
		return nil, err
	}
	out := &ArticleResults{Hits: []*ArticleHit{}}
	if pq.Empty() {
		return out, nil
	}
	res, err := s.cachedSearch(ctx, actor, pq, aq)
	if err != nil {
		return nil, err
	}
	out.Hits = res.hits
	if (len(res.hits) > 0 && !res.partial) || pq.Included() > maxCorrectedWords {
		return out, nil
	}
	// The correction is a help on top of the search, which worked: when
	// it fails the reader gets what was typed found, and the log says
	// why there was no correction.
	voc, err := s.vocabulary(ctx, lang, aq.Visibilities)
	if err != nil {
		s.logger().WarnContext(ctx, "correct a search", "err", err)
		return out, nil
	}
	cq, fixes := voc.correct(pq)
	if len(fixes) == 0 {
		return out, nil
	}
	cres, err := s.cachedSearch(ctx, actor, cq, aq)
	if err != nil {
		s.logger().WarnContext(ctx, "correct a search", "err", err)
		return out, nil
	}
	// A correction that finds nothing helps no one; one that, like the
	// typed query, finds only articles with some of the words is no
	// better than what was typed, and the reader should see what they
	// asked for.
	if len(cres.hits) == 0 || (len(res.hits) > 0 && cres.partial) {
		return out, nil
	}
	out.Hits = cres.hits
	out.Corrected = correctedText(lang, query, fixes, cres.hits)
	return out, nil
}

// vocabulary returns the vocabulary of the published articles of a
// language that readers with the visibilities may read, from the cache
// while fresh.
func (s *Service) vocabulary(ctx context.Context, lang string, vis []ArticleVisibility) (*vocabulary, error) {
	v, _, err := s.loadVocabulary(ctx, lang, vis, true)
	return v, err
}

// loadVocabulary is vocabulary; without wait, it reports false instead of
// waiting while another caller reads a vocabulary.
func (s *Service) loadVocabulary(ctx context.Context, lang string, vis []ArticleVisibility, wait bool) (*vocabulary, bool, error) {
	key := fmt.Sprint(lang, vis)
	c := s.cache
	if v, ok := c.vocabularies.get(key, s.Clock.Now()); ok {
		return v, true, nil
	}
	if wait {
		c.vocabularyLoad.Lock()
	} else if !c.vocabularyLoad.TryLock() {
		return nil, false, nil
	}
	defer c.vocabularyLoad.Unlock()
	now := s.Clock.Now()
	if v, ok := c.vocabularies.get(key, now); ok {
		return v, true, nil
	}
	gen := c.vocabularies.generation()
	terms, err := s.Store.ArticleVocabulary(ctx, lang, vis)
	if err != nil {
		return nil, false, fmt.Errorf("article vocabulary: %w", err)
	}
	v := newVocabulary(terms)
	c.vocabularies.put(key, v, now, gen)
	return v, true, nil
}

// vocabulary is the terms of one language's published articles, arranged
// for correcting a word: by length, so that a correction compares a word
// only with terms whose length is within the distance allowed.
type vocabulary struct {
	// complete is unset when the vocabulary kept only the commonest
	// terms (maxVocabularyTerms).
	complete bool
	docs     map[string]int
	// sorted holds every term in order: a prefix term is known when a
	// term starts with it.
	sorted []string
	// byLen[n] holds the terms of n runes that may be a correction.
	byLen [][]vocabTerm
}

type vocabTerm struct {
	term  string
	runes []rune
	docs  int
}

// newVocabulary arranges the terms a store returned, with the number of
// articles that have each.
func newVocabulary(docs map[string]int) *vocabulary {
	terms := make([]string, 0, len(docs))
	for t := range docs {
		terms = append(terms, t)
	}
	complete := len(terms) <= maxVocabularyTerms
	if !complete {
		sort.Slice(terms, func(i, j int) bool {
			if docs[terms[i]] != docs[terms[j]] {
				return docs[terms[i]] > docs[terms[j]]
			}
			return terms[i] < terms[j]
		})
		kept := make(map[string]int, maxVocabularyTerms)
		for _, t := range terms[:maxVocabularyTerms] {
			kept[t] = docs[t]
		}
		terms, docs = terms[:maxVocabularyTerms], kept
	}
	slices.Sort(terms)
	v := &vocabulary{complete: complete, docs: docs, sorted: terms}
	for _, t := range terms {
		// A term with a digit is a code, a version or a size: another
		// code one key away is a different thing, not a correction.
		if hasDigit(t) {
			continue
		}
		r := []rune(t)
		for len(v.byLen) <= len(r) {
			v.byLen = append(v.byLen, nil)
		}
		v.byLen[len(r)] = append(v.byLen[len(r)], vocabTerm{term: t, runes: r, docs: docs[t]})
	}
	return v
}

// withPrefix returns the terms that start with prefix, or false when
// there are more than max or the vocabulary is not complete.
func (v *vocabulary) withPrefix(prefix string, max int) ([]string, bool) {
	if !v.complete {
		return nil, false
	}
	var out []string
	for i := sort.SearchStrings(v.sorted, prefix); i < len(v.sorted) && strings.HasPrefix(v.sorted[i], prefix); i++ {
		if len(out) == max {
			return nil, false
		}
		out = append(out, v.sorted[i])
	}
	return out, true
}

// knows reports whether a searched term can match a term of the
// vocabulary: the same term, or for a prefix term one that starts with it.
func (v *vocabulary) knows(t textsearch.Term) bool {
	if _, ok := v.docs[t.Text]; ok {
		return true
	}
	if !t.Prefix {
		return false
	}
	i := sort.SearchStrings(v.sorted, t.Text)
	return i < len(v.sorted) && strings.HasPrefix(v.sorted[i], t.Text)
}

// correct returns the query with each included term the vocabulary does
// not know replaced by its closest term, and which term became which. A
// replaced term keeps being a prefix if it was one, as the last word of
// a query is (it may be still being typed).
func (v *vocabulary) correct(q textsearch.Query) (textsearch.Query, map[string]string) {
	var fixes map[string]string
	out := textsearch.Query{Lang: q.Lang, Terms: make([]textsearch.Term, 0, len(q.Terms))}
	var sc distScratch
	for _, t := range q.Terms {
		if !t.Exclude && !v.knows(t) {
			if c, ok := v.closest(t.Text, &sc); ok {
				if fixes == nil {
					fixes = map[string]string{}
				}
				fixes[t.Text] = c
				t.Text = c
			}
		}
		if !slices.Contains(out.Terms, t) {
			out.Terms = append(out.Terms, t)
		}
	}
	return out, fixes
}

// correctionDistance is the largest edit distance at which a term of n
// runes is corrected: none up to 2 runes, where one letter makes another
// word rather than a typing error ("to" and "so"), 1 up to 5 and 2 for
// longer words.
func correctionDistance(n int) int {
	switch {
	case n <= 2:
		return 0
	case n <= 5:
		return 1
	default:
		return 2
	}
}

// closest returns the term of the vocabulary nearest to term within the
// distance its length allows (correctionDistance). Of those equally near,
// the one more articles have wins, then the first in alphabetical order,
// so that the answer never depends on the order of a map.
//
// The scan is bounded: the word is compared only with the terms whose
// length differs from its own by at most the distance, each comparison
// stops at the first row of the table that is wholly beyond the distance
// (for unrelated words after a row or two) and reuses sc's rows, and the
// vocabulary holds at most maxVocabularyTerms terms. It runs only for a
// short query that found nothing (BenchmarkVocabularyClosest measures
// it).
func (v *vocabulary) closest(term string, sc *distScratch) (string, bool) {
	if hasDigit(term) {
		return "", false
	}
	r := []rune(term)
	maxD := correctionDistance(len(r))
	if maxD == 0 {
		return "", false
	}
	best, bestD, bestDocs := "", maxD+1, 0
	for n := max(len(r)-maxD, 1); n <= len(r)+maxD && n < len(v.byLen); n++ {
		for i := range v.byLen[n] {
			c := &v.byLen[n][i]
			d := sc.distance(r, c.runes, min(maxD, bestD))
			if d > maxD || d > bestD {
				continue
			}
			if d < bestD || c.docs > bestDocs || (c.docs == bestDocs && c.term < best) {
				best, bestD, bestDocs = c.term, d, c.docs
			}
		}
	}
	return best, best != ""
}

// distScratch holds the rows of editDistance's table between calls, so
// that a scan of the vocabulary allocates nothing per term.
type distScratch struct{ rows [3][]int }

// distance returns the edit distance of a and b if it is at most limit,
// and limit+1 otherwise. It counts an insertion, a deletion, a
// substitution and a swap of two neighbouring letters as one each (the
// optimal string alignment distance): a swap ("pasword", "passowrd") is
// as common a typing error as a missed key. It gives up on a row whose
// every cell is beyond limit, since no later cell can come back under it.
func (sc *distScratch) distance(a, b []rune, limit int) int {
	n, m := len(a), len(b)
	if n-m > limit || m-n > limit {
		return limit + 1
	}
	for i := range sc.rows {
		if cap(sc.rows[i]) < m+1 {
			sc.rows[i] = make([]int, m+1)
		}
		sc.rows[i] = sc.rows[i][:m+1]
	}
	prev2, prev, cur := sc.rows[0], sc.rows[1], sc.rows[2]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= n; i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= m; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
			rowMin = min(rowMin, d)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[m], limit+1)
}

func hasDigit(s string) bool {
	for _, r := range s {
		if unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// correctedText is the corrected query for the reader: what was typed,
// with each word whose term was corrected replaced by a word of the
// articles found.
//
// The index holds terms, not words: "instell" and "losenord" are what
// the stemmer and the folding leave of "instellen" and "lösenord", and
// showing them would read as another typing error. Keeping a surface word
// for every term would need the stores to keep more than the terms they
// index. Instead the word shown is one the corrected search marked in the
// articles it found, which the reader may read by construction: in their
// titles first, then in their snippets; preferably one that is the term
// itself before stemming ("lösenord" over "lösenorden"), lower-cased. Only
// when no such word is marked (a prefix matched a longer compound) is
// the term shown, which is then a word's start the reader will recognise.
func correctedText(lang, query string, fixes map[string]string, hits []*ArticleHit) string {
	shown := make(map[string]string, len(fixes))
	for from, to := range fixes {
		shown[from] = surfaceWord(lang, to, hits)
	}
	fields := strings.Fields(query)
	for i, f := range fields {
		if strings.HasPrefix(f, "-") {
			continue // an excluded word is never corrected
		}
		var words []string
		textsearch.Words(f, func(w string) { words = append(words, w) })
		if len(words) != 1 {
			continue
		}
		w := words[0]
		// The term as Parse made it: stemmed, or for a prefix the
		// shorter of the folded word and its stem.
		prefix := textsearch.Fold(w)
		if st := textsearch.Stem(lang, w); len(st) < len(prefix) {
			prefix = st
		}
		for _, t := range []string{textsearch.Stem(lang, w), prefix} {
			if s, ok := shown[t]; ok {
				fields[i] = s
				break
			}
		}
	}
	return strings.Join(fields, " ")
}

// surfaceWord returns the word to show for a term, from the words marked
// in the hits (see correctedText).
func surfaceWord(lang, term string, hits []*ArticleHit) string {
	stemmed := ""
	for _, titles := range []bool{true, false} {
		for _, h := range hits {
			frags := h.Snippet
			if titles {
				frags = h.Title
			}
			for _, f := range frags {
				if !f.Match {
					continue
				}
				w := strings.ToLower(f.Text)
				if textsearch.Stem(lang, w) != term {
					continue
				}
				if textsearch.Fold(w) == term {
					return w
				}
				if stemmed == "" {
					stemmed = w
				}
			}
		}
	}
	if stemmed != "" {
		return stemmed
	}
	return term
}
