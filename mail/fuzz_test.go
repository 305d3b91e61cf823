package mail_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"desk"
	"desk/mail"
)

// fuzzLimits keep each run small: a smaller MaxBytes makes the decoded-size
// bound reachable by the fuzzer's inputs.
var fuzzLimits = mail.Limits{MaxBytes: 1 << 20}

// seedFuzz adds every fixture and a few hostile shapes to the corpus.
func seedFuzz(f *testing.F) {
	for _, file := range fixtures(f) {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	for _, s := range []string{
		"",
		"From: a@b\r\n\r\n",
		plainHeader + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n--c\r\n\r\nx\r\n--c--\r\n--b--\r\n",
		plainHeader + "Content-Transfer-Encoding: base64\r\nContent-Type: text/html; charset=windows-1252\r\n\r\nPGI+aGk8L2I+\r\n",
		plainHeader + "Content-Type: text/plain; format=flowed; delsp=yes\r\n\r\n> a \r\n> b\r\n-- \r\nsig\r\n",
		"From: a@b\r\nContent-Type: message/delivery-status\r\n\r\nAction: failed\r\nFinal-Recipient: rfc822; x@y\r\n",
	} {
		f.Add([]byte(s))
	}
}

func FuzzParse(f *testing.F) {
	seedFuzz(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		// Parse runs aside so that a hang fails with its input saved
		// instead of stalling the fuzzer; the CPU limit is 2 s.
		type result struct {
			m   *desk.InMail
			err error
		}
		done := make(chan result, 1)
		go func() {
			m, err := mail.Parse(raw, fuzzLimits)
			done <- result{m, err}
		}()
		var r result
		select {
		case r = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("Parse still running after 10 s on %d bytes", len(raw))
		}
		m, err := r.m, r.err
		if err != nil {
			var de *desk.Error
			if !errors.As(err, &de) || (de.Kind != desk.ETOOLARGE && de.Kind != desk.EINVALID) || de.Code == "" {
				t.Fatalf("error %v (%T) is not a *desk.Error of kind too_large or invalid", err, err)
			}
			if m != nil {
				t.Fatal("a mail with the error")
			}
			return
		}
		checkClean(t, m)
		if m.Size != int64(len(raw)) {
			t.Errorf("size %d, want %d", m.Size, len(raw))
		}
		if !strings.HasPrefix(m.MessageID, "<") || !strings.HasSuffix(m.MessageID, ">") {
			t.Errorf("message id %q without angle brackets", m.MessageID)
		}
		var total int64
		for _, a := range m.Attachments {
			total += int64(len(a.Data))
		}
		if total > fuzzLimits.MaxBytes {
			t.Errorf("attachments total %d bytes, over %d", total, fuzzLimits.MaxBytes)
		}
		if len(m.Trimmed) > len(m.Text) {
			t.Errorf("trimmed longer than the text")
		}

		// The same input is a good text for Trim too.
		checkTrim(t, string(raw))
	})
}

func FuzzTrim(f *testing.F) {
	seedFuzz(f)
	f.Fuzz(func(t *testing.T, text []byte) {
		checkTrim(t, string(text))
	})
}

// checkTrim holds Trim to its promises on any text: no panic, never longer
// than its input, never empty when the input had text, valid UTF-8 kept so.
func checkTrim(t *testing.T, text string) {
	got := mail.Trim(text)
	if len(got) > len(text) {
		t.Fatalf("Trim returned %d bytes for %d", len(got), len(text))
	}
	if strings.TrimSpace(text) != "" && strings.TrimSpace(got) == "" {
		t.Fatalf("Trim(%q) is empty", text)
	}
	if utf8.ValidString(text) && !utf8.ValidString(got) {
		t.Fatalf("Trim(%q) broke UTF-8: %q", text, got)
	}
}
