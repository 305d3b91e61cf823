package textsearch

import (
	"strings"
	"testing"
)

func TestRenderVariants(t *testing.T) {
	q, err := Parse("en", "mail -calendar deliv")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ got, want string }{
		{q.AnyFTS5(), `("mail" OR "deliv"*) NOT "calendar"`},
		{q.AnyTSQuery(), `(mail | deliv:*) & !calendar`},
		{q.FTS5Column("title_doc", false), `title_doc : ("mail" AND "deliv"*) NOT "calendar"`},
		{q.FTS5Column("title_doc", true), `title_doc : ("mail" OR "deliv"*) NOT "calendar"`},
	} {
		if tt.got != tt.want {
			t.Errorf("got %s, want %s", tt.got, tt.want)
		}
	}
	if q.Included() != 2 {
		t.Errorf("included = %d", q.Included())
	}
	empty, _ := Parse("en", "-only")
	if empty.AnyFTS5() != "" || empty.AnyTSQuery() != "" || empty.FTS5Column("x", false) != "" {
		t.Error("an empty query renders")
	}
}

func TestSnippetOfLongText(t *testing.T) {
	q, _ := Parse("en", "password ")
	long := "Intro words here. " + "Reset the password of a user. " + strings.Repeat("Filler sentence about nothing much. ", 2000)
	frs := Snippet(q, long, 60)
	var text string
	marked := 0
	for _, f := range frs {
		text += f.Text
		if f.Match {
			marked++
		}
	}
	if marked != 1 || !strings.HasSuffix(text, "…") || len([]rune(text)) > 62 || !strings.Contains(text, "password") {
		t.Fatalf("snippet = %q (%d marked)", text, marked)
	}
}
