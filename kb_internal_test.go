package desk

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"desk/textsearch"
)

// TestPlainPrefix checks that the start of an article's plain text, which
// a search reads for the snippet of an article whose body has no searched
// word, is the start of the whole plain text and gives the same snippet.
func TestPlainPrefix(t *testing.T) {
	md := "# Reset a password\n\nOpen **Users**, pick the user and choose *Reset password*. " +
		strings.Repeat("See [the settings](https://x.example/a/very/long/address/that/goes/on) and `code`.\n", 20) +
		"| a | b |\n|---|---|\n```\nblock\n```\n" + strings.Repeat("Ærlig talt, dette er lang tekst på én linje. ", 60)
	full := PlainText(md)
	q := textsearch.Query{Lang: "en"}
	for _, n := range []int{0, 10, 100, 4 * (snippetRunes + 1), len(full), len(md)} {
		p := plainPrefix(md, n)
		if !strings.HasPrefix(full, p) || len(p) <= n && p != full {
			t.Fatalf("plainPrefix(md, %d) = %q: not a start of the plain text at least %d bytes long", n, p, n)
		}
		if n >= 4*(snippetRunes+1) {
			if got, want := textsearch.Snippet(q, p, snippetRunes), textsearch.Snippet(q, full, snippetRunes); !reflect.DeepEqual(got, want) {
				t.Fatalf("snippet of %d bytes: %v, of the whole text: %v", n, got, want)
			}
		}
	}
	if p := plainPrefix(md, 100); len(p) >= len(full) {
		t.Fatalf("plainPrefix(md, 100) read the whole text")
	}
}

// TestRankerCount compares the ranker's term counting with the simpler
// version it replaced (which split the document on spaces) on documents
// with repeated, prefixed and overlapping terms and stray spaces.
func TestRankerCount(t *testing.T) {
	vocab := []string{"pass", "password", "passwords", "word", "reset", "res", "a", "aa", "wachtwoord", "x1"}
	queries := []string{"password ", "pass", "reset password", "a ", "aa", "word pass", "res", "wachtwoord x1 "}
	rng := rand.New(rand.NewPCG(3, 4))
	counted := 0
	for n := range 2000 {
		var b strings.Builder
		for k := range rng.IntN(40) {
			if k > 0 || rng.IntN(10) == 0 {
				b.WriteString(strings.Repeat(" ", 1+rng.IntN(4)/3))
			}
			b.WriteString(vocab[rng.IntN(len(vocab))])
		}
		if rng.IntN(10) == 0 {
			b.WriteByte(' ')
		}
		doc := []byte(b.String())
		q, err := textsearch.Parse("en", queries[n%len(queries)])
		if err != nil {
			t.Fatal(err)
		}
		r := newRanker(q)
		var got, want [textsearch.MaxQueryTerms]float64
		gn, wn := r.count(doc, &got), r.countBefore(doc, &want)
		if gn != wn || got != want {
			t.Fatalf("count(%q) for %q = %d %v, want %d %v", doc, queries[n%len(queries)], gn, got, wn, want)
		}
		if got[0] > 0 {
			counted++
		}
	}
	if counted < 500 {
		t.Fatalf("only %d documents had the first term: the comparison tests little", counted)
	}
}

func (r *ranker) countBefore(doc []byte, tf *[textsearch.MaxQueryTerms]float64) int {
	// A document is terms joined by single spaces (textsearch.Document),
	// so it is split on spaces alone, faster than by Unicode white space.
	n := 0
	for len(doc) > 0 {
		d := doc
		if i := bytes.IndexByte(doc, ' '); i >= 0 {
			d, doc = doc[:i], doc[i+1:]
		} else {
			doc = nil
		}
		if len(d) == 0 {
			continue
		}
		n++
		for i, t := range r.terms {
			if bytes.Equal(d, t) || (r.prefix[i] && bytes.HasPrefix(d, t)) {
				tf[i]++
			}
		}
	}
	return n
}
