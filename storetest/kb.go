package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"desk"
)

// kbClock is a clock a test moves by hand.
type kbClock struct{ t time.Time }

func (c *kbClock) Now() time.Time { return c.t }

// kbArticle is one article of the shared search fixture.
type kbArticle struct {
	key, lang, title, body, category string
	products                         []string
	vis                              desk.ArticleVisibility
	state                            desk.ArticleState
}

// kbFixture is the articles every engine searches. The searches below
// expect exactly the same articles in exactly the same order on each: the
// engines only find, the desk ranks.
var kbFixture = []kbArticle{
	{key: "password-reset", lang: "en", title: "Reset a user's password",
		body:     "An admin resets the **password** of a user in the admin centre under Users. The user signs in with the temporary password and picks a new one.",
		category: "sign-in"},
	{key: "password-policy", lang: "en", title: "Password policy",
		body:     "Set how long passwords must be and how often they expire. A strong policy keeps accounts safe.",
		category: "security"},
	{key: "mailbox-quota", lang: "en", title: "Mailbox quota",
		body:     "Each mailbox holds 50 GB. When a mailbox is full, new mail bounces.",
		category: "mail", products: []string{"mail"}},
	{key: "archive-mail", lang: "en", title: "Archive old mail",
		body:     "Move old messages to the archive so the mailbox stays under its quota.",
		category: "mail", products: []string{"mail"}},
	{key: "share-files", lang: "en", title: "Share files with people outside your organisation",
		body:     "Share a file or folder with a link. Links can expire and can require sign-in. See [sharing settings](https://example.com/settings).",
		category: "files", products: []string{"drive"}},
	{key: "escalation", lang: "en", title: "Escalation path for critical outages",
		body:     "Call the duty manager when a critical outage lasts longer than an hour.",
		category: "contact-support", vis: desk.VisibilitySignedIn},
	{key: "draft-note", lang: "en", title: "Upcoming password changes",
		body:     "Not yet published: how passwords will change next quarter.",
		category: "security", state: desk.ArticleDraft},
	{key: "old-password", lang: "en", title: "Password rules before 2020",
		body:     "Withdrawn article about old password rules.",
		category: "security", state: desk.ArticleArchived},
	{key: "contact-support", lang: "en", title: "Contact support",
		body:     "Open a case in the portal, or call us if your plan includes phone support.",
		category: "contact-support"},

	{key: "password-reset", lang: "nl", title: "Wachtwoord instellen",
		body:     "Een beheerder stelt het wachtwoord van een gebruiker in via het beheercentrum. De gebruiker meldt zich aan met het tijdelijke wachtwoord.",
		category: "sign-in"},
	{key: "mailbox-quota", lang: "nl", title: "Quotum van een postvak",
		body:     "Elk postvak bevat 50 GB. Als het postvak vol is, wordt nieuwe mail geweigerd. Stel een archief in om ruimte te maken.",
		category: "mail", products: []string{"mail"}},
	{key: "share-files", lang: "nl", title: "Bestanden delen",
		body:     "Deel een bestand of map met een koppeling. Koppelingen kunnen verlopen.",
		category: "files", products: []string{"drive"}},
	{key: "sign-in-mfa", lang: "nl", title: "Tweestapsverificatie instellen",
		body:     "Gebruikers stellen een tweede stap in naast hun wachtwoorden: een app of een sms-code.",
		category: "sign-in"},

	{key: "password-policy", lang: "de", title: "Passwortrichtlinie festlegen",
		body:     "Legen Sie fest, wie lang Kennwörter sein müssen und wann sie ablaufen.",
		category: "security"},
	{key: "password-reset", lang: "de", title: "Kennwort zurücksetzen",
		body:     "Ein Administrator setzt das Passwort eines Benutzers im Admin Center zurück.",
		category: "sign-in"},
	{key: "mailbox-quota", lang: "de", title: "Postfachgröße",
		body:     "Jedes Postfach fasst 50 GB. Ist das Postfach voll, werden neue Nachrichten abgewiesen.",
		category: "mail", products: []string{"mail"}},
	{key: "share-files", lang: "de", title: "Dateien freigeben",
		body:     "Geben Sie eine Datei oder einen Ordner über einen Link frei.",
		category: "files", products: []string{"drive"}},

	{key: "password-reset", lang: "sv", title: "Återställ lösenord",
		body:     "En administratör återställer en användares lösenord i administrationscentret.",
		category: "sign-in"},
	{key: "password-policy", lang: "sv", title: "Regler for losenord",
		body:     "Bestäm hur långa lösenorden ska vara och hur ofta de går ut.",
		category: "security"},
	{key: "mailbox-quota", lang: "sv", title: "Brevlådans storlek",
		body:     "Varje brevlåda rymmer 50 GB. När brevlådan är full studsar ny e-post.",
		category: "mail", products: []string{"mail"}},
	{key: "share-files", lang: "sv", title: "Dela filer",
		body:     "Dela en fil eller mapp med en länk. Länkar kan upphöra att gälla.",
		category: "files", products: []string{"drive"}},

	{key: "password-reset", lang: "nb", title: "Tilbakestill passord",
		body:     "En administrator tilbakestiller passordet til en bruker i administrasjonssenteret.",
		category: "sign-in"},
	{key: "mailbox-quota", lang: "nb", title: "Størrelse på postboksen",
		body:     "Hver postboks rommer 50 GB. Når postboksen er full, blir ny e-post avvist.",
		category: "mail", products: []string{"mail"}},
	{key: "share-files", lang: "nb", title: "Del filer",
		body:     "Del en fil eller mappe med en lenke. Lenker kan utløpe.",
		category: "files", products: []string{"drive"}},
	{key: "sign-in-mfa", lang: "nb", title: "Totrinnsbekreftelse",
		body:     "Brukere legger til et ekstra trinn ved pålogging i tillegg til passordet.",
		category: "sign-in", vis: desk.VisibilitySignedIn},
}

