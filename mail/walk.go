package mail

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime/quotedprintable"
	"strings"

	"github.com/emersion/go-message/textproto"
)

// node is one MIME entity, kept after the walk so that the body can be
// chosen once the whole structure is known.
type node struct {
	mediaType   string // lowercased, such as "text/plain"
	params      map[string]string
	disposition string // lowercased, such as "attachment"; "" if absent
	filename    string // decoded, not yet cleaned
	contentID   string

	children []*node // of a multipart

	kind leafKind
	text string // of a leafText: decoded to UTF-8, HTML still HTML
	data []byte // of a leafAttachment: transfer-decoded
}

type leafKind int

const (
	leafNone       leafKind = iota // a multipart, or a part that is neither body nor file
	leafText                       // text/plain or text/html that is (part of) the body
	leafAttachment                 // a file
)

// walk reads one entity whose header is h and whose raw body is r. level
// is the number of multiparts around it. It returns an error only for a
// limit exceeded; broken structure keeps what could be read.
func (p *parser) walk(h header, r io.Reader, level int) (*node, error) {
	p.parts++
	if p.parts > p.lim.MaxParts {
		return nil, p.fail(codeTooManyParts, "the message has more than %d parts", p.lim.MaxParts)
	}
	if err := p.checkTime(); err != nil {
		return nil, err
	}
	n := &node{contentID: strings.Trim(strings.TrimSpace(h.get("Content-Id")), "<>")}
	n.mediaType, n.params = mediaType(h.get("Content-Type"))
	var dparams map[string]string
	n.disposition, dparams = disposition(h.get("Content-Disposition"))
	n.filename = decodeWords(firstNonEmpty(dparams["filename"], n.params["name"]))

	if strings.HasPrefix(n.mediaType, "multipart/") && n.params["boundary"] != "" {
		if level+1 > p.lim.MaxDepth {
			return nil, p.fail(codeTooDeep, "the message nests multiparts deeper than %d levels", p.lim.MaxDepth)
		}
		return n, p.walkMultipart(n, r, level+1)
	}
	if strings.HasPrefix(n.mediaType, "multipart/") {
		// A multipart without a boundary cannot be split; mail clients show
		// such a body as text, and so does this.
		n.mediaType = "text/plain"
	}
	return n, p.readLeaf(n, h, r)
}

// walkMultipart reads the parts of a multipart one by one, counting them
// and bounding their headers as it goes, so that a message with too many
// parts or a huge part header is refused without reading the rest.
func (p *parser) walkMultipart(n *node, r io.Reader, level int) error {
	boundary := n.params["boundary"]
	br := bufio.NewReaderSize(r, 4096)
	preamble, first := skipPreamble(br, boundary)
	if err := p.failed(); err != nil {
		return err
	}
	if first == nil {
		// No part at all: a mislabelled text body, or a message cut off
		// before its first boundary. The preamble is all there is to show.
		n.mediaType, n.kind, n.text = "text/plain", leafText, toValidUTF8(string(preamble))
		return nil
	}

	g := &budgetReader{r: io.MultiReader(bytes.NewReader(first), br)}
	mr := textproto.NewMultipartReader(g, boundary)
	for {
		g.arm(int64(p.lim.MaxHeaderBytes) + headerSlack)
		part, err := mr.NextPart()
		g.disarm()
		if err := p.failed(); err != nil {
			return err
		}
		if g.tripped {
			return p.fail(codeHeaderTooLarge, "a part header is over %d bytes", p.lim.MaxHeaderBytes)
		}
		if err != nil {
			// io.EOF ends the multipart; any other error is broken
			// structure (a cut-off message, a malformed part header), where
			// the parts read so far are kept.
			return nil
		}
		ph := convertHeader(part.Header)
		if ph.size > p.lim.MaxHeaderBytes {
			return p.fail(codeHeaderTooLarge, "a part header is over %d bytes", p.lim.MaxHeaderBytes)
		}
		child, err := p.walk(ph, part, level)
		if err != nil {
			return err
		}
		n.children = append(n.children, child)
		// Whatever the child left unread is skipped here, before the
		// budget for the next header is armed.
		io.Copy(io.Discard, part)
		if err := p.failed(); err != nil {
			return err
		}
	}
}

