package mail

import (
	"io"
	"mime"
	netmail "net/mail"
	"net/textproto"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	// The charsets of RFC 2047 words and bodies (iso-8859-*, windows-125*,
	// koi8, shift_jis...) are registered by this import.
	gmcharset "github.com/emersion/go-message/charset"
	gmmail "github.com/emersion/go-message/mail"

	"desk"
)

// canonicalKey spells a field name the way the header reader stores it.
func canonicalKey(k string) string { return textproto.CanonicalMIMEHeaderKey(k) }

// lenientCharsetReader decodes a known charset and passes an unknown one
// through unchanged, so that an RFC 2047 word in an unknown charset still
// shows its ASCII letters instead of the whole field being left encoded;
// cleanHeaderText repairs what is not UTF-8.
func lenientCharsetReader(cs string, r io.Reader) (io.Reader, error) {
	if d, err := gmcharset.Reader(cs, r); err == nil {
		return d, nil
	}
	return r, nil
}

var wordDecoder = &mime.WordDecoder{CharsetReader: lenientCharsetReader}

// decodeWords decodes the RFC 2047 words of a field value. On an error it
// keeps the value as it was.
func decodeWords(s string) string {
	if !strings.Contains(s, "=?") {
		return s
	}
	d, err := wordDecoder.DecodeHeader(s)
	if err != nil {
		return s
	}
	return d
}

