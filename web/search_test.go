package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"desk"
)

type hitBody struct {
	Case    desk.Case     `json:"case"`
	Message *desk.Message `json:"message"`
	Snippet []snippetPart `json:"snippet"`
}

type hitsBody struct {
	Items     []hitBody `json:"items"`
	NextAfter int64     `json:"next_after"`
}

func (e *env) searchCases(as string, query string) hitsBody {
	e.t.Helper()
	var out hitsBody
	e.get(as, "/api/v1/search/cases?"+query).ok(e.t, http.StatusOK, &out)
	return out
}

func hitIDs(h hitsBody) []int64 {
	var ids []int64
	for _, it := range h.Items {
		ids = append(ids, it.Case.ID)
	}
	return ids
}

func marked(sn []snippetPart) []string {
	var out []string
	for _, p := range sn {
		if p.Match {
			out = append(out, p.Text)
		}
	}
	return out
}

// TestSearchCasesAPI: agents search every organisation's cases, internal
// notes included; customers only their own organisation's, and a note
// never makes a case match for them. Bad input is a 400 with a code.
func TestSearchCasesAPI(t *testing.T) {
	onEachStore(t, func(t *testing.T, e *env) {
		mine := e.openCase(carl, e.newCase(carl, "Quokka printers jam every morning"))
		e.post(agent, fmt.Sprintf("/api/v1/cases/%d/messages", mine.ID), map[string]any{"body": "The wombat firmware is to blame.", "internal": true}).ok(t, http.StatusCreated, nil)
		var reply desk.Message
		e.post(agent, fmt.Sprintf("/api/v1/cases/%d/messages", mine.ID), map[string]any{"body": "Please update the printer driver to 4.2."}).ok(t, http.StatusCreated, &reply)
		other := e.openCase(ada, e.newCase(ada, "Quokka relay bounces mail"))

		if got := hitIDs(e.searchCases(agent, "q=quokka")); len(got) != 2 || got[0] != other.ID || got[1] != mine.ID {
			t.Fatalf("agent: quokka = %v, want [%d %d]", got, other.ID, mine.ID)
		}
		if got := hitIDs(e.searchCases(carl, "q=quokka")); len(got) != 1 || got[0] != mine.ID {
			t.Fatalf("carl: quokka = %v, want only his organisation's case %d", got, mine.ID)
		}
		if got := hitIDs(e.searchCases(ada, "q=quokka")); len(got) != 1 || got[0] != other.ID {
			t.Fatalf("ada: quokka = %v, want only %d", got, other.ID)
		}
		if got := e.searchCases(agent, "q=quokka&org="+fmt.Sprint(other.OrgID)); len(got.Items) != 1 || got.Items[0].Case.ID != other.ID {
			t.Fatalf("agent with org filter = %v", hitIDs(got))
		}

		// The internal note: found by the agent, with the note shown;
		// never by the customer.
		h := e.searchCases(agent, "q=wombat")
		if len(h.Items) != 1 || h.Items[0].Message == nil || h.Items[0].Message.Kind != desk.MessageInternal ||
			strings.Join(marked(h.Items[0].Snippet), ",") != "wombat" {
			t.Fatalf("agent: wombat = %+v", h)
		}
		if res := e.get(carl, "/api/v1/search/cases?q=wombat"); strings.Contains(string(res.Body), "wombat") || len(e.searchCases(carl, "q=wombat").Items) != 0 {
			t.Fatalf("carl found the internal note: %s", res.Body)
		}

		// A reply, stemmed: "drivers" finds "driver", and the snippet
		// marks the words.
		h = e.searchCases(carl, "q="+url.QueryEscape("printer drivers"))
		if len(h.Items) != 1 || h.Items[0].Message == nil || h.Items[0].Message.ID != reply.ID ||
			strings.Join(marked(h.Items[0].Snippet), ",") != "printer,driver" {
			t.Fatalf("carl: printer drivers = %+v", h)
		}

		// Pages of one.
		p1 := e.searchCases(agent, "q=quokka&limit=1")
		if len(p1.Items) != 1 || p1.Items[0].Case.ID != other.ID || p1.NextAfter != other.ID {
			t.Fatalf("page 1 = %+v", p1)
		}
		p2 := e.searchCases(agent, fmt.Sprintf("q=quokka&limit=1&after=%d", p1.NextAfter))
		if len(p2.Items) != 1 || p2.Items[0].Case.ID != mine.ID || p2.NextAfter != 0 {
			t.Fatalf("page 2 = %+v", p2)
		}

		// Filters: the case is new, of today.
		if got := e.searchCases(agent, "q=quokka&status=resolved,closed"); len(got.Items) != 0 {
			t.Fatalf("status filter = %v", hitIDs(got))
		}
		if got := e.searchCases(agent, "q=quokka&severity=normal&from=2000-01-01"); len(got.Items) != 2 {
			t.Fatalf("severity and from = %v", hitIDs(got))
		}
		if got := e.searchCases(agent, "q=quokka&to=2000-01-01"); len(got.Items) != 0 {
			t.Fatalf("to = %v", hitIDs(got))
		}

		// Who may not search.
		e.get(bill, "/api/v1/search/cases?q=quokka").problem(t, 403, "support_privilege_required")
		e.get(stan, "/api/v1/search/cases?q=quokka").problem(t, 403, "staff_only")

		// Bad input is a clear 400.
		for _, tt := range []struct{ query, code string }{
			{"", "query_required"},
			{"q=+++", "query_required"},
			{"q=" + strings.Repeat("a", 501), "query_too_long"},
			{"q=" + url.QueryEscape(strings.Repeat("word", 1)+" a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12"), "too_many_terms"},
			{"q=x&status=bogus", "invalid_status"},
			{"q=x&severity=urgent", "invalid_severity"},
			{"q=x&limit=0", "invalid_limit"},
			{"q=x&limit=101", "invalid_limit"},
			{"q=x&from=yesterday", "invalid_from"},
			{"q=x&to=2026-13-01", "invalid_to"},
			{"q=x&from=2026-03-02&to=2026-03-01", "invalid_range"},
			{"q=x&after=abc", "invalid_cursor"},
			{"q=x&after=-5", "invalid_cursor"},
			{"q=x&org=0", "invalid_org"},
			{"q=x&lang=fr", "invalid_language"},
		} {
			e.get(agent, "/api/v1/search/cases?"+tt.query).problem(t, 400, tt.code)
		}
		// Hostile text gives results, never a 500.
		for _, q := range []string{`"quokka`, `quokka)`, `(((`, `quokka AND OR NOT`, `NEAR(quokka printer)`, "quokka\x00printer",
			`col:quokka`, `'; DROP TABLE cases; --`, `quokka & | ! <-> :*`, `*`, `-quokka`, `"""`, `\`, `%_`, "\xff\xfe"} {
			res := e.get(agent, "/api/v1/search/cases?q="+url.QueryEscape(q))
			if res.Status != http.StatusOK {
				t.Fatalf("q=%q: %d %s", q, res.Status, res.Body)
			}
		}
		if got := e.searchCases(agent, "q="+url.QueryEscape(`"quokka printer"`)); len(got.Items) != 1 || got.Items[0].Case.ID != mine.ID {
			t.Fatalf("phrase = %v", hitIDs(got))
		}
	})
}
