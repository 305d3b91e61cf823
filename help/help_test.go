package help

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

// products are the codes of the vendor's catalogue (package demo).
var products = []string{"mail", "calendar", "drive", "chat"}

// TestArticlesComplete: every article exists in every language, with a
// title, a known category and a body of at least 120 words, under a
// unique key, about known products; no translation is the English text.
func TestArticlesComplete(t *testing.T) {
	if len(articles) < 24 {
		t.Fatalf("%d articles, want at least 24", len(articles))
	}
	ids := map[string]bool{}
	for _, e := range articles {
		if ids[e.id] || !validKey(e.id) {
			t.Errorf("article key %q invalid or repeated", e.id)
		}
		ids[e.id] = true
		if !slices.Contains(Categories, e.category) {
			t.Errorf("%s: unknown category %q", e.id, e.category)
		}
		for _, p := range e.products {
			if !slices.Contains(products, p) {
				t.Errorf("%s: unknown product %q", e.id, p)
			}
		}
		if e.visibility != Public && e.visibility != SignedIn {
			t.Errorf("%s: visibility %q", e.id, e.visibility)
		}
		en := e.texts["en"]
		for _, lang := range Languages {
			tx, ok := e.texts[lang]
			if !ok {
				t.Errorf("%s: no %s text", e.id, lang)
				continue
			}
			if strings.TrimSpace(tx.title) == "" {
				t.Errorf("%s: %s title empty", e.id, lang)
			}
			if n := len(strings.Fields(Plain(tx.body))); n < 120 {
				t.Errorf("%s: %s body has %d words, want at least 120", e.id, lang, n)
			}
			if lang != "en" {
				if tx.title == en.title || tx.body == en.body {
					t.Errorf("%s: %s text is the English text", e.id, lang)
				} else if share := sharedWords(tx.body, en.body); share > maxShared {
					t.Errorf("%s: %s body shares %.0f%% of its words with the English body: a copy?", e.id, lang, 100*share)
				}
			}
			// Bodies are Markdown without HTML: markup in them would be
			// shown as it is, which means someone wrote HTML by mistake.
			if strings.ContainsAny(tx.body, "<>") && !strings.Contains(tx.body, " > ") {
				t.Errorf("%s: %s body looks like HTML", e.id, lang)
			}
		}
	}
}

// maxShared is the largest share of a translation's distinct words that
// may also appear in the English text. Product names, error codes, menu
// names and loanwords are shared; a real translation stays far below.
const maxShared = 0.5

// sharedWords returns the share of the distinct words of s, folded, that
// also occur in en.
func sharedWords(s, en string) float64 {
	enWords := map[string]bool{}
	for _, w := range strings.FieldsFunc(Fold(Plain(en)), notLetter) {
		enWords[w] = true
	}
	seen := map[string]bool{}
	shared := 0
	for _, w := range strings.FieldsFunc(Fold(Plain(s)), notLetter) {
		if seen[w] {
			continue
		}
		seen[w] = true
		if enWords[w] {
			shared++
		}
	}
	if len(seen) == 0 {
		return 0
	}
	return float64(shared) / float64(len(seen))
}

func notLetter(r rune) bool { return !unicode.IsLetter(r) }

// TestOrder: the help centre lists articles by category, then key, and
// All keeps that order in every language.
func TestOrder(t *testing.T) {
	for _, lang := range Languages {
		all := All(lang)
		for i := 1; i < len(all); i++ {
			a, b := all[i-1], all[i]
			ca, cb := slices.Index(Categories, a.Category), slices.Index(Categories, b.Category)
			if ca > cb || ca == cb && a.Key >= b.Key {
				t.Errorf("%s: %s/%s listed before %s/%s", lang, a.Category, a.Key, b.Category, b.Key)
			}
		}
	}
}

