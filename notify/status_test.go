package notify_test

import (
	"strings"
	"testing"

	"desk"
)

// TestStatusMailListHeaders: mail to status page subscribers carries the
// one-click unsubscribe headers of RFC 2369 and RFC 8058; other mail does
// not, and an unsubscribe address that could break a header is refused.
func TestStatusMailListHeaders(t *testing.T) {
	m := sample(desk.MailStatusIncident, "en")
	msg, err := renderer.Message(m)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := parse(t, msg)
	if got := h.Get("List-Unsubscribe"); got != "<https://desk.example/status/unsubscribe?token=5-abc>" {
		t.Errorf("List-Unsubscribe = %q", got)
	}
	if got := h.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q", got)
	}
	if h.Get("Reply-To") == "" && m.ReplyTo != "" {
		t.Error("Reply-To dropped")
	}
	for _, kind := range []desk.MailKind{desk.MailStatusConfirm, desk.MailReply} {
		msg, err := renderer.Message(sample(kind, "en"))
		if err != nil {
			t.Fatal(err)
		}
		if h, _ := parse(t, msg); h.Get("List-Unsubscribe") != "" {
			t.Errorf("%s mail has List-Unsubscribe", kind)
		}
	}
	for _, bad := range []string{"https://desk.example/x\r\nBcc: victim@example.com", "https://desk.example/x>, <mailto:a@b",
		"javascript:alert(1)", "/status/unsubscribe?token=1"} {
		m := sample(desk.MailStatusIncident, "en")
		m.Data.UnsubscribeURL = bad
		if msg, err := renderer.Message(m); err == nil {
			t.Errorf("unsubscribe address %q accepted:\n%s", bad, msg)
		}
	}
}

// TestStatusMailMarkdown: a post is Markdown that a status manager wrote.
// The text part shows it as written; the HTML part escapes it, so no
// markup in it reaches the reader's mail client.
func TestStatusMailMarkdown(t *testing.T) {
	m := sample(desk.MailStatusIncident, "en")
	m.Data.Body = "**Mail** is slow. <script>alert(1)</script> [x](javascript:alert(2))"
	m.Data.IncidentTitle = "Zork\r\nBcc: victim@example.com"
	_, text, html := render(t, m)
	if !strings.Contains(text, m.Data.Body) {
		t.Errorf("text part lacks the post as written:\n%s", text)
	}
	if strings.Contains(html, "<script>") || strings.Contains(html, `href="javascript:`) ||
		!strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("html part does not escape the post:\n%s", html)
	}
	msg, err := renderer.Message(m)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := parse(t, msg)
	if h.Get("Bcc") != "" || strings.Contains(string(msg), "\r\nBcc:") {
		t.Errorf("the incident's title started a header:\n%s", msg)
	}
}
