package locale

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	_ "time/tzdata" // the zone tests must not depend on the machine's zoneinfo
)

// sameAsEnglish lists translations that may equal the English text because
// the word is the same in that language. Keep it short: every entry hides a
// string nobody translated.
var sameAsEnglish = map[string]bool{
	"Chat":   true, // nl, de, nb
	"E-mail": true, // nl
	"Normal": true, // de, sv, nb
	"OK":     true,
	"Status": true,
}

// TestCatalogueComplete checks every key of every loaded area, including
// areas added after this test was written, in every language. English is
// the reference: a key must exist in all languages, in the same area, and
// no language may have a key English lacks.
func TestCatalogueComplete(t *testing.T) {
	if len(Keys("en")) == 0 {
		t.Fatal("no English messages loaded")
	}
	for _, lang := range Languages[1:] {
		for _, key := range Keys("en") {
			area := messages.area("en", key)
			switch got := messages.area(lang, key); got {
			case area:
			case "":
				t.Errorf("key %q (area %s) is missing in %s: add it to messages/%s.%s.json", key, area, lang, area, lang)
			default:
				t.Errorf("key %q is in area %s in English but in area %s in %s", key, area, got, lang)
			}
		}
		for _, key := range Keys(lang) {
			if !messages.has("en", key) {
				t.Errorf("key %q (area %s) of %s has no English original", key, messages.area(lang, key), lang)
			}
		}
	}
}

func (c *catalogue) has(lang, key string) bool {
	_, ok := c.msgs[lang][key]
	return ok
}

// TestTranslated catches text copied from English and left untranslated.
func TestTranslated(t *testing.T) {
	for _, lang := range Languages[1:] {
		for _, key := range Keys(lang) {
			m := messages.msgs[lang][key]
			en, ok := messages.msgs["en"][key]
			if !ok || m.plural != en.plural {
				continue // reported by the other tests
			}
			forms, enForms := m.forms(), en.forms()
			for i := range forms {
				if forms[i] == enForms[i] && !sameAsEnglish[forms[i]] {
					t.Errorf("%s %q: %q is the English text; translate it or add it to sameAsEnglish", lang, key, forms[i])
				}
			}
		}
	}
}

// TestPlaceholders checks that a translation has exactly the placeholders
// of the English message and the same plural shape, since T fills in and
// pluralises by what the caller passes for English.
func TestPlaceholders(t *testing.T) {
	set := func(m message) []string {
		var names []string
		for _, f := range m.forms() {
			for _, p := range placeholders(f) {
				if !slices.Contains(names, p) {
					names = append(names, p)
				}
			}
		}
		slices.Sort(names)
		return names
	}
	for _, lang := range Languages {
		for _, key := range Keys(lang) {
			m := messages.msgs[lang][key]
			for _, f := range m.forms() {
				if strings.TrimSpace(f) == "" {
					t.Errorf("%s %q: empty text", lang, key)
				}
			}
			en, ok := messages.msgs["en"][key]
			if !ok {
				continue
			}
			if m.plural != en.plural {
				t.Errorf("%s %q: plural is %v, English %v", lang, key, m.plural, en.plural)
			}
			if got, want := set(m), set(en); !slices.Equal(got, want) {
				t.Errorf("%s %q: placeholders %v, English has %v", lang, key, got, want)
			}
			if m.plural && !slices.Contains(set(m), "count") {
				t.Errorf("%s %q: plural message without {count}", lang, key)
			}
		}
	}
}

