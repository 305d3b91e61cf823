package mail_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"desk"
	"desk/mail"
)

// parseErr parses raw and returns the error's code, failing the test if
// the error is not a *desk.Error of the kinds Parse promises.
func parseErr(t *testing.T, raw []byte, l mail.Limits) string {
	t.Helper()
	m, err := mail.Parse(raw, l)
	if err == nil {
		t.Fatalf("parsed %d bytes without error: %+v", len(raw), m)
	}
	var de *desk.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v is %T, not *desk.Error", err, err)
	}
	if de.Kind != desk.ETOOLARGE && de.Kind != desk.EINVALID {
		t.Errorf("kind %q, want %q or %q", de.Kind, desk.ETOOLARGE, desk.EINVALID)
	}
	if m != nil {
		t.Errorf("got a mail with the error")
	}
	return desk.ErrorCode(err)
}

// mustParse parses raw and checks what every parsed mail must hold.
func mustParse(t *testing.T, raw []byte) *desk.InMail {
	t.Helper()
	m, err := mail.Parse(raw, mail.DefaultLimits())
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	checkClean(t, m)
	return m
}

// checkClean fails if a text field of m is not valid UTF-8 or holds NUL
// or a line break where none belongs.
func checkClean(t testing.TB, m *desk.InMail) {
	t.Helper()
	for name, s := range map[string]string{"Text": m.Text, "Trimmed": m.Trimmed} {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) || strings.ContainsRune(s, '\r') {
			t.Errorf("%s is not clean text: %q", name, s)
		}
	}
	one := map[string]string{"Subject": m.Subject, "From": m.From, "FromName": m.FromName, "MessageID": m.MessageID}
	for _, a := range m.To {
		one["To "+a] = a
	}
	for _, a := range m.Attachments {
		one["attachment "+a.Name] = a.Name
	}
	for name, s := range one {
		if !utf8.ValidString(s) || strings.ContainsAny(s, "\x00\r\n") {
			t.Errorf("%s is not one clean line: %q", name, s)
		}
	}
}

const plainHeader = "From: a@example.com\r\nTo: b@example.com\r\nSubject: s\r\nMessage-ID: <x@example.com>\r\nMIME-Version: 1.0\r\n"

func TestTooManyParts(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(plainHeader + "Content-Type: multipart/mixed; boundary=b\r\n\r\n")
	for i := range 10000 {
		fmt.Fprintf(&b, "--b\r\nContent-Type: text/plain\r\n\r\npart %d\r\n", i)
	}
	b.WriteString("--b--\r\n")
	start := time.Now()
	if code := parseErr(t, b.Bytes(), mail.DefaultLimits()); code != "mail_too_many_parts" {
		t.Errorf("code %q, want mail_too_many_parts", code)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v to refuse", d)
	}
}

func TestTooDeep(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(plainHeader + "Content-Type: multipart/mixed; boundary=b0\r\n\r\n")
	for i := range 1000 {
		fmt.Fprintf(&b, "--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n", i, i+1)
	}
	b.WriteString("--b1000\r\nContent-Type: text/plain\r\n\r\ndeep\r\n")
	for i := 1000; i >= 0; i-- {
		fmt.Fprintf(&b, "--b%d--\r\n", i)
	}
	start := time.Now()
	if code := parseErr(t, b.Bytes(), mail.DefaultLimits()); code != "mail_too_deep" {
		t.Errorf("code %q, want mail_too_deep", code)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v to refuse", d)
	}
}

func TestNestingWithinLimit(t *testing.T) {
	// Ten levels, the default limit, still parse.
	var b bytes.Buffer
	b.WriteString(plainHeader + "Content-Type: multipart/mixed; boundary=b0\r\n\r\n")
	for i := range 9 {
		fmt.Fprintf(&b, "--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n", i, i+1)
	}
	b.WriteString("--b9\r\nContent-Type: text/plain\r\n\r\ndeep\r\n")
	for i := 9; i >= 0; i-- {
		fmt.Fprintf(&b, "--b%d--\r\n", i)
	}
	if m := mustParse(t, b.Bytes()); m.Text != "deep" {
		t.Errorf("text %q, want deep", m.Text)
	}
}

