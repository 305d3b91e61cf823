package bizhours

import (
	"errors"
	"testing"
)

func TestParseTarget(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Target
		str  string
	}{
		{"1h", Target{Minutes: 60}, "1h"},
		{"90m", Target{Minutes: 90}, "1h30m"},
		{"8h", Target{Minutes: 480}, "8h"},
		{"2h", Target{Minutes: 120}, "2h"},
		{"4 hours", Target{Minutes: 240}, "4h"},
		{"1 hour", Target{Minutes: 60}, "1h"},
		{"45 minutes", Target{Minutes: 45}, "45m"},
		{"1h30m", Target{Minutes: 90}, "1h30m"},
		{"1h 30m", Target{Minutes: 90}, "1h30m"},
		{"2.5h", Target{Minutes: 150}, "2h30m"},
		{"1 business day", Target{BusinessDays: 1}, "1 business day"},
		{"3 business days", Target{BusinessDays: 3}, "3 business days"},
		{" 3  Business Days ", Target{BusinessDays: 3}, "3 business days"},
		{"2 working days", Target{BusinessDays: 2}, "2 business days"},
	} {
		got, err := ParseTarget(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseTarget(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			continue
		}
		if got.String() != tc.str {
			t.Errorf("%+v.String() = %q, want %q", got, got.String(), tc.str)
		}
		if back, err := ParseTarget(got.String()); err != nil || back != got {
			t.Errorf("ParseTarget(%q) = %+v, %v; does not round-trip", got.String(), back, err)
		}
		if err := got.Validate(); err != nil {
			t.Errorf("%+v.Validate() = %v", got, err)
		}
	}
	for in, want := range map[string]string{
		"":                    `target: missing`,
		"0h":                  `target: "0h": must be positive`,
		"0 business days":     `target: "0 business days": must be positive`,
		"-1h":                 `target: "-1h": must be positive`,
		"-2 business days":    `target: "-2 business days": must be positive`,
		"30s":                 `target: "30s": want whole minutes`,
		"1d":                  `target: "1d": plain days are ambiguous; write "24h" for round-the-clock days or "1 business day"`,
		"soon":                `target: "soon": want a duration such as "90m" or "8h", or business days such as "1 business day"`,
		"one business day":    `target: "one business day": want a whole number of business days, as in "3 business days"`,
		"99999 business days": `target: "99999 business days": 99999 is too large; at most 36500`,
	} {
		_, err := ParseTarget(in)
		var e *Error
		if !errors.As(err, &e) || e.Field != "target" || err.Error() != want {
			t.Errorf("ParseTarget(%q) = %v, want %s", in, err, want)
		}
	}
}

func TestTargetValidate(t *testing.T) {
	for target, want := range map[Target]string{
		{}:                             "target: must be positive, got zero",
		{Minutes: -5}:                  "minutes: must be positive, got -5",
		{BusinessDays: -1}:             "business_days: must be positive, got -1",
		{Minutes: 60, BusinessDays: 1}: "target: give minutes or business days, not both",
		{BusinessDays: 40000}:          "business_days: 40000 is too large; at most 36500",
	} {
		if err := target.Validate(); err == nil || err.Error() != want {
			t.Errorf("%+v.Validate() = %v, want %s", target, err, want)
		}
	}
}

func TestDue(t *testing.T) {
	nl := named(t, "weekdays-nl", "")
	start := local(t, nl, "2026-01-09 16:30") // a Friday
	for _, tc := range []struct {
		target Target
		want   string
	}{
		{Target{Minutes: 60}, "2026-01-12 09:30"},
		{Target{Minutes: 30}, "2026-01-09 17:00"},
		{Target{BusinessDays: 1}, "2026-01-12 16:30"},
		{Target{BusinessDays: 3}, "2026-01-14 16:30"},
		{Target{BusinessDays: 1, Minutes: 60}, "2026-01-13 09:30"},
		{Target{}, "2026-01-09 16:30"},
	} {
		if got, want := nl.Due(start, tc.target), local(t, nl, tc.want); !got.Equal(want) {
			t.Errorf("Due(%v) = %v, want %v", tc.target, got, want)
		}
	}
	closed := &Calendar{Name: "closed", Location: nl.Location}
	if got := closed.Due(start, Target{BusinessDays: 1}); !got.IsZero() {
		t.Errorf("closed calendar: Due = %v, want the zero time", got)
	}
	if got := closed.NextOpen(start); !got.IsZero() {
		t.Errorf("closed calendar: NextOpen = %v, want the zero time", got)
	}
}
