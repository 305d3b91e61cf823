package mail

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"time"

	"github.com/emersion/go-message/textproto"

	"desk"
)

// Limits bound the work one message may cost.
type Limits struct {
	MaxBytes       int64         // default 25 MB: larger messages are refused
	MaxParts       int           // default 100 MIME parts
	MaxDepth       int           // default 10 levels of multipart nesting
	MaxHeaderBytes int           // default 64 KB of header per part
	CPU            time.Duration // default 2 s of parsing work (wall clock deadline is fine)
}

// The defaults are generous for mail people write (attachments included)
// and tight enough that one hostile message cannot hold a worker for long.
const (
	defaultMaxBytes       = 25 << 20
	defaultMaxParts       = 100
	defaultMaxDepth       = 10
	defaultMaxHeaderBytes = 64 << 10
	defaultCPU            = 2 * time.Second
)

// DefaultLimits returns the limits Parse applies to fields left zero.
func DefaultLimits() Limits {
	return Limits{
		MaxBytes:       defaultMaxBytes,
		MaxParts:       defaultMaxParts,
		MaxDepth:       defaultMaxDepth,
		MaxHeaderBytes: defaultMaxHeaderBytes,
		CPU:            defaultCPU,
	}
}

// withDefaults fills the fields that are zero or negative, so that a zero
// Limits is safe rather than unlimited.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxParts <= 0 {
		l.MaxParts = d.MaxParts
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = d.MaxHeaderBytes
	}
	if l.CPU <= 0 {
		l.CPU = d.CPU
	}
	return l
}

// The stable codes of the errors Parse returns; the caller stores them as
// the reason a mail was quarantined.
const (
	codeTooLarge       = "mail_too_large"
	codeTooManyParts   = "mail_too_many_parts"
	codeTooDeep        = "mail_too_deep"
	codeHeaderTooLarge = "mail_header_too_large"
	codeTooSlow        = "mail_too_slow"
	codeUnreadable     = "mail_unreadable"
)

// headerSlack is how far past a part's header the multipart reader may read
// ahead (its boundary line and its 4 KB buffer) while the header is read.
// The exact limit is checked on the parsed header; the slack only keeps the
// read-ahead from being mistaken for an oversized header.
const headerSlack = 16 << 10

// Parse parses a raw RFC 5322 message. On success every parsed field of
// InMail is set (not Raw/RawSHA256/Status/ID — callers set those; Size is
// len(raw)).
//
// A message over a limit, or too broken to read, returns an error that is a
// *desk.Error with Kind desk.ETOOLARGE or desk.EINVALID and a stable Code
// ("mail_too_large", "mail_too_many_parts", "mail_too_deep",
// "mail_header_too_large", "mail_too_slow", "mail_unreadable"); the caller
// quarantines the mail with that code as the reason.
func Parse(raw []byte, l Limits) (m *desk.InMail, err error) {
	l = l.withDefaults()
	// The size is checked before anything else so that an oversized message
	// costs nothing but this comparison.
	if int64(len(raw)) > l.MaxBytes {
		return nil, desk.Errorf(desk.ETOOLARGE, codeTooLarge, "the message is %d bytes, over the limit of %d", len(raw), l.MaxBytes)
	}
	// The parser is written to stay within bounds; this only keeps a bug
	// from taking the whole inbound worker down with one message.
	defer func() {
		if r := recover(); r != nil {
			m = nil
			err = desk.Errorf(desk.EINVALID, codeUnreadable, "the message could not be read")
		}
	}()

	p := &parser{
		lim:      l,
		deadline: time.Now().Add(l.CPU),
		budget:   l.MaxBytes,
	}
	return p.parse(raw)
}

// parser holds the state of one Parse call.
type parser struct {
	lim      Limits
	deadline time.Time
	parts    int
	// budget is how many decoded bytes the message may still produce, so
	// that all parts together, not only each one, stay under MaxBytes.
	budget int64
	// err is the first limit exceeded. The MIME readers wrap the errors of
	// the readers beneath them as text, so the limit errors are recorded
	// here, where they survive the wrapping.
	err *desk.Error

	// dsnFailed are the failed recipients of the delivery-status parts.
	dsnFailed []string
	hasDSN    bool
}

// fail records the first limit exceeded and returns it.
func (p *parser) fail(code, format string, args ...any) error {
	if p.err == nil {
		kind := desk.ETOOLARGE
		if code == codeUnreadable {
			kind = desk.EINVALID
		}
		p.err = desk.Errorf(kind, code, format, args...)
	}
	return p.err
}

// failed returns the recorded limit error as an error, or nil. It exists
// because a nil *desk.Error stored in an error is not a nil error.
func (p *parser) failed() error {
	if p.err == nil {
		return nil
	}
	return p.err
}

// checkTime fails once the deadline has passed.
func (p *parser) checkTime() error {
	if p.err == nil && time.Now().After(p.deadline) {
		return p.fail(codeTooSlow, "parsing the message took longer than %s", p.lim.CPU)
	}
	return p.failed()
}

// clockReader reads the raw message and stops once the deadline passed or a
// limit was hit. Every read of every part at every depth ends up here, so
// checking here bounds the time of the whole walk.
type clockReader struct {
	p *parser
	r io.Reader
}

