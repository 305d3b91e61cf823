package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"desk"
	"desk/locale"
)

// searchFragments returns the English texts of the search area, for
// checking that none reaches a page in another language.
func searchFragments() []string {
	en := locale.For("en", nil)
	var out []string
	for _, k := range locale.Keys("en") {
		if !strings.HasPrefix(k, "search.") {
			continue
		}
		for _, part := range strings.Split(en.T(k), "{") {
			if part = strings.TrimSpace(part); len(part) >= 12 && strings.Contains(part, " ") {
				out = append(out, part)
			}
		}
	}
	return out
}

// TestConsoleSearch: an agent finds a customer's case by a word of an
// internal note, with the word highlighted and everything escaped, in the
// agent's language; filters narrow the results; bad input is explained;
// customers never reach the page.
func TestConsoleSearch(t *testing.T) {
	s := newSite(t)
	c := s.openCase("carl@contoso.example", "Quokka printers <b>jam</b> every morning")
	agentDE := s.user("agent.de@vendor.example")
	if _, err := s.svc.AddMessage(s.ctx, agentDE, c.ID, desk.Reply{Body: "The wombat firmware <i>4.2</i> is to blame.", Internal: true}); err != nil {
		t.Fatal(err)
	}
	de := locale.For("de", nil)
	b := s.browser()
	b.signIn("agent.de@vendor.example")

	form := b.get("/console/search")
	form.has(t, de.T("search.title"), `action="/console/search"`, `name="q"`, `href="/console/search" aria-current="page"`)
	form.lacks(t, `id="search-empty"`)
	form.lacks(t, searchFragments()...)

	p := b.get("/console/search?q=wombat")
	if p.status != http.StatusOK {
		t.Fatalf("search: %d\n%s", p.status, p.body)
	}
	p.has(t, fmt.Sprintf(`id="hit-%d"`, c.ID), fmt.Sprintf(`href="/console/cases/%d"`, c.ID), "<mark>wombat</mark>",
		"Quokka printers &lt;b&gt;jam&lt;/b&gt; every morning", "&lt;i&gt;4.2&lt;/i&gt;", "Contoso")
	p.lacks(t, "<b>jam</b>", "<i>4.2</i>")
	p.lacks(t, searchFragments()...)

	// Stemmed and in another language's reading: "printer" finds
	// "printers"; the title is where it matched.
	p = b.get("/console/search?q=" + url.QueryEscape("Printer quokka"))
	p.has(t, fmt.Sprintf(`id="hit-%d"`, c.ID), "<mark>printers</mark>", de.T("search.where.case"))

	// Filters.
	b.get("/console/search?q=wombat&status=closed").has(t, `id="search-empty"`, de.T("search.none"))
	b.get(fmt.Sprintf("/console/search?q=wombat&org=%d", c.OrgID)).has(t, fmt.Sprintf(`id="hit-%d"`, c.ID))
	b.get(fmt.Sprintf("/console/search?q=wombat&org=%d", c.OrgID+1000)).has(t, `id="search-empty"`)
	b.get("/console/search?q=wombat&from=2000-01-01&to=2999-12-31").has(t, fmt.Sprintf(`id="hit-%d"`, c.ID))
	b.get("/console/search?q=wombat&to=2000-01-01").has(t, `id="search-empty"`)

	// Bad input is explained, never a server error.
	for q, key := range map[string]string{
		"q=":                            "search.error.query_required",
		"q=" + strings.Repeat("a", 501): "search.error.query_too_long",
		"q=a1+a2+a3+a4+a5+a6+a7+a8+a9+a10+a11+a12+a13": "search.error.too_many_terms",
		"q=x&from=gestern": "search.error.invalid_from",
		"q=x&org=abc":      "search.error.invalid_org",
		"q=x&status=bogus": "search.error.invalid",
	} {
		p := b.get("/console/search?" + q)
		if p.status != http.StatusBadRequest {
			t.Fatalf("%s: %d", q, p.status)
		}
		p.has(t, de.T(key), `aria-invalid="true"`)
	}
	for _, q := range []string{`"wombat`, `(((`, `wombat AND OR NOT`, "wombat\x00", `'; DROP TABLE cases; --`, `*`} {
		if p := b.get("/console/search?q=" + url.QueryEscape(q)); p.status != http.StatusOK {
			t.Fatalf("q=%q: %d\n%s", q, p.status, p.body)
		}
	}

	// A customer never gets the page, nor the note through it.
	cb := s.browser()
	cb.signIn("carl@contoso.example")
	cp := cb.get("/console/search?q=wombat")
	cp.lacks(t, fmt.Sprintf(`id="hit-%d"`, c.ID), "wombat firmware")
}
