package desk

import (
	"slices"
	"strings"

	"desk/bizhours"
)

// SLA schemes are the response-time tables of the seeds, which an
// installation chooses for its plans. A scheme gives first-response
// targets only: the seeds promise no next-response or resolution times.
const (
	// SchemeVianet is the 21Vianet table (seeds 001 and 004): A (critical)
	// within 1 hour, 24x7; B (high) within 1 business day and C (normal)
	// within 3 business days, on the 09:00–24:00 Beijing calendar, 365
	// days a year. The table has no level below C.
	SchemeVianet = "vianet"
	// SchemeO365Standard is the older Office 365 table for businesses
	// (seed 003): A within 1 hour, B within 8 hours, both round the clock;
	// C only "whenever", so no target.
	SchemeO365Standard = "o365-standard"
	// SchemeO365Elevated is the elevated column of the same table: A
	// within 1 hour, B within 2 hours, C within 4 hours, round the clock.
	SchemeO365Elevated = "o365-elevated"
	// SchemeGoogle is the Google Workspace policy (seed 000): a first
	// answer within one business day for P1 to P4 alike, on the
	// organisation's own weekday calendar.
	SchemeGoogle = "google"
)

// SLASchemes lists the scheme names.
func SLASchemes() []string {
	return []string{SchemeVianet, SchemeO365Standard, SchemeO365Elevated, SchemeGoogle}
}

// SchemePolicies returns the SLA policies of a scheme for one plan; a
// severity for which the scheme has no target gets no policy. The policies
// name the calendars "24x7" and "beijing", which SeedCalendars stores, and
// "weekdays" (RegionCalendar). An unknown scheme is an EINVALID error for
// the field "sla_scheme".
func SchemePolicies(scheme, plan string) ([]SLAPolicy, error) {
	type row struct {
		sev      Severity
		calendar string
		target   bizhours.Target
	}
	hours := func(n int) bizhours.Target { return bizhours.Target{Minutes: n * 60} }
	days := func(n int) bizhours.Target { return bizhours.Target{BusinessDays: n} }
	var rows []row
	switch scheme {
	case SchemeVianet:
		rows = []row{
			{SeverityCritical, "24x7", hours(1)},
			{SeverityHigh, "beijing", days(1)},
			{SeverityNormal, "beijing", days(3)},
		}
	case SchemeO365Standard:
		rows = []row{
			{SeverityCritical, "24x7", hours(1)},
			{SeverityHigh, "24x7", hours(8)},
		}
	case SchemeO365Elevated:
		rows = []row{
			{SeverityCritical, "24x7", hours(1)},
			{SeverityHigh, "24x7", hours(2)},
			{SeverityNormal, "24x7", hours(4)},
		}
	case SchemeGoogle:
		for _, sev := range Severities {
			rows = append(rows, row{sev, RegionCalendar, days(1)})
		}
	default:
		return nil, FieldError(EINVALID, "unknown_sla_scheme", "sla_scheme",
			"there is no SLA scheme %q; choose one of %s", scheme, strings.Join(SLASchemes(), ", "))
	}
	ps := make([]SLAPolicy, len(rows))
	for i, r := range rows {
		ps[i] = SLAPolicy{Plan: plan, Severity: r.sev, Calendar: r.calendar}
		ps[i].SetFirstResponse(r.target, "")
	}
	return ps, nil
}

// ValidSLAScheme reports whether name is a scheme.
func ValidSLAScheme(name string) bool { return slices.Contains(SLASchemes(), name) }
