package ui

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"desk"
	"desk/locale"
	"desk/postgres/pgtest"
)

// kbSites runs f on a fresh demo site over SQLite and, when
// SUPPORTDESK_TEST_POSTGRES is set, over PostgreSQL: the help centre
// reads, searches and counts through both stores.
func kbSites(t *testing.T, f func(t *testing.T, s *site)) {
	t.Run("sqlite", func(t *testing.T) { f(t, newSite(t)) })
	t.Run("postgres", func(t *testing.T) { f(t, newSiteOn(t, pgtest.Open(t))) })
}

// article writes an article as staff, published unless draft is set.
func (s *site) article(in desk.ArticleInput, draft bool) *desk.Article {
	s.t.Helper()
	editor := s.user("agent.nl@vendor.example")
	a, err := s.svc.CreateArticle(s.ctx, editor, in)
	if err != nil {
		s.t.Fatal(err)
	}
	if !draft {
		if a, err = s.svc.PublishArticle(s.ctx, editor, a.ID); err != nil {
			s.t.Fatal(err)
		}
	}
	return a
}

// articleNow reads an article as staff.
func (s *site) articleNow(id int64) *desk.Article {
	s.t.Helper()
	a, err := s.svc.Article(s.ctx, s.user("sam@vendor.example"), id)
	if err != nil {
		s.t.Fatal(err)
	}
	return a
}

// demoArticle returns a demo article by key and language.
func (s *site) demoArticle(key, lang string) *desk.Article {
	s.t.Helper()
	a, err := s.svc.ArticleByKey(s.ctx, s.user("sam@vendor.example"), key, lang)
	if err != nil {
		s.t.Fatalf("demo article %s/%s: %v", key, lang, err)
	}
	return a
}

// TestHelpCentreAnonymous: anyone reads the help centre without signing
// in: the topics with their articles, a sign-in link instead of the
// navigation, and never a draft or an article limited to signed-in
// admins, by any path.
func TestHelpCentreAnonymous(t *testing.T) {
	kbSites(t, func(t *testing.T, s *site) {
		draft := s.article(desk.ArticleInput{Key: "kbtest-draft", Lang: "en", Title: "Unfinished quarantine guide",
			Body: "Release held messages from quarantine.", Category: "mail"}, true)
		limited := s.article(desk.ArticleInput{Key: "kbtest-escalation", Lang: "en", Title: "Escalation matrix for quarantine outages",
			Body: "Whom to call when quarantine stalls.", Category: "contact-support", Visibility: desk.VisibilitySignedIn}, false)

		anon := s.browser()
		anon.lang = "en"
		p := anon.get("/help")
		if p.status != http.StatusOK {
			t.Fatalf("/help: %d\n%s", p.status, p.body)
		}
		p.has(t, `<html lang="en">`, en.T("kb.help.title"), en.T("kb.category.sign-in"), `id="sign-in"`,
			`href="/help/password-reset"`, html.EscapeString(s.demoArticle("password-reset", "en").Title), `action="/help/search"`)
		p.lacks(t, `aria-label="`+en.T("nav.main")+`"`, draft.Title, limited.Title, "⟦")
		checkPage(t, p)

		for _, path := range []string{"/help/kbtest-draft", "/help/kbtest-escalation", "/help/kbtest-draft?lang=en", "/help/no-such-article"} {
			if p := anon.get(path); p.status != http.StatusNotFound {
				t.Errorf("anonymous %s: %d, want 404", path, p.status)
			}
		}
		p = anon.get("/help/search?q=quarantine")
		p.lacks(t, "Unfinished", "Escalation matrix")
		if p := anon.post("/help/kbtest-escalation/vote", url.Values{"helpful": {"yes"}, "lang": {"en"}}); p.status != http.StatusNotFound {
			t.Errorf("anonymous vote on a limited article: %d", p.status)
		}

		// A signed-in customer admin reads the limited article, not the
		// draft; staff read neither in the help centre (drafts are
		// previewed in the console).
		carl := s.browser()
		carl.signIn("carl@contoso.example")
		carl.pickLanguage("en")
		carl.get("/help/kbtest-escalation?lang=en").has(t, "Escalation matrix for quarantine outages", en.T("kb.article.signed_in_only"))
		carl.get("/help/search?q=quarantine+matrix&lang=en").has(t, "Escalation <mark>matrix</mark>")
		if p := carl.get("/help/kbtest-draft?lang=en"); p.status != http.StatusNotFound {
			t.Errorf("carl reads a draft: %d", p.status)
		}
		uma := s.browser()
		uma.signIn("uma@contoso.example")
		if p := uma.get("/help/kbtest-escalation?lang=en"); p.status != http.StatusNotFound {
			t.Errorf("an ordinary user reads an admins' article: %d", p.status)
		}
		sam := s.browser()
		sam.signIn("sam@vendor.example")
		if p := sam.get("/help/kbtest-draft?lang=en"); p.status != http.StatusNotFound {
			t.Errorf("staff read a draft in the help centre: %d", p.status)
		}
	})
}