func TestHeaderTooLarge(t *testing.T) {
	long := strings.Repeat("x", 1<<20)
	tests := map[string]string{
		"top-level line":   "Subject: " + long + "\r\n" + plainHeader + "\r\nbody\r\n",
		"top-level folded": "Subject: " + strings.Repeat("word\r\n ", 20000) + "\r\n" + plainHeader + "\r\nbody\r\n",
		"no line end":      "Subject: " + long,
		"part header": plainHeader + "Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: text/plain\r\n\r\nfirst\r\n" +
			"--b\r\nX-Junk: " + long + "\r\nContent-Type: text/plain\r\n\r\nsecond\r\n--b--\r\n",
		"first part header": plainHeader + "Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
			"preamble\r\n--b\r\nX-Junk: " + long + "\r\n\r\nsecond\r\n--b--\r\n",
	}
	for name, raw := range tests {
		t.Run(name, func(t *testing.T) {
			if code := parseErr(t, []byte(raw), mail.DefaultLimits()); code != "mail_header_too_large" {
				t.Errorf("code %q, want mail_header_too_large", code)
			}
		})
	}
}

func TestTooLarge(t *testing.T) {
	raw := make([]byte, 30<<20)
	copy(raw, plainHeader+"\r\n")
	start := time.Now()
	if code := parseErr(t, raw, mail.DefaultLimits()); code != "mail_too_large" {
		t.Errorf("code %q, want mail_too_large", code)
	}
	if d := time.Since(start); d > 50*time.Millisecond {
		t.Errorf("took %v to refuse by size alone", d)
	}
}

func TestDecodedTooLarge(t *testing.T) {
	// Latin-1 doubles in size as UTF-8: the decoded text must stay within
	// MaxBytes even though the raw message does.
	raw := plainHeader + "Content-Type: text/plain; charset=iso-8859-1\r\n\r\n" + strings.Repeat("\xe9", 6000)
	l := mail.Limits{MaxBytes: 10000}
	if code := parseErr(t, []byte(raw), l); code != "mail_too_large" {
		t.Errorf("code %q, want mail_too_large", code)
	}
}

func TestTooSlow(t *testing.T) {
	raw := plainHeader + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\ntext\r\n--b--\r\n"
	l := mail.Limits{CPU: time.Nanosecond}
	if code := parseErr(t, []byte(raw), l); code != "mail_too_slow" {
		t.Errorf("code %q, want mail_too_slow", code)
	}
}

func TestUnreadable(t *testing.T) {
	for name, raw := range map[string]string{
		"empty":      "",
		"no header":  "\r\njust a body\r\n",
		"binary":     "\x00\x01\x02\xff\xfe binary junk",
		"continued":  " starts with a continuation\r\nFrom: a@example.com\r\n\r\n",
		"only blank": "\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			if code := parseErr(t, []byte(raw), mail.DefaultLimits()); code != "mail_unreadable" {
				t.Errorf("code %q, want mail_unreadable", code)
			}
		})
	}
}

func TestZeroLimitsAreDefaults(t *testing.T) {
	raw := make([]byte, 26<<20)
	copy(raw, plainHeader+"\r\n")
	if code := parseErr(t, raw, mail.Limits{}); code != "mail_too_large" {
		t.Errorf("code %q, want mail_too_large", code)
	}
	if m, err := mail.Parse([]byte(plainHeader+"\r\nhello\r\n"), mail.Limits{}); err != nil || m.Text != "hello" {
		t.Errorf("parse with zero limits: %v, %+v", err, m)
	}
}