// kbSetup stores the fixture through a Service, as an agent would, and
// returns the Service and the stored articles by "key/lang".
func kbSetup(t *testing.T, f *fixture) (*desk.Service, map[string]*desk.Article) {
	t.Helper()
	clock := &kbClock{t: base}
	svc := desk.NewService(f.s, nil, nil, clock)
	byKey := map[string]*desk.Article{}
	for _, in := range kbFixture {
		clock.t = clock.t.Add(time.Minute)
		vis := in.vis
		if vis == "" {
			vis = desk.VisibilityPublic
		}
		a, err := svc.CreateArticle(f.ctx, f.agent, desk.ArticleInput{Key: in.key, Lang: in.lang, Title: in.title,
			Body: in.body, Category: in.category, Products: in.products, Visibility: vis})
		must(t, err)
		switch in.state {
		case "", desk.ArticlePublished:
			a, err = svc.PublishArticle(f.ctx, f.agent, a.ID)
		case desk.ArticleArchived:
			if _, err = svc.PublishArticle(f.ctx, f.agent, a.ID); err == nil {
				a, err = svc.ArchiveArticle(f.ctx, f.agent, a.ID)
			}
		}
		must(t, err)
		byKey[in.key+"/"+in.lang] = a
	}
	return svc, byKey
}

func hitKeys(hits []*desk.ArticleHit) []string {
	out := []string{}
	for _, h := range hits {
		out = append(out, h.Article.Key)
	}
	return out
}