// TestHelpSearch: the Dutch search for "wachtwoorden opnieuw instellen"
// finds the article about resetting a password with the words marked;
// typed markup is escaped, hostile input gives results, and a query that
// is too long or has too many words is answered 400 with the reason.
func TestHelpSearch(t *testing.T) {
	kbSites(t, func(t *testing.T, s *site) {
		nl := locale.For("nl", nil)
		b := s.browser()
		b.lang = "nl"
		p := b.get("/help/search?q=" + url.QueryEscape("wachtwoorden opnieuw instellen"))
		if p.status != http.StatusOK {
			t.Fatalf("search: %d\n%s", p.status, p.body)
		}
		p.has(t, `<html lang="nl">`, `href="/help/password-reset?q=wachtwoorden&#43;opnieuw&#43;instellen"`,
			"Het <mark>wachtwoord</mark> van een gebruiker <mark>opnieuw</mark> <mark>instellen</mark>",
			nl.T("kb.search.found", "count", strings.Count(section(t, p, "results-title"), "<li>")))
		checkPage(t, p)
		// The best match comes first.
		if first := regexp.MustCompile(`<h3><a href="/help/([a-z0-9-]+)`).FindStringSubmatch(p.body); first == nil || first[1] != "password-reset" {
			t.Errorf("first result = %v, want password-reset", first)
		}

		// Swedish without the accents finds the accented words.
		b.lang = "sv"
		b.get("/help/search?q=losenord").has(t, `href="/help/password-reset?q=losenord"`, "<mark>lösenord</mark>")

		b.lang = "en"
		b.get("/help/search?q="+url.QueryEscape(`<script>alert(1)</script> password`)).lacks(t, "<script>alert(1)")
		for _, q := range []string{`"password`, `(reset OR`, "pass\x00word", `-* NEAR/3 AND "" *`, `'; DROP TABLE articles; --`} {
			if p := b.get("/help/search?q=" + url.QueryEscape(q)); p.status != http.StatusOK {
				t.Errorf("search %q: %d\n%s", q, p.status, p.body)
			}
		}
		long := b.get("/help/search?q=" + url.QueryEscape(strings.Repeat("password ", 80)))
		if long.status != http.StatusBadRequest {
			t.Errorf("long query: %d", long.status)
		}
		long.has(t, en.T("kb.search.query_too_long"), `role="alert"`)
		many := b.get("/help/search?q=" + url.QueryEscape("one two three four five six seven eight nine ten eleven twelve thirteen"))
		if many.status != http.StatusBadRequest {
			t.Errorf("many words: %d", many.status)
		}
		many.has(t, en.T("kb.search.too_many_terms", "max", 12))

		// "Need help?" sends a description, which may run longer than a
		// query: it is searched by its first words, not refused.
		carl := s.browser()
		carl.signIn("carl@contoso.example")
		d := carl.get("/help?q=" + url.QueryEscape(strings.Repeat("Das Passwort eines Benutzers ist abgelaufen und ", 30)))
		if d.status != http.StatusOK {
			t.Fatalf("long description: %d", d.status)
		}
		d.has(t, `id="help-results"`, `id="contact-support"`)
		if !regexp.MustCompile(`<h3><a href="/help/[a-z0-9-]+\?hs=`).MatchString(d.body) {
			t.Error("the suggestions of a long description carry no help session")
		}
	})
}