func (c *clockReader) Read(b []byte) (int, error) {
	if err := c.p.checkTime(); err != nil {
		return 0, err
	}
	return c.r.Read(b)
}

func (p *parser) parse(raw []byte) (*desk.InMail, error) {
	hdrBytes, bodyAt, err := p.splitHeader(raw)
	if err != nil {
		return nil, err
	}
	h := readHeader(hdrBytes)
	if len(h.fields) == 0 {
		return nil, p.fail(codeUnreadable, "the message has no header")
	}

	body := &clockReader{p: p, r: bytes.NewReader(raw[bodyAt:])}
	root, err := p.walk(h, body, 0)
	if err != nil {
		return nil, err
	}

	m := &desk.InMail{Size: int64(len(raw))}
	p.fillHeader(m, h, raw)

	text, err := p.bodyText(root, false)
	if err != nil {
		return nil, err
	}
	m.Text = strings.TrimSpace(cleanText(text))
	m.Trimmed = Trim(m.Text)
	m.Attachments = collectAttachments(root, nil)
	m.Auto, m.Failed = p.auto(h, root, m)
	if err := p.checkTime(); err != nil {
		return nil, err
	}
	return m, nil
}

// splitHeader finds the top-level header block of raw and where the body
// starts. The header ends at the first empty line, or, as in mail clients,
// at the first line that is neither a field nor a continuation (a broken
// sender that forgot the empty line); that line is the body's first. The
// scan never looks further than MaxHeaderBytes, so a huge header costs no
// more than the limit.
func (p *parser) splitHeader(raw []byte) (hdr []byte, bodyAt int, err error) {
	start := 0
	// An mbox envelope line ("From sender date") is not part of the message;
	// it is told apart from a "From :" field by the colon.
	if rest, ok := bytes.CutPrefix(raw, []byte("From ")); ok && len(bytes.TrimLeft(rest, " ")) > 0 && bytes.TrimLeft(rest, " ")[0] != ':' {
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			start = i + 1
		} else {
			start = len(raw)
		}
	}
	limit := p.lim.MaxHeaderBytes
	pos := start
	for pos < len(raw) {
		window := raw[pos:min(len(raw), start+limit+1)]
		end := pos + len(window) // end of the line, without its "\n"
		next := end
		if i := bytes.IndexByte(window, '\n'); i >= 0 {
			end = pos + i
			next = end + 1
		} else if start+limit+1 <= len(raw) {
			return nil, 0, p.fail(codeHeaderTooLarge, "the message header is over %d bytes", limit)
		}
		line := bytes.TrimSuffix(raw[pos:end], []byte("\r"))
		if len(line) == 0 {
			return withNewline(raw[start:pos]), next, nil
		}
		continuation := line[0] == ' ' || line[0] == '\t'
		if (continuation && pos == start) || (!continuation && !isFieldLine(line)) {
			return withNewline(raw[start:pos]), pos, nil
		}
		pos = next
		if pos-start > limit {
			return nil, 0, p.fail(codeHeaderTooLarge, "the message header is over %d bytes", limit)
		}
	}
	return withNewline(raw[start:pos]), pos, nil
}

// withNewline returns b ending in a newline: the header reader drops a last
// field that is cut off by the end of input without one.
func withNewline(b []byte) []byte {
	if len(b) == 0 || b[len(b)-1] == '\n' {
		return b
	}
	return append(bytes.Clone(b), '\n')
}

// isFieldLine reports whether line starts a header field the way the
// header reader accepts it: a name of printable characters, then a colon.
func isFieldLine(line []byte) bool {
	i := bytes.IndexByte(line, ':')
	if i < 0 {
		return false
	}
	for _, c := range bytes.TrimRight(line[:i], " \t") {
		if c < 33 || c > 126 {
			return false
		}
	}
	return true
}

// header is a header block in order, with the keys canonical.
type header struct {
	fields []field
	size   int // bytes of the raw block
}

type field struct {
	key, value string
}

// readHeader parses a header block that splitHeader or the multipart
// reader delimited.
func readHeader(b []byte) header {
	th, _ := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(b)))
	return convertHeader(th)
}

func convertHeader(th textproto.Header) header {
	var h header
	fs := th.Fields()
	for fs.Next() {
		raw, _ := fs.Raw()
		h.size += len(raw)
		h.fields = append(h.fields, field{key: fs.Key(), value: fs.Value()})
	}
	return h
}

// get returns the first value of a field, "" if absent.
func (h header) get(key string) string {
	key = canonicalKey(key)
	for _, f := range h.fields {
		if f.key == key {
			return f.value
		}
	}
	return ""
}

// has reports whether a field is present, even empty.
func (h header) has(key string) bool {
	key = canonicalKey(key)
	for _, f := range h.fields {
		if f.key == key {
			return true
		}
	}
	return false
}

// values returns every value of a field, in order.
func (h header) values(key string) []string {
	key = canonicalKey(key)
	var vs []string
	for _, f := range h.fields {
		if f.key == key {
			vs = append(vs, f.value)
		}
	}
	return vs
}

// synthMessageID names a message that has no usable Message-ID by its
// content, so that an exact retransmission still deduplicates.
func synthMessageID(raw []byte) string {
	sum := sha256.Sum256(raw)
	return "<" + hex.EncodeToString(sum[:]) + "@no-message-id.invalid>"
}
