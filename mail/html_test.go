package mail

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func newTestParser() *parser {
	l := DefaultLimits()
	return &parser{lim: l, deadline: time.Now().Add(l.CPU), budget: l.MaxBytes}
}

func TestHTMLToText(t *testing.T) {
	tests := []struct {
		name, html, want string
	}{
		{"paragraphs", "<p>One</p><p>Two</p>", "One\n\nTwo"},
		{"line breaks", "a<br>b<br><br>c", "a\nb\n\nc"},
		{"gmail divs", `<div dir="ltr"><div>Hi,</div><div><br></div><div>text</div></div>`, "Hi,\n\ntext"},
		{"outlook empty paragraphs", `<p class=MsoNormal>Hoi,<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>Tekst<o:p></o:p></p>`, "Hoi,\n\nTekst"},
		{"link", `see <a href="https://desk.example/cases/1">your case</a>.`, "see your case (https://desk.example/cases/1)."},
		{"link that is its own text", `<a href="https://desk.example/">https://desk.example</a>`, "https://desk.example"},
		{"mailto link", `<a href="mailto:a@b.example?subject=x">Anna</a>`, "Anna (a@b.example)"},
		{"javascript link", `<a href="javascript:alert(1)">click</a>`, "click"},
		{"image link", `<a href="https://x.example/"><img src="logo.png" alt=""></a>text`, "text"},
		{"script and style", `<style>p{color:red}</style><script>alert("x")</script><p>visible</p>`, "visible"},
		{"title", `<html><head><title>Hidden</title></head><body>Shown</body></html>`, "Shown"},
		{"entities", `caf&eacute; &amp; &lt;tag&gt; &#8364;5`, "café & <tag> €5"},
		{"white space", "  many \n\t spaces\u00a0 here  ", "many spaces here"},
		{"lists", `<ul><li>one</li><li>two</li></ul><ol><li>first</li><li>second</li></ol>`, "- one\n- two\n\n1. first\n2. second"},
		{"blockquote", `<p>reply</p><blockquote><p>quoted</p><p>more</p></blockquote>`, "reply\n\n> quoted\n\n> more"},
		{"nested blockquote", `<blockquote>a<blockquote>b</blockquote></blockquote>`, "> a\n\n>> b"},
		{"pre", "<pre>  indented\n    code</pre>after", "  indented\n    code\n\nafter"},
		{"table", `<table><tr><td>Name</td><td>Anna</td></tr><tr><td>Team</td><td>Ops</td></tr></table>`, "Name Anna\nTeam Ops"},
		{"unclosed tags", `<div><p>open <b>bold`, "open bold"},
		{"comment", `a<!-- hidden -->b`, "ab"},
		{"empty", ``, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := newTestParser().htmlToText(tt.html)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// TestHTMLAlternativeTrimsLikePlain checks the HTML converter and Trim on
// the HTML the real clients send: for each fixture with both a plain and
// an HTML alternative, the HTML, converted and trimmed, must say the same
// words as the trimmed plain text. Line wrapping differs, so words are
// compared.
func TestHTMLAlternativeTrimsLikePlain(t *testing.T) {
	for _, name := range []string{"outlook-reply", "gmail-reply", "apple-mail-reply", "auto-reply"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", name+".eml"))
			if err != nil {
				t.Fatal(err)
			}
			p := newTestParser()
			hdr, bodyAt, err := p.splitHeader(raw)
			if err != nil {
				t.Fatal(err)
			}
			root, err := p.walk(readHeader(hdr), bytes.NewReader(raw[bodyAt:]), 0)
			if err != nil {
				t.Fatal(err)
			}
			texts := map[string]string{}
			var visit func(n *node)
			visit = func(n *node) {
				if n.kind == leafText {
					texts[n.mediaType] = n.text
				}
				for _, c := range n.children {
					visit(c)
				}
			}
			visit(root)
			if texts["text/plain"] == "" || texts["text/html"] == "" {
				t.Fatalf("want both alternatives, got %v", texts)
			}
			fromHTML, err := p.htmlToText(texts["text/html"])
			if err != nil {
				t.Fatal(err)
			}
			want := strings.Fields(Trim(cleanText(texts["text/plain"])))
			got := strings.Fields(Trim(fromHTML))
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("trimmed HTML:\n%s\n\ntrimmed plain:\n%s\n\nconverted HTML:\n%s", Trim(fromHTML), Trim(texts["text/plain"]), fromHTML)
			}
		})
	}
}
