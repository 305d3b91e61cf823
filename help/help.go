package help

import (
	"desk/textsearch"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Languages are the languages every article exists in, English first.
var Languages = []string{"en", "nl", "de", "sv", "nb"}

// Article is one help article in one language.
type Article struct {
	// ID is stable across languages and releases, for links: the
	// article's key, the name of its directory under articles/.
	ID string
	// Key is the same as ID, under the name the article files use.
	Key string
	// Category is one of Categories.
	Category string
	// Products are the codes of the products the article is about
	// ("mail", "calendar", "drive", "chat"); none when it concerns the
	// whole account, such as signing in, billing or contacting support.
	Products []string
	// Product is the first of Products, or "".
	Product string
	// Visibility is Public or SignedIn.
	Visibility string
	// Lang is the article's language.
	Lang  string
	Title string
	// Body is Markdown: paragraphs, "- " and "1. " lists, **bold**,
	// `code` and [links](https://…). Blocks splits it into paragraphs and
	// lists of plain text.
	Body string
}

// text is an article's title and body in one language.
type text struct{ title, body string }

// entry is one article in every language.
type entry struct {
	id, category, visibility string
	products                 []string
	texts                    map[string]text
}

// article returns the entry in lang, or in English if it lacks lang.
func (e *entry) article(lang string) Article {
	t, ok := e.texts[lang]
	if !ok {
		lang, t = "en", e.texts["en"]
	}
	a := Article{ID: e.id, Key: e.id, Category: e.category, Products: slices.Clone(e.products),
		Visibility: e.visibility, Lang: lang, Title: t.title, Body: t.body}
	if len(e.products) > 0 {
		a.Product = e.products[0]
	}
	return a
}

// supported returns lang if the articles exist in it, else English.
func supported(lang string) string {
	if slices.Contains(Languages, lang) {
		return lang
	}
	return "en"
}

// All returns every article in lang (English for an unknown language), in
// the order the help centre lists them: by category, in the order of
// Categories, then by key.
func All(lang string) []Article {
	lang = supported(lang)
	out := make([]Article, len(articles))
	for i := range articles {
		out[i] = articles[i].article(lang)
	}
	return out
}

// Words returns the significant words of s, each once, in order of first
// appearance: folded to lower case without diacritics, without the common
// words of the supported languages, and stemmed by stripping common
// inflection endings. A hyphenated word counts as its parts and as the
// whole ("E-Mails" gives "mail" and "email"), so that either spelling
// finds the other.
func Words(s string) []string { return words(s, true) }

// words returns the stemmed words of s; unique drops repeats.
func words(s string, unique bool) []string {
	var out []string
	seen := map[string]bool{}
	add := func(w string) {
		if utf8.RuneCountInString(w) < 2 || stopwords[w] {
			return
		}
		w = stem(w)
		if unique {
			if seen[w] {
				return
			}
			seen[w] = true
		}
		out = append(out, w)
	}
	for _, token := range strings.FieldsFunc(Fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	}) {
		parts := strings.FieldsFunc(token, func(r rune) bool { return r == '-' })
		for _, p := range parts {
			add(p)
		}
		if len(parts) > 1 {
			add(strings.Join(parts, ""))
		}
	}
	return out
}

// Fold returns s in lower case without diacritics: "Größe Ærø" becomes
// "grosse aero". It is the search's folding (textsearch.Fold), so that
// lists sorted and words compared here agree with what search matches.
func Fold(s string) string { return textsearch.Fold(s) }

// suffixes are inflection endings of the supported languages (plurals,
// definite forms, verb forms), longest first. stem strips at most two of
// them, and only from a word that keeps minStem letters, so that
// "calendars" and "calendar" meet at "calend" and "wachtwoorden" and
// "wachtwoord" at "wachtwoord", while short words stay whole.
var suffixes = []string{"ungen", "ingen", "ene", "ing", "ung", "en", "er", "es", "et", "ed", "ar", "or", "na", "e", "s"}

const minStem = 4

// stem strips up to two inflection endings from w.
func stem(w string) string {
	for range 2 {
		stripped := false
		for _, s := range suffixes {
			if strings.HasSuffix(w, s) && utf8.RuneCountInString(w)-utf8.RuneCountInString(s) >= minStem {
				w, stripped = w[:len(w)-len(s)], true
				break
			}
		}
		if !stripped {
			break
		}
	}
	return w
}

// stopwords are the common words of the supported languages, folded. They
// are one set rather than one per language because a case title's
// language is not known, and a word that is common in one of these
// languages rarely carries the meaning of a support question in another.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, list := range []string{
		// English
		`the a an and or of to in on for with at by from is are was were be been being it its this that these those
		my our your their we you they he she me us them not no can cannot cant do does did how what why when where
		which who after before since until about into out up down over under all any some more most other such only
		own same so than too very just also as if then there here have has had will would should could may might
		must get got use using one per our via`,
		// Dutch
		`de het een en of van in op voor met bij door uit is zijn was waren wordt worden werd niet geen kan kunnen
		hoe wat waarom wanneer waar die dat deze dit mijn ons onze uw jullie hun wij we ik je jij zij ze hij er naar
		na sinds tot over ook als dan nog al maar om te aan heeft hebben had wil zou moet meer sind`,
		// German
		`der die das den dem des ein eine einen einem einer eines und oder von zu im am an auf fur mit bei aus ist
		sind war waren wird werden wurde nicht kein keine kann konnen wie was warum wann wo welche dass diese dieser
		dieses mein meine unser unsere ihr ihre wir ich sie er es nach seit bis uber auch als dann noch aber um hat
		haben soll muss mehr sich vom zum zur beim`,
		// Swedish
		`och eller av till pa for med vid fran ar var blir inte ingen kan hur vad varfor nar dar som det den detta
		denna min mitt vara er ni de vi jag han hon efter sedan tills om ocksa an sa har hade ska skulle maste mer
		sig ett en`,
		// Norwegian Bokmål
		`og eller av til pa for med ved fra er var blir ikke ingen kan hvordan hva hvorfor nar der som det den dette
		denne min mitt vare deres dere de vi jeg han hun etter siden om ogsa enn sa har hadde skal skulle ma mer seg
		et en`,
	} {
		for _, w := range strings.Fields(list) {
			m[w] = true
		}
	}
	return m
}()
