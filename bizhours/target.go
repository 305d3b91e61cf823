package bizhours

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Target is a response or resolution target: an amount of open time in
// minutes ("8h" of business hours; on a 24x7 calendar, plain time), or a
// number of business days ("1 business day"). A valid target sets exactly
// one of the two, positive.
type Target struct {
	Minutes      int
	BusinessDays int
}

// Limits that keep targets within time.Duration and a walk through the
// calendar short; no contract promises an answer within a century.
const (
	maxTargetMinutes      = math.MaxInt64 / int64(time.Minute)
	maxTargetBusinessDays = 36500
)

// Duration returns the open-time part of the target.
func (t Target) Duration() time.Duration {
	return time.Duration(t.Minutes) * time.Minute
}

// IsZero reports whether the target sets nothing.
func (t Target) IsZero() bool { return t == Target{} }

// String formats the target the way ParseTarget reads it: "90m", "8h",
// "1 business day", "3 business days".
func (t Target) String() string {
	var parts []string
	if t.BusinessDays == 1 {
		parts = append(parts, "1 business day")
	} else if t.BusinessDays != 0 {
		parts = append(parts, fmt.Sprintf("%d business days", t.BusinessDays))
	}
	switch m := t.Minutes; {
	case m == 0:
	case m%60 == 0:
		parts = append(parts, fmt.Sprintf("%dh", m/60))
	case m > 60:
		parts = append(parts, fmt.Sprintf("%dh%dm", m/60, m%60))
	default:
		parts = append(parts, fmt.Sprintf("%dm", m))
	}
	if len(parts) == 0 {
		return "0m"
	}
	return strings.Join(parts, " ")
}

// Validate refuses a target that is zero, negative, too large, or sets both
// minutes and business days, with an *Error naming the field ("minutes",
// "business_days" or "target").
func (t Target) Validate() error {
	switch {
	case t.Minutes < 0:
		return &Error{Field: "minutes", Message: fmt.Sprintf("must be positive, got %d", t.Minutes)}
	case t.BusinessDays < 0:
		return &Error{Field: "business_days", Message: fmt.Sprintf("must be positive, got %d", t.BusinessDays)}
	case int64(t.Minutes) > maxTargetMinutes:
		return &Error{Field: "minutes", Message: fmt.Sprintf("%d is too large", t.Minutes)}
	case t.BusinessDays > maxTargetBusinessDays:
		return &Error{Field: "business_days", Message: fmt.Sprintf("%d is too large; at most %d", t.BusinessDays, maxTargetBusinessDays)}
	case t.Minutes > 0 && t.BusinessDays > 0:
		return &Error{Field: "target", Message: "give minutes or business days, not both"}
	case t.IsZero():
		return &Error{Field: "target", Message: "must be positive, got zero"}
	}
	return nil
}

// ParseTarget reads a target: open time as "90m", "1h", "8h", "1h30m",
// "2.5h", "8 hours" or "45 minutes" (whole minutes only), or business days
// as "1 business day" or "3 business days" ("working days" works too).
// Plain days ("1d") are refused as ambiguous. Zero, negative and malformed
// targets are an *Error for the field "target".
func ParseTarget(s string) (Target, error) {
	in := strings.Join(strings.Fields(strings.ToLower(s)), " ")
	bad := func(msg string) (Target, error) {
		return Target{}, &Error{Field: "target", Message: fmt.Sprintf("%q: %s", s, msg)}
	}
	if in == "" {
		return Target{}, &Error{Field: "target", Message: "missing"}
	}
	var t Target
	if num, ok := cutUnit(in, "business days", "business day", "working days", "working day"); ok {
		n, err := strconv.Atoi(num)
		if err != nil {
			return bad("want a whole number of business days, as in \"3 business days\"")
		}
		t.BusinessDays = n
	} else if num, ok := cutUnit(in, "hours", "hour", "hrs", "hr"); ok {
		return parseMinutes(s, num+"h")
	} else if num, ok := cutUnit(in, "minutes", "minute", "mins", "min"); ok {
		return parseMinutes(s, num+"m")
	} else if num, ok := cutUnit(in, "days", "day", "d"); ok && isNumber(num) {
		return bad(`plain days are ambiguous; write "24h" for round-the-clock days or "1 business day"`)
	} else {
		return parseMinutes(s, strings.ReplaceAll(in, " ", ""))
	}
	if t.BusinessDays <= 0 {
		return bad("must be positive")
	}
	if err := t.Validate(); err != nil {
		return bad(err.(*Error).Message)
	}
	return t, nil
}

// parseMinutes reads a Go duration of whole minutes as an open-time
// target; orig is the caller's text, for the error.
func parseMinutes(orig, d string) (Target, error) {
	bad := func(msg string) (Target, error) {
		return Target{}, &Error{Field: "target", Message: fmt.Sprintf("%q: %s", orig, msg)}
	}
	v, err := time.ParseDuration(d)
	switch {
	case err != nil:
		return bad(`want a duration such as "90m" or "8h", or business days such as "1 business day"`)
	case v <= 0:
		return bad("must be positive")
	case v%time.Minute != 0:
		return bad("want whole minutes")
	}
	return Target{Minutes: int(v / time.Minute)}, nil
}

// cutUnit returns the number before one of the units ending s, trimmed.
func cutUnit(s string, units ...string) (string, bool) {
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u); ok {
			return strings.TrimSpace(num), true
		}
	}
	return "", false
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