func TestBrokenEncodingsDegrade(t *testing.T) {
	tests := []struct {
		name, raw string
		text      string // the parsed Text must contain this
	}{
		{"bad base64", plainHeader + "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			"SGVsbG8g!!d29y*bGQ\r\n=\r\nISBNb3Jl\r\n", "Hello world! More"},
		{"truncated base64", plainHeader + "Content-Transfer-Encoding: base64\r\n\r\nSGVsbG8gd29ybGQ", "Hello worl"},
		{"bad quoted-printable", plainHeader + "Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
			"caf=E9 =ZZ ok\x00\x01 =\r\nend=\r", "café =ZZ ok end"},
		{"long quoted-printable line", plainHeader + "Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
			strings.Repeat("abc=3D", 2000) + "\r\ntail\r\n", "tail"},
		{"unknown charset", plainHeader + "Content-Type: text/plain; charset=x-klingon-9\r\n\r\nplain words\r\n", "plain words"},
		{"unknown charset 8bit", plainHeader + "Content-Type: text/plain; charset=x-klingon-9\r\n\r\ncaf\xe9\r\n", "café"},
		{"wrong utf-8", plainHeader + "Content-Type: text/plain; charset=utf-8\r\n\r\nna\xefve caf\xc3\xa9\r\n", "café"},
		{"unlabelled latin-1", plainHeader + "\r\nBl\xe5b\xe6rsyltet\xf8y\r\n", "Blåbærsyltetøy"},
		{"unknown encoding", plainHeader + "Content-Transfer-Encoding: x-uuencode\r\n\r\nkept as it is\r\n", "kept as it is"},
		{"broken content type", plainHeader + "Content-Type: text/plain; charset=\"utf-8; format=flowed\r\n\r\nstill text\r\n", "still text"},
		{"multipart without boundary", plainHeader + "Content-Type: multipart/mixed\r\n\r\nshown as text\r\n", "shown as text"},
		{"boundary never found", plainHeader + "Content-Type: multipart/mixed; boundary=zzz\r\n\r\nonly a preamble\r\n", "only a preamble"},
		{"cut off multipart", plainHeader + "Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nkept\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>cut", "kept"},
		{"malformed part header", plainHeader + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nfirst\r\n--b\r\nno colon here\r\n\r\nsecond\r\n--b--\r\n", "first"},
		{"no blank line after header", "From: a@example.com\r\nSubject: s\r\nthe body starts here\r\nand goes on\r\n", "the body starts here"},
		{"mbox From line", "From a@example.com Tue Nov  4 10:00:00 2026\r\nFrom: a@example.com\r\n\r\nbody\r\n", "body"},
		{"bare LF", "From: a@example.com\nContent-Type: multipart/mixed; boundary=b\n\n--b\n\nlf only\n--b--\n", "lf only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustParse(t, []byte(tt.raw))
			if !strings.Contains(m.Text, tt.text) {
				t.Errorf("text %q does not contain %q", m.Text, tt.text)
			}
		})
	}
}

func TestHeaderTricks(t *testing.T) {
	raw := "From: \"Eve\x00 \r Admin\" <EVE@Example.COM\x00>\r\n" +
		"To: a@example.com,\r\n\tb@example.com\x00, A@EXAMPLE.com\r\n" +
		"Subject: =?utf-8?q?hi=00there=0D=0ABcc:_x@evil.example?=\r\n" +
		"Subject: second subject\r\n" +
		"Message-ID: <id\x00@example.com>\r\n" +
		"Content-Type: text/plain; name=\"a\x00b.txt\"\r\n" +
		"Content-Disposition: attachment; filename=\"..\\\\..\\\\evil\r\n .exe\"\r\n" +
		"\r\nbody\x00with\x00nul\r\n"
	m := mustParse(t, []byte(raw))
	if strings.Contains(m.Subject, "\n") || !strings.Contains(m.Subject, "hi") {
		t.Errorf("subject %q", m.Subject)
	}
	if strings.HasPrefix(m.MessageID, "<id") {
		t.Errorf("message id %q kept a NUL-broken id", m.MessageID)
	}
	for _, a := range m.Attachments {
		if strings.ContainsAny(a.Name, "/\\") {
			t.Errorf("attachment name %q has a path", a.Name)
		}
	}
	if m.From != "eve@example.com" || m.FromName != "Eve Admin" {
		t.Errorf("from %q %q", m.From, m.FromName)
	}
	if fmt.Sprint(m.To) != "[a@example.com b@example.com]" {
		t.Errorf("to %q", m.To)
	}
}

func TestNULInBody(t *testing.T) {
	raw := plainHeader + "Content-Type: multipart/alternative; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/html; charset=utf-16le\r\n\r\n<\x00p\x00>\x00h\x00\x00\x00i\x00\r\n" +
		"--b--\r\n"
	m := mustParse(t, []byte(raw))
	if !strings.Contains(m.Text, "hi") {
		t.Errorf("text %q", m.Text)
	}
}

func TestMessageIDs(t *testing.T) {
	tests := []struct{ header, want string }{
		{"Message-ID: <abc@example.com>\r\n", "<abc@example.com>"},
		{"Message-ID: (comment) <abc@example.com> (trailing)\r\n", "<abc@example.com>"},
		{"Message-ID: abc@example.com\r\n", "<abc@example.com>"},
		{"Message-ID: <no-at-sign>\r\n", ""},
		{"Message-ID: <two words@example.com>\r\n", ""},
		{"Message-ID: " + strings.Repeat("(", 60000) + "<a@b>\r\n", "<a@b>"},
		{"", ""},
	}
	for _, tt := range tests {
		raw := []byte("From: a@example.com\r\n" + tt.header + "\r\nbody\r\n")
		m := mustParse(t, raw)
		want := tt.want
		if want == "" {
			want = "@no-message-id.invalid>"
		}
		if !strings.HasSuffix(m.MessageID, want) {
			t.Errorf("%q: message id %q, want %q", tt.header, m.MessageID, want)
		}
	}
	// The same bytes give the same synthesized id, so a retransmission is
	// recognised; other bytes give another.
	a := mustParse(t, []byte("From: a@example.com\r\n\r\none\r\n"))
	b := mustParse(t, []byte("From: a@example.com\r\n\r\none\r\n"))
	c := mustParse(t, []byte("From: a@example.com\r\n\r\ntwo\r\n"))
	if a.MessageID != b.MessageID || a.MessageID == c.MessageID {
		t.Errorf("synthesized ids %q %q %q", a.MessageID, b.MessageID, c.MessageID)
	}
}

func TestReferences(t *testing.T) {
	raw := "From: a@example.com\r\n" +
		"In-Reply-To: <p@example.com> (Your message of Monday)\r\n" +
		"References: <r1@example.com> <broken <r2@example.com>\r\n <r1@example.com>\tgarbage <r3@x>\r\n" +
		"\r\nbody\r\n"
	m := mustParse(t, []byte(raw))
	if fmt.Sprint(m.InReplyTo) != "[<p@example.com>]" {
		t.Errorf("in-reply-to %q", m.InReplyTo)
	}
	if fmt.Sprint(m.References) != "[<r1@example.com> <r2@example.com> <r3@x>]" {
		t.Errorf("references %q", m.References)
	}
}

func TestAddresses(t *testing.T) {
	raw := "From: =?iso-8859-1?q?J=F6rg?= <JOERG@Example.DE>\r\n" +
		"To: \"Doe, John\" <John@example.com>, jane@example.com\r\n" +
		"Cc: john@EXAMPLE.com, Broken Name With Ümlaut <kim@example.com>\r\n" +
		"Date: not a date\r\n" +
		"\r\nbody\r\n"
	m := mustParse(t, []byte(raw))
	if m.From != "joerg@example.de" || m.FromName != "Jörg" {
		t.Errorf("from %q %q", m.From, m.FromName)
	}
	if fmt.Sprint(m.To) != "[john@example.com jane@example.com kim@example.com]" {
		t.Errorf("to %q", m.To)
	}
	if !m.Date.IsZero() {
		t.Errorf("date %v from a broken header", m.Date)
	}
}

func TestAuto(t *testing.T) {
	tests := []struct {
		name, header string
		want         desk.AutoKind
	}{
		{"person", "Subject: question\r\n", desk.AutoNone},
		{"auto-submitted no", "Auto-Submitted: no\r\n", desk.AutoNone},
		{"suppress is not a sign", "X-Auto-Response-Suppress: All\r\n", desk.AutoNone},
		{"auto-submitted", "Auto-Submitted: auto-generated\r\n", desk.AutoReply},
		{"auto-replied with comment", "Auto-Submitted: Auto-Replied (vacation)\r\n", desk.AutoReply},
		{"x-autoreply", "X-Autoreply: yes\r\n", desk.AutoReply},
		{"x-autorespond", "X-Autorespond: on\r\n", desk.AutoReply},
		{"precedence auto_reply", "Precedence: auto_reply\r\n", desk.AutoReply},
		{"subject en", "Subject: Automatic reply: your case\r\n", desk.AutoReply},
		{"subject ooo", "Subject: Out of Office: back Monday\r\n", desk.AutoReply},
		{"subject nl", "Subject: Automatisch antwoord: uw melding\r\n", desk.AutoReply},
		{"subject de", "Subject: Automatische Antwort: Ihre Anfrage\r\n", desk.AutoReply},
		{"subject sv", "Subject: Autosvar: ärende\r\n", desk.AutoReply},
		{"subject no", "Subject: Automatisk svar: sak\r\n", desk.AutoReply},
		{"subject no away", "Subject: =?utf-8?q?Frav=C3=A6rende?=\r\n", desk.AutoReply},
		{"list-id", "List-Id: <users.lists.example.org>\r\n", desk.AutoList},
		{"list-unsubscribe", "List-Unsubscribe: <mailto:leave@example.org>\r\n", desk.AutoList},
		{"precedence bulk", "Precedence: bulk\r\n", desk.AutoList},
		{"precedence junk", "Precedence: junk\r\n", desk.AutoList},
		{"own mail", "X-Supportdesk-Mail: reply\r\nAuto-Submitted: auto-generated\r\n", desk.AutoOwnMail},
		{"reply beats list", "Precedence: bulk\r\nAuto-Submitted: auto-replied\r\n", desk.AutoReply},
		{"read receipt", "Content-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n", desk.AutoReply},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustParse(t, []byte("From: a@example.com\r\n"+tt.header+"\r\n--b\r\n\r\ntext\r\n--b--\r\n"))
			if m.Auto != tt.want {
				t.Errorf("auto %q, want %q", m.Auto, tt.want)
			}
		})
	}
}