func TestLoadErrors(t *testing.T) {
	good := `{"a": "A", "b": {"one": "{count} b", "other": "{count} bs"}}`
	tests := []struct {
		name  string
		files fstest.MapFS
		want  string // part of the error
	}{
		{"unknown language", fstest.MapFS{"messages/common.fr.json": {Data: []byte(good)}}, `unknown language "fr"`},
		{"no language", fstest.MapFS{"messages/common.json": {Data: []byte(good)}}, "must be <area>.<lang>.json"},
		{"two dots", fstest.MapFS{"messages/common.x.en.json": {Data: []byte(good)}}, "must be <area>.<lang>.json"},
		{"key in two files", fstest.MapFS{
			"messages/common.nl.json": {Data: []byte(good)},
			"messages/portal.nl.json": {Data: []byte(`{"b": "B"}`)},
		}, `messages/portal.nl.json: key "b" already defined in messages/common.nl.json`},
		{"key twice in a file", fstest.MapFS{"messages/common.en.json": {Data: []byte(`{"a": "A", "a": "B"}`)}}, `key "a" defined twice`},
		{"malformed", fstest.MapFS{"messages/common.en.json": {Data: []byte(`{"a": "A",}`)}}, "messages/common.en.json"},
		{"truncated", fstest.MapFS{"messages/common.en.json": {Data: []byte(`{"a": "A"`)}}, "messages/common.en.json"},
		{"not an object", fstest.MapFS{"messages/common.en.json": {Data: []byte(`["a"]`)}}, "messages/common.en.json"},
		{"number value", fstest.MapFS{"messages/common.en.json": {Data: []byte(`{"a": 1}`)}}, `key "a": value must be`},
		{"plural without other", fstest.MapFS{"messages/common.en.json": {Data: []byte(`{"a": {"one": "x"}}`)}}, `needs both "one" and "other"`},
		{"plural with few", fstest.MapFS{"messages/common.en.json": {Data: []byte(`{"a": {"one": "x", "few": "y", "other": "z"}}`)}}, `plural form "few"`},
		{"trailing data", fstest.MapFS{"messages/common.en.json": {Data: []byte(`{"a": "A"} {}`)}}, "data after the object"},
		{"empty key", fstest.MapFS{"messages/common.en.json": {Data: []byte(`{"": "A"}`)}}, "invalid key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(tt.files)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("load: error %v, want one containing %q", err, tt.want)
			}
		})
	}

	c, err := load(fstest.MapFS{
		"messages/common.en.json": {Data: []byte(good)},
		"messages/portal.en.json": {Data: []byte(`{"c": "C"}`)},
		"messages/common.nl.json": {Data: []byte(good)},
	})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if got := c.area("en", "c"); got != "portal" {
		t.Errorf("area of c = %q, want portal", got)
	}
	if m := c.msgs["nl"]["b"]; !m.plural || m.one != "{count} b" || m.other != "{count} bs" {
		t.Errorf("plural b = %+v", m)
	}
}

// TestEmbeddedLoads repeats the load done at initialisation, which would
// have panicked, so that a broken file shows as a test failure with the
// reason rather than only as a panic trace.
func TestEmbeddedLoads(t *testing.T) {
	if _, err := load(messageFiles); err != nil {
		t.Fatal(err)
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		header    string
		preferred []string
		want      string
	}{
		{"", nil, "en"},
		{"fr-FR,fr;q=0.9", nil, "en"},
		{"nl", nil, "nl"},
		{"nl-BE,fr;q=0.8", nil, "nl"},
		{"de-AT", nil, "de"},
		{"sv-FI,fi;q=0.9", nil, "sv"},
		{"no", nil, "nb"},
		{"nn", nil, "nb"},
		{"nb-NO,en;q=0.5", nil, "nb"},
		{"NB_no", nil, "nb"},
		{"en;q=0.5, de;q=0.8", nil, "de"},
		{"fr, sv;q=0.3, nl;q=0.7", nil, "nl"},
		{"de;q=0.7, nl;q=0.7", nil, "de"}, // a tie goes to the earlier entry
		{"nl;q=0, sv;q=0.1", nil, "sv"},   // q=0 is "not acceptable"
		{"nl;q=0", nil, "en"},             // even the default beats it
		{"nl;q=abc, de;q=0.2", nil, "de"}, // a malformed q is ignored
		{"nl;q=1.5, de;q=0.2", nil, "de"}, // so is one out of range
		{"*, sv;q=0.5", nil, "sv"},        // the wildcard names nothing
		{"de ; Q=0.9 , sv ; q=0.95", nil, "sv"},
		{"de", []string{"nl"}, "nl"},
		{"de", []string{"", "fr", "nb-NO"}, "nb"},
		{"de", []string{"xx"}, "de"},
		{"", []string{"SV"}, "sv"},
	}
	for _, tt := range tests {
		if got := Match(tt.header, tt.preferred...); got != tt.want {
			t.Errorf("Match(%q, %q) = %q, want %q", tt.header, tt.preferred, got, tt.want)
		}
	}
}

