package help

import (
	"slices"
	"strings"
	"testing"
)

// products are the codes of the vendor's catalogue (package demo); an
// article names one of them or none.
var products = []string{"", "mail", "calendar", "drive", "chat"}

// TestArticlesComplete: every article exists in every language, with a
// title and a body, under a unique id, about a known product.
func TestArticlesComplete(t *testing.T) {
	if len(articles) < 8 {
		t.Fatalf("%d articles, want at least 8", len(articles))
	}
	ids := map[string]bool{}
	for _, e := range articles {
		if ids[e.id] || e.id == "" {
			t.Errorf("article id %q empty or repeated", e.id)
		}
		ids[e.id] = true
		if !slices.Contains(products, e.product) {
			t.Errorf("%s: unknown product %q", e.id, e.product)
		}
		for _, lang := range Languages {
			tx, ok := e.texts[lang]
			if !ok || strings.TrimSpace(tx.title) == "" || len(tx.body) < 300 {
				t.Errorf("%s: %s text missing or short", e.id, lang)
			}
			if lang != "en" && (tx.title == e.texts["en"].title || tx.body == e.texts["en"].body) {
				t.Errorf("%s: %s text is the English text", e.id, lang)
			}
			// The bodies are plain text: markup in them would be shown
			// as it is, which means someone wrote HTML by mistake.
			if strings.ContainsAny(tx.body, "<>") && !strings.Contains(tx.body, " > ") {
				t.Errorf("%s: %s body looks like markup", e.id, lang)
			}
		}
	}
}

// TestSearch finds the article a query is about, in the reader's language,
// whatever the case and diacritics of the query.
func TestSearch(t *testing.T) {
	for _, c := range []struct {
		lang, query, want string
	}{
		{"en", "mail bounced with 550 5.7.1", "mail-delivery"},
		{"en", "How do I add the MX record?", "dns-mx"},
		{"en", "forgot PASSWORD", "password-reset"},
		{"en", "licenses invoice", "licences-billing"},
		{"nl", "wachtwoord vergeten", "password-reset"},
		{"nl", "Uitgaande e-mail blijft in de wachtrij staan", "mail-delivery"},
		{"nl", "agenda synchroniseert niet op iPhone", "calendar-sync"},
		{"de", "Anmeldung nach MFA-Umstellung nicht möglich", "sign-in-mfa"},
		{"de", "PASSWÖRTER zurücksetzen", "password-reset"},
		{"de", "passworter zurucksetzen", "password-reset"},
		{"de", "Rechnung Lizenzen", "licences-billing"},
		{"sv", "Delade länkar slutar fungera efter 30 dagar", "sharing-files"},
		{"sv", "LOSENORD aterstalla", "password-reset"},
		{"nb", "eksportere data", "data-export"},
		{"nb", "Møterommet blir dobbeltbooket", "calendar-sync"},
		// A Dutch admin searching for an English term still finds the
		// Dutch article.
		{"nl", "message trace", "mail-delivery"},
	} {
		got := Search(c.lang, c.query, 3)
		if len(got) == 0 || got[0].ID != c.want {
			var ids []string
			for _, a := range got {
				ids = append(ids, a.ID)
			}
			t.Errorf("Search(%s, %q) = %v, want %s first", c.lang, c.query, ids, c.want)
			continue
		}
		if got[0].Lang != c.lang {
			t.Errorf("Search(%s, %q) answered in %s", c.lang, c.query, got[0].Lang)
		}
	}
}

func TestSearchEdges(t *testing.T) {
	if got := Search("en", "", 5); got != nil {
		t.Errorf("empty query: %v", got)
	}
	if got := Search("en", "the and of", 5); got != nil {
		t.Errorf("stop words only: %v", got)
	}
	if got := Search("en", "xylophone quartz", 5); len(got) != 0 {
		t.Errorf("nonsense query found %d articles", len(got))
	}
	if got := Search("en", "mail", 2); len(got) != 2 {
		t.Errorf("limit 2: %d results", len(got))
	}
	if got := Search("fr", "password", 1); len(got) != 1 || got[0].Lang != "en" {
		t.Errorf("unsupported language: %+v", got)
	}
	// Searching is deterministic: the same query gives the same order.
	a, b := Search("en", "mail", 0), Search("en", "mail", 0)
	if len(a) != len(b) {
		t.Fatal("different result counts")
	}
	for i := range a {
		if a[i].ID != b[i].ID {
			t.Fatalf("order differs at %d: %s vs %s", i, a[i].ID, b[i].ID)
		}
	}
}

func TestGetAndAll(t *testing.T) {
	a, ok := Get("de", "dns-mx")
	if !ok || a.Lang != "de" || !strings.Contains(a.Title, "DNS-Einträge") || a.Product != "mail" {
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
