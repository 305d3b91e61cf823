package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"desk"
)

type articleBodyOut struct {
	ID         int64    `json:"id"`
	Key        string   `json:"key"`
	Lang       string   `json:"lang"`
	Title      string   `json:"title"`
	Body       string   `json:"body"`
	HTML       string   `json:"html"`
	Category   string   `json:"category"`
	Products   []string `json:"products"`
	State      string   `json:"state"`
	Visibility string   `json:"visibility"`
	Version    int      `json:"version"`
}

type articleHitOut struct {
	Article articleBodyOut `json:"article"`
	Title   []struct {
		Text  string `json:"text"`
		Match bool   `json:"match"`
	} `json:"title"`
	Snippet []struct {
		Text  string `json:"text"`
		Match bool   `json:"match"`
	} `json:"snippet"`
}

func articlePath(id int64, rest ...string) string {
	return fmt.Sprintf("/api/v1/articles/%d", id) + strings.Join(rest, "")
}

// articleKeys returns the keys of a list of articles.
func articleKeys(as []articleBodyOut) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Key
	}
	return out
}

// TestArticlesAPIRead: anyone reads published public articles without a
// token; a token widens what a signed-in admin or staff member reads, and
// a bad token is refused rather than ignored. Drafts and articles limited
// to the signed-in are not found by anyone else, by list, id or search.
func TestArticlesAPIRead(t *testing.T) {
	onEachStore(t, func(t *testing.T, e *env) {
		staff := e.user(agent)
		draft, err := e.svc.CreateArticle(e.ctx, staff, desk.ArticleInput{Key: "apitest-draft", Lang: "en",
			Title: "Quarantine release draft", Body: "Soon.", Category: "mail"})
		if err != nil {
			t.Fatal(err)
		}
		limited, err := e.svc.CreateArticle(e.ctx, staff, desk.ArticleInput{Key: "apitest-limited", Lang: "en",
			Title: "Quarantine escalation contacts", Body: "Call the duty manager.", Category: "contact-support",
			Visibility: desk.VisibilitySignedIn})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.PublishArticle(e.ctx, staff, limited.ID); err != nil {
			t.Fatal(err)
		}

		var l list[articleBodyOut]
		e.get("", "/api/v1/articles?lang=nl&category=sign-in").ok(t, http.StatusOK, &l)
		if len(l.Items) == 0 {
			t.Fatal("no Dutch sign-in articles")
		}
		for _, a := range l.Items {
			if a.Lang != "nl" || a.Category != "sign-in" || a.State != "published" || a.Visibility != "public" || a.HTML == "" {
				t.Fatalf("anonymous list item %+v", a)
			}
		}
		e.get("", "/api/v1/articles?lang=en&limit=500").ok(t, http.StatusOK, &l)
		for _, k := range articleKeys(l.Items) {
			if k == "apitest-draft" || k == "apitest-limited" {
				t.Errorf("anonymous list has %s", k)
			}
		}
		e.get(carl, "/api/v1/articles?lang=en&category=contact-support&limit=500").ok(t, http.StatusOK, &l)
		if ks := articleKeys(l.Items); !strings.Contains(strings.Join(ks, " "), "apitest-limited") {
			t.Errorf("carl's list lacks the limited article: %v", ks)
		}
		e.send(request{Method: "GET", Path: "/api/v1/articles", Header: map[string]string{"Authorization": "Bearer nope"}}).
			problem(t, http.StatusUnauthorized, "invalid_token")
		e.get("", "/api/v1/articles?lang=xx").problem(t, http.StatusBadRequest, "invalid_language")

		for _, who := range []string{"", carl, uma} {
			e.get(who, articlePath(draft.ID)).problem(t, http.StatusNotFound, "")
		}
		for _, who := range []string{"", uma} {
			e.get(who, articlePath(limited.ID)).problem(t, http.StatusNotFound, "")
		}
		var a articleBodyOut
		e.get(agent, articlePath(draft.ID)).ok(t, http.StatusOK, &a)
		if a.State != "draft" || a.Title != "Quarantine release draft" {
			t.Fatalf("agent reads %+v", a)
		}
		e.get(carl, articlePath(limited.ID)).ok(t, http.StatusOK, &a)
		e.get("", "/api/v1/articles/0").problem(t, http.StatusNotFound, "")

		var hits list[articleHitOut]
		e.get("", "/api/v1/articles/search?lang=en&q=quarantine+escalation").ok(t, http.StatusOK, &hits)
		for _, h := range hits.Items {
			if h.Article.Key == "apitest-limited" || h.Article.Key == "apitest-draft" {
				t.Errorf("anonymous search finds %s", h.Article.Key)
			}
		}
		e.get(carl, "/api/v1/articles/search?lang=en&q=quarantine+escalation").ok(t, http.StatusOK, &hits)
		if len(hits.Items) == 0 || hits.Items[0].Article.Key != "apitest-limited" {
			t.Errorf("carl's search: %+v", hits.Items)
		}
	})
}

