package textsearch

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fragment is a piece of a snippet; Match marks a searched word, which a
// page shows highlighted. Text is plain text, to be escaped by the page.
type Fragment struct {
	Text  string
	Match bool
}

// Snippet returns the part of text around its first matched word, at
// most about maxRunes long, cut at word boundaries, with every word that
// matches an included term of q marked. Matching is done on terms, so
// "wachtwoorden" is marked for the query "wachtwoord". Without a match it
// returns the start of the text.
func Snippet(q Query, text string, maxRunes int) []Fragment {
	return NewSnippeter(q).Snippet(text, maxRunes)
}

// A Snippeter cuts the snippets of one query's results. It remembers
// which words matched, so that the snippets of a page of results stem
// each word once: the same words recur from one result to the next. It
// is not safe for concurrent use.
type Snippeter struct {
	q Query
	// search is unset when the query includes no term: no word need be
	// stemmed then.
	search bool
	// firsts holds the first bytes of the included terms. A word's term
	// starts with the word's first letter folded (the stemmers only
	// change endings, and drop accents as Fold does), so a word whose
	// folded first letter begins no term of the query cannot match and
	// is not stemmed: stemming every word up to the first match was most
	// of a snippet's cost.
	firsts [256]bool
	// matched remembers the words asked about, as they appear in texts.
	matched map[string]bool
	// words and marks are the spans of a text's words and whether each
	// matched, kept from one snippet to the next.
	words []span
	marks []bool
}

// span is where a word is in a text.
type span struct{ start, end int }

// NewSnippeter returns a Snippeter for q.
func NewSnippeter(q Query) *Snippeter {
	sn := &Snippeter{q: q, search: q.Included() > 0}
	for _, t := range q.Terms {
		if !t.Exclude && t.Text != "" {
			sn.firsts[t.Text[0]] = true
		}
	}
	return sn
}

// matches reports whether a word of a text matches the query.
func (sn *Snippeter) matches(w string) bool {
	if !sn.search || !sn.firsts[firstFolded(w)] {
		return false
	}
	m, ok := sn.matched[w]
	if !ok {
		if sn.matched == nil {
			sn.matched = map[string]bool{}
		}
		m = sn.q.matchesWord(w)
		sn.matched[w] = m
	}
	return m
}

// Snippet is the package's Snippet for the Snippeter's query.
func (sn *Snippeter) Snippet(text string, maxRunes int) []Fragment {
	words, matches := sn.words[:0], sn.marks[:0]
	defer func() { sn.words, sn.marks = words[:0], matches[:0] }()
	first := -1
	start := -1
	search := sn.search
	check := func(end int) {
		if start < 0 {
			return
		}
		m := sn.matches(text[start:end])
		if m && first < 0 {
			first = len(words)
		}
		words = append(words, span{start, end})
		matches = append(matches, m)
		start = -1
	}
	for i, r := range text {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
		} else {
			check(i)
			// Past the end of the window that the first match opens, no
			// word is shown, so none need be read: a snippet of a long
			// text costs no more than one of a short text. (The window
			// starts at most six words before the first match and holds
			// maxRunes runes, which are at most 4*maxRunes bytes.)
			// Without a term to look for, the window is the text's start.
			if first >= 0 && i-words[max(0, first-6)].start > 4*maxRunes || !search && i > 4*maxRunes {
				break
			}
		}
	}
	check(len(text))

	// The window starts a few words before the first match, so that the
	// match is read in its sentence, and ends after maxRunes.
	from := 0
	if first > 0 {
		from = max(0, first-6)
	}
	lo := 0
	if from > 0 {
		lo = words[from].start
	}
	hi := len(text)
	if utf8.RuneCountInString(text[lo:]) > maxRunes {
		n := 0
		for i := range text[lo:] {
			if n == maxRunes {
				hi = lo + i
				break
			}
			n++
		}
		// Back to the end of the last whole word.
		for j := len(words) - 1; j >= 0; j-- {
			if words[j].end <= hi && words[j].start >= lo {
				hi = words[j].end
				break
			}
		}
	}
	// The pieces between lo and hi are contiguous in text, so pieces
	// that are next to each other and alike (both matched or both not)
	// make one fragment by moving its end: fragments are cut from text,
	// not concatenated piece by piece.
	var out []Fragment
	curStart, curEnd, curMatch := lo, lo, false
	piece := func(start, end int, m bool) {
		if end <= start {
			return
		}
		if curEnd > curStart && (m != curMatch || start != curEnd) {
			out = append(out, Fragment{Text: text[curStart:curEnd], Match: curMatch})
			curStart = start
		} else if curEnd == curStart {
			curStart = start
		}
		curEnd, curMatch = end, m
	}
	pos := lo
	for i, w := range words {
		if w.start < lo || w.end > hi {
			continue
		}
		piece(pos, w.start, false)
		piece(w.start, w.end, matches[i])
		pos = w.end
	}
	piece(pos, hi, false)
	if curEnd > curStart {
		out = append(out, Fragment{Text: text[curStart:curEnd], Match: curMatch})
	}
	if lo > 0 {
		if len(out) > 0 && !out[0].Match {
			out[0].Text = "…" + out[0].Text
		} else {
			out = append([]Fragment{{Text: "…"}}, out...)
		}
	}
	if hi < len(text) {
		if n := len(out); n > 0 && !out[n-1].Match {
			out[n-1].Text += "…"
		} else {
			out = append(out, Fragment{Text: "…"})
		}
	}
	return out
}

// isWordRune reports whether r belongs to a word: a letter, a digit or a
// combining mark. ASCII, most of any text here, is decided without the
// Unicode tables, and the rest of Latin-1 (the accented letters of the
// desk's languages) without searching the table of marks.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	if r <= unicode.MaxLatin1 {
		// No combining mark is in Latin-1, whose letters and digits the
		// unicode package looks up in a table of its own.
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// firstFolded returns the first byte of Fold(w), or 0 when w folds to
// nothing, without folding (and copying) the whole word: a snippet asks
// it of every word it reads, and folds only the few whose first letter
// starts a searched term.
func firstFolded(w string) byte {
	for len(w) > 0 {
		r, n := utf8.DecodeRuneInString(w)
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			return byte(r)
		}
		if f := Fold(w[:n]); f != "" {
			return f[0]
		}
		w = w[n:] // a combining mark, which folding drops
	}
	return 0
}

// matchesWord reports whether a word of a text is found by one of the
// query's included terms, as its stemmed, folded term would be.
func (q Query) matchesWord(w string) bool {
	folded := Fold(w)
	if folded == "" || utf8.RuneCountInString(folded) > maxWordLen || stopwords[folded] {
		return false
	}
	term := Stem(q.Lang, strings.ToLower(w))
	for _, t := range q.Terms {
		if t.Exclude {
			continue
		}
		if term == t.Text || (t.Prefix && (strings.HasPrefix(term, t.Text) || strings.HasPrefix(folded, t.Text))) {
			return true
		}
	}
	return false
}