func TestBounceRecipients(t *testing.T) {
	raw := "From: postmaster@mx.example.net\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nDelivery has failed.\r\n" +
		"--b\r\nContent-Type: message/delivery-status\r\n\r\n" +
		"Reporting-MTA: dns;mx.example.net\r\n\r\n" +
		"Final-Recipient: rfc822;Gone@Example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n" +
		"Final-Recipient: rfc822;slow@example.com\r\nAction: delayed\r\nStatus: 4.4.1\r\n\r\n" +
		"Original-Recipient: rfc822;alias@example.com\r\nFinal-Recipient: RFC822; <real@example.com>\r\nAction: failed (bad)\r\nStatus: 5.0.0\r\n\r\n" +
		"Final-Recipient: rfc822;nostatus@example.com\r\nStatus: 5.2.2\r\n\r\n" +
		"Final-Recipient: rfc822;ok@example.com\r\nAction: delivered\r\nStatus: 2.0.0\r\n" +
		"--b--\r\n"
	m := mustParse(t, []byte(raw))
	if m.Auto != desk.AutoBounce {
		t.Errorf("auto %q, want bounce", m.Auto)
	}
	if got := fmt.Sprint(m.Failed); got != "[gone@example.com alias@example.com real@example.com nostatus@example.com]" {
		t.Errorf("failed %s", got)
	}
}

