package markdown

import (
	"strings"
	"testing"
)

func TestHTML(t *testing.T) {
	got := HTML("Hello <script>alert(1)</script> **bold** <img src=x onerror=alert(2)> [link](javascript:alert(3)) [ok](https://example.com)\n\n| a | b |\n|---|---|\n| 1 | 2 |")
	for _, bad := range []string{"<script", "onerror", "javascript:"} {
		if strings.Contains(strings.ToLower(got), bad) {
			t.Errorf("output keeps %q: %s", bad, got)
		}
	}
	for _, want := range []string{"<strong>bold</strong>", `href="https://example.com"`, "<table>"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q: %s", want, got)
		}
	}
	if HTML("") != "" {
		t.Error("empty text gave markup")
	}
}

func FuzzHTML(f *testing.F) {
	f.Add("<a href=\"javascript:x\">x</a> **y** <svg onload=z>")
	f.Fuzz(func(t *testing.T, src string) {
		got := strings.ToLower(HTML(src))
		if strings.Contains(got, "<script") || strings.Contains(got, "javascript:") || strings.Contains(got, " onerror=") || strings.Contains(got, " onload=") {
			t.Fatalf("unsafe output for %q: %s", src, got)
		}
	})
}
