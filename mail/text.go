package mail

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	gmcharset "github.com/emersion/go-message/charset"
	htmlcharset "golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/charmap"
)

// decodeCharset converts a text part to UTF-8. An unknown or wrong charset
// degrades to a best guess rather than losing the text. The conversion can
// grow the text (one byte of latin-1 becomes two of UTF-8), so the growth
// counts against the message's decoded-size budget.
func (p *parser) decodeCharset(b []byte, cs, mt string) (string, error) {
	cs = strings.ToLower(strings.Trim(strings.TrimSpace(cs), `"'`))
	switch cs {
	case "", "utf-8", "utf8", "us-ascii", "ascii", "unicode-1-1-utf-8", "unknown-8bit", "x-unknown":
		if utf8.Valid(b) {
			return string(b), nil
		}
		if mt == "text/html" && cs != "utf-8" && cs != "utf8" {
			// HTML often names its charset in a <meta> tag only.
			if e, name, _ := htmlcharset.DetermineEncoding(b, "text/html"); e != nil && name != "utf-8" {
				return p.convert(b, func(r io.Reader) io.Reader { return e.NewDecoder().Reader(r) })
			}
		}
		return toValidUTF8(string(b)), nil
	}
	if _, err := gmcharset.Reader(cs, bytes.NewReader(nil)); err != nil {
		return toValidUTF8(string(b)), nil
	}
	return p.convert(b, func(r io.Reader) io.Reader {
		d, _ := gmcharset.Reader(cs, r)
		return d
	})
}

// convert runs a charset decoder over b under the deadline and the budget.
func (p *parser) convert(b []byte, decoder func(io.Reader) io.Reader) (string, error) {
	r := decoder(&clockReader{p: p, r: bytes.NewReader(b)})
	out, _ := io.ReadAll(io.LimitReader(r, int64(len(b))+p.budget+1))
	if err := p.failed(); err != nil {
		return "", err
	}
	if growth := int64(len(out) - len(b)); growth > 0 {
		if growth > p.budget {
			return "", p.fail(codeTooLarge, "the decoded message is over %d bytes", p.lim.MaxBytes)
		}
		p.budget -= growth
	}
	return toValidUTF8(string(out)), nil
}

// toValidUTF8 repairs a string that should be UTF-8. Text that has valid
// multi-byte sequences is UTF-8 with a few broken bytes, which become
// U+FFFD; text without any is unlabelled 8-bit text, almost always
// windows-1252 (a superset of latin-1) in the mail this desk receives.
func toValidUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	multi, invalid := 0, 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			invalid++
		case size > 1:
			multi++
		}
		i += size
	}
	if multi > 0 && multi >= invalid {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	out, err := charmap.Windows1252.NewDecoder().String(s)
	if err != nil || !utf8.ValidString(out) {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return out
}

// cleanText makes body text safe to store and show: valid UTF-8, line ends
// as "\n", no NUL or other control characters but tab and newline, no byte
// order marks.
func cleanText(s string) string {
	s = toValidUTF8(s)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\r':
			b.WriteByte('\n')
			if i < len(s) && s[i] == '\n' {
				i++
			}
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || r == '\uFEFF':
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// unflow joins the lines of a format=flowed text (RFC 3676): a line ending
// in a space continues on the next line of the same quote depth. Without
// this, mail from Thunderbird and Apple clients reads as a column of short
// lines. Space-stuffing is undone and quote marks are written as "> ".
func unflow(s string, delSp bool) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/32)
	open, openDepth := false, 0
	for _, line := range strings.Split(s, "\n") {
		depth := 0
		for depth < len(line) && line[depth] == '>' {
			depth++
		}
		content := strings.TrimPrefix(line[depth:], " ")
		// The signature separator is never flowed.
		flowed := strings.HasSuffix(content, " ") && content != "-- "
		if open && depth != openDepth {
			b.WriteByte('\n')
			open = false
		}
		if !open && depth > 0 {
			b.WriteString(strings.Repeat(">", depth))
			if content != "" {
				b.WriteByte(' ')
			}
		}
		if flowed && delSp {
			content = content[:len(content)-1]
		}
		b.WriteString(content)
		if flowed {
			open, openDepth = true, depth
		} else {
			b.WriteByte('\n')
			open = false
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}
