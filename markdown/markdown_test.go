package markdown

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestHTML(t *testing.T) {
	got := HTML("Hello <script>alert(1)</script> **bold** <img src=x onerror=alert(2)> [link](javascript:alert(3)) [ok](https://example.com)\n\n| a | b |\n|---|---|\n| 1 | 2 |")
	if bad := unsafe(got); bad != "" {
		t.Errorf("output keeps %s: %s", bad, got)
	}
	for _, want := range []string{"<strong>bold</strong>", `href="https://example.com"`, "<table>"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q: %s", want, got)
		}
	}
	// Text that only reads like markup stays text, escaped.
	if got := HTML("x onload=y <b"); unsafe(got) != "" || !strings.Contains(got, "onload=y &lt;b") {
		t.Errorf("plain text: %s", got)
	}
	if HTML("") != "" {
		t.Error("empty text gave markup")
	}
}

// unsafe returns what in a fragment of HTML could run in a browser: a
// script, style or frame element, an event handler attribute, or a
// javascript:, vbscript: or data: URL; "" when there is none.
func unsafe(fragment string) string {
	z := html.NewTokenizer(strings.NewReader(fragment))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "style", "iframe", "object", "embed", "svg", "math", "form", "base", "meta", "link":
				return "element " + tok.Data
			}
			for _, a := range tok.Attr {
				key := strings.ToLower(a.Key)
				if strings.HasPrefix(key, "on") || key == "style" || key == "srcdoc" {
					return "attribute " + key
				}
				v := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
				if (key == "href" || key == "src" || key == "action" || key == "formaction") &&
					(strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:")) {
					return "URL " + a.Val
				}
			}
		}
	}
}

func FuzzHTML(f *testing.F) {
	for _, s := range []string{"<a href=\"javascript:x\">x</a> **y** <svg onload=z>", "0 onloAd=", "[a](JaVaScRiPt:alert(1))", "<img src=x onerror=y>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		got := HTML(src)
		if bad := unsafe(got); bad != "" {
			t.Fatalf("unsafe output (%s) for %q: %s", bad, src, got)
		}
	})
}