func testArticles(t *testing.T, f *fixture) {
	clock := &kbClock{t: base}
	svc := desk.NewService(f.s, nil, nil, clock)
	in := desk.ArticleInput{Key: "forwarding", Lang: "en", Title: "Forward mail", Body: "Forward mail to another address.",
		Category: "mail", Products: []string{"mail"}, Visibility: desk.VisibilityPublic}
	a, err := svc.CreateArticle(f.ctx, f.agent, in)
	must(t, err)
	if a.ID == 0 || a.Version != 1 || a.State != desk.ArticleDraft || a.AuthorID != f.agent.ID {
		t.Fatalf("created = %+v", a)
	}
	// The same key and language again is a conflict in the store too.
	dup := *a
	wantKind(t, f.s.CreateArticle(f.ctx, &dup, nil), desk.ECONFLICT)

	got, err := f.s.Article(f.ctx, a.ID)
	must(t, err)
	if got.Title != "Forward mail" || !slices.Equal(got.Products, []string{"mail"}) || !got.CreatedAt.Equal(base) ||
		got.PublishedAt != nil || got.Visibility != desk.VisibilityPublic {
		t.Fatalf("stored = %+v", got)
	}

	// Edits are compare-and-set on the version and keep every revision.
	clock.t = base.Add(time.Hour)
	in.Title, in.Body = "Forward mail automatically", "Set a rule that forwards every message."
	a2, err := svc.UpdateArticle(f.ctx, f.agent, a.ID, 1, in)
	must(t, err)
	_, err = svc.UpdateArticle(f.ctx, f.agent, a.ID, 1, in)
	wantKind(t, err, desk.ECONFLICT)
	stale := *a2
	stale.Version = 3
	wantKind(t, f.s.UpdateArticle(f.ctx, &stale, 1, nil), desk.ECONFLICT)
	revs, err := svc.ArticleRevisions(f.ctx, f.agent, a.ID)
	must(t, err)
	if len(revs) != 2 || revs[0].Version != 2 || revs[0].Title != "Forward mail automatically" || revs[1].Title != "Forward mail" ||
		!revs[0].CreatedAt.Equal(base.Add(time.Hour)) || revs[1].AuthorID != f.agent.ID {
		t.Fatalf("revisions = %+v", revs)
	}

	// The search index follows the edit in the same write: the old title's
	// words are gone, the new body's are there.
	_, err = svc.PublishArticle(f.ctx, f.agent, a.ID)
	must(t, err)
	hits, err := svc.SearchArticles(f.ctx, nil, "en", "rule", desk.ArticleFilter{})
	must(t, err)
	if len(hits) != 1 || hits[0].Article.ID != a.ID {
		t.Fatalf("search after edit = %v", hitKeys(hits))
	}
	in.Body = "Forwarding copies each message elsewhere."
	_, err = svc.UpdateArticle(f.ctx, f.agent, a.ID, 2, in)
	must(t, err)
	hits, err = svc.SearchArticles(f.ctx, nil, "en", "rule", desk.ArticleFilter{})
	must(t, err)
	if len(hits) != 0 {
		t.Fatalf("search after second edit = %v", hitKeys(hits))
	}

	// Translations share the key; ArticlesByKey returns every language.
	_, err = svc.CreateArticle(f.ctx, f.agent, desk.ArticleInput{Key: "forwarding", Lang: "nl", Title: "Mail doorsturen",
		Body: "Stel een regel in.", Category: "mail"})
	must(t, err)
	all, err := f.s.ArticlesByKey(f.ctx, "forwarding")
	must(t, err)
	if len(all) != 2 || all[0].Lang != "en" || all[1].Lang != "nl" {
		t.Fatalf("by key = %d", len(all))
	}
	_, err = f.s.ArticleByKey(f.ctx, "forwarding", "de")
	wantKind(t, err, desk.ENOTFOUND)
	_, err = f.s.Article(f.ctx, 1<<40)
	wantKind(t, err, desk.ENOTFOUND)

	// Votes count on the article, in the same write as the vote.
	must(t, svc.VoteArticle(f.ctx, nil, a.ID, true, ""))
	must(t, svc.VoteArticle(f.ctx, f.admin1, a.ID, false, "It did not say how to stop forwarding."))
	must(t, svc.VoteArticle(f.ctx, f.admin2, a.ID, true, ""))
	got, err = f.s.Article(f.ctx, a.ID)
	must(t, err)
	if got.HelpfulYes != 2 || got.HelpfulNo != 1 {
		t.Fatalf("votes = %d/%d", got.HelpfulYes, got.HelpfulNo)
	}
	wantKind(t, f.s.AddArticleVote(f.ctx, &desk.ArticleVote{ArticleID: 1 << 40, CreatedAt: base}), desk.ENOTFOUND)
}

