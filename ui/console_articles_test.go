package ui

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"desk"
	"desk/locale"
)

var articleEditLink = regexp.MustCompile(`^/console/articles/(\d+)\?done=(\w+)#main$`)

// savedArticle checks that an editor post was accepted with a redirect to
// the article's editor and returns the article's id.
func savedArticle(t *testing.T, p page, done string) int64 {
	t.Helper()
	m := articleEditLink.FindStringSubmatch(p.header.Get("Location"))
	if p.status != http.StatusSeeOther || m == nil || m[2] != done {
		t.Fatalf("want 303 to the editor with done=%s, got %d → %q\n%s", done, p.status, p.header.Get("Location"), p.body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// articleForm is a valid editor form.
func articleForm(key, title string) url.Values {
	return url.Values{
		"key": {key}, "lang": {"en"}, "title": {title}, "category": {"mail"}, "products": {"mail"},
		"visibility": {"public"},
		"body":       {"Open **Mail settings** and choose *Forwarding*.\n\n<script>alert(1)</script>\n\n- one\n- two"},
	}
}

// pickLanguage chooses the page language in the picker, which wins over
// the user's own.
func (b *browser) pickLanguage(lang string) {
	b.s.t.Helper()
	if p := b.post("/language", url.Values{"lang": {lang}, "next": {"/"}}); p.status != http.StatusSeeOther {
		b.s.t.Fatalf("pick language: %d", p.status)
	}
}

// TestConsoleArticleEditor: staff write a draft, preview it safely
// rendered, edit it, lose a race to a colleague without losing their text,
// read the revisions, publish it into the help centre and archive it out
// again. Customers reach none of it.
func TestConsoleArticleEditor(t *testing.T) {
	kbSites(t, func(t *testing.T, s *site) {
		agent := s.browser()
		agent.signIn("agent.nl@vendor.example")
		agent.pickLanguage("en")

		list := agent.get("/console/articles?lang=nl&state=published")
		if list.status != http.StatusOK {
			t.Fatalf("list: %d\n%s", list.status, list.body)
		}
		list.has(t, `<table id="articles"`, "password-reset", `lang="nl"`)
		list.lacks(t, `<a href="/console/articles/`+fmt.Sprint(s.demoArticle("password-reset", "en").ID)+`"`)
		checkPage(t, list)
		agent.get("/console/articles/new").has(t, `id="article-form"`, `name="key"`, `name="body"`)

		// A key in the wrong shape is refused next to the field, with the
		// text kept.
		bad := articleForm("Not A Key", "Forward mail to another address")
		p := agent.post("/console/articles", bad)
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad key: %d", p.status)
		}
		p.has(t, `id="key-error"`, "Forward mail to another address")
		// The same key and language twice is refused.
		id := savedArticle(t, agent.post("/console/articles", articleForm("kbtest-forwarding", "Forward mail to another address")), "created")
		agent.post("/console/articles", articleForm("kbtest-forwarding", "Again")).has(t, en.T("kb.editor.key_taken"))

		a := s.articleNow(id)
		if a.State != "draft" || a.Version != 1 || a.Lang != "en" || len(a.Products) != 1 {
			t.Fatalf("created = %+v", a)
		}
		edit := fmt.Sprintf("/console/articles/%d", id)
		p = agent.get(edit + "?done=created")
		p.has(t, en.T("kb.flash.created"), `name="version" value="1"`, `id="publish-form"`, en.T("kb.state.draft"),
			`href="/console/articles/new?from=`+fmt.Sprint(id)+`&amp;lang=nl"`)
		checkPage(t, p)

		// Readers do not see a draft; the preview shows it sanitised.
		anon := s.browser()
		if p := anon.get("/help/kbtest-forwarding?lang=en"); p.status != http.StatusNotFound {
			t.Fatalf("anonymous reads a draft: %d", p.status)
		}
		pv := agent.get(edit + "/preview")
		pv.has(t, `id="preview-banner"`, "<strong>Mail settings</strong>", "<li>one</li>")
		pv.lacks(t, "<script>alert(1)", `id="vote-form"`)

		// An edit from version 1 is saved as version 2.
		v := articleForm("kbtest-forwarding", "Forward a mailbox to another address")
		v.Set("version", "1")
		savedArticle(t, agent.post(edit, v), "saved")
		if a := s.articleNow(id); a.Version != 2 || a.Title != "Forward a mailbox to another address" {
			t.Fatalf("after the edit: %+v", a)
		}

		// A colleague still on version 1 saves: the conflict is shown,
		// the typed text is kept and the form now names version 2.
		colleague := s.browser()
		colleague.signIn("agent.de@vendor.example")
		colleague.pickLanguage("en")
		v = articleForm("kbtest-forwarding", "Colleague's stale title")
		v.Set("version", "1")
		p = colleague.post(edit, v)
		if p.status != http.StatusConflict {
			t.Fatalf("stale edit: %d\n%s", p.status, p.body)
		}
		p.has(t, `id="conflict"`, en.T("kb.editor.conflict", "version", 2), "Colleague&#39;s stale title", `name="version" value="2"`)
		if a := s.articleNow(id); a.Title != "Forward a mailbox to another address" {
			t.Fatalf("the stale edit was saved: %q", a.Title)
		}

		// Revisions, newest first, name their authors.
		rev := section(t, agent.get(edit), "revisions-title")
		if !strings.Contains(rev, "Version 2") || !strings.Contains(rev, "Version 1") || strings.Index(rev, "Version 2") > strings.Index(rev, "Version 1") {
			t.Errorf("revisions:\n%s", rev)
		}

		// Published, readers find it; archived, they do not.
		savedArticle(t, agent.post(edit+"/publish", nil), "published")
		anon.get("/help/kbtest-forwarding?lang=en").has(t, "Forward a mailbox to another address", "<strong>Mail settings</strong>")
		anon.get("/help/search?q=forward+mailbox").has(t, "<mark>Forward</mark> a <mark>mailbox</mark>")
		savedArticle(t, agent.post(edit+"/archive", nil), "archived")
		if p := anon.get("/help/kbtest-forwarding?lang=en"); p.status != http.StatusNotFound {
			t.Errorf("anonymous reads an archived article: %d", p.status)
		}
		agent.get("/console/articles?state=archived").has(t, "Forward a mailbox to another address")

		// Customers reach none of the console's article pages.
		carl := s.browser()
		carl.signIn("carl@contoso.example")
		for _, path := range []string{"/console/articles", edit, edit + "/preview", "/console/articles/new"} {
			if p := carl.get(path); p.status != http.StatusForbidden {
				t.Errorf("customer GET %s: %d", path, p.status)
			}
		}
		if p := carl.post("/console/articles", articleForm("kbtest-customer", "Customer article")); p.status != http.StatusForbidden {
			t.Errorf("customer creates an article: %d", p.status)
		}
		if p := carl.post(edit+"/publish", nil); p.status != http.StatusForbidden {
			t.Errorf("customer publishes: %d", p.status)
		}
		if p := s.browser().get("/console/articles"); p.status != http.StatusSeeOther {
			t.Errorf("anonymous console: %d", p.status)
		}
	})
}

// TestConsoleArticleFeedback: what readers answer under an article in the
// help centre reaches its editors: the counts, and the comments newest
// first, dated in the editor's zone, escaped, a page at a time. A
// customer admin reaches none of it, not even their own comment.
func TestConsoleArticleFeedback(t *testing.T) {
	kbSites(t, func(t *testing.T, s *site) {
		a := s.demoArticle("password-reset", "en")
		edit := fmt.Sprintf("/console/articles/%d", a.ID)

		// Two readers vote in the help centre: one anonymous with markup
		// in the comment, one signed-in customer admin.
		anon := s.browser()
		anon.lang = "en"
		location(t, anon.post("/help/password-reset/vote", url.Values{"helpful": {"no"}, "lang": {"en"},
			"comment": {`Nothing about <script>alert("mfa")</script> resets.`}}), "/help/password-reset?")
		carl := s.browser()
		carl.signIn("carl@contoso.example")
		location(t, carl.post("/help/password-reset/vote", url.Values{"helpful": {"yes"}, "lang": {"en"},
			"comment": {"Clear steps, thanks."}}), "/help/password-reset?")

		agent := s.browser()
		agent.signIn("agent.nl@vendor.example")
		agent.pickLanguage("en")
		p := agent.get(edit)
		if p.status != http.StatusOK {
			t.Fatalf("editor: %d\n%s", p.status, p.body)
		}
		checkPage(t, p)
		fb := section(t, p, "feedback-title")
		now := s.articleNow(a.ID)
		if !strings.Contains(fb, en.T("kb.feedback.counts", "yes", now.HelpfulYes, "no", now.HelpfulNo)) {
			t.Errorf("counts (%d yes, %d no) missing:\n%s", now.HelpfulYes, now.HelpfulNo, fb)
		}
		votes, err := s.svc.ArticleVotes(s.ctx, s.user("sam@vendor.example"), a.ID, desk.VoteQuery{Commented: true})
		if err != nil || len(votes.Votes) != 2 {
			t.Fatalf("votes = %+v, %v", votes, err)
		}
		zone, err := time.LoadLocation(s.user("agent.nl@vendor.example").TimeZone)
		if err != nil {
			t.Fatal(err)
		}
		when := locale.For("en", zone).DateTime(votes.Votes[0].CreatedAt)
		for _, want := range []string{"Clear steps, thanks.", en.T("kb.feedback.helpful"), en.T("kb.feedback.not_helpful"),
			"Nothing about &lt;script&gt;alert(&#34;mfa&#34;)&lt;/script&gt; resets.", when,
			`datetime="` + votes.Votes[0].CreatedAt.UTC().Format(time.RFC3339) + `"`} {
			if !strings.Contains(fb, want) {
				t.Errorf("feedback lacks %q:\n%s", want, fb)
			}
		}
		if strings.Contains(p.body, "<script>alert") {
			t.Error("a reader's comment was not escaped")
		}
		if strings.Index(fb, "Clear steps") > strings.Index(fb, "Nothing about") {
			t.Errorf("comments are not newest first:\n%s", fb)
		}
		p.lacks(t, `id="feedback-older"`, `id="feedback-newest"`)

		// More comments than fit a page: the oldest moves to the next,
		// reached by "older", which leads back to the newest.
		for i := range feedbackPageSize - 1 {
			if err := s.svc.VoteArticle(s.ctx, nil, a.ID, i%2 == 0, fmt.Sprintf("Comment number %d.", i)); err != nil {
				t.Fatal(err)
			}
		}
		p = agent.get(edit)
		p.has(t, `id="feedback-older"`, "Comment number 18.", "Clear steps, thanks.")
		p.lacks(t, "Nothing about", `id="feedback-newest"`)
		older := regexp.MustCompile(`<a href="([^"]+)" id="feedback-older"`).FindStringSubmatch(p.body)
		if older == nil {
			t.Fatal("no link to the older comments")
		}
		p = agent.get(html.UnescapeString(older[1]))
		if p.status != http.StatusOK {
			t.Fatalf("older comments: %d", p.status)
		}
		p.has(t, "Nothing about", `id="feedback-newest"`, `href="`+edit+`#feedback"`)
		p.lacks(t, "Clear steps, thanks.", `id="feedback-older"`)
		checkPage(t, p)

		// Another language of the console says it in its words.
		agent.pickLanguage("de")
		de := locale.For("de", nil)
		agent.get(edit).has(t, de.T("kb.feedback.title"), de.T("kb.feedback.helpful"), "Comment number 18.")

		// A customer admin who voted reaches neither the page nor the
		// comments.
		for _, path := range []string{edit, edit + "?before=999999#feedback"} {
			if p := carl.get(path); p.status != http.StatusForbidden || strings.Contains(p.body, "Clear steps") {
				t.Errorf("customer GET %s: %d", path, p.status)
			}
		}
	})
}
