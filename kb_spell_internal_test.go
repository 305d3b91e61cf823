package desk

import (
	"math/rand/v2"
	"testing"
)

func TestEditDistance(t *testing.T) {
	var sc distScratch
	for _, tt := range []struct {
		a, b  string
		limit int
		want  int
	}{
		{"password", "password", 2, 0},
		{"pasword", "password", 2, 1},
		{"passowrd", "password", 2, 1}, // a swap counts once
		{"pssword", "password", 2, 1},
		{"paswrd", "password", 2, 2},
		{"pswrd", "password", 2, 3}, // beyond the limit: limit+1
		{"wachtwoort", "wachtwoord", 1, 1},
		{"losenord", "lösenord", 1, 1},
		{"", "abc", 3, 3},
		{"abc", "", 1, 2},
		{"ca", "abc", 3, 3}, // optimal string alignment, not Damerau's unrestricted distance
		{"mailbox", "quota", 2, 3},
	} {
		if got := sc.distance([]rune(tt.a), []rune(tt.b), tt.limit); got != tt.want {
			t.Errorf("distance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.limit, got, tt.want)
		}
	}
}

func TestVocabularyClosest(t *testing.T) {
	v := newVocabulary(map[string]int{"password": 7, "passport": 2, "mail": 9, "main": 3, "mall": 3, "gb": 4,
		"office365": 5, "quota": 1})
	var sc distScratch
	for _, tt := range []struct{ in, want string }{
		{"pasword", "password"},
		{"passwort", "password"}, // one from password, two from passport
		{"mial", "mail"},
		{"maol", "mail"}, // mail and mall are both one away: the one in more articles wins
		{"mamn", "main"}, // only main is one away
		{"mxyl", ""},     // two away from a word of four letters
		{"gx", ""},       // two letters are never corrected
		{"office356", ""},
		{"qouta", "quota"},
	} {
		got, _ := v.closest(tt.in, &sc)
		if got != tt.want {
			t.Errorf("closest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Equally near and in as many articles: the first in alphabetical
	// order, whatever the order of the map.
	for range 20 {
		v = newVocabulary(map[string]int{"mall": 3, "main": 3, "maid": 3})
		if got, _ := v.closest("maln", &sc); got != "main" {
			t.Fatalf("closest(maln) = %q, want main", got)
		}
	}
	// Nearer beats more frequent.
	v = newVocabulary(map[string]int{"mall": 1, "main": 30})
	if got, _ := v.closest("mal", &sc); got != "mall" {
		t.Errorf("closest(mal) = %q, want mall", got)
	}
}

// benchVocabulary is a vocabulary of n made-up terms with the lengths of
// real ones (3 to 14 letters, most 5 to 9).
func benchVocabulary(n int) *vocabulary {
	rng := rand.New(rand.NewPCG(1, 2))
	const letters = "abcdefghijklmnoprstuvwyaeiouaeioustnrl"
	docs := map[string]int{"password": 500, "wachtwoord": 300}
	for len(docs) < n {
		l := 3 + rng.IntN(6) + rng.IntN(6)
		b := make([]byte, l)
		for i := range b {
			b[i] = letters[rng.IntN(len(letters))]
		}
		docs[string(b)] = 1 + rng.IntN(100)
	}
	return newVocabulary(docs)
}

// BenchmarkVocabularyClosest measures the correction of one word against
// a vocabulary of 50,000 terms, more than one language of a large
// knowledge base holds: the scan that runs when a short search found
// nothing. A word is compared with the terms whose length is within the
// allowed distance of its own (for "pasword", those of 5 to 9 letters),
// each comparison ending after the first rows of the table that are all
// beyond the distance, and no comparison allocates.
func BenchmarkVocabularyClosest(b *testing.B) {
	v := benchVocabulary(50_000)
	for _, w := range []string{"pasword", "wachtwoort", "mial"} {
		b.Run(w, func(b *testing.B) {
			var sc distScratch
			b.ReportAllocs()
			for b.Loop() {
				v.closest(w, &sc)
			}
		})
	}
}