func testArticleSearch(t *testing.T, f *fixture) {
	svc, byKey := kbSetup(t, f)
	search := func(who *desk.User, lang, q string, fl desk.ArticleFilter) []string {
		t.Helper()
		hits, err := svc.SearchArticles(f.ctx, who, lang, q, fl)
		if err != nil {
			t.Fatalf("search %s %q: %v", lang, q, err)
		}
		return hitKeys(hits)
	}
	for _, tt := range []struct {
		who  *desk.User
		lang string
		q    string
		want []string
	}{
		// Stemming: the plural and a verb form find the title "Wachtwoord
		// instellen"; the article naming "wachtwoorden" only in its body
		// comes after it.
		{nil, "nl", "wachtwoorden opnieuw instellen", []string{"password-reset", "sign-in-mfa"}},
		{nil, "nl", "wachtwoord", []string{"password-reset", "sign-in-mfa"}},
		// Accent folding both ways.
		{nil, "sv", "losenord", []string{"password-reset", "password-policy"}},
		{nil, "sv", "lösenord", []string{"password-reset", "password-policy"}},
		// German compounds: a word finds the compounds it starts.
		{nil, "de", "Passwort", []string{"password-policy", "password-reset"}},
		{nil, "de", "postfach", []string{"mailbox-quota"}},
		// Title matches rank above body matches, then more matches in a
		// shorter body rank higher; the archived and the draft article are
		// never found by the public.
		{nil, "en", "password", []string{"password-reset", "password-policy"}},
		{nil, "en", "quota", []string{"mailbox-quota", "archive-mail"}},
		{nil, "en", "mailbox", []string{"mailbox-quota", "archive-mail"}},
		// Staff find drafts too, but not archived articles unless asked.
		{f.agent, "en", "password", []string{"password-reset", "draft-note", "password-policy"}},
		// Limited articles: signed-in admins and staff, not the public
		// nor ordinary users.
		{nil, "en", "critical outage", []string{}},
		{f.user, "en", "critical outage", []string{}},
		{f.admin1, "en", "critical outage", []string{"escalation"}},
		{nil, "nb", "passord", []string{"password-reset"}},
		{f.admin2, "nb", "passord", []string{"password-reset", "sign-in-mfa"}},
		// A question with a word no article has still finds the articles
		// with the others, those with more of them first.
		{nil, "en", "how do I archive an old mailbox quickly", []string{"archive-mail", "mailbox-quota"}},
		// Exclusion.
		{nil, "en", "mailbox -archive", []string{"mailbox-quota"}},
		// Only stop words and punctuation: nothing to look for.
		{nil, "en", "the of ...", []string{}},
	} {
		if got := search(tt.who, tt.lang, tt.q, desk.ArticleFilter{}); !slices.Equal(got, tt.want) {
			who := "anonymous"
			if tt.who != nil {
				who = string(tt.who.Role)
			}
			t.Errorf("%s search %s %q = %v, want %v", who, tt.lang, tt.q, got, tt.want)
		}
	}

	// Filters combine with the text.
	if got := search(nil, "en", "mail", desk.ArticleFilter{Category: "mail"}); !slices.Equal(got, []string{"mailbox-quota", "archive-mail"}) {
		t.Errorf("category filter = %v", got)
	}
	if got := search(nil, "en", "share", desk.ArticleFilter{Product: "mail"}); len(got) != 0 {
		t.Errorf("product filter = %v", got)
	}
	if got := search(nil, "en", "share", desk.ArticleFilter{Product: "drive"}); !slices.Equal(got, []string{"share-files"}) {
		t.Errorf("product filter = %v", got)
	}
	if got := search(f.agent, "en", "password", desk.ArticleFilter{States: []desk.ArticleState{desk.ArticleArchived}}); !slices.Equal(got, []string{"old-password"}) {
		t.Errorf("archived for staff = %v", got)
	}
	// Customers cannot ask for drafts.
	if got := search(f.admin1, "en", "password", desk.ArticleFilter{States: []desk.ArticleState{desk.ArticleDraft, desk.ArticleArchived}}); !slices.Equal(got, []string{"password-reset", "password-policy"}) {
		t.Errorf("customer asking for drafts = %v", got)
	}

	// Snippets mark the matched words, also in inflected forms.
	hits, err := svc.SearchArticles(f.ctx, nil, "nl", "wachtwoord", desk.ArticleFilter{})
	must(t, err)
	var marked []string
	for _, h := range hits {
		for _, fr := range append(h.Title, h.Snippet...) {
			if fr.Match {
				marked = append(marked, fr.Text)
			}
		}
	}
	if !slices.Contains(marked, "Wachtwoord") || !slices.Contains(marked, "wachtwoorden") {
		t.Errorf("marked = %q", marked)
	}
	// A snippet shows text, not Markdown syntax.
	hits, err = svc.SearchArticles(f.ctx, nil, "en", "sharing settings", desk.ArticleFilter{})
	must(t, err)
	if len(hits) != 1 {
		t.Fatalf("sharing settings = %v", hitKeys(hits))
	}
	var snip strings.Builder
	for _, fr := range hits[0].Snippet {
		snip.WriteString(fr.Text)
	}
	if strings.Contains(snip.String(), "](") || strings.Contains(snip.String(), "https") {
		t.Errorf("snippet = %q", snip.String())
	}
	if hits[0].Rank <= 0 {
		t.Errorf("rank = %v", hits[0].Rank)
	}

	// Hostile input gives results or a clear error, never a driver error.
	for _, q := range []string{`"unbalanced`, `a OR b`, `((x`, "pass\x00word", "\x00", `password" OR "1"="1`,
		`NEAR(password mailbox)`, `title:password`, `password*`, `*`, `-`, `'; DROP TABLE articles; --`,
		"\xff\xfe password", `mail & !quota | (share)`, `mail:*`, strings.Repeat("ab ", 12)} {
		_, err := svc.SearchArticles(f.ctx, nil, "en", q, desk.ArticleFilter{})
		if err != nil && desk.ErrorKind(err) != desk.EINVALID {
			t.Errorf("search %q: %v", q, err)
		}
	}
	for q, code := range map[string]string{
		strings.Repeat("x", 501):    "query_too_long",
		strings.Repeat("word", 130): "query_too_long",
		"alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike": "too_many_terms",
	} {
		_, err := svc.SearchArticles(f.ctx, nil, "en", q, desk.ArticleFilter{})
		if desk.ErrorKind(err) != desk.EINVALID || desk.ErrorCode(err) != code {
			t.Errorf("search of %d bytes: %v, want %s", len(q), err, code)
		}
	}
	if _, err := svc.SearchArticles(f.ctx, nil, "en", "password", desk.ArticleFilter{}); err != nil {
		t.Fatal(err)
	}
	_ = byKey
}

