package ui

import (
	"desk"
	"desk/locale"
)

// The severity schemes of the seeds. The desk keeps one internal scale
// (critical, high, normal, low); readers see it in the scheme the
// installation picked, with each level's definition and examples in their
// language.
//
// The three-level schemes map by definition, not by name: level A of the
// 21Vianet tables (seeds 001 and 004) and "high priority" of the Workplace
// page (seed 002) both mean that the service is unusable for many with no
// workaround, which is the desk's critical; B and "normal" are high; C
// and "low" are normal. Neither table has a level below that, so the
// internal low, which a case reaches only when staff or an unanswered
// request lower it, is shown as the lowest level with a note that it was
// lowered, and is not offered on the form. The Google policy (seed 000)
// has four levels, P1 to P4, one for each internal level.
const (
	schemeABC = "abc"
	schemeP   = "p"
	schemeHNL = "hnl"
)

// schemeLevels are the levels a customer may choose in each scheme,
// highest first, with the number of examples the seed gives each.
var schemeLevels = map[string][]struct {
	sev      desk.Severity
	examples int
}{
	schemeABC: {{desk.SeverityCritical, 3}, {desk.SeverityHigh, 2}, {desk.SeverityNormal, 2}},
	schemeP:   {{desk.SeverityCritical, 1}, {desk.SeverityHigh, 1}, {desk.SeverityNormal, 1}, {desk.SeverityLow, 1}},
	schemeHNL: {{desk.SeverityCritical, 3}, {desk.SeverityHigh, 2}, {desk.SeverityNormal, 3}},
}

// sevScheme returns the installation's severity scheme; an empty or unknown
// setting is "abc", the scheme of most seeds.
func (s *Server) sevScheme() string {
	if _, ok := schemeLevels[s.SeverityScheme]; ok {
		return s.SeverityScheme
	}
	return schemeABC
}

// sevLabelKey returns the catalogue key of a severity's name in the
// installation's scheme, such as "Severity B" or "P2 – high".
func (s *Server) sevLabelKey(sev desk.Severity) string {
	if !sev.Valid() {
		sev = desk.SeverityNormal
	}
	return "portal.sev." + s.sevScheme() + "." + string(sev)
}

// sevLabel returns a severity's name in the installation's scheme in the
// reader's language.
func (s *Server) sevLabel(l *locale.Locale, sev desk.Severity) string {
	return l.T(s.sevLabelKey(sev))
}

// sevOption is one level of the severity choice on the case form.
type sevOption struct {
	Value      string
	Label      string
	Definition string
	Examples   []string
	// Duties are what the customer commits to at this level.
	Duties []string
	// NotIncluded explains, when no subscription of the organisation
	// allows the level, what would.
	NotIncluded string
}

// sevOptions returns the levels of the installation's scheme for the case
// form. top is the highest severity any of the organisation's
// subscriptions allows; levels above it carry the reason they are not
// included, but stay selectable so that the desk's own answer, with its
// way forward, shows next to the field.
func (s *Server) sevOptions(l *locale.Locale, top desk.Severity) []sevOption {
	scheme := s.sevScheme()
	var out []sevOption
	for _, lv := range schemeLevels[scheme] {
		base := "portal.sev." + scheme + "." + string(lv.sev)
		o := sevOption{Value: string(lv.sev), Label: l.T(base), Definition: l.T(base + ".def"), Duties: duties(l, lv.sev)}
		for i := 1; i <= lv.examples; i++ {
			o.Examples = append(o.Examples, l.T(base+".ex"+string(rune('0'+i))))
		}
		if lv.sev.Above(top) {
			if lv.sev == desk.SeverityCritical {
				o.NotIncluded = l.T("portal.sev.needs_extended")
			} else {
				o.NotIncluded = l.T("portal.sev.not_in_plan")
			}
		}
		out = append(out, o)
	}
	return out
}

// duties are the customer's part at a severity, from the 21Vianet table
// of seeds 001 and 004: at the highest level a business-impact statement,
// people who work with the agent, and a reachable contact; below it a
// reachable contact.
func duties(l *locale.Locale, sev desk.Severity) []string {
	if sev == desk.SeverityCritical {
		return []string{l.T("portal.duty.impact"), l.T("portal.duty.resources"), l.T("portal.duty.contact")}
	}
	return []string{l.T("portal.duty.contact")}
}

// sevKeys returns every catalogue key the severity schemes use, for the
// test that they exist.
func sevKeys() []string {
	var keys []string
	for scheme, levels := range schemeLevels {
		for _, sev := range desk.Severities {
			keys = append(keys, "portal.sev."+scheme+"."+string(sev))
		}
		for _, lv := range levels {
			base := "portal.sev." + scheme + "." + string(lv.sev)
			keys = append(keys, base+".def")
			for i := 1; i <= lv.examples; i++ {
				keys = append(keys, base+".ex"+string(rune('0'+i)))
			}
		}
	}
	return keys
}