func TestAttachmentNames(t *testing.T) {
	part := func(headers string) string {
		return "--b\r\n" + headers + "\r\n\r\ndata\r\n"
	}
	raw := plainHeader + "Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
		part("Content-Type: text/plain\r\n") + // the body
		part("Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"invoice\u202Efdp.exe\"") +
		part("Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"../../etc/passwd\"") +
		part("Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename*=iso-8859-1''r%E9sum%E9.doc; filename=\"resume.doc\"") +
		part("Content-Type: application/msword; name==?utf-8?b?Q1bDqS5kb2M=?=") +
		part("Content-Type: IMAGE/PNG\r\nContent-Disposition: inline\r\nContent-ID: <img1>") +
		part("Content-Type: message/rfc822\r\nContent-Disposition: attachment") +
		part("Content-Type: application/x-pkcs7-signature; name=smime.p7s\r\nContent-Disposition: attachment; filename=smime.p7s") +
		part("Content-Type: application/pgp-signature; name=signature.asc") +
		part("Content-Type: text/plain\r\nContent-Disposition: attachment") +
		"--b--\r\n"
	m := mustParse(t, []byte(raw))
	var got []string
	for _, a := range m.Attachments {
		got = append(got, a.Name+" "+a.ContentType)
	}
	want := []string{
		"invoicefdp.exe application/pdf",
		"passwd application/pdf",
		"resume.doc application/octet-stream",
		"CVé.doc application/msword",
		"image.png image/png",
		"message.eml message/rfc822",
		"attachment.txt text/plain",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("attachments\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if m.Text != "data" {
		t.Errorf("text %q, want the body part only", m.Text)
	}
}

func TestBodyChoice(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"plain preferred in alternative", "Content-Type: multipart/alternative; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: text/plain\r\n\r\nplain\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--b--\r\n", "plain"},
		{"html when plain is empty", "Content-Type: multipart/alternative; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: text/plain\r\n\r\n \r\n--b\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--b--\r\n", "html"},
		{"related root by start", "Content-Type: multipart/related; boundary=b; start=\"<two>\"\r\n\r\n" +
			"--b\r\nContent-Type: text/plain\r\nContent-ID: <one>\r\n\r\nnot the root\r\n--b\r\nContent-Type: text/html\r\nContent-ID: <two>\r\n\r\n<b>root</b>\r\n--b--\r\n", "root"},
		{"mixed joins inline text", "Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: text/plain\r\n\r\nbefore\r\n--b\r\nContent-Type: image/png\r\n\r\nPNG\r\n--b\r\nContent-Type: text/plain\r\n\r\nafter\r\n--b--\r\n", "before\n\nafter"},
		{"signed takes the content", "Content-Type: multipart/signed; protocol=\"application/x-pkcs7-signature\"; boundary=b\r\n\r\n" +
			"--b\r\nContent-Type: text/plain\r\n\r\nsigned text\r\n--b\r\nContent-Type: application/x-pkcs7-signature\r\n\r\nMIAG\r\n--b--\r\n", "signed text"},
		{"format flowed delsp", "Content-Type: text/plain; format=flowed; delsp=yes\r\n\r\nlong wo \r\nrd here\r\n", "long word here"},
		{"html charset from meta", "Content-Type: text/html\r\n\r\n<meta charset=\"iso-8859-1\"><p>caf\xe9</p>\r\n", "café"},
		{"base64 utf-16", "Content-Type: text/plain; charset=utf-16\r\nContent-Transfer-Encoding: base64\r\n\r\n//5oAGkAIADpAA==\r\n", "hi é"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustParse(t, []byte("From: a@example.com\r\n"+tt.raw))
			if m.Text != tt.want {
				t.Errorf("text %q, want %q", m.Text, tt.want)
			}
		})
	}
}