// TestHelpArticleLanguage: an article is shown in the reader's language
// (?lang=, the user's own, Accept-Language), with links to its other
// languages, and in English with a note when it has no translation yet.
func TestHelpArticleLanguage(t *testing.T) {
	kbSites(t, func(t *testing.T, s *site) {
		b := s.browser()
		b.lang = "de"
		p := b.get("/help/password-reset")
		p.has(t, `<html lang="de">`, `<article class="article" lang="de"`, html.EscapeString(s.demoArticle("password-reset", "de").Title),
			`hreflang="sv"`, `href="/help/password-reset?lang=sv"`, `hreflang="en"`)
		p.lacks(t, `id="fallback-note"`, `hreflang="de"`)
		checkPage(t, p)
		b.get("/help/password-reset?lang=sv").has(t, `<article class="article" lang="sv"`, html.EscapeString(s.demoArticle("password-reset", "sv").Title))

		// The signed-in user's own language wins over the browser's.
		daan := s.browser()
		daan.lang = "en"
		daan.signIn("daan@fabrikam.example")
		daan.get("/help/password-reset").has(t, `<html lang="nl">`, html.EscapeString(s.demoArticle("password-reset", "nl").Title))

		s.article(desk.ArticleInput{Key: "kbtest-english-only", Lang: "en", Title: "Rotating the DKIM key",
			Body: "Publish the **new** selector first, then switch.", Category: "mail", Products: []string{"mail"}}, false)
		b.lang = "nl"
		p = b.get("/help/kbtest-english-only")
		if p.status != http.StatusOK {
			t.Fatalf("fallback: %d", p.status)
		}
		nl := locale.For("nl", nil)
		p.has(t, `<html lang="nl">`, `<article class="article" lang="en"`, "Rotating the DKIM key", "<strong>new</strong>",
			nl.T("kb.article.fallback", "language", locale.Name("nl")))
	})
}

