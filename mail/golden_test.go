package mail_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"desk"
	"desk/mail"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/*.eml")

// golden is what a reviewer checks of a parsed fixture. Texts are lists of
// lines so that the files read like the mail.
type golden struct {
	MessageID   string        `json:"message_id"`
	From        string        `json:"from"`
	FromName    string        `json:"from_name"`
	To          []string      `json:"to"`
	Subject     string        `json:"subject"`
	Date        string        `json:"date"`
	InReplyTo   []string      `json:"in_reply_to"`
	References  []string      `json:"references"`
	Auto        desk.AutoKind `json:"auto"`
	Failed      []string      `json:"failed"`
	Size        int64         `json:"size"`
	Trimmed     []string      `json:"trimmed"`
	Text        []string      `json:"text"`
	Attachments []goldenFile  `json:"attachments"`
}

type goldenFile struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
	SHA256      string `json:"sha256"`
}

func toGolden(m *desk.InMail) golden {
	nonNil := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	g := golden{
		MessageID:   m.MessageID,
		From:        m.From,
		FromName:    m.FromName,
		To:          nonNil(m.To),
		Subject:     m.Subject,
		InReplyTo:   nonNil(m.InReplyTo),
		References:  nonNil(m.References),
		Auto:        m.Auto,
		Failed:      nonNil(m.Failed),
		Size:        m.Size,
		Trimmed:     strings.Split(m.Trimmed, "\n"),
		Text:        strings.Split(m.Text, "\n"),
		Attachments: []goldenFile{},
	}
	if !m.Date.IsZero() {
		g.Date = m.Date.Format(time.RFC3339)
	}
	for _, a := range m.Attachments {
		sum := sha256.Sum256(a.Data)
		g.Attachments = append(g.Attachments, goldenFile{a.Name, a.ContentType, len(a.Data), hex.EncodeToString(sum[:])})
	}
	return g
}

func fixtures(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.eml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	return files
}

func TestGolden(t *testing.T) {
	for _, file := range fixtures(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".eml")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			m, err := mail.Parse(raw, mail.DefaultLimits())
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false) // addresses and ids read as they are
			enc.SetIndent("", "  ")
			if err := enc.Encode(toGolden(m)); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			goldenFile := strings.TrimSuffix(file, ".eml") + ".golden.json"
			if *update {
				if err := os.WriteFile(goldenFile, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(goldenFile)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update to write it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the parse; got:\n%s", goldenFile, got)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("testdata", "gmail-reply.eml"))
	if err != nil {
		b.Fatal(err)
	}
	l := mail.DefaultLimits()
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := mail.Parse(raw, l); err != nil {
			b.Fatal(err)
		}
	}
}

// TestParseConcurrent parses every fixture from many goroutines at once, so
// that the race detector sees any state Parse shares between calls.
func TestParseConcurrent(t *testing.T) {
	var raws [][]byte
	for _, file := range fixtures(t) {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, raw)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, raw := range raws {
				if _, err := mail.Parse(raw, mail.DefaultLimits()); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}