// maxPreamble is how much of a preamble is kept, in case the multipart turns
// out to have no parts; the rest is read and dropped.
const maxPreamble = 64 << 10

// skipPreamble reads up to the first boundary line and returns that line
// (nil if there is none) with the text before it. The multipart reader
// would skip the preamble itself, but then the preamble would count against
// the first part's header budget.
func skipPreamble(br *bufio.Reader, boundary string) (preamble, first []byte) {
	dash := []byte("--" + boundary)
	for {
		line, err := br.ReadSlice('\n')
		long := false
		for err == bufio.ErrBufferFull {
			// A line longer than the buffer is not a boundary line: keep
			// its start and skip the rest.
			if len(preamble) < maxPreamble {
				preamble = append(preamble, line...)
			}
			long = true
			line, err = br.ReadSlice('\n')
		}
		if !long && isBoundaryLine(line, dash) {
			return preamble, bytes.Clone(line)
		}
		if len(preamble) < maxPreamble {
			preamble = append(preamble, line...)
		}
		if err != nil {
			return preamble, nil
		}
	}
}

// isBoundaryLine reports whether line opens (or closes) a part: the dashed
// boundary followed only by white space or the closing "--".
func isBoundaryLine(line, dash []byte) bool {
	rest, ok := bytes.CutPrefix(line, dash)
	if !ok {
		return false
	}
	rest = bytes.TrimRight(rest, " \t\r\n")
	return len(rest) == 0 || bytes.Equal(rest, []byte("--"))
}

// budgetReader limits how much a multipart reader may read while it reads a
// part header; its header reader has no limit of its own.
type budgetReader struct {
	r       io.Reader
	armed   bool
	left    int64
	tripped bool
}

var errHeaderBudget = errors.New("mail: part header over budget")

func (b *budgetReader) arm(n int64) { b.armed, b.left = true, n }
func (b *budgetReader) disarm()     { b.armed = false }

func (b *budgetReader) Read(buf []byte) (int, error) {
	if !b.armed {
		return b.r.Read(buf)
	}
	if b.left <= 0 {
		b.tripped = true
		return 0, errHeaderBudget
	}
	if int64(len(buf)) > b.left {
		buf = buf[:b.left]
	}
	n, err := b.r.Read(buf)
	b.left -= int64(n)
	return n, err
}

// readLeaf decodes a part that is not a multipart, keeping it as body text,
// as a file, as delivery-status data, or not at all.
func (p *parser) readLeaf(n *node, h header, r io.Reader) error {
	switch {
	case isSignature(n.mediaType):
		// A signature is not a file for the customer, nor text.
		return nil
	case n.mediaType == "message/delivery-status" || n.mediaType == "message/global-delivery-status":
		b, err := p.decodeBody(h, r)
		if err != nil {
			return err
		}
		p.hasDSN = true
		p.dsnFailed = failedRecipients(p.dsnFailed, b)
		return nil
	case (n.mediaType == "text/plain" || n.mediaType == "text/html") && n.filename == "" && n.disposition != "attachment":
		b, err := p.decodeBody(h, r)
		if err != nil {
			return err
		}
		text, err := p.decodeCharset(b, n.params["charset"], n.mediaType)
		if err != nil {
			return err
		}
		if n.mediaType == "text/plain" && strings.EqualFold(n.params["format"], "flowed") {
			text = unflow(cleanText(text), strings.EqualFold(n.params["delsp"], "yes"))
		}
		n.kind, n.text = leafText, text
		return nil
	case n.filename != "" || n.disposition == "attachment" || strings.HasPrefix(n.mediaType, "image/"):
		b, err := p.decodeBody(h, r)
		if err != nil {
			return err
		}
		n.kind, n.data = leafAttachment, b
		return nil
	}
	return nil
}