// TestArticlesAPISearch: per-language stemming and accent folding through
// the API, matched words marked, and bad input answered with results or a
// 400 with a stable code, never a 500.
func TestArticlesAPISearch(t *testing.T) {
	onEachStore(t, func(t *testing.T, e *env) {
		var hits list[articleHitOut]
		e.get("", "/api/v1/articles/search?lang=nl&q="+url.QueryEscape("wachtwoorden opnieuw instellen")).ok(t, http.StatusOK, &hits)
		if len(hits.Items) == 0 || hits.Items[0].Article.Key != "password-reset" || hits.Items[0].Article.Lang != "nl" {
			t.Fatalf("Dutch search: %+v", hits.Items)
		}
		marked := ""
		for _, f := range hits.Items[0].Title {
			if f.Match {
				marked += f.Text + " "
			}
		}
		if marked != "wachtwoord opnieuw instellen " {
			t.Errorf("marked in the title: %q", marked)
		}
		e.get("", "/api/v1/articles/search?lang=sv&q=losenord").ok(t, http.StatusOK, &hits)
		if len(hits.Items) == 0 || hits.Items[0].Article.Key != "password-reset" {
			t.Errorf("Swedish search without accents: %+v", hits.Items)
		}

		for _, q := range []string{`"unbalanced`, `((( reset`, "pass\x00word", `NEAR(a b) OR -* ^`, `'; DROP TABLE articles;--`, ""} {
			res := e.get("", "/api/v1/articles/search?lang=en&q="+url.QueryEscape(q))
			if res.Status != http.StatusOK {
				t.Errorf("search %q: %d %s", q, res.Status, res.Body)
			}
		}
		e.get("", "/api/v1/articles/search?q="+url.QueryEscape(strings.Repeat("x", 501))).problem(t, http.StatusBadRequest, "query_too_long")
		e.get("", "/api/v1/articles/search?q="+url.QueryEscape("a1 b2 c3 d4 e5 f6 g7 h8 i9 j10 k11 l12 m13")).problem(t, http.StatusBadRequest, "too_many_terms")
	})
}