func TestFor(t *testing.T) {
	l := For("xx", nil)
	if l.Lang != "en" || l.Zone != time.UTC {
		t.Errorf("For(xx, nil) = %q %v, want en UTC", l.Lang, l.Zone)
	}
	if got := For("nb-NO", nil).Lang; got != "nb" {
		t.Errorf("For(nb-NO).Lang = %q, want nb", got)
	}
	// A hand-built Locale with an unknown language or no zone, and even a
	// nil one, must still format, as English in UTC.
	at := time.Date(2026, 3, 3, 14, 5, 0, 0, time.UTC)
	for _, l := range []*Locale{nil, {}, {Lang: "fr"}} {
		if got := l.DateTime(at); got != "Tue 3 Mar 2026 14:05 UTC" {
			t.Errorf("%+v.DateTime = %q", l, got)
		}
		if got := l.T("nav.home"); got != "Home" {
			t.Errorf("%+v.T(nav.home) = %q", l, got)
		}
	}
}

func TestName(t *testing.T) {
	want := []string{"English", "Nederlands", "Deutsch", "Svenska", "Norsk bokmål"}
	for i, lang := range Languages {
		if got := Name(lang); got != want[i] {
			t.Errorf("Name(%q) = %q, want %q", lang, got, want[i])
		}
	}
	if got := Name("fr"); got != "" {
		t.Errorf("Name(fr) = %q, want empty", got)
	}
}

func TestKeys(t *testing.T) {
	keys := Keys("nl")
	if !slices.IsSorted(keys) || !slices.Contains(keys, "nav.home") {
		t.Errorf("Keys(nl) not sorted or without nav.home: %q", keys)
	}
	if Keys("fr") != nil {
		t.Error("Keys(fr) not nil")
	}
}

func TestT(t *testing.T) {
	type caseID int64
	en, de, sv := For("en", nil), For("de", nil), For("sv", nil)
	tests := []struct {
		l    *Locale
		key  string
		args []any
		want string
	}{
		{en, "form.results", []any{"count", 1}, "1 result"},
		{en, "form.results", []any{"count", 0}, "0 results"},
		{en, "form.results", []any{"count", int64(12345)}, "12,345 results"},
		{en, "form.results", []any{"count", uint64(1 << 63)}, "9,223,372,036,854,775,808 results"},
		{en, "form.results", []any{"count", 1.0}, "1 result"},
		{en, "form.results", []any{"count", 1.5}, "1.5 results"},
		{en, "form.results", nil, "{count} results"},
		{de, "form.results", []any{"count", 1}, "1 Ergebnis"},
		{de, "form.results", []any{"count", 2500}, "2.500 Ergebnisse"},
		{sv, "form.results", []any{"count", 12345}, "12\u00a0345 resultat"},
		{For("nb", nil), "common.rel.minutes_ago", []any{"count", 1}, "for 1 minutt siden"},
		{For("nl", nil), "form.results", []any{"count", 15}, "15 resultaten"},
		{en, "form.page_of", []any{"pages", 7, "page", 2}, "Page 2 of 7"},
		{en, "form.page_of", []any{"page", 2}, "Page 2 of {pages}"},
		{en, "form.page_of", []any{"page", 2, "pages"}, "Page 2 of {pages}"},
		{en, "nav.signed_in_as", []any{"name", "{page} & <b>"}, "Signed in as {page} & <b>"},
		{en, "error.reference", []any{"id", caseID(1042)}, "Quote this reference if you contact support: 1042"},
		{en, "error.reference", []any{"id", 1042}, "Quote this reference if you contact support: 1,042"},
		{en, "no.such.key", []any{"count", 1}, "⟦no.such.key⟧"},
		{de, "no.such.key", nil, "⟦no.such.key⟧"},
		{en, "", nil, "⟦⟧"},
	}
	for _, tt := range tests {
		if got := tt.l.T(tt.key, tt.args...); got != tt.want {
			t.Errorf("%s T(%q, %v) = %q, want %q", tt.l.Lang, tt.key, tt.args, got, tt.want)
		}
	}
	if !en.Has("nav.home") || en.Has("no.such.key") {
		t.Error("Has is wrong")
	}
}

