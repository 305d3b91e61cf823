package textsearch

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestSnippetSameAsBefore compares Snippet with the simpler version it
// replaced (which folded every word and concatenated its fragments) on
// texts made of words that match, capitals, accents, ligatures, combining
// marks, digits and punctuation: the faster one must mark and cut exactly
// the same.
func TestSnippetSameAsBefore(t *testing.T) {
	words := []string{"Wachtwoord", "wachtwoorden", "WACHTWOORD", "instellen", "opnieuw", "de", "het",
		"Ærlig", "ßtraße", "Ölfeld", "é", "e\u0301t", "\u0301", "123", "beheer", "rollen", "Passwort", "passwörter",
		"lösenord", "losenord", "Éclair", "x", "ĳs", "password", "reset", "resetting"}
	seps := []string{" ", "  ", ", ", ". ", "\n", " – ", "!", "-", "/"}
	queries := []struct{ lang, q string }{
		{"nl", "wachtwoord "}, {"nl", "wachtwoord instellen"}, {"de", "passwort "}, {"sv", "lösenord "},
		{"en", "password reset "}, {"en", "res"}, {"nl", "ærlig "}, {"de", "strasse "}, {"en", "-password"},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	// So that the comparison cannot pass on snippets that mark nothing.
	marked, cut := 0, 0
	sns := make([]*Snippeter, len(queries))
	for n := range 3000 {
		var b strings.Builder
		for range rng.IntN(120) {
			b.WriteString(words[rng.IntN(len(words))])
			b.WriteString(seps[rng.IntN(len(seps))])
		}
		text := b.String()
		qq := queries[n%len(queries)]
		q, err := Parse(qq.lang, qq.q)
		if err != nil {
			t.Fatal(err)
		}
		// A snippeter is kept per query, as for a page of results, so
		// that it remembers words across texts.
		if sns[n%len(queries)] == nil {
			sns[n%len(queries)] = NewSnippeter(q)
		}
		for _, max := range []int{10, 60, 200} {
			got, want := Snippet(q, text, max), snippetBefore(q, text, max)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Snippet(%q, %q, %d)\n got %v\nwant %v", qq.q, text, max, got, want)
			}
			if got := sns[n%len(queries)].Snippet(text, max); !reflect.DeepEqual(got, want) {
				t.Fatalf("kept snippeter (%q, %q, %d)\n got %v\nwant %v", qq.q, text, max, got, want)
			}
			for i, f := range got {
				if f.Match {
					marked++
				}
				if i == 0 && strings.HasPrefix(f.Text, "…") {
					cut++
				}
			}
		}
	}
	if marked < 3000 || cut < 1000 {
		t.Errorf("only %d marked fragments and %d snippets cut at the start: the texts do not test much", marked, cut)
	}
}

func snippetBefore(q Query, text string, maxRunes int) []Fragment {
	type span struct{ start, end int }
	words := make([]span, 0, 64)
	matches := make([]bool, 0, 64)
	first := -1
	start := -1
	// Without a term to look for, no word need be stemmed.
	search := q.Included() > 0
	// A word's term starts with the word's first letter folded (the
	// stemmers only change endings, and drop accents as Fold does), so a
	// word whose folded first letter begins no term of the query cannot
	// match and is not stemmed: stemming every word up to the first match
	// was most of a snippet's cost.
	var firsts [256]bool
	for _, t := range q.Terms {
		if !t.Exclude && t.Text != "" {
			firsts[t.Text[0]] = true
		}
	}
	check := func(end int) {
		if start < 0 {
			return
		}
		m := false
		if folded := Fold(text[start:end]); search && folded != "" && firsts[folded[0]] &&
			utf8.RuneCountInString(folded) <= maxWordLen && !stopwords[folded] {
			term := Stem(q.Lang, strings.ToLower(text[start:end]))
			for _, t := range q.Terms {
				if t.Exclude {
					continue
				}
				if term == t.Text || (t.Prefix && (strings.HasPrefix(term, t.Text) || strings.HasPrefix(folded, t.Text))) {
					m = true
					break
				}
			}
		}
		if m && first < 0 {
			first = len(words)
		}
		words = append(words, span{start, end})
		matches = append(matches, m)
		start = -1
	}
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
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
			if first >= 0 && i-words[max(0, first-6)].start > 4*maxRunes {
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
	var out []Fragment
	add := func(s string, m bool) {
		if s == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].Match == m {
			out[n-1].Text += s
			return
		}
		out = append(out, Fragment{Text: s, Match: m})
	}
	if lo > 0 {
		add("…", false)
	}
	pos := lo
	for i, w := range words {
		if w.start < lo || w.end > hi {
			continue
		}
		add(text[pos:w.start], false)
		add(text[w.start:w.end], matches[i])
		pos = w.end
	}
	add(text[pos:hi], false)
	if hi < len(text) {
		add("…", false)
	}
	return out
}