// mediaType parses a Content-Type, falling back to text/plain when it is
// missing or unreadable, as RFC 2045 says.
func mediaType(v string) (string, map[string]string) {
	if strings.TrimSpace(v) == "" {
		return "text/plain", map[string]string{}
	}
	mt, params, err := mime.ParseMediaType(v)
	if err != nil {
		// A broken parameter list still usually names the type and its
		// boundary, charset or name; those few are dug out leniently.
		mt, _, _ = strings.Cut(v, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
		params = map[string]string{}
		for _, k := range []string{"boundary", "charset", "name", "format", "delsp", "report-type", "start"} {
			if pv := lenientParam(v, k); pv != "" {
				params[k] = pv
			}
		}
	}
	if !strings.Contains(mt, "/") || strings.ContainsAny(mt, " \t\"") {
		mt = "text/plain"
	}
	return mt, params
}

// disposition parses a Content-Disposition; like mediaType it digs out the
// file name when the parameters are broken.
func disposition(v string) (string, map[string]string) {
	if strings.TrimSpace(v) == "" {
		return "", map[string]string{}
	}
	d, params, err := mime.ParseMediaType(v)
	if err != nil {
		d, _, _ = strings.Cut(v, ";")
		d = strings.ToLower(strings.TrimSpace(d))
		params = map[string]string{}
		if fn := lenientParam(v, "filename"); fn != "" {
			params["filename"] = fn
		}
	}
	return d, params
}

// paramRE finds one parameter in a parameter list that mime.ParseMediaType
// refused (an unquoted RFC 2047 word, a duplicate, a stray character).
var paramRE = map[string]*regexp.Regexp{}

func init() {
	for _, k := range []string{"boundary", "charset", "name", "format", "delsp", "report-type", "start", "filename"} {
		paramRE[k] = regexp.MustCompile(`(?i)(?:^|[;\s])` + regexp.QuoteMeta(k) + `\s*=\s*(?:"([^"]*)"|([^\s;"]+))`)
	}
}

func lenientParam(v, key string) string {
	m := paramRE[key].FindStringSubmatch(v)
	if m == nil {
		return ""
	}
	return firstNonEmpty(m[1], m[2])
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// fillHeader sets the fields of m that come from the top-level header.
func (p *parser) fillHeader(m *desk.InMail, h header, raw []byte) {
	m.MessageID = firstMsgID(h.get("Message-Id"))
	if m.MessageID == "" {
		m.MessageID = synthMessageID(raw)
	}
	from := addressList(h.get("From"))
	if len(from) == 0 {
		from = addressList(h.get("Sender"))
	}
	if len(from) > 0 {
		m.From, m.FromName = from[0].Address, from[0].Name
	}
	// A set, not appendUnique: a hostile header can list thousands of
	// addresses, and the recipients are all kept since ours may be last.
	seen := map[string]bool{}
	for _, k := range []string{"To", "Cc"} {
		for _, v := range h.values(k) {
			for _, a := range addressList(v) {
				if !seen[a.Address] {
					seen[a.Address] = true
					m.To = append(m.To, a.Address)
				}
			}
		}
	}
	m.Subject = cleanHeaderText(decodeWords(h.get("Subject")))
	m.InReplyTo = msgIDList(h.get("In-Reply-To"))
	m.References = msgIDList(strings.Join(h.values("References"), " "))
	if d, err := netmail.ParseDate(h.get("Date")); err == nil {
		m.Date = d
	}
}

// addr is a parsed, cleaned mailbox.
type addr struct {
	Name, Address string
}

// addrSpecRE finds the addresses in a list the strict parser refused, such
// as one with an unquoted comma or raw 8-bit bytes in a display name.
var addrSpecRE = regexp.MustCompile(`[^\s\x00-\x1f\x7f<>()\[\],;:"@]+@[^\s\x00-\x1f\x7f<>()\[\],;:"@]+`)

// addressList parses an address field. A list the RFC 5322 parser refuses
// is searched for anything shaped like an address, since a sender is worth
// more than a strict reading.
func addressList(v string) []addr {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	var out []addr
	if list, err := gmmail.ParseAddressList(v); err == nil {
		for _, a := range list {
			if address, ok := cleanAddress(a.Address); ok {
				out = append(out, addr{Name: cleanHeaderText(a.Name), Address: address})
			}
		}
		return out
	}
	for _, loc := range addrSpecRE.FindAllStringIndex(v, -1) {
		address, ok := cleanAddress(v[loc[0]:loc[1]])
		if !ok {
			continue
		}
		name := ""
		if len(out) == 0 {
			// The display name of the first address is whatever comes
			// before its angle bracket.
			if before, _, found := strings.Cut(v[:loc[0]], "<"); found {
				name = cleanHeaderText(strings.Trim(decodeWords(strings.TrimSpace(before)), `"' `))
			}
		}
		out = append(out, addr{Name: name, Address: address})
	}
	return out
}

// cleanAddress lowercases an address and refuses what cannot be one.
func cleanAddress(a string) (string, bool) {
	a = strings.ToLower(strings.TrimSpace(a))
	local, domain, ok := strings.Cut(a, "@")
	if !ok || local == "" || domain == "" || len(a) > 254 || !utf8.ValidString(a) {
		return "", false
	}
	for _, r := range a {
		if r <= ' ' || r == 0x7f || r == '<' || r == '>' || unicode.IsSpace(r) {
			return "", false
		}
	}
	return a, true
}

// maxMsgID bounds one message id; real ones are well under 200 characters.
const maxMsgID = 512

// msgIDs returns the "<id>" tokens of a field, in order, without duplicates.
// It is written here rather than taken from go-message because that parser
// builds comments one byte at a time, quadratic in a hostile field, and
// stops at the first malformed id where the rest are still worth having.
func msgIDs(v string, max int) []string {
	var ids []string
	for len(ids) < max {
		i := strings.IndexByte(v, '<')
		if i < 0 {
			break
		}
		v = v[i+1:]
		j := strings.IndexAny(v, "<>")
		if j < 0 {
			break
		}
		if v[j] == '<' {
			continue // an unclosed "<": look again from the next one
		}
		if id := v[:j]; validMsgID(id) {
			ids = appendUnique(ids, "<"+id+">")
		}
		v = v[j+1:]
	}
	return ids
}

// validMsgID accepts an id of printable ASCII with an "@" inside.
func validMsgID(id string) bool {
	if len(id) == 0 || len(id) > maxMsgID {
		return false
	}
	at := strings.IndexByte(id, '@')
	if at <= 0 || at == len(id)-1 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// firstMsgID returns the Message-ID with angle brackets, "" if there is no
// usable one. A bare id without brackets, as some broken senders write, is
// accepted too.
func firstMsgID(v string) string {
	if ids := msgIDs(v, 1); len(ids) > 0 {
		return ids[0]
	}
	if bare := strings.TrimSpace(v); validMsgID(bare) && !strings.ContainsAny(bare, "<>") {
		return "<" + bare + ">"
	}
	return ""
}

// maxRefs bounds the References kept; threading needs only a few.
const maxRefs = 200

func msgIDList(v string) []string {
	return msgIDs(v, maxRefs)
}

// appendUnique appends the values not already in list. It is for short
// lists: ids and failed recipients, both bounded.
func appendUnique(list []string, vs ...string) []string {
next:
	for _, v := range vs {
		for _, have := range list {
			if have == v {
				continue next
			}
		}
		list = append(list, v)
	}
	return list
}

// cleanHeaderText makes a decoded field value safe to show and store: valid
// UTF-8 (raw 8-bit bytes are read as windows-1252, what unlabelled 8-bit
// mail almost always is), no control characters, one line, white space
// collapsed. Bidirectional overrides are dropped too: they let a file
// named "invoice\u202Efdp.exe" show as "invoiceexe.pdf".
func cleanHeaderText(s string) string {
	s = toValidUTF8(s)
	var b strings.Builder
	space := false
	for _, r := range s {
		if (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069') {
			continue
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '\uFEFF' {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
