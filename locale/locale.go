package locale

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Languages lists the supported languages as lowercase ISO 639-1 codes,
// English first because it is the fallback for everything.
var Languages = []string{"en", "nl", "de", "sv", "nb"}

// names holds the endonyms, so that a language picker shows every language
// in its own words whatever the reader's current language is.
var names = map[string]string{
	"en": "English",
	"nl": "Nederlands",
	"de": "Deutsch",
	"sv": "Svenska",
	"nb": "Norsk bokmål",
}

// Name returns the name of a supported language in that language
// ("Nederlands" for "nl"), or "" if lang is not supported.
func Name(lang string) string { return names[lang] }

// Locale is a reader's language and time zone. Its methods treat an
// unsupported Lang as English and a nil Zone (or a nil Locale) as English
// in UTC, so a half-filled Locale degrades instead of panicking.
type Locale struct {
	Lang string         // one of Languages
	Zone *time.Location // where times are shown; nil means UTC
}

// For returns the Locale for lang in zone. lang may be any tag Match
// understands ("nl", "nb-NO", "no"); an unsupported one gives English, and
// a nil zone gives UTC.
func For(lang string, zone *time.Location) *Locale {
	l := supported(lang)
	if l == "" {
		l = "en"
	}
	if zone == nil {
		zone = time.UTC
	}
	return &Locale{Lang: l, Zone: zone}
}

func (l *Locale) lang() string {
	if l == nil || !slices.Contains(Languages, l.Lang) {
		return "en"
	}
	return l.Lang
}

func (l *Locale) zone() *time.Location {
	if l == nil || l.Zone == nil {
		return time.UTC
	}
	return l.Zone
}

// Match picks the language to show. The first supported entry of preferred
// wins, because a language the reader chose explicitly (stored in their
// profile, or a ?lang= link) beats what their browser sends. Otherwise the
// Accept-Language header decides: the supported language with the highest
// q-value, the earlier entry on a tie. Regional and related tags map to
// the language the UI has: "de-AT" → "de", "sv-FI" → "sv", "nl-BE" → "nl",
// and "no", "nn" and "nb-NO" → "nb", since readers of Nynorsk and generic
// Norwegian read Bokmål. The result is "en" if nothing matches.
func Match(acceptLanguage string, preferred ...string) string {
	for _, p := range preferred {
		if l := supported(p); l != "" {
			return l
		}
	}
	best, bestQ := "en", 0.0
	for part := range strings.SplitSeq(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(part, ";")
		l := supported(tag)
		if l == "" {
			continue
		}
		q, ok := quality(params)
		// q=0 means "not acceptable", so such an entry never wins, not
		// even over the default.
		if ok && q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// quality returns the q-value in the parameters of one Accept-Language
// entry (";q=0.8"), 1 if there is none, and false if it is malformed, so
// that a broken entry is ignored rather than trusted.
func quality(params string) (float64, bool) {
	q := 1.0
	for p := range strings.SplitSeq(params, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil || f < 0 || f > 1 {
			return 0, false
		}
		q = f
	}
	return q, true
}

// supported maps a BCP 47 tag to a supported language, or "" if there is
// none. Only the primary subtag counts: the UI has one variant of each
// language, so region and script subtags cannot change the choice.
func supported(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	primary, _, _ := strings.Cut(strings.ReplaceAll(tag, "_", "-"), "-")
	switch primary {
	case "en", "nl", "de", "sv":
		return primary
	case "nb", "no", "nn":
		return "nb"
	}
	return ""
}

// Keys returns the sorted message keys of lang, or nil if lang has none.
func Keys(lang string) []string {
	m := messages.msgs[lang]
	if m == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(m))
}

// lookup finds key in the locale's language and falls back to English:
// the tests keep the catalogues complete, but a key added to English in a
// hurry should show English text, not a marker, to a Dutch reader.
func (l *Locale) lookup(key string) (message, bool) {
	if m, ok := messages.msgs[l.lang()][key]; ok {
		return m, true
	}
	m, ok := messages.msgs["en"][key]
	return m, ok
}

// Has reports whether T finds a message for key, in the locale's language
// or in English.
func (l *Locale) Has(key string) bool {
	_, ok := l.lookup(key)
	return ok
}

// T returns the message key with its placeholders filled in. args are
// name/value pairs: T("form.page_of", "page", 2, "pages", 7). A plural
// message takes its form from the argument "count" (exactly 1 → "one",
// anything else or no count → "other").
//
// Values of the built-in integer types are formatted with Number, so
// counts get the reader's thousands separator; everything else goes
// through fmt's %v. Pass identifiers as strings or as a named type (type
// CaseID int64) to keep them ungrouped: "Case 1042", not "Case 1,042".
//
// T never panics: a missing key comes back as "⟦key⟧", visible on the page
// and easy to grep for; a placeholder without an argument stays "{name}".
func (l *Locale) T(key string, args ...any) string {
	m, ok := l.lookup(key)
	if !ok {
		return "⟦" + key + "⟧"
	}
	text := m.other
	if m.plural && isOne(arg(args, "count")) {
		text = m.one
	}
	if !strings.Contains(text, "{") {
		return text
	}
	return l.fill(text, args)
}

// fill replaces the placeholders of text in one pass, so that a value
// containing "{name}" is shown as it is rather than expanded again.
func (l *Locale) fill(text string, args []any) string {
	var b strings.Builder
	b.Grow(len(text) + 16)
	for {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		b.WriteString(text[:i])
		n := placeholderLen(text[i+1:])
		if n == 0 {
			b.WriteByte('{')
			text = text[i+1:]
			continue
		}
		name := text[i+1 : i+1+n]
		if v, ok := lookupArg(args, name); ok {
			b.WriteString(l.value(v))
		} else {
			b.WriteString(text[i : i+n+2])
		}
		text = text[i+n+2:]
	}
}

// lookupArg returns the value paired with name in args. A name without a
// value (an odd number of args) counts as absent.
func lookupArg(args []any, name string) (any, bool) {
	for i := 0; i+1 < len(args); i += 2 {
		if k, ok := args[i].(string); ok && k == name {
			return args[i+1], true
		}
	}
	return nil, false
}

func arg(args []any, name string) any {
	v, _ := lookupArg(args, name)
	return v
}

// isOne reports whether v is a count of exactly one. Floats count too,
// because %v prints 1.0 as "1" and the text must agree with the number.
func isOne(v any) bool {
	switch n := v.(type) {
	case int:
		return n == 1
	case int8:
		return n == 1
	case int16:
		return n == 1
	case int32:
		return n == 1
	case int64:
		return n == 1
	case uint:
		return n == 1
	case uint8:
		return n == 1
	case uint16:
		return n == 1
	case uint32:
		return n == 1
	case uint64:
		return n == 1
	case float32:
		return n == 1
	case float64:
		return n == 1
	}
	return false
}

// value formats one argument of T. Only the built-in integer types are
// matched, deliberately: named types keep their own formatting.
func (l *Locale) value(v any) string {
	switch n := v.(type) {
	case int:
		return l.Number(int64(n))
	case int8:
		return l.Number(int64(n))
	case int16:
		return l.Number(int64(n))
	case int32:
		return l.Number(int64(n))
	case int64:
		return l.Number(n)
	case uint:
		return l.digits(strconv.FormatUint(uint64(n), 10))
	case uint8:
		return l.Number(int64(n))
	case uint16:
		return l.Number(int64(n))
	case uint32:
		return l.Number(int64(n))
	case uint64:
		return l.digits(strconv.FormatUint(n, 10))
	case string:
		return n
	}
	return fmt.Sprint(v)
}