// isSignature reports whether a media type is a detached signature of a
// signed message: S/MIME as asked for, and OpenPGP for the same reason.
func isSignature(mt string) bool {
	switch mt {
	case "application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature":
		return true
	}
	return false
}

// decodeBody reads a part's body, undoing its transfer encoding, within
// the message's decoded-size budget. Broken encodings keep what decodes.
func (p *parser) decodeBody(h header, r io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(h.get("Content-Transfer-Encoding"))) {
	case "base64":
		// The encoded part is at most the raw message, already in memory.
		enc, _ := io.ReadAll(io.LimitReader(r, p.lim.MaxBytes+1))
		r = bytes.NewReader(decodeBase64(enc))
	case "quoted-printable":
		r = quotedprintable.NewReader(&qpFilter{r: r})
	}
	// 7bit, 8bit, binary and unknown encodings are taken as they are.
	b, _ := io.ReadAll(io.LimitReader(r, p.budget+1))
	if err := p.failed(); err != nil {
		return nil, err
	}
	if int64(len(b)) > p.budget {
		return nil, p.fail(codeTooLarge, "the decoded message is over %d bytes", p.lim.MaxBytes)
	}
	p.budget -= int64(len(b))
	return b, nil
}

// decodeBase64 decodes leniently: only the base64 alphabet counts, so
// line breaks and stray characters do not stop it, and padding in the
// middle (from senders that encode a body in chunks) ends one run and
// starts the next instead of ending the part. A last incomplete group is
// dropped. The decoding itself is the standard library's.
func decodeBase64(enc []byte) []byte {
	out := make([]byte, 0, base64.RawStdEncoding.DecodedLen(len(enc)))
	// The alphabet is compacted in place: enc[start:w] is the current run.
	start, w := 0, 0
	flush := func() {
		run := enc[start:w]
		if len(run)%4 == 1 {
			run = run[:len(run)-1] // six bits make no byte
		}
		n, _ := base64.RawStdEncoding.Decode(out[len(out):cap(out)], run)
		out = out[:len(out)+n]
		start = w
	}
	for _, c := range enc {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/':
		case c == '-': // the URL-safe alphabet of some broken senders
			c = '+'
		case c == '_':
			c = '/'
		case c == '=':
			flush()
			continue
		default:
			continue
		}
		enc[w] = c
		w++
	}
	flush()
	return out
}

// qpFilter prepares a quoted-printable body for the standard decoder, which
// stops at the first byte it does not expect: control characters (dropped;
// they would be removed from the text anyway), a CR without LF (CRs are
// dropped: line ends become LF) and lines longer than its buffer (broken
// with a soft line break, which decodes to nothing).
type qpFilter struct {
	r       io.Reader
	lineLen int
	last    [2]byte // the last two bytes passed, to never split "=XX"
	buf     []byte
}

// qpMaxLine is far above the 76 characters the standard allows and below
// the decoder's 4 KB buffer.
const qpMaxLine = 1000

func (f *qpFilter) Read(b []byte) (int, error) {
	if len(b) < 2 {
		return 0, io.ErrShortBuffer
	}
	if f.buf == nil {
		f.buf = make([]byte, 2048)
	}
	for {
		// Reading at most half of b leaves room for the soft breaks added.
		n, err := f.r.Read(f.buf[:min(len(f.buf), len(b)/2)])
		k := 0
		for _, c := range f.buf[:n] {
			if c == '\r' || (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f {
				continue
			}
			if c == '\n' {
				f.lineLen = 0
			} else if f.lineLen >= qpMaxLine && f.last[0] != '=' && f.last[1] != '=' {
				b[k], b[k+1] = '=', '\n'
				k += 2
				f.lineLen = 0
			}
			b[k] = c
			k++
			f.lineLen++
			f.last[0], f.last[1] = f.last[1], c
		}
		if k > 0 || err != nil {
			return k, err
		}
	}
}
