package textsearch

import (
	"strings"
	"testing"
)

// TestLanguages checks the matches the help centre promises in each
// language: inflections meet, accents do not matter, German compounds are
// found by their first word.
func TestLanguages(t *testing.T) {
	for _, tc := range []struct {
		lang, query, doc string
		want             bool
	}{
		{"nl", "wachtwoorden opnieuw instellen", "Een wachtwoord opnieuw instellen voor een gebruiker", true},
		{"nl", "wachtwoord", "Wachtwoorden van gebruikers", true},
		{"sv", "lösenord", "Återställ losenord för en användare", true},
		{"sv", "losenord", "Återställ lösenordet för en användare", true},
		{"de", "Passwort", "Die Passwortrichtlinie der Organisation ändern", true},
		{"de", "Passwörter zurücksetzen", "So setzen Sie das Passwort eines Benutzers zurück: zurücksetzen", true},
		{"en", "licences", "Assign a licence to a user", true},
		{"en", "calendars syncing", "Calendar sync stops", true},
		{"nb", "passordet", "Tilbakestill passord for en bruker", true},
		{"en", "mail -calendar", "Mail and calendar sync", false},
		{"en", "mail -calendar", "Mail delivery is delayed", true},
		{"en", "printer", "Mail delivery is delayed", false},
	} {
		q, err := Parse(tc.lang, tc.query)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.Matches(Terms(tc.lang, tc.doc)); got != tc.want {
			t.Errorf("%s: %q in %q = %v, want %v (query %+v, doc %v)", tc.lang, tc.query, tc.doc, got, tc.want, q.Terms, Terms(tc.lang, tc.doc))
		}
	}
}

// TestHostileQueries: what a user types never reaches an engine as syntax.
func TestHostileQueries(t *testing.T) {
	for _, in := range []string{`"unbalanced`, `a OR b NOT c`, `((x))`, "nul\x00byte", `title:foo`, `'; DROP TABLE cases; --`, `*`, `-`, `NEAR(a b)`, `a & !b | c:*`, "\xff\xfe"} {
		q, err := Parse("en", in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		for _, term := range q.Terms {
			for _, r := range term.Text {
				if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127) {
					t.Errorf("%q: term %q holds %q", in, term.Text, r)
				}
			}
		}
		if fts := q.FTS5(); strings.ContainsAny(strings.ReplaceAll(strings.ReplaceAll(fts, `"`, ""), "*", ""), "():^'&|!;") {
			t.Errorf("%q: FTS5 expression %q", in, fts)
		}
	}
	if _, err := Parse("en", strings.Repeat("a", MaxQueryBytes+1)); err != ErrQueryTooLong {
		t.Errorf("long query: %v", err)
	}
	if _, err := Parse("en", strings.Repeat("word ", 13)+"x"); err != nil {
		// Repeats are one term.
		t.Errorf("repeated word: %v", err)
	}
	if _, err := Parse("en", "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike"); err != ErrTooManyTerms {
		t.Errorf("13 words: %v", err)
	}
	if q, _ := Parse("en", "the and of"); !q.Empty() || q.FTS5() != "" || q.TSQuery() != "" {
		t.Errorf("stop words only: %+v", q)
	}
}

func TestRender(t *testing.T) {
	q, _ := Parse("en", "mail -calendar deliv")
	if got, want := q.FTS5(), `"mail" AND "deliv"* NOT "calendar"`; got != want {
		t.Errorf("FTS5 = %s, want %s", got, want)
	}
	if got, want := q.TSQuery(), `mail & !calendar & deliv:*`; got != want {
		t.Errorf("TSQuery = %s, want %s", got, want)
	}
}

func TestSnippet(t *testing.T) {
	q, _ := Parse("nl", "wachtwoord ")
	text := "Deze handleiding beschrijft veel dingen over beheer, rollen en licenties voordat het eindelijk gaat over wachtwoorden van gebruikers en hoe u die opnieuw instelt in de beheerconsole."
	frags := Snippet(q, text, 80)
	var b strings.Builder
	marked := ""
	for _, f := range frags {
		if f.Match {
			b.WriteString("[" + f.Text + "]")
			marked = f.Text
		} else {
			b.WriteString(f.Text)
		}
	}
	if marked != "wachtwoorden" || !strings.HasPrefix(b.String(), "…") || len([]rune(b.String())) > 85 {
		t.Errorf("snippet = %s", b.String())
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"wachtwoord instellen", `"a" OR -b*`, "((\x00", "Passwörter zurück*"} {
		f.Add("nl", s)
	}
	f.Fuzz(func(t *testing.T, lang, in string) {
		q, err := Parse(lang, in)
		if err != nil {
			return
		}
		if len(q.Terms) > MaxQueryTerms {
			t.Fatalf("%d terms", len(q.Terms))
		}
		for _, term := range q.Terms {
			if term.Text == "" || strings.ContainsAny(term.Text, "\"*():^'&|!; \x00-") {
				t.Fatalf("term %q from %q", term.Text, in)
			}
		}
		Snippet(q, in, 50)
	})
}

func BenchmarkDocument(b *testing.B) {
	text := strings.Repeat("Wachtwoorden van gebruikers opnieuw instellen in de beheerconsole, met meervoudige verificatie. ", 10)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Document("nl", text)
	}
}

// TestExpansionsRender checks that a prefix with known expansions is
// searched as those terms on both engines, and that exclusions and terms
// without expansions are left as they are.
func TestExpansionsRender(t *testing.T) {
	q := Query{Lang: "en", Terms: []Term{{Text: "reset"}, {Text: "pass", Prefix: true}, {Text: "mail", Prefix: true}, {Text: "old", Prefix: true, Exclude: true}},
		Expansions: map[string][]string{"pass": {"pass", "password"}, "old": {"older"}}}
	for _, tt := range []struct{ got, want string }{
		{q.FTS5(), `"reset" AND ("pass" OR "password") AND "mail"* NOT "old"*`},
		{q.AnyFTS5(), `("reset" OR ("pass" OR "password") OR "mail"*) NOT "old"*`},
		{q.FTS5Column("title_doc", false), `title_doc : ("reset" AND ("pass" OR "password") AND "mail"*) NOT "old"*`},
		{q.TSQuery(), `reset & (pass | password) & mail:* & !old:*`},
		{q.AnyTSQuery(), `(reset | (pass | password) | mail:*) & !old:*`},
	} {
		if tt.got != tt.want {
			t.Errorf("got  %s\nwant %s", tt.got, tt.want)
		}
	}
}
