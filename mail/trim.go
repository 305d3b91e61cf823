package mail

import (
	"regexp"
	"strings"
)

// Trim returns the text of a reply without quoted history and signature.
//
// It removes, in this order:
//   - everything from the first reply header of a top-posting client: an
//     Outlook separator ("-----Original Message-----" and its translations,
//     a line of underscores) or a header block ("From:"/"Van:"/"Von:"/
//     "Från:"/"Fra:" followed by "Sent:" or "Date:" and their translations);
//   - the quoted lines (">") at the end, with the attribution line before
//     them ("On … wrote:", "Op … schreef …:", "Am … schrieb …:",
//     "Den … skrev …:", "… skrev …:");
//   - a quoted block at the start followed by unquoted text only, as a
//     bottom-posting client writes it;
//   - the signature after the last "-- " line (RFC 3676), and a mobile
//     signature ("Sent from my iPhone" and its translations) at the end.
//
// Quotes interleaved with answers are kept, since the answers make no sense
// without them, and so is a forwarded message. Trim never returns an empty
// text when the original had any: if trimming would leave nothing, it
// returns the original trimmed of white space. A text with nothing to
// remove comes back unchanged. The result is always a substring of text.
func Trim(text string) string {
	// Trim's work is linear in the text, but a hostile text of millions of
	// tiny lines would still cost seconds and an index of every line; a
	// real reply is far shorter, so such a text is left as it is.
	if strings.Count(text, "\n") >= maxTrimLines {
		return text
	}
	lines := splitLines(text)
	n := len(lines)
	line := func(i int) string { return strings.TrimSpace(text[lines[i].start:lines[i].end]) }

	// A top-posting client's reply header: everything from it on is history.
	end := n
	for i := range n {
		s := line(i)
		if isForward(s) {
			break // what follows was forwarded on purpose
		}
		if isSeparator(s) || isUnderscoreLine(s) || isHeaderBlock(line, i, n) {
			end = i
			break
		}
	}
	removed := end < n

	// Quoted lines at the end, and the attribution above them.
	q := -1
	for i := end - 1; i >= 0; i-- {
		s := line(i)
		if s == "" {
			continue
		}
		if !isQuoted(s) {
			break
		}
		q = i
	}
	if q >= 0 {
		end, removed = q, true
		if j := prevNonBlank(line, q); j >= 0 {
			if j > 0 && startsAttribution(line(j-1)) && isAttribution(line(j-1)+" "+line(j)) {
				// Gmail wraps a long attribution over two lines, often
				// inside the address: "On …, Name <" / "addr> wrote:".
				end = j - 1
			} else if isAttribution(line(j)) {
				end = j
			}
		}
	}

	// A quoted block at the start followed by unquoted text only: the
	// history of a bottom-posted reply.
	begin := 0
	lastQuoted := -1
	for i := end - 1; i >= 0; i-- {
		if isQuoted(line(i)) {
			lastQuoted = i
			break
		}
	}
	if k := nextNonBlank(line, 0, end); k >= 0 && lastQuoted >= 0 {
		if k+1 < end && startsAttribution(line(k)) && isAttribution(line(k)+" "+line(k+1)) {
			k = nextNonBlank(line, k+2, end)
		} else if isAttribution(line(k)) {
			k = nextNonBlank(line, k+1, end)
		}
		if k >= 0 && isQuoted(line(k)) {
			for k < end && (line(k) == "" || isQuoted(line(k))) {
				k++
			}
			if k < end && k > lastQuoted {
				begin, removed = k, true
			}
		}
	}

	// The signature: after the last "-- " line, or a mobile one at the end.
	for i := end - 1; i >= begin; i-- {
		if raw := strings.TrimSuffix(text[lines[i].start:lines[i].end], "\r"); raw == "-- " || raw == "--" {
			end, removed = i, true
			break
		}
	}
	for i, seen := end-1, 0; i >= begin && seen < 3; i-- {
		s := line(i)
		if s == "" {
			continue
		}
		seen++
		if isMobileSignature(s) {
			end, removed = i, true
		}
	}

	if !removed {
		return text
	}
	if end <= begin {
		return strings.TrimSpace(text)
	}
	kept := strings.TrimRight(text[lines[begin].start:lines[end-1].end], " \t\r\n")
	kept = strings.TrimLeft(kept, "\r\n")
	if strings.TrimSpace(kept) == "" {
		return strings.TrimSpace(text)
	}
	return kept
}

// maxTrimLines is the most lines Trim looks at.
const maxTrimLines = 100_000

type span struct{ start, end int }

// splitLines returns where each line of text starts and ends, without its
// line end.
func splitLines(text string) []span {
	var lines []span
	start := 0
	for start <= len(text) {
		i := strings.IndexByte(text[start:], '\n')
		if i < 0 {
			lines = append(lines, span{start, len(text)})
			break
		}
		lines = append(lines, span{start, start + i})
		start += i + 1
	}
	return lines
}