// TestArticlesAPIWrite: staff write drafts, edit them against the version
// they read (a stale version is 409 and changes nothing) and publish
// them; customers may not write.
func TestArticlesAPIWrite(t *testing.T) {
	onEachStore(t, func(t *testing.T, e *env) {
		in := map[string]any{"key": "apitest-forwarding", "lang": "en", "title": "Forward a mailbox",
			"body": "Open **Mail** settings.\n\n<script>alert(1)</script>", "category": "mail", "products": []string{"mail"}}
		e.post(carl, "/api/v1/articles", in).problem(t, http.StatusForbidden, "staff_only")

		var a articleBodyOut
		res := e.post(agent, "/api/v1/articles", in)
		res.ok(t, http.StatusCreated, &a)
		if a.State != "draft" || a.Version != 1 || res.Header.Get("Location") != articlePath(a.ID) ||
			!strings.Contains(a.HTML, "<strong>Mail</strong>") || strings.Contains(a.HTML, "<script") {
			t.Fatalf("created %+v", a)
		}
		e.post(agent, "/api/v1/articles", in).problem(t, http.StatusConflict, "article_exists")
		bad := map[string]any{"key": "Bad Key", "lang": "en", "title": "x", "body": "y", "category": "mail"}
		if p := e.post(agent, "/api/v1/articles", bad).problem(t, http.StatusBadRequest, "invalid_key"); p.Field != "key" {
			t.Errorf("field = %q", p.Field)
		}
		e.post(agent, "/api/v1/articles", map[string]any{"key": "x", "unknown": 1}).problem(t, http.StatusBadRequest, "unknown_field")
		e.get("", articlePath(a.ID)).problem(t, http.StatusNotFound, "")

		put := func(as string, body map[string]any) *result {
			return e.send(request{Method: "PUT", Path: articlePath(a.ID), As: as, Body: body})
		}
		edit := map[string]any{"title": "Forward a mailbox to another address", "body": "Open **Mail** settings.", "category": "mail", "version": 1}
		put(carl, edit).problem(t, http.StatusForbidden, "staff_only")
		put(agent, edit).ok(t, http.StatusOK, &a)
		if a.Version != 2 || a.Title != "Forward a mailbox to another address" || a.Key != "apitest-forwarding" {
			t.Fatalf("edited %+v", a)
		}
		edit["title"] = "A stale edit"
		put(sam, edit).problem(t, http.StatusConflict, "stale_version")
		delete(edit, "version")
		put(agent, edit).problem(t, http.StatusBadRequest, "version_required")
		e.get(agent, articlePath(a.ID)).ok(t, http.StatusOK, &a)
		if a.Title != "Forward a mailbox to another address" || a.Version != 2 {
			t.Fatalf("after the stale edit: %+v", a)
		}
		revs, err := e.svc.ArticleRevisions(e.ctx, e.user(agent), a.ID)
		if err != nil || len(revs) != 2 {
			t.Fatalf("revisions: %d, %v", len(revs), err)
		}

		e.post(carl, articlePath(a.ID, "/publish"), nil).problem(t, http.StatusForbidden, "staff_only")
		e.post(agent, articlePath(a.ID, "/publish"), nil).ok(t, http.StatusOK, &a)
		if a.State != "published" {
			t.Fatalf("published %+v", a)
		}
		e.get("", articlePath(a.ID)).ok(t, http.StatusOK, &a)
		e.post(agent, "/api/v1/articles/999999/publish", nil).problem(t, http.StatusNotFound, "")
	})
}