func testArticleVisibility(t *testing.T, f *fixture) {
	svc, byKey := kbSetup(t, f)
	hidden := []*desk.Article{byKey["draft-note/en"], byKey["old-password/en"], byKey["escalation/en"], byKey["sign-in-mfa/nb"]}
	for _, who := range []*desk.User{nil, f.user} {
		name := "anonymous"
		if who != nil {
			name = "ordinary user"
		}
		for _, a := range hidden {
			if _, err := svc.Article(f.ctx, who, a.ID); desk.ErrorKind(err) != desk.ENOTFOUND {
				t.Errorf("%s reads %s/%s: %v", name, a.Key, a.Lang, err)
			}
			if _, err := svc.ArticleByKey(f.ctx, who, a.Key, a.Lang); desk.ErrorKind(err) != desk.ENOTFOUND {
				t.Errorf("%s reads %s/%s by key: %v", name, a.Key, a.Lang, err)
			}
			tr, err := svc.Translations(f.ctx, who, a.Key)
			must(t, err)
			for _, x := range tr {
				if x.ID == a.ID {
					t.Errorf("%s sees %s/%s among translations", name, a.Key, a.Lang)
				}
			}
			if err := svc.VoteArticle(f.ctx, who, a.ID, true, ""); desk.ErrorKind(err) != desk.ENOTFOUND {
				t.Errorf("%s votes on %s/%s: %v", name, a.Key, a.Lang, err)
			}
			for _, lang := range desk.Languages {
				list, err := svc.Articles(f.ctx, who, desk.ArticleFilter{Lang: lang, States: desk.ArticleStates})
				must(t, err)
				for _, x := range list {
					if x.ID == a.ID {
						t.Errorf("%s lists %s/%s", name, a.Key, a.Lang)
					}
				}
			}
			// Neither a search for its own title nor related articles of
			// any visible article turn it up.
			hits, err := svc.SearchArticles(f.ctx, who, a.Lang, a.Title, desk.ArticleFilter{States: desk.ArticleStates})
			must(t, err)
			for _, h := range hits {
				if h.Article.ID == a.ID {
					t.Errorf("%s finds %s/%s", name, a.Key, a.Lang)
				}
			}
			for _, v := range byKey {
				if !slices.Contains(hidden, v) && v.Lang == a.Lang {
					rel, err := svc.RelatedArticles(f.ctx, who, v, 20)
					must(t, err)
					for _, r := range rel {
						if r.ID == a.ID {
							t.Errorf("%s gets %s/%s as related to %s", name, a.Key, a.Lang, v.Key)
						}
					}
				}
			}
		}
	}
	// Signed-in admins read limited articles but not drafts; staff read all.
	if _, err := svc.Article(f.ctx, f.admin1, byKey["escalation/en"].ID); err != nil {
		t.Error(err)
	}
	if _, err := svc.Article(f.ctx, f.admin1, byKey["draft-note/en"].ID); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Errorf("admin reads draft: %v", err)
	}
	for _, a := range hidden {
		if _, err := svc.Article(f.ctx, f.agent, a.ID); err != nil {
			t.Errorf("staff reads %s: %v", a.Key, err)
		}
	}
	tr, err := svc.Translations(f.ctx, nil, "password-reset")
	must(t, err)
	var langs []string
	for _, a := range tr {
		langs = append(langs, a.Lang)
	}
	if !slices.Equal(langs, desk.Languages) {
		t.Errorf("translations = %v", langs)
	}
	rel, err := svc.RelatedArticles(f.ctx, nil, byKey["password-reset/en"], 3)
	must(t, err)
	var relKeys []string
	for _, a := range rel {
		relKeys = append(relKeys, a.Key)
	}
	if len(relKeys) == 0 || relKeys[0] != "password-policy" || slices.Contains(relKeys, "password-reset") {
		t.Errorf("related = %v", relKeys)
	}
}