// TestFallback checks that a key only English has shows English, not the
// missing-key marker.
func TestFallback(t *testing.T) {
	c, err := load(fstest.MapFS{
		"messages/common.en.json": {Data: []byte(`{"only.en": "Only {what}", "both": "Both"}`)},
		"messages/common.nl.json": {Data: []byte(`{"both": "Beide", "stray {": "x"}`)},
	})
	if err == nil {
		t.Fatal("a key with a brace loaded")
	}
	c, err = load(fstest.MapFS{
		"messages/common.en.json": {Data: []byte(`{"only.en": "Only {what}", "both": "Both"}`)},
		"messages/common.nl.json": {Data: []byte(`{"both": "Beide"}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	saved := messages
	messages = c
	t.Cleanup(func() { messages = saved })

	nl := For("nl", nil)
	if got := nl.T("only.en", "what", "English"); got != "Only English" {
		t.Errorf("T(only.en) = %q", got)
	}
	if got := nl.T("both"); got != "Beide" {
		t.Errorf("T(both) = %q", got)
	}
	if !nl.Has("only.en") || nl.Has("neither") {
		t.Error("Has ignores the English fallback")
	}
}

func TestNumber(t *testing.T) {
	tests := []struct {
		n                  int64
		en, nl, de, sv, nb string
	}{
		{0, "0", "0", "0", "0", "0"},
		{999, "999", "999", "999", "999", "999"},
		{1000, "1,000", "1.000", "1.000", "1\u00a0000", "1\u00a0000"},
		{12345, "12,345", "12.345", "12.345", "12\u00a0345", "12\u00a0345"},
		{-1234567, "-1,234,567", "-1.234.567", "-1.234.567", "\u22121\u00a0234\u00a0567", "\u22121\u00a0234\u00a0567"},
		{-9223372036854775808, "-9,223,372,036,854,775,808", "-9.223.372.036.854.775.808", "-9.223.372.036.854.775.808",
			"\u22129\u00a0223\u00a0372\u00a0036\u00a0854\u00a0775\u00a0808", "\u22129\u00a0223\u00a0372\u00a0036\u00a0854\u00a0775\u00a0808"},
	}
	for _, tt := range tests {
		for i, want := range []string{tt.en, tt.nl, tt.de, tt.sv, tt.nb} {
			if got := For(Languages[i], nil).Number(tt.n); got != want {
				t.Errorf("%s Number(%d) = %q, want %q", Languages[i], tt.n, got, want)
			}
		}
	}
}

func TestDecimal(t *testing.T) {
	tests := []struct {
		f          float64
		digits     int
		en, de, sv string
	}{
		{12345.678, 2, "12,345.68", "12.345,68", "12\u00a0345,68"},
		{0.5, 2, "0.50", "0,50", "0,50"},
		{0.25, -1, "0.25", "0,25", "0,25"},
		{1234.4, 0, "1,234", "1.234", "1\u00a0234"},
		{-1234.5, 1, "-1,234.5", "-1.234,5", "\u22121\u00a0234,5"},
		{-0.001, 2, "0.00", "0,00", "0,00"},
	}
	for _, tt := range tests {
		for _, c := range []struct{ lang, want string }{{"en", tt.en}, {"de", tt.de}, {"sv", tt.sv}} {
			if got := For(c.lang, nil).Decimal(tt.f, tt.digits); got != c.want {
				t.Errorf("%s Decimal(%v, %d) = %q, want %q", c.lang, tt.f, tt.digits, got, c.want)
			}
		}
	}
	if got := For("nl", nil).Decimal(98.6, 1); got != "98,6" {
		t.Errorf("nl Decimal = %q", got)
	}
	if got := For("nb", nil).Decimal(1e6, 2); got != "1\u00a0000\u00a0000,00" {
		t.Errorf("nb Decimal = %q", got)
	}
}

func TestDateTime(t *testing.T) {
	amsterdam, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 3, 14, 5, 0, 0, time.UTC)
	// 02:30 UTC is still the previous evening in New York, so the date
	// must move with the zone.
	early := time.Date(2026, 3, 3, 2, 30, 0, 0, time.UTC)
	tests := []struct {
		lang                 string
		zone                 *time.Location
		t                    time.Time
		date, clock, dateAll string
	}{
		{"en", amsterdam, at, "Tue 3 Mar 2026", "15:05", "Tue 3 Mar 2026 15:05 CET"},
		{"nl", amsterdam, at, "di 3 mrt 2026", "15:05", "di 3 mrt 2026 15:05 CET"},
		{"de", amsterdam, at, "Di., 3. März 2026", "15:05", "Di., 3. März 2026 15:05 CET"},
		{"sv", amsterdam, at, "tis 3 mars 2026", "15:05", "tis 3 mars 2026 15:05 CET"},
		{"nb", amsterdam, at, "tir. 3. mars 2026", "15:05", "tir. 3. mars 2026 15:05 CET"},
		{"en", newYork, at, "Tue 3 Mar 2026", "09:05", "Tue 3 Mar 2026 09:05 EST"},
		{"en", newYork, early, "Mon 2 Mar 2026", "21:30", "Mon 2 Mar 2026 21:30 EST"},
		{"de", newYork, early, "Mo., 2. März 2026", "21:30", "Mo., 2. März 2026 21:30 EST"},
		{"nl", nil, at, "di 3 mrt 2026", "14:05", "di 3 mrt 2026 14:05 UTC"},
		{"sv", amsterdam, time.Date(2026, 7, 4, 22, 0, 0, 0, time.UTC), "sön 5 juli 2026", "00:00", "sön 5 juli 2026 00:00 CEST"},
		{"nb", amsterdam, time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC), "fre. 1. jan. 2027", "00:30", "fre. 1. jan. 2027 00:30 CET"},
	}
	for _, tt := range tests {
		l := For(tt.lang, tt.zone)
		if got := l.Date(tt.t); got != tt.date {
			t.Errorf("%s %v Date = %q, want %q", tt.lang, tt.zone, got, tt.date)
		}
		if got := l.Time(tt.t); got != tt.clock {
			t.Errorf("%s %v Time = %q, want %q", tt.lang, tt.zone, got, tt.clock)
		}
		if got := l.DateTime(tt.t); got != tt.dateAll {
			t.Errorf("%s %v DateTime = %q, want %q", tt.lang, tt.zone, got, tt.dateAll)
		}
	}
}

func TestWeekday(t *testing.T) {
	want := map[string]string{"en": "Tuesday", "nl": "dinsdag", "de": "Dienstag", "sv": "tisdag", "nb": "tirsdag"}
	for lang, w := range want {
		if got := For(lang, nil).Weekday(time.Tuesday); got != w {
			t.Errorf("%s Weekday(Tuesday) = %q, want %q", lang, got, w)
		}
	}
	if got := For("nl", nil).Weekday(time.Sunday); got != "zondag" {
		t.Errorf("nl Weekday(Sunday) = %q", got)
	}
	if got := For("nl", nil).Weekday(9); got == "" {
		t.Error("Weekday(9) is empty")
	}
}

func TestRelative(t *testing.T) {
	now := time.Date(2026, 3, 3, 14, 5, 0, 0, time.UTC)
	const day = 24 * time.Hour
	tests := []struct {
		lang string
		d    time.Duration // to - from
		want string
	}{
		{"en", 0, "just now"},
		{"en", -30 * time.Second, "just now"},
		{"en", 30 * time.Second, "in a moment"},
		{"en", -time.Minute, "1 minute ago"},
		{"en", 5*time.Minute + 20*time.Second, "in 5 minutes"},
		{"en", -44 * time.Minute, "44 minutes ago"},
		{"en", -50 * time.Minute, "1 hour ago"},
		{"en", 2 * time.Hour, "in 2 hours"},
		{"en", 90 * time.Minute, "in 2 hours"},
		{"en", -23 * time.Hour, "1 day ago"},
		{"en", -3 * day, "3 days ago"},
		{"en", 10 * day, "in 1 week"},
		{"en", -20 * day, "3 weeks ago"},
		{"en", 60 * day, "in 2 months"},
		{"en", -400 * day, "1 year ago"},
		{"en", -800 * day, "2 years ago"},
		{"nl", -time.Hour, "1 uur geleden"},
		{"nl", 3 * day, "over 3 dagen"},
		{"nl", 10 * time.Second, "zo meteen"},
		{"de", 3 * day, "in 3 Tagen"},
		{"de", -time.Minute, "vor 1 Minute"},
		{"de", -2 * 365 * day, "vor 2 Jahren"},
		{"sv", -2 * time.Hour, "för 2 timmar sedan"},
		{"sv", -10 * time.Second, "alldeles nyss"},
		{"nb", 7 * day, "om 1 uke"},
		{"nb", -90 * day, "for 3 måneder siden"},
	}
	for _, tt := range tests {
		if got := For(tt.lang, nil).Relative(now, now.Add(tt.d)); got != tt.want {
			t.Errorf("%s Relative(%v) = %q, want %q", tt.lang, tt.d, got, tt.want)
		}
	}
	// Sub saturates at about 292 years; the extremes must not overflow.
	far := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := For("en", nil).Relative(time.Time{}, far); got != "in 292 years" {
		t.Errorf("Relative(zero, far) = %q", got)
	}
	if got := For("en", nil).Relative(far, time.Time{}); got != "292 years ago" {
		t.Errorf("Relative(far, zero) = %q", got)
	}
}
