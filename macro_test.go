package desk_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"desk"
)

// TestMacrosComplete: every built-in macro has a title and a body in every
// language, uses only the known placeholders, and names the case.
func TestMacrosComplete(t *testing.T) {
	ms := desk.BuiltinMacros()
	if len(ms) < 5 {
		t.Fatalf("%d macros, want at least 5", len(ms))
	}
	seen := map[string]bool{}
	placeholder := regexp.MustCompile(`\{[a-z_]+\}`)
	for _, m := range ms {
		if seen[m.ID] || m.ID == "" {
			t.Errorf("macro id %q empty or repeated", m.ID)
		}
		seen[m.ID] = true
		for _, lang := range desk.Languages {
			if strings.TrimSpace(m.Title[lang]) == "" || strings.TrimSpace(m.Body[lang]) == "" {
				t.Errorf("macro %s has no title or body in %s", m.ID, lang)
			}
			for _, p := range placeholder.FindAllString(m.Body[lang], -1) {
				if !slices.Contains(desk.MacroPlaceholders, p) {
					t.Errorf("macro %s (%s) uses unknown placeholder %s", m.ID, lang, p)
				}
			}
			if !strings.Contains(m.Body[lang], "{case_id}") || !strings.Contains(m.Body[lang], "{agent_name}") {
				t.Errorf("macro %s (%s) does not name the case and the agent", m.ID, lang)
			}
			if lang != "en" && m.Body[lang] == m.Body["en"] {
				t.Errorf("macro %s: the %s body is the English one", m.ID, lang)
			}
		}
	}
	if desk.MacroByID("acknowledge") == nil || desk.MacroByID("no such macro") != nil {
		t.Fatal("MacroByID")
	}
}

// TestMacroRender: placeholders are filled in once, in the case's language.
func TestMacroRender(t *testing.T) {
	m := desk.MacroByID("acknowledge")
	got := m.Render("nl", desk.MacroValues{CustomerName: "{agent_name}", CaseID: 1042, AgentName: "Noor Bakker"})
	if !strings.HasPrefix(got, "Beste {agent_name},") || !strings.Contains(got, "#1042") || !strings.HasSuffix(got, "Noor Bakker") {
		t.Fatalf("rendered: %q", got)
	}
	if en := m.Render("xx", desk.MacroValues{CustomerName: "Ada", CaseID: 7, AgentName: "Sam"}); !strings.HasPrefix(en, "Hello Ada,") {
		t.Fatalf("unknown language does not fall back to English: %q", en)
	}
	if m.TitleIn("de") == m.TitleIn("en") || m.TitleIn("xx") != m.TitleIn("en") {
		t.Fatal("TitleIn")
	}
}