func testDeflection(t *testing.T, f *fixture) {
	clock := &kbClock{t: base}
	svc := desk.NewService(f.s, nil, nil, clock)
	sup := &desk.User{ID: f.agent.ID, Role: desk.RoleSupervisor}
	sess := func(i int) string { return fmt.Sprintf("session-%012d", i) }
	record := func(who *desk.User, evs ...desk.HelpEvent) {
		t.Helper()
		must(t, svc.RecordHelpEvents(f.ctx, who, evs))
	}
	ev := func(s int, k desk.HelpEventKind, product, lang string) desk.HelpEvent {
		return desk.HelpEvent{Session: sess(s), Kind: k, ArticleID: 1, Product: product, Lang: lang}
	}
	// 1: suggested, opened, no case: deflected. 2: suggested, helpful, then
	// a case: not deflected. 3: suggested, nothing opened. 4: no
	// suggestions, a case. 5: Dutch, opened, deflected.
	record(f.admin1, ev(1, desk.HelpSuggested, "mail", "en"), ev(1, desk.HelpOpened, "mail", "en"))
	record(f.admin1, ev(2, desk.HelpSuggested, "mail", "en"), ev(2, desk.HelpHelpful, "mail", "en"))
	clock.t = base.Add(time.Hour)
	record(f.admin1, ev(2, desk.HelpCaseOpened, "mail", "en"))
	record(f.admin2, ev(3, desk.HelpSuggested, "mail", "en"), ev(4, desk.HelpCaseOpened, "mail", "en"))
	record(nil, ev(5, desk.HelpSuggested, "mail", "nl"), ev(5, desk.HelpOpened, "mail", "nl"), ev(5, desk.HelpNotHelpful, "mail", "nl"))
	// A session that began after the period does not count in it.
	clock.t = base.Add(48 * time.Hour)
	record(f.admin1, ev(6, desk.HelpSuggested, "mail", "en"), ev(6, desk.HelpOpened, "mail", "en"))

	rows, err := svc.DeflectionReport(f.ctx, sup, base.Add(-time.Hour), base.Add(24*time.Hour))
	must(t, err)
	want := []desk.DeflectionRow{
		{Product: "mail", Lang: "en", Sessions: 4, WithSuggestions: 3, Opened: 1, Helpful: 1, CasesOpened: 2, Deflected: 1, Rate: 1.0 / 3},
		{Product: "mail", Lang: "nl", Sessions: 1, WithSuggestions: 1, Opened: 1, Helpful: 0, CasesOpened: 0, Deflected: 1, Rate: 1},
	}
	if !slices.Equal(rows, want) {
		t.Fatalf("report = %+v, want %+v", rows, want)
	}
	_, err = svc.DeflectionReport(f.ctx, f.agent, base, base.Add(time.Hour))
	wantKind(t, err, desk.EFORBIDDEN)
	_, err = svc.DeflectionReport(f.ctx, f.admin1, base, base.Add(time.Hour))
	wantKind(t, err, desk.EFORBIDDEN)
	wantKind(t, svc.RecordHelpEvents(f.ctx, nil, []desk.HelpEvent{{Session: "short", Kind: desk.HelpOpened, Lang: "en"}}), desk.EINVALID)
	wantKind(t, svc.RecordHelpEvents(f.ctx, nil, []desk.HelpEvent{{Session: sess(9), Kind: "clicked", Lang: "en"}}), desk.EINVALID)
}