// TestDeflectionAPI: supervisors and system admins read the deflection
// report; agents and customers may not.
func TestDeflectionAPI(t *testing.T) {
	onEachStore(t, func(t *testing.T, e *env) {
		e.get(carl, "/api/v1/deflection").problem(t, http.StatusForbidden, "supervisor_only")
		e.get(agent, "/api/v1/deflection").problem(t, http.StatusForbidden, "supervisor_only")
		e.get("", "/api/v1/deflection").problem(t, http.StatusUnauthorized, "token_required")

		var rep list[struct {
			Product         string  `json:"product"`
			Lang            string  `json:"lang"`
			Sessions        int     `json:"sessions"`
			WithSuggestions int     `json:"with_suggestions"`
			Opened          int     `json:"opened"`
			CasesOpened     int     `json:"cases_opened"`
			Deflected       int     `json:"deflected"`
			Rate            float64 `json:"rate"`
		}]
		e.get(sam, "/api/v1/deflection").ok(t, http.StatusOK, &rep)
		if len(rep.Items) != 0 {
			t.Fatalf("report before any session: %+v", rep.Items)
		}
		a, err := e.svc.ArticleByKey(e.ctx, nil, "password-reset", "de")
		if err != nil {
			t.Fatal(err)
		}
		c := e.user(carl)
		for _, s := range []struct {
			id    string
			kinds []desk.HelpEventKind
		}{
			{"sessionaaaaaaaaaaa1", []desk.HelpEventKind{desk.HelpSuggested, desk.HelpOpened}},
			{"sessionaaaaaaaaaaa2", []desk.HelpEventKind{desk.HelpSuggested, desk.HelpOpened, desk.HelpCaseOpened}},
		} {
			for _, k := range s.kinds {
				if err := e.svc.RecordHelpEvents(e.ctx, c, []desk.HelpEvent{{Session: s.id, Kind: k, ArticleID: a.ID, Product: "mail", Lang: "de"}}); err != nil {
					t.Fatal(err)
				}
			}
		}
		e.get(root, "/api/v1/deflection").ok(t, http.StatusOK, &rep)
		if len(rep.Items) != 1 {
			t.Fatalf("report: %+v", rep.Items)
		}
		if r := rep.Items[0]; r.Product != "mail" || r.Lang != "de" || r.Sessions != 2 || r.WithSuggestions != 2 ||
			r.Opened != 2 || r.CasesOpened != 1 || r.Deflected != 1 || r.Rate != 0.5 {
			t.Errorf("row %+v", r)
		}
		e.get(sam, "/api/v1/deflection?from=2020-01-01&to=2020-02-01").ok(t, http.StatusOK, &rep)
		if len(rep.Items) != 0 {
			t.Errorf("old period: %+v", rep.Items)
		}
		e.get(sam, "/api/v1/deflection?from=yesterday").problem(t, http.StatusBadRequest, "invalid_from")
		e.get(sam, "/api/v1/deflection?from=2020-02-01&to=2020-01-01").problem(t, http.StatusBadRequest, "invalid_range")
	})
}

// TestArticleVotesAPI: the staff who edit articles read readers' votes
// and comments, newest first, a page at a time; customers, the anonymous
// and bad cursors are refused with stable codes.
func TestArticleVotesAPI(t *testing.T) {
	onEachStore(t, func(t *testing.T, e *env) {
		a, err := e.svc.ArticleByKey(e.ctx, nil, "password-reset", "en")
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []struct {
			who     string
			helpful bool
			comment string
		}{{"", true, ""}, {carl, false, "Nothing about <b>MFA</b>."}, {"", true, "Clear steps."}} {
			var u *desk.User
			if v.who != "" {
				u = e.user(v.who)
			}
			if err := e.svc.VoteArticle(e.ctx, u, a.ID, v.helpful, v.comment); err != nil {
				t.Fatal(err)
			}
		}
		type vote struct {
			ID        int64  `json:"id"`
			ArticleID int64  `json:"article_id"`
			Helpful   bool   `json:"helpful"`
			Comment   string `json:"comment"`
			UserID    int64  `json:"user_id"`
			OrgID     int64  `json:"org_id"`
			CreatedAt string `json:"created_at"`
		}
		type page struct {
			Items      []vote `json:"items"`
			NextBefore int64  `json:"next_before"`
		}
		var p page
		e.get(agent, articlePath(a.ID, "/votes")).ok(t, http.StatusOK, &p)
		if len(p.Items) != 3 || p.Items[0].Comment != "Clear steps." || !p.Items[0].Helpful || p.NextBefore != 0 {
			t.Fatalf("votes = %+v", p)
		}
		if v := p.Items[1]; v.Helpful || v.Comment != "Nothing about <b>MFA</b>." || v.UserID != e.user(carl).ID ||
			v.OrgID != e.user(carl).OrgID || v.ArticleID != a.ID || v.CreatedAt == "" {
			t.Errorf("carl's vote = %+v", v)
		}
		// A page of one, then the next before its id; only those with a
		// comment.
		e.get(sam, articlePath(a.ID, "/votes?commented=true&limit=1")).ok(t, http.StatusOK, &p)
		if len(p.Items) != 1 || p.Items[0].Comment != "Clear steps." || p.NextBefore != p.Items[0].ID {
			t.Fatalf("first page = %+v", p)
		}
		before := p.NextBefore
		p = page{} // an absent next_before must not keep the last one
		e.get(sam, articlePath(a.ID, fmt.Sprintf("/votes?commented=true&limit=1&before=%d", before))).ok(t, http.StatusOK, &p)
		if len(p.Items) != 1 || p.Items[0].UserID != e.user(carl).ID || p.NextBefore != 0 {
			t.Fatalf("last page = %+v", p)
		}

		e.get(carl, articlePath(a.ID, "/votes")).problem(t, http.StatusForbidden, "staff_only")
		e.get("", articlePath(a.ID, "/votes")).problem(t, http.StatusUnauthorized, "token_required")
		e.get(agent, articlePath(a.ID, "/votes?before=x")).problem(t, http.StatusBadRequest, "invalid_cursor")
		e.get(agent, articlePath(a.ID, "/votes?limit=0")).problem(t, http.StatusBadRequest, "invalid_limit")
		e.get(agent, articlePath(a.ID, "/votes?commented=yes")).problem(t, http.StatusBadRequest, "invalid_commented")
		e.get(agent, "/api/v1/articles/999999/votes").problem(t, http.StatusNotFound, "")
	})
}

