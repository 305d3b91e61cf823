package phones

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"desk/bizhours"
)

// Service is what a line helps with.
type Service string

// The services the seeds name for phone lines.
const (
	Technical Service = "technical"
	Billing   Service = "billing"
	PreSales  Service = "presales"
)

// Hours is when one service of a line answers, in which languages.
type Hours struct {
	Service Service
	// Languages are BCP 47 base codes: "en", "de", "zh".
	Languages []string
	// Calendar is the weekly schedule in the line's zone.
	Calendar *bizhours.Calendar
	// Note is extra text from the seed in English, such as "local call
	// charges apply"; it may be empty.
	Note string
}

// Line is one support number for a country or region.
type Line struct {
	// Key is a stable id: the lower-case ISO code of a country's own
	// line ("de", "us", "cn"), or a name for a regional one ("eea").
	Key string
	// Region is the region's name per user-interface language: "en",
	// "nl", "de", "sv" and "nb".
	Region map[string]string
	// Countries are the ISO 3166-1 alpha-2 codes the line serves, upper
	// case, so that the caller's own lines can be listed first.
	Countries []string
	// Number is the number as dialled, such as "0800 589 2330".
	Number string
	// Alternative is a second number for the same desk, or "".
	Alternative string
	Hours       []Hours
}

// Open reports whether any service of the line answers at t.
func (l Line) Open(t time.Time) bool {
	for _, h := range l.Hours {
		if h.Calendar != nil && h.Calendar.IsOpen(t) {
			return true
		}
	}
	return false
}

// OpenFor reports whether the service s of the line answers at t. A line
// may list a service more than once, for example technical support for
// critical cases around the clock and for the others in the daytime; the
// service answers if any of them does.
func (l Line) OpenFor(s Service, t time.Time) bool {
	for _, h := range l.Hours {
		if h.Service == s && h.Calendar != nil && h.Calendar.IsOpen(t) {
			return true
		}
	}
	return false
}

// Directory returns every line, sorted by English region name. The lines
// are copies, calendars included, so a caller may change them without
// changing what the next caller sees.
func Directory() []Line {
	ls := directory()
	out := make([]Line, len(ls))
	for i, l := range ls {
		out[i] = l.clone()
	}
	return out
}

// aliases maps codes in common use that ISO 3166-1 does not assign to the
// country they mean: the United Kingdom calls itself UK, and the European
// Union writes EL for Greece.
var aliases = map[string]string{"UK": "GB", "EL": "GR"}

// ForCountry returns the lines serving the country with the ISO 3166-1
// alpha-2 code (either case), best match first: the country's own line
// before a regional one. An EEA country without a line of its own gets the
// line for the rest of the European Economic Area. A country no line
// serves gets none; its callers open a service request online, which is
// also what the seeds advise.
func ForCountry(code string) []Line {
	code = strings.ToUpper(strings.TrimSpace(code))
	if a, ok := aliases[code]; ok {
		code = a
	}
	var out []Line
	for _, l := range directory() {
		if slices.Contains(l.Countries, code) {
			out = append(out, l.clone())
		}
	}
	// A line serving fewer countries is meant for this one more
	// specifically; the stable sort keeps the directory's order among
	// equals.
	slices.SortStableFunc(out, func(a, b Line) int {
		return len(a.Countries) - len(b.Countries)
	})
	return out
}

// directory builds the lines once: loading zones is not free, and the
// data does not change while the program runs.
var directory = sync.OnceValue(func() []Line {
	ls := lines()
	slices.SortFunc(ls, func(a, b Line) int {
		return strings.Compare(a.Region["en"], b.Region["en"])
	})
	return ls
})

// clone returns a deep copy of the line.
func (l Line) clone() Line {
	l.Region = maps.Clone(l.Region)
	l.Countries = slices.Clone(l.Countries)
	hs := make([]Hours, len(l.Hours))
	for i, h := range l.Hours {
		h.Languages = slices.Clone(h.Languages)
		if h.Calendar != nil {
			h.Calendar = h.Calendar.Copy()
		}
		hs[i] = h
	}
	l.Hours = hs
	return l
}
