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

func TestAll(t *testing.T) {
	all := All("de")
	i := slices.IndexFunc(all, func(a Article) bool { return a.Key == "dns-mx" })
	if i < 0 {
		t.Fatal("dns-mx is missing")
	}
	if a := all[i]; a.Lang != "de" || !strings.Contains(a.Title, "DNS-Einträge") || a.Product != "mail" ||
		a.Category != "mail" || !slices.Equal(a.Products, []string{"mail"}) || a.Visibility != Public {
		t.Errorf("dns-mx in German = %+v", a)
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

// TestArticlesHaveStepsAndProse: every article explains in paragraphs
// and gives its steps as a list.
func TestArticlesHaveStepsAndProse(t *testing.T) {
	for _, a := range All("nb") {
		var lists, paras int
		for para := range strings.SplitSeq(a.Body, "\n\n") {
			switch para = strings.TrimSpace(para); {
			case para == "":
			case strings.HasPrefix(para, "- ") || strings.HasPrefix(para, "1. "):
				lists++
			default:
				paras++
			}
		}
		if lists == 0 || paras == 0 {
			t.Errorf("%s: %d lists, %d paragraphs", a.ID, lists, paras)
		}
	}
}

// Plain removes the inline Markdown of an article's text, keeping what a
// reader sees, so that the tests count and compare words: "**Close case**" becomes "Close case", "`dig MX`" becomes
// "dig MX" and "[RFC 5321](https://…)" becomes "RFC 5321". Text without
// such markup comes back unchanged.
func Plain(s string) string {
	if !strings.ContainsAny(s, "*`[") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], "**"):
			i += 2
		case s[i] == '`':
			if end := strings.IndexByte(s[i+1:], '`'); end >= 0 {
				b.WriteString(s[i+1 : i+1+end])
				i += end + 2
			} else {
				b.WriteByte('`')
				i++
			}
		case s[i] == '[':
			label, rest, ok := strings.Cut(s[i+1:], "](")
			end := strings.IndexByte(rest, ')')
			if ok && end >= 0 && !strings.ContainsAny(label, "[]") && !strings.ContainsAny(rest[:end], " \n") {
				b.WriteString(label)
				i = len(s) - len(rest) + end + 1
			} else {
				b.WriteByte('[')
				i++
			}
		default:
			b.WriteByte(s[i])
			i++
		}
	}
	return b.String()
}