func prevNonBlank(line func(int) string, i int) int {
	for i--; i >= 0; i-- {
		if line(i) != "" {
			return i
		}
	}
	return -1
}

func nextNonBlank(line func(int) string, i, end int) int {
	for ; i < end; i++ {
		if line(i) != "" {
			return i
		}
	}
	return -1
}

func isQuoted(s string) bool { return strings.HasPrefix(s, ">") }

func isUnderscoreLine(s string) bool {
	return len(s) >= 20 && s[0] == '_' && strings.Trim(s, "_") == ""
}

// The checks below look at a byte or two before running an expression, as
// they run on every line of the text.

func isSeparator(s string) bool {
	return strings.HasPrefix(s, "--") && separatorRE.MatchString(s)
}

func isForward(s string) bool {
	return (strings.HasPrefix(s, "--") || strings.HasSuffix(s, ":")) && forwardRE.MatchString(s)
}

var (
	// separatorRE is the line Outlook and others put above the original,
	// in the languages of the desk's customers.
	separatorRE = regexp.MustCompile(`(?i)^-{2,}\s*(original message|oorspronkelijk bericht|ursprüngliche nachricht|originalmeddelande|opprinnelig melding|original meddelelse|message d'origine|mensaje original)\s*-{2,}$`)

	// forwardRE starts a message forwarded on purpose, which is kept.
	forwardRE = regexp.MustCompile(`(?i)^(-{2,}\s*(forwarded message|doorgestuurd bericht|weitergeleitete nachricht|vidarebefordrat meddelande|videresendt melding|message transféré)\s*-{2,}|begin forwarded message:|anfang der weitergeleiteten nachricht:|begin doorgestuurd bericht:|början på vidarebefordrat brev:|start på videresendt melding:)$`)

	// fromRE and sentRE find a quoted header block: a sender line, then a
	// date line within a few lines. Gmail's HTML makes the names bold,
	// which comes out as "*From:*" in some conversions.
	fromRE = regexp.MustCompile(`(?i)^\*{0,2}(from|van|von|från|fra|de)\s*:\*{0,2}\s*\S`)
	sentRE = regexp.MustCompile(`(?i)^\*{0,2}(sent|date|verzonden|datum|gesendet|skickat|sendt|dato|envoyé|enviado)\s*:`)

	// attributionRE is the line a client writes above a quote: a verb of
	// writing, then at most a name and an address, then a colon.
	attributionRE = regexp.MustCompile(`(?i)(^|\s)(wrote|writes|schreef|schrieb|skrev|kirjoitti|a écrit|escribió|ha scritto|escreveu)(\s.{0,200})?:$`)
)

// maxAttribution bounds the length of an attribution; a longer line is
// text, and the bound keeps the regular expression's work small.
const maxAttribution = 400

// startsAttributionRE is how the first line of an attribution wrapped
// over two lines begins: a preposition before the date (en, nl, de, sv,
// fr, es), or the date itself.
var startsAttributionRE = regexp.MustCompile(`(?i)^((on|op|am|den|le|el)\s|\d)`)

// startsAttribution reports whether s can be the first half of a wrapped
// attribution: it starts like one and does not end a sentence or itself.
func startsAttribution(s string) bool {
	return s != "" && !isQuoted(s) && !strings.HasSuffix(s, ":") && !strings.HasSuffix(s, ".") &&
		len(s) <= maxAttribution && startsAttributionRE.MatchString(s)
}

func isAttribution(s string) bool {
	return len(s) <= maxAttribution && attributionRE.MatchString(s)
}

// headerBlockReach is how many lines below the sender line its date line
// may be: Outlook puts it right below, Apple Mail and Thunderbird after
// the subject.
const headerBlockReach = 5

func isHeaderBlock(line func(int) string, i, n int) bool {
	s := line(i)
	if c := strings.IndexByte(s, ':'); c < 0 || c > 10 || !fromRE.MatchString(s) {
		return false
	}
	for j := i + 1; j < n && j <= i+headerBlockReach; j++ {
		if sentRE.MatchString(line(j)) {
			return true
		}
	}
	return false
}

// mobileSignatures start the lines phones and their mail apps add.
var mobileSignatures = []string{
	"sent from my ", "sent from outlook for ", "sent from mail for windows", "get outlook for ",
	"verzonden vanaf mijn ", "verstuurd vanaf mijn ", "verzonden met outlook",
	"von meinem ", "gesendet von meinem ", "gesendet von outlook",
	"skickat från min ", "skickat från outlook", "sendt fra min ", "sendt fra outlook",
}

func isMobileSignature(s string) bool {
	if len(s) > 100 {
		return false
	}
	s = strings.ToLower(s)
	for _, p := range mobileSignatures {
		if strings.HasPrefix(s, p) {
			return p != "von meinem " || strings.HasSuffix(s, "gesendet")
		}
	}
	return false
}
