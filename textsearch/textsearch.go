// Package textsearch turns text and search queries into the terms that
// every search back end of the desk indexes and matches: help articles and
// case messages, on SQLite (FTS5) and on PostgreSQL (tsvector).
//
// A term is a word, lower-cased, stemmed by the Snowball stemmer of the
// text's language, and then folded to letters without diacritics. Stemming
// comes before folding because the stemmers know their language's letters
// ("Passwörter" stems as German should); folding after it makes "lösenord"
// and "losenord" meet, since many keyboards make accents awkward. Because
// the desk, not the database, does this, both engines index and match the
// same terms and give the same results: the PostgreSQL store keeps a
// tsvector of the terms with the 'simple' configuration, which adds no
// stemming of its own.
//
// Queries are parsed here, never handed to a database's query syntax: a
// Query holds only terms made of letters and digits, so quotes, operators,
// parentheses and NUL bytes in what a user typed cannot change what the
// engine is asked. FTS5 and TSQuery render a Query for the engines.
package textsearch

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	snowball "github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/dutch"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/german"
	"github.com/blevesearch/snowballstem/norwegian"
	"github.com/blevesearch/snowballstem/swedish"
)

// Languages are the languages with a stemmer, by interface language code.
var Languages = []string{"en", "nl", "de", "sv", "nb"}

var stemmers = map[string]func(*snowball.Env) bool{
	"en": english.Stem, "nl": dutch.Stem, "de": german.Stem, "sv": swedish.Stem, "nb": norwegian.Stem,
}

// envs reuses stemmer environments; an Env holds one word's state.
var envs = sync.Pool{New: func() any { return snowball.NewEnv("") }}

// maxWordLen bounds the words indexed and searched: longer runs of letters
// are not words anyone searches for (encoded data, hashes), and a bound
// keeps the stemmer's work per word small.
const maxWordLen = 40

// stemCache remembers the terms of the words of one language. Support
// text repeats a small vocabulary, so most words are stemmed once: a
// reindex spends its time writing rather than stemming. The cache is
// bounded; when full it starts afresh, which costs a few words' stemming
// again and keeps no stale memory.
type stemCache struct {
	mu sync.RWMutex
	m  map[string]string
}

// maxCachedStems bounds each language's cache: about 64k words of at
// most maxWordLen bytes and their terms.
const maxCachedStems = 1 << 16

var stemCaches = func() map[string]*stemCache {
	m := map[string]*stemCache{}
	for lang := range stemmers {
		m[lang] = &stemCache{m: map[string]string{}}
	}
	return m
}()

// Stem returns the term of one lower-case word in a language; a language
// without a stemmer only folds.
func Stem(lang, word string) string {
	c := stemCaches[lang]
	if c == nil {
		return stem(lang, word)
	}
	c.mu.RLock()
	t, ok := c.m[word]
	c.mu.RUnlock()
	if ok {
		return t
	}
	t = stem(lang, word)
	c.mu.Lock()
	if len(c.m) >= maxCachedStems {
		clear(c.m)
	}
	// The word may be a slice of a long text; the copy keeps the cache
	// from holding the text alive.
	c.m[strings.Clone(word)] = t
	c.mu.Unlock()
	return t
}

func stem(lang, word string) string {
	if st := stemmers[lang]; st != nil && utf8.RuneCountInString(word) > 2 {
		env := envs.Get().(*snowball.Env)
		env.SetCurrent(word)
		st(env)
		word = env.Current()
		envs.Put(env)
	}
	return Fold(word)
}

// Words splits text into lower-case words: runs of letters and digits.
// A hyphenated compound gives its parts and the joined whole, so that
// "e-mail" is found by "email" and by "mail".
func Words(text string, fn func(word string)) {
	start := -1
	hyphen := false
	emit := func(w string) {
		if w == "" || utf8.RuneCountInString(w) > maxWordLen {
			return
		}
		fn(strings.ToLower(w))
	}
	flush := func(end int) {
		if start < 0 {
			return
		}
		tok := text[start:end]
		if hyphen {
			parts := strings.Split(tok, "-")
			for _, p := range parts {
				emit(p)
			}
			emit(strings.Join(parts, ""))
		} else {
			emit(tok)
		}
		start, hyphen = -1, false
	}
	for i, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if start < 0 {
				start = i
			}
		case r == '-' && start >= 0 && i+1 < len(text) && isWordStart(text[i+1:]):
			hyphen = true
		default:
			flush(i)
		}
	}
	flush(len(text))
}

func isWordStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// Terms returns the terms of a text in a language, in order, with
// repeats; stop words are left out.
func Terms(lang, text string) []string {
	var out []string
	Words(text, func(w string) {
		if !IsStopword(w) {
			out = append(out, Stem(lang, w))
		}
	})
	return out
}

// Document returns a text's terms joined by spaces: what a store indexes
// for it. FTS5 with the unicode61 tokenizer and PostgreSQL's 'simple'
// configuration both split it back into exactly these terms.
func Document(lang, text string) string {
	var b strings.Builder
	Words(text, func(w string) {
		if IsStopword(w) {
			return
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(Stem(lang, w))
	})
	return b.String()
}

// Fold returns s in lower case without diacritics: "Größe Ærø" becomes
// "grosse aero".
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = unicode.ToLower(r)
		if unicode.Is(unicode.Mn, r) {
			continue // a combining accent typed apart from its letter
		}
		if f, ok := fold[r]; ok {
			b.WriteString(f)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// fold maps letters with diacritics to their base letters, and ligatures
// and letters without a base letter to the usual transcription.
var fold = func() map[rune]string {
	m := map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe", 'þ': "th", 'ð': "d", 'ĳ': "ij"}
	for _, group := range []string{
		"aàáâãäåāăą", "cçćčĉċ", "dď", "eèéêëēĕėęě", "gğĝġģ", "hĥ", "iìíîïīĭįı", "jĵ", "kķ",
		"lĺļľŀł", "nñńņňŉ", "oòóôõöøōŏő", "rŕŗř", "sśŝşš", "tţťŧ", "uùúûüũūŭůűų", "wŵ",
		"yýÿŷ", "zźżž",
	} {
		base, _ := utf8.DecodeRuneInString(group)
		for _, r := range group[utf8.RuneLen(base):] {
			m[r] = string(base)
		}
	}
	return m
}()

// IsStopword reports whether a lower-case word is a common word of one of
// the languages, which neither the index nor a query keeps. The lists are
// one set because a query's language is not always the text's, and a word
// common in one of these languages rarely carries the meaning of a support
// question in another.
func IsStopword(w string) bool { return stopwords[Fold(w)] }

var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, list := range []string{
		// English
		`the a an and or of to in on for with at by from is are was were be been being it its this that these those
		my our your their we you they he she me us them not no can cannot cant do does did how what why when where
		which who about into out all any some other such only so than too very just also as if then there here
		have has had will would should could may might must i`,
		// Dutch
		`de het een en of van in op voor met bij door uit is zijn was waren wordt worden werd niet geen kan kunnen
		hoe wat waarom wanneer waar die dat deze dit mijn ons onze uw jullie hun wij we ik je jij zij ze hij er naar
		ook als dan nog al maar om te aan heeft hebben had`,
		// German
		`der die das den dem des ein eine einen einem einer eines und oder von zu im am an auf fur mit bei aus ist
		sind war waren wird werden wurde nicht kein keine kann wie was warum wann wo welche dass diese dieser
		dieses mein meine unser unsere ihr ihre wir ich sie er es auch als dann noch aber um hat haben sich vom
		zum zur beim`,
		// Swedish
		`och eller av till pa for med vid fran ar var blir inte ingen kan hur vad varfor nar dar som det den detta
		denna min mitt vara er ni de vi jag han hon om ocksa sa har hade ska sig ett en`,
		// Norwegian Bokmål
		`og eller av til pa for med ved fra er var blir ikke ingen kan hvordan hva hvorfor nar der som det den dette
		denne min mitt vare deres dere de vi jeg han hun om ogsa sa har hadde skal seg et en`,
	} {
		for _, w := range strings.Fields(list) {
			m[w] = true
		}
	}
	return m
}()