// TestHelpVote: "was this helpful?" works without signing in and without
// script, counts once per browser, keeps a comment that is too long for
// correcting, and refuses a cross-site post.
func TestHelpVote(t *testing.T) {
	kbSites(t, func(t *testing.T, s *site) {
		a := s.demoArticle("password-reset", "en")
		b := s.browser()
		b.lang = "en"
		b.get("/help/password-reset").has(t, `id="vote-form"`, `action="/help/password-reset/vote"`, `name="helpful" value="yes"`)

		p := b.post("/help/password-reset/vote", url.Values{"helpful": {"yes"}, "lang": {"en"}, "comment": {"Clear steps."}})
		loc := location(t, p, "/help/password-reset?")
		if !strings.Contains(loc, "voted=1") {
			t.Fatalf("vote went to %s", loc)
		}
		if got := s.articleNow(a.ID); got.HelpfulYes != a.HelpfulYes+1 || got.HelpfulNo != a.HelpfulNo {
			t.Fatalf("after a yes: %d yes, %d no (was %d, %d)", got.HelpfulYes, got.HelpfulNo, a.HelpfulYes, a.HelpfulNo)
		}
		p = b.get(loc)
		p.has(t, `id="vote-thanks"`, en.T("kb.vote.thanks"))
		p.lacks(t, `id="vote-form"`)
		// A second click from the same browser is thanked, not counted.
		location(t, b.post("/help/password-reset/vote", url.Values{"helpful": {"no"}, "lang": {"en"}}), "/help/password-reset?")
		if got := s.articleNow(a.ID); got.HelpfulYes != a.HelpfulYes+1 || got.HelpfulNo != a.HelpfulNo {
			t.Fatalf("a second vote counted: %d yes, %d no", got.HelpfulYes, got.HelpfulNo)
		}

		// Another browser's "no" with a comment that is too long comes
		// back with the comment kept and the reason.
		other := s.browser()
		other.lang = "en"
		long := strings.Repeat("x", desk.MaxVoteCommentLen+1)
		p = other.post("/help/password-reset/vote", url.Values{"helpful": {"no"}, "lang": {"en"}, "comment": {long}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("long comment: %d", p.status)
		}
		p.has(t, long, en.T("kb.vote.comment_too_long", "max", desk.MaxVoteCommentLen), `aria-invalid="true"`)
		location(t, other.post("/help/password-reset/vote", url.Values{"helpful": {"no"}, "lang": {"en"}, "comment": {"Missing MFA."}}), "/help/password-reset?")
		if got := s.articleNow(a.ID); got.HelpfulNo != a.HelpfulNo+1 {
			t.Fatalf("no-vote not counted: %d", got.HelpfulNo)
		}

		// A post from another site is refused before it counts.
		req, _ := http.NewRequest("POST", s.ts.URL+"/help/password-reset/vote", strings.NewReader("helpful=yes&lang=en"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if p := s.browser().do(req); p.status != http.StatusForbidden {
			t.Errorf("cross-site vote: %d", p.status)
		}
		if got := s.articleNow(a.ID); got.HelpfulYes != a.HelpfulYes+1 {
			t.Errorf("the cross-site vote counted: %d", got.HelpfulYes)
		}
	})
}

var helpSessionLink = regexp.MustCompile(`href="/cases/new\?hs=([A-Za-z0-9_-]+)&amp;text=`)

// needHelp searches as "Need help?" does and returns the page and its
// help session.
func needHelp(t *testing.T, b *browser, q string) (page, string) {
	t.Helper()
	p := b.get("/help?q=" + url.QueryEscape(q))
	m := helpSessionLink.FindStringSubmatch(p.body)
	if p.status != http.StatusOK || m == nil {
		t.Fatalf("need help %q: %d, no session in the contact link\n%s", q, p.status, p.body)
	}
	return p, m[1]
}

// TestDeflection: "Need help?" records its sessions through the real
// pages. A session whose article was opened and which then opened a case
// is not deflected; one whose article was opened and marked helpful with
// no case is. The supervisors' report shows both; staff searching are not
// counted.
func TestDeflection(t *testing.T) {
	kbSites(t, func(t *testing.T, s *site) {
		sam := s.user("sam@vendor.example")
		report := func() []desk.DeflectionRow {
			t.Helper()
			rows, err := s.svc.DeflectionReport(s.ctx, sam, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}
		if rows := report(); len(rows) != 0 {
			t.Fatalf("report before = %+v", rows)
		}

		// 1. Carl asks, opens the suggested article, then opens a case.
		carl := s.browser()
		carl.signIn("carl@contoso.example")
		p, hs1 := needHelp(t, carl, "Ordner im Drive lässt sich nicht umbenennen")
		link := regexp.MustCompile(`<h3><a href="(/help/[^"]+)"`).FindStringSubmatch(p.body)
		if link == nil || !strings.Contains(link[1], "hs="+hs1) {
			t.Fatalf("suggestion link = %v, want the session %s", link, hs1)
		}
		art := carl.get(strings.ReplaceAll(link[1], "&amp;", "&"))
		art.has(t, `name="hs" value="`+hs1+`"`, `href="/cases/new?hs=`+hs1)
		form := carl.get("/cases/new?hs=" + hs1 + "&text=" + url.QueryEscape("Ordner im Drive lässt sich nicht umbenennen"))
		form.has(t, `name="hs" value="`+hs1+`"`)
		v := contosoCase(newIdemKey())
		v.Set("hs", hs1)
		v.Set("related", "new")
		location(t, carl.postMultipart("/cases", v), "/cases/")

		// 2. Carl asks again, opens an article and marks it helpful; no
		// case follows.
		p, hs2 := needHelp(t, carl, "Passwort zurücksetzen")
		if hs2 == hs1 {
			t.Fatal("a new search reused the old session")
		}
		link = regexp.MustCompile(`<h3><a href="(/help/[^"]+)"`).FindStringSubmatch(p.body)
		carl.get(strings.ReplaceAll(link[1], "&amp;", "&")).has(t, `name="hs" value="`+hs2+`"`)
		key := strings.TrimPrefix(strings.SplitN(link[1], "?", 2)[0], "/help/")
		location(t, carl.post("/help/"+key+"/vote", url.Values{"helpful": {"yes"}, "lang": {"de"}, "hs": {hs2}}), "/help/"+key)

		// Staff searching and reading are not recorded.
		agent := s.browser()
		agent.signIn("agent.de@vendor.example")
		agent.get("/help?q=Passwort")
		agent.get("/help/search?q=Passwort")

		var sessions, suggested, opened, helpful, cased, deflected int
		for _, r := range report() {
			sessions += r.Sessions
			suggested += r.WithSuggestions
			opened += r.Opened
			helpful += r.Helpful
			cased += r.CasesOpened
			deflected += r.Deflected
		}
		if sessions != 2 || suggested != 2 || opened != 2 || helpful != 1 || cased != 1 || deflected != 1 {
			t.Fatalf("report: %d sessions, %d with suggestions, %d opened, %d helpful, %d cases, %d deflected; want 2 2 2 1 1 1\n%+v",
				sessions, suggested, opened, helpful, cased, deflected, report())
		}

		// The supervisor reads it; an agent may not.
		sb := s.browser()
		sb.signIn("sam@vendor.example")
		page := sb.get("/console/deflection")
		if page.status != http.StatusOK {
			t.Fatalf("deflection page: %d\n%s", page.status, page.body)
		}
		page.has(t, `<table id="deflection"`, en.T("kb.deflection.col.rate"), "Drive", "Deutsch")
		checkPage(t, page)
		if p := agent.get("/console/deflection"); p.status != http.StatusForbidden {
			t.Errorf("agent reads the deflection report: %d", p.status)
		}
		if p := carl.get("/console/deflection"); p.status != http.StatusForbidden {
			t.Errorf("customer reads the deflection report: %d", p.status)
		}
		// A period without sessions says so.
		sb.get("/console/deflection?from=2020-01-01&to=2020-01-31").has(t, en.T("kb.deflection.none"))
		if p := sb.get("/console/deflection?from=2020-02-01&to=2020-01-01"); p.status != http.StatusBadRequest {
			t.Errorf("reversed period: %d", p.status)
		}
	})
}

// TestHelpSearchCorrection: a misspelt word in the help centre's search
// is searched as the nearest word of the articles, and the page says so
// with a link to search for what was typed; a search that finds
// something says nothing of the kind.
func TestHelpSearchCorrection(t *testing.T) {
	kbSites(t, func(t *testing.T, s *site) {
		b := s.browser()
		b.lang = "en"
		p := b.get("/help/search?q=pasword")
		if p.status != http.StatusOK {
			t.Fatalf("search: %d\n%s", p.status, p.body)
		}
		p.has(t, `id="search-corrected"`, html.EscapeString(en.T("kb.search.corrected", "query", "password")),
			`href="/help/search?exact=1&amp;q=pasword" id="search-exact"`, html.EscapeString(en.T("kb.search.instead", "query", "pasword")),
			`id="help-results"`, "<mark>")
		// The articles open with what the reader typed, as before.
		if !regexp.MustCompile(`<h3><a href="/help/[a-z0-9-]+\?q=pasword"`).MatchString(p.body) {
			t.Error("result links do not carry the typed query")
		}
		checkPage(t, p)

		// "Search instead for" searches exactly what was typed.
		exact := b.get("/help/search?exact=1&q=pasword")
		exact.has(t, en.T("kb.search.none"))
		exact.lacks(t, `id="search-corrected"`, `id="help-results"`)

		// A search that finds something is left alone.
		b.get("/help/search?q=password").lacks(t, `id="search-corrected"`)

		// Dutch, from the reader's language, with the reader's quotes.
		b.lang = "nl"
		nl := locale.For("nl", nil)
		b.get("/help/search?q=wachtwoort").has(t, html.EscapeString(nl.T("kb.search.corrected", "query", "wachtwoord")),
			html.EscapeString(nl.T("kb.search.instead", "query", "wachtwoort")), `id="help-results"`)
	})
}
