package phones

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// at returns the instant whose wall clock in tz reads s ("2006-01-02 15:04").
func at(t *testing.T, tz, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(tz)
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// line returns the directory's line with the key, failing the test if
// there is none.
func line(t *testing.T, key string) Line {
	t.Helper()
	for _, l := range Directory() {
		if l.Key == key {
			return l
		}
	}
	t.Fatalf("no line %q", key)
	return Line{}
}

func TestOpenFor(t *testing.T) {
	// 2026-03-01 and 2026-07-05 are Sundays; 2026-03-02 and 2026-07-06
	// Mondays, in winter and summer time.
	tests := []struct {
		key     string
		service Service
		tz, at  string
		want    bool
	}{
		{"de", Technical, "Europe/Berlin", "2026-03-01 03:00", true},
		{"de", Billing, "Europe/Berlin", "2026-03-01 03:00", false},
		{"de", Billing, "Europe/Berlin", "2026-03-02 10:00", true},
		{"de", Billing, "Europe/Berlin", "2026-03-02 08:59", false},
		{"de", Billing, "Europe/Berlin", "2026-03-02 09:00", true},
		{"de", Billing, "Europe/Berlin", "2026-03-02 16:59", true},
		{"de", Billing, "Europe/Berlin", "2026-03-02 17:00", false},
		{"de", Billing, "Europe/Berlin", "2026-07-06 10:00", true},
		{"de", PreSales, "Europe/Berlin", "2026-03-02 10:00", false},
		// The seed's "Berlin (UTC+1)" is Berlin time: in summer the desk
		// closes at 17:00 CEST, not at 17:00 UTC+1 (18:00 CEST).
		{"eea", Billing, "Europe/Berlin", "2026-07-06 16:59", true},
		{"eea", Billing, "Europe/Berlin", "2026-07-06 17:30", false},
		{"eea", Technical, "Europe/Berlin", "2026-07-05 23:30", true},
		{"us", Billing, "America/New_York", "2026-03-02 16:59", true},
		{"us", Billing, "America/New_York", "2026-03-02 17:00", false},
		{"us", Technical, "America/New_York", "2026-03-01 03:00", true},
		{"ca", Billing, "America/Toronto", "2026-03-02 09:00", true},
		{"ca", Billing, "America/Toronto", "2026-03-01 12:00", false},
		{"au", Billing, "Australia/Sydney", "2026-03-02 17:59", true},
		{"au", Billing, "Australia/Sydney", "2026-03-02 18:00", false},
		{"gb", Billing, "Europe/London", "2026-03-02 16:59", true},
		{"gb", Billing, "Europe/London", "2026-03-02 17:00", false},
		{"gb", Technical, "Europe/London", "2026-03-01 03:00", true},
		{"cn", Technical, "Asia/Shanghai", "2026-03-01 03:00", true},
		{"cn", PreSales, "Asia/Shanghai", "2026-03-01 10:00", false},
		{"cn", PreSales, "Asia/Shanghai", "2026-03-02 10:00", true},
		{"cn", Billing, "Asia/Shanghai", "2026-03-02 16:59", true},
		{"cn", Billing, "Asia/Shanghai", "2026-03-02 17:00", false},
		{"cn", Service("sales"), "Asia/Shanghai", "2026-03-02 10:00", false},
	}
	for _, tt := range tests {
		l := line(t, tt.key)
		if got := l.OpenFor(tt.service, at(t, tt.tz, tt.at)); got != tt.want {
			t.Errorf("%s %s at %s %s: open = %v, want %v", tt.key, tt.service, tt.at, tt.tz, got, tt.want)
		}
	}
}

func TestOpen(t *testing.T) {
	tests := []struct {
		key    string
		tz, at string
		want   bool
	}{
		// Technical support keeps the German line open on a Sunday night.
		{"de", "Europe/Berlin", "2026-03-01 03:00", true},
		{"eea", "Europe/Berlin", "2026-03-02 17:00", true},
		{"cn", "Asia/Shanghai", "2026-03-01 03:00", true},
	}
	for _, tt := range tests {
		if got := line(t, tt.key).Open(at(t, tt.tz, tt.at)); got != tt.want {
			t.Errorf("%s at %s %s: open = %v, want %v", tt.key, tt.at, tt.tz, got, tt.want)
		}
	}
	if (Line{}).Open(time.Now()) {
		t.Error("a line without hours is open")
	}
}

func TestNumbers(t *testing.T) {
	tests := []struct {
		key, number, alternative string
	}{
		{"us", "1 800 865 9408", ""},
		{"au", "1 800 197 503", ""},
		{"ca", "1 800 865 9408", ""},
		{"gb", "0800 032 6417", ""},
		{"de", "0800 589 2330", "069 380 789 305"},
		{"eea", "+49 69 380 789 305", ""},
		{"cn", "+86 400 089 0365", ""},
	}
	for _, tt := range tests {
		l := line(t, tt.key)
		if l.Number != tt.number || l.Alternative != tt.alternative {
			t.Errorf("%s: number %q, alternative %q; want %q, %q", tt.key, l.Number, l.Alternative, tt.number, tt.alternative)
		}
	}
}

func TestDirectory(t *testing.T) {
	ls := Directory()
	var keys []string
	for _, l := range ls {
		keys = append(keys, l.Key)
	}
	// By English region name: Australia, Canada, China, European
	// Economic Area, Germany, United Kingdom, United States.
	if want := []string{"au", "ca", "cn", "eea", "de", "gb", "us"}; !slices.Equal(keys, want) {
		t.Errorf("keys = %v, want %v", keys, want)
	}
	iso := regexp.MustCompile(`^[A-Z]{2}$`)
	known := Countries()
	served := map[string]string{}
	for _, l := range ls {
		if l.Number == "" {
			t.Errorf("%s: no number", l.Key)
		}
		if len(l.Hours) == 0 {
			t.Errorf("%s: no hours", l.Key)
		}
		for _, h := range l.Hours {
			if h.Calendar == nil {
				t.Errorf("%s %s: no calendar", l.Key, h.Service)
				continue
			}
			if err := h.Calendar.Validate(); err != nil {
				t.Errorf("%s %s: calendar: %v", l.Key, h.Service, err)
			}
			if len(h.Languages) == 0 {
				t.Errorf("%s %s: no languages", l.Key, h.Service)
			}
			if !slices.Contains([]Service{Technical, Billing, PreSales}, h.Service) {
				t.Errorf("%s: unknown service %q", l.Key, h.Service)
			}
		}
		en := l.Region["en"]
		translated := false
		for _, lang := range []string{"en", "nl", "de", "sv", "nb"} {
			if strings.TrimSpace(l.Region[lang]) == "" {
				t.Errorf("%s: no region name in %q", l.Key, lang)
			}
			if lang != "en" && l.Region[lang] != en {
				translated = true
			}
		}
		if !translated {
			t.Errorf("%s: region %q has no translation", l.Key, en)
		}
		if len(l.Countries) == 0 {
			t.Errorf("%s: serves no country", l.Key)
		}
		for _, c := range l.Countries {
			if !iso.MatchString(c) {
				t.Errorf("%s: country %q is not an upper-case ISO code", l.Key, c)
			}
			if !slices.Contains(known, c) {
				t.Errorf("%s: country %q is not in the seed's country list", l.Key, c)
			}
			// One line per country keeps ForCountry's first answer
			// unambiguous.
			if other, ok := served[c]; ok {
				t.Errorf("%s: country %s is served by %s too", l.Key, c, other)
			}
			served[c] = l.Key
		}
	}
	if len(served) != 35 {
		t.Errorf("lines serve %d countries, want 35 (6 own lines, 29 other EEA members)", len(served))
	}
}

func TestDirectoryReturnsCopies(t *testing.T) {
	ls := Directory()
	ls[0].Region["en"] = "changed"
	ls[0].Countries[0] = "XX"
	ls[0].Hours[0].Languages[0] = "xx"
	ls[0].Hours[0].Calendar.Name = "changed"
	again := Directory()[0]
	if again.Region["en"] == "changed" || again.Countries[0] == "XX" || again.Hours[0].Languages[0] == "xx" ||
		again.Hours[0].Calendar.Name == "changed" {
		t.Error("changing a returned line changed the directory")
	}
}

func TestForCountry(t *testing.T) {
	tests := []struct {
		code string
		want []string
	}{
		{"NL", []string{"eea"}}, // no own line in the seeds
		{"nl", []string{"eea"}},
		{" se ", []string{"eea"}},
		{"NO", []string{"eea"}},
		{"EL", []string{"eea"}},
		{"DE", []string{"de"}},
		{"US", []string{"us"}},
		{"CA", []string{"ca"}},
		{"GB", []string{"gb"}},
		{"uk", []string{"gb"}},
		{"AU", []string{"au"}},
		{"CN", []string{"cn"}},
		{"CH", nil}, // not in the EEA
		{"JP", nil},
		{"", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, l := range ForCountry(tt.code) {
			got = append(got, l.Key)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("ForCountry(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

// TestCallerZone checks that the answer belongs to the instant: the same
// instant seen from New York, Shanghai or UTC is open or closed alike.
func TestCallerZone(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	instants := []time.Time{
		at(t, "Europe/Berlin", "2026-03-02 16:59"),
		at(t, "Europe/Berlin", "2026-03-02 17:00"),
		at(t, "Europe/Berlin", "2026-03-01 03:00"),
		at(t, "America/New_York", "2026-03-06 16:30"), // Saturday in Shanghai
		at(t, "Asia/Shanghai", "2026-03-02 08:30"),    // Sunday in New York
		at(t, "Australia/Sydney", "2026-07-06 17:59"),
	}
	for _, u := range instants {
		for _, l := range Directory() {
			for _, s := range []Service{Technical, Billing, PreSales} {
				a, b, c := l.OpenFor(s, u.In(ny)), l.OpenFor(s, u.In(sh)), l.OpenFor(s, u.UTC())
				if a != b || a != c {
					t.Errorf("%s %s at %v: New York %v, Shanghai %v, UTC %v", l.Key, s, u.UTC(), a, b, c)
				}
			}
			if l.Open(u.In(ny)) != l.Open(u.In(sh)) {
				t.Errorf("%s at %v: Open differs between New York and Shanghai", l.Key, u.UTC())
			}
		}
	}
	// The Berlin billing desk at 16:59 and 17:00 Berlin time, read from
	// New York and Shanghai wall clocks: the answer follows Berlin.
	de := line(t, "de")
	if !de.OpenFor(Billing, at(t, "America/New_York", "2026-03-02 10:59")) {
		t.Error("de billing closed at 10:59 New York (16:59 Berlin)")
	}
	if de.OpenFor(Billing, at(t, "Asia/Shanghai", "2026-03-03 00:00")) {
		t.Error("de billing open at 00:00 Shanghai (17:00 Berlin)")
	}
}

func TestCountries(t *testing.T) {
	cs := Countries()
	// The seed's picker has 246 entries; Bonaire, Saba and Sint Eustatius
	// share BQ, Ascension, Tristan da Cunha and Saint Helena share SH, Jan
	// Mayen and Svalbard share SJ.
	if len(seedCountries) != 246 || len(cs) != 241 {
		t.Errorf("%d seed entries, %d codes; want 246, 241", len(seedCountries), len(cs))
	}
	if !slices.IsSorted(cs) {
		t.Error("codes not sorted")
	}
	if len(slices.Compact(slices.Clone(cs))) != len(cs) {
		t.Error("duplicate codes")
	}
	cs[0] = "changed"
	if Countries()[0] == "changed" {
		t.Error("changing the result changed the list")
	}
}