// TestArticlesAPISearchCorrects: a misspelt word is searched as the
// nearest word the articles have, and the answer says so; exact=true
// searches what was typed, and a query that finds something carries no
// correction.
func TestArticlesAPISearchCorrects(t *testing.T) {
	onEachStore(t, func(t *testing.T, e *env) {
		var got, want struct {
			Items          []articleHitOut `json:"items"`
			CorrectedQuery *string         `json:"corrected_query"`
		}
		e.get("", "/api/v1/articles/search?lang=en&q=pasword").ok(t, http.StatusOK, &got)
		e.get("", "/api/v1/articles/search?lang=en&q=password").ok(t, http.StatusOK, &want)
		if got.CorrectedQuery == nil || *got.CorrectedQuery != "password" || len(got.Items) == 0 ||
			!slices.Equal(hitKeysOut(got.Items), hitKeysOut(want.Items)) {
			t.Fatalf("pasword: corrected %v, %v; want password, %v", got.CorrectedQuery, hitKeysOut(got.Items), hitKeysOut(want.Items))
		}
		if want.CorrectedQuery != nil {
			t.Errorf("password was corrected to %q", *want.CorrectedQuery)
		}
		e.get("", "/api/v1/articles/search?lang=nl&q=wachtwoort").ok(t, http.StatusOK, &got)
		if got.CorrectedQuery == nil || *got.CorrectedQuery != "wachtwoord" || len(got.Items) == 0 {
			t.Errorf("wachtwoort: %v %v", got.CorrectedQuery, hitKeysOut(got.Items))
		}
		got.CorrectedQuery = nil
		e.get("", "/api/v1/articles/search?lang=en&exact=true&q=pasword").ok(t, http.StatusOK, &got)
		if got.CorrectedQuery != nil || len(got.Items) != 0 {
			t.Errorf("exact pasword: %v %v", got.CorrectedQuery, hitKeysOut(got.Items))
		}
		e.get("", "/api/v1/articles/search?lang=en&exact=maybe&q=pasword").problem(t, http.StatusBadRequest, "invalid_exact")
	})
}

func hitKeysOut(hs []articleHitOut) []string {
	out := []string{}
	for _, h := range hs {
		out = append(out, h.Article.Key+"/"+h.Article.Lang)
	}
	return out
}