// TestParse: the front matter is read strictly, so that a typo in an
// article file fails the build's tests instead of hiding the article.
func TestParse(t *testing.T) {
	m, body, err := parse("---\ntitle: T\ncategory: mail\nproducts: mail, drive\nvisibility: signed-in\n---\nBody\n")
	if err != nil || m.title != "T" || m.category != "mail" || !slices.Equal(m.products, []string{"mail", "drive"}) ||
		m.visibility != SignedIn || body != "Body" {
		t.Errorf("parse = %+v, %q, %v", m, body, err)
	}
	m, _, err = parse("---\r\ntitle: T\r\ncategory: data\r\nproducts:\r\n---\r\nBody")
	if err != nil || m.products != nil || m.visibility != Public {
		t.Errorf("parse with CRLF and no products = %+v, %v", m, err)
	}
	for _, bad := range []string{
		"title: T\ncategory: mail\n---\nBody",
		"---\ntitle: T\ncategory: mail\nBody",
		"---\ncategory: mail\n---\nBody",
		"---\ntitle: T\ncategory: cooking\n---\nBody",
		"---\ntitle: T\ncategory: mail\nvisibility: secret\n---\nBody",
		"---\ntitle: T\ncategory: mail\nauthor: me\n---\nBody",
		"---\ntitle: T\ntitle: U\ncategory: mail\n---\nBody",
		"---\ntitle: T\ncategory: mail\n---\n\n",
	} {
		if _, _, err := parse(bad); err == nil {
			t.Errorf("parse(%q) accepted", bad)
		}
	}
}

func TestPlain(t *testing.T) {
	for in, want := range map[string]string{
		"Choose **Close case** now":                               "Choose Close case now",
		"Run `dig MX example.com`.":                               "Run dig MX example.com.",
		"See [RFC 5321](https://www.rfc-editor.org/rfc/rfc5321).": "See RFC 5321.",
		"Admin console > Mail [beta] and a*b":                     "Admin console > Mail [beta] and a*b",
		"Unclosed `tick":                                          "Unclosed `tick",
	} {
		if got := Plain(in); got != want {
			t.Errorf("Plain(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSearch finds the article a query is about, in the reader's language,
// whatever the case and diacritics of the query.
func TestGetAndAll(t *testing.T) {
	a, ok := Get("de", "dns-mx")
	if !ok || a.Lang != "de" || !strings.Contains(a.Title, "DNS-Einträge") || a.Product != "mail" ||
		a.Key != "dns-mx" || a.Category != "mail" || !slices.Equal(a.Products, []string{"mail"}) || a.Visibility != Public {
		t.Errorf("Get(de, dns-mx) = %+v, %v", a, ok)
	}
	if _, ok := Get("en", "no-such-article"); ok {
		t.Error("found an article that does not exist")
	}
	if all := All("sv"); len(all) != len(articles) || all[0].Lang != "sv" {
		t.Errorf("All(sv): %d articles", len(all))
	}
}

func TestWords(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"The E-Mails are DELAYED", []string{"mail", "email", "delay"}},
		{"Passwörter und Passwort", []string{"passwort"}},
		{"Lösenord för användare", []string{"losenord", "anvand"}},
		{"calendars calendar", []string{"calend"}},
		{"", nil},
	} {
		if got := Words(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Words(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := Fold("Größe ÆRØ Ça"); got != "grosse aero ca" {
		t.Errorf("Fold = %q", got)
	}
}

func TestBlocks(t *testing.T) {
	got := Blocks("Intro line one\nline two.\n\n- a\n- b\n\n1. first\n2. second\n\nEnd.")
	if len(got) != 4 {
		t.Fatalf("%d blocks: %+v", len(got), got)
	}
	if got[0].Text != "Intro line one line two." || len(got[1].Items) != 2 || got[1].Numbered ||
		!got[2].Numbered || got[2].Items[1] != "second" || got[3].Text != "End." {
		t.Errorf("blocks: %+v", got)
	}
	// Every article's body parses into at least one list and one paragraph.
	for _, a := range All("nb") {
		var lists, paras int
		for _, b := range Blocks(a.Body) {
			if b.Items != nil {
				lists++
			} else {
				paras++
			}
		}
		if lists == 0 || paras == 0 {
			t.Errorf("%s: %d lists, %d paragraphs", a.ID, lists, paras)
		}
	}
}

func TestExcerpt(t *testing.T) {
	a, _ := Get("en", "mail-delivery")
	e := Excerpt(a.Body, 80)
	if len([]rune(e)) > 81 || !strings.HasSuffix(e, "…") || strings.Contains(e, "\n") {
		t.Errorf("Excerpt = %q", e)
	}
	if Excerpt("short", 80) != "short" {
		t.Error("a short body was cut")
	}
}
