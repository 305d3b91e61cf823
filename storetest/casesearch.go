package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"desk"
	"desk/textsearch"
)

// searchCase is a case of the search fixture and the timeline entries
// added to it after it was opened.
type searchCase struct {
	org                  int // 1 or 2
	lang, title, desc    string
	status               desk.Status
	severity             desk.Severity
	product              string
	created              time.Duration // after base
	public, internal     []string
	c                    *desk.Case
	publicIDs, noteIDs   []int64
	wantPublic, wantNote bool
}

// searchFixture stores cases in five languages across both organisations,
// with replies and internal notes.
func searchFixture(t *testing.T, f *fixture) []*searchCase {
	cases := []*searchCase{
		{org: 1, lang: "nl", title: "Wachtwoord instellen lukt niet", desc: "Bij het wachtwoord instellen krijg ik een foutmelding.",
			public: []string{"Kunt u de browser opnieuw starten?"}},
		{org: 1, lang: "en", title: "Mail delayed to partner", desc: "Messages to partner.example arrive hours late.",
			public: []string{"Please check your MX records."}, internal: []string{"Customer still uses the legacy zebrafish relay."}},
		{org: 2, lang: "sv", title: "Lösenordet fungerar inte", desc: "Jag kan inte byta lösenord för nya användare."},
		{org: 2, lang: "de", title: "Passwortrichtlinie blockiert Anmeldung", desc: "Die Passwortrichtlinie lässt neue Benutzer nicht herein.",
			internal: []string{"Mail relay of this customer is misconfigured."}},
		{org: 1, lang: "en", title: "Drive sync fails for large files", desc: "Files over 2 GB stop syncing.",
			status: desk.StatusResolved, severity: desk.SeverityHigh, product: "drive", created: 48 * time.Hour},
		{org: 2, lang: "nb", title: "Passordet virker ikke", desc: "Jeg får ikke logget inn på e-post.", public: []string{"Vi har tilbakestilt passordet."}},
		{org: 2, lang: "en", title: "Calendar invites missing", desc: "Invites from Mail never show in the calendar.",
			internal: []string{"Mail team knows; partner relay issue."}},
	}
	for i, sc := range cases {
		org, by := f.org1, f.admin1
		if sc.org == 2 {
			org, by = f.org2, f.admin2
		}
		ch := f.newCase(org, by, sc.title)
		c := ch.Case
		c.Language, c.Description = sc.lang, sc.desc
		if sc.status != "" {
			c.Status = sc.status
		}
		if sc.severity != "" {
			c.Severity = sc.severity
		}
		if sc.product != "" {
			c.Product = sc.product
		}
		c.CreatedAt = base.Add(sc.created + time.Duration(i)*time.Minute)
		_, err := f.s.CreateCase(f.ctx, ch, nil)
		must(t, err)
		var ms []*desk.Message
		for _, b := range sc.public {
			ms = append(ms, &desk.Message{Kind: desk.MessagePublic, Body: b, AuthorID: f.agent.ID, FromStaff: true, Channel: "api", CreatedAt: base})
		}
		for _, b := range sc.internal {
			ms = append(ms, &desk.Message{Kind: desk.MessageInternal, Body: b, AuthorID: f.agent.ID, FromStaff: true, Channel: "api", CreatedAt: base})
		}
		// An event is never indexed.
		ms = append(ms, &desk.Message{Kind: desk.MessageEvent, Body: "status changed by zebrafish", Channel: "system", CreatedAt: base})
		upd := *c
		upd.Version = 2
		must(t, f.s.UpdateCase(f.ctx, &desk.CaseChange{Case: &upd, PrevVersion: 1, Messages: ms}))
		sc.c = c
		for _, m := range ms {
			switch m.Kind {
			case desk.MessagePublic:
				sc.publicIDs = append(sc.publicIDs, m.ID)
			case desk.MessageInternal:
				sc.noteIDs = append(sc.noteIDs, m.ID)
			}
		}
	}
	return cases
}

// searchTitles runs a search and returns the titles found, in order.
func searchTitles(t *testing.T, f *fixture, sc desk.Scope, lang, text string, flt desk.CaseSearch) []string {
	t.Helper()
	var out []string
	for _, h := range searchHits(t, f, sc, lang, text, flt) {
		out = append(out, h.Case.Title)
	}
	return out
}

func searchHits(t *testing.T, f *fixture, sc desk.Scope, lang, text string, flt desk.CaseSearch) []*desk.CaseHit {
	t.Helper()
	qs, err := readings(lang, text)
	must(t, err)
	if flt.Limit == 0 {
		flt.Limit = 50
	}
	hits, err := f.s.SearchCases(f.ctx, sc, qs, flt)
	if err != nil {
		t.Fatalf("search %q: %v", text, err)
	}
	for _, h := range hits {
		if !sc.Allows(h.Case.OrgID) {
			t.Fatalf("search %q in scope %+v found case of org %d", text, sc, h.Case.OrgID)
		}
		if h.Message != nil && h.Message.Kind == desk.MessageInternal && !sc.Internal {
			t.Fatalf("search %q in scope %+v shows internal note %q", text, sc, h.Message.Body)
		}
	}
	return hits
}

// readings parses text in one language or, with lang empty, in each.
func readings(lang, text string) ([]textsearch.Query, error) {
	langs := textsearch.Languages
	if lang != "" {
		langs = []string{lang}
	}
	var qs []textsearch.Query
	for _, l := range langs {
		q, err := textsearch.Parse(l, text)
		if err != nil {
			return nil, err
		}
		qs = append(qs, q)
	}
	return qs, nil
}

func titles(cs ...*searchCase) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.title)
	}
	return out
}

func testCaseSearch(t *testing.T, f *fixture) {
	cs := searchFixture(t, f)
	// The searches are run once as they come and, on a store that reads
	// its index in windows of cases (PostgreSQL), again with windows of
	// one case, so that every search crosses them all.
	searches := func(t *testing.T) {
		searchTable(t, f, cs)
		searchDefinition(t, f, cs)
	}
	searches(t)
	if w, ok := f.s.(interface{ SetCaseSearchWindow(int) }); ok {
		t.Run("windows of one case", func(t *testing.T) {
			w.SetCaseSearchWindow(1)
			defer w.SetCaseSearchWindow(0)
			searches(t)
		})
	}
	// A store that picks its way by how common the words are (PostgreSQL)
	// must give the same answers each way.
	if w, ok := f.s.(interface{ SetCaseSearchWay(string) }); ok {
		for _, way := range []string{"gin", "walk"} {
			t.Run("way "+way, func(t *testing.T) {
				w.SetCaseSearchWay(way)
				defer w.SetCaseSearchWay("")
				searches(t)
			})
		}
		t.Run("way walk, windows of one case", func(t *testing.T) {
			w.SetCaseSearchWay("walk")
			defer w.SetCaseSearchWay("")
			w.(interface{ SetCaseSearchWindow(int) }).SetCaseSearchWindow(1)
			defer w.(interface{ SetCaseSearchWindow(int) }).SetCaseSearchWindow(0)
			searches(t)
		})
	}
	testCaseSearchRest(t, f, cs)
	testCaseSearchPages(t, f, cs)
	t.Run("a new case is found at once", func(t *testing.T) {
		// A store may keep the newest case id a while (PostgreSQL, for
		// its first window); a case made since must be found all the
		// same, also when each window is one case.
		if w, ok := f.s.(interface{ SetCaseSearchWindow(int) }); ok {
			w.SetCaseSearchWindow(1)
			defer w.SetCaseSearchWindow(0)
		}
		if w, ok := f.s.(interface{ SetCaseSearchWay(string) }); ok {
			w.SetCaseSearchWay("walk")
			defer w.SetCaseSearchWay("")
		}
		if got := searchTitles(t, f, staff, "en", "wombat", desk.CaseSearch{}); len(got) != 0 {
			t.Fatalf("found %q before the case was made", got)
		}
		for i, title := range []string{"Wombat seen near the mail relay", "Another wombat in the calendar"} {
			_, err := f.s.CreateCase(f.ctx, f.newCase(f.org1, f.admin1, title), nil)
			must(t, err)
			got := searchTitles(t, f, staff, "en", "wombat", desk.CaseSearch{})
			if len(got) != i+1 || got[0] != title {
				t.Fatalf("after making %q, found %q", title, got)
			}
		}
	})
}

func searchTable(t *testing.T, f *fixture, cs []*searchCase) {
	nlPass, mail, svPass, dePass, drive, nbPass, cal := cs[0], cs[1], cs[2], cs[3], cs[4], cs[5], cs[6]
	none := desk.CaseSearch{}
	for _, tt := range []struct {
		name  string
		scope desk.Scope
		lang  string
		text  string
		flt   desk.CaseSearch
		want  []string
	}{
		{"dutch stemming", staff, "nl", "wachtwoorden instellen", none, titles(nlPass)},
		{"swedish without accents", staff, "sv", "losenord", none, titles(svPass)},
		{"swedish with accents", staff, "sv", "lösenordet", none, titles(svPass)},
		{"german compound prefix", staff, "de", "Passwort", none, titles(dePass)},
		{"norwegian", staff, "nb", "passord", none, titles(nbPass)},
		{"reply text", staff, "en", "MX record", none, titles(mail)},
		{"newest first across orgs", staff, "en", "mail", none, titles(cal, dePass, mail)},
		{"customer: own org only", scope(f.org1), "en", "mail", none, titles(mail)},
		{"customer: internal note never matches", scope(f.org1), "en", "zebrafish", none, nil},
		{"staff: internal note matches", staff, "en", "zebrafish", none, titles(mail)},
		{"customer of org 2: note-only match hidden", scope(f.org2), "en", "relay", none, nil},
		{"staff: notes of both orgs", staff, "en", "relay", none, titles(cal, dePass, mail)},
		{"events are not indexed", staff, "en", "status changed", none, nil},
		// An entry that has an excluded word does not match; another
		// entry of the same case still may.
		{"exclusion", staff, "en", "mail -partner", none, titles(cal, dePass)},
		{"status filter", staff, "en", "files", desk.CaseSearch{Statuses: []desk.Status{desk.StatusResolved}}, titles(drive)},
		{"status filter excludes", staff, "en", "files", desk.CaseSearch{Statuses: []desk.Status{desk.StatusNew}}, nil},
		{"severity filter", staff, "en", "files", desk.CaseSearch{Severities: []desk.Severity{desk.SeverityNormal, desk.SeverityLow}}, nil},
		{"product filter", staff, "en", "mail", desk.CaseSearch{Product: "drive"}, nil},
		{"creator filter", staff, "en", "mail", desk.CaseSearch{CreatedBy: f.admin2.ID}, titles(cal, dePass)},
		{"customer filtering by another org's creator", scope(f.org1), "en", "mail", desk.CaseSearch{CreatedBy: f.admin2.ID}, nil},
		{"org filter", staff, "en", "mail", desk.CaseSearch{OrgID: f.org2.ID}, titles(cal, dePass)},
		{"customer asking for another org", scope(f.org1), "en", "mail", desk.CaseSearch{OrgID: f.org2.ID}, nil},
		{"from", staff, "en", "files", desk.CaseSearch{From: base.Add(24 * time.Hour)}, titles(drive)},
		{"to", staff, "en", "files", desk.CaseSearch{To: base.Add(24 * time.Hour)}, nil},
		{"from and to", staff, "en", "mail", desk.CaseSearch{From: base.Add(-time.Hour), To: base.Add(time.Hour)}, titles(cal, dePass, mail)},
		{"no case in the dates", staff, "en", "mail", desk.CaseSearch{From: base.Add(-48 * time.Hour), To: base.Add(-24 * time.Hour)}, nil},
		{"no scope sees nothing", desk.Scope{}, "en", "mail", none, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := searchTitles(t, f, tt.scope, tt.lang, tt.text, tt.flt); !slices.Equal(got, tt.want) {
				t.Fatalf("search %q = %q, want %q", tt.text, got, tt.want)
			}
		})
	}

}

func testCaseSearchRest(t *testing.T, f *fixture, cs []*searchCase) {
	mail, cal := cs[1], cs[6]
	none := desk.CaseSearch{}
	t.Run("best entry", func(t *testing.T) {
		// Staff see the internal note as the newest matching entry; the
		// customer the case's own text.
		h := searchHits(t, f, staff, "en", "partner", none)
		if len(h) != 2 || h[0].Case.ID != cal.c.ID || h[0].Message == nil || h[0].Message.ID != cal.noteIDs[0] {
			t.Fatalf("staff hits = %+v", h)
		}
		if h[1].Case.ID != mail.c.ID || h[1].Message != nil {
			t.Fatalf("title hit = %+v, want the case's own text", h[1])
		}
		h = searchHits(t, f, scope(f.org2), "en", "partner", none)
		if len(h) != 0 {
			t.Fatalf("customer of org 2 found %+v via a note", h[0].Case.Title)
		}
		h = searchHits(t, f, scope(f.org1), "en", "MX", none)
		if len(h) != 1 || h[0].Message == nil || h[0].Message.ID != mail.publicIDs[0] || h[0].Message.Body != "Please check your MX records." {
			t.Fatalf("customer hits = %+v", h)
		}
	})

}

func searchDefinition(t *testing.T, f *fixture, cs []*searchCase) {
	none := desk.CaseSearch{}
	t.Run("same as the query definition", func(t *testing.T) {
		// What every engine must return: the cases with an entry whose
		// terms satisfy the query (textsearch.Query.Matches), newest first.
		for _, text := range []string{"mail", "passwort", "partner relay", "wachtwoord", "files -drive", "instellen", "invites", "p*", "ma"} {
			for _, sc := range []desk.Scope{staff, scope(f.org1), scope(f.org2)} {
				qs, err := readings("", text)
				must(t, err)
				var want []string
				for i := len(cs) - 1; i >= 0; i-- {
					c := cs[i]
					if !sc.Allows(c.c.OrgID) {
						continue
					}
					texts := []string{c.title + "\n" + c.desc}
					texts = append(texts, c.public...)
					if sc.Internal {
						texts = append(texts, c.internal...)
					}
					for _, x := range texts {
						if slices.ContainsFunc(qs, func(q textsearch.Query) bool { return q.Matches(textsearch.Terms(c.lang, x)) }) {
							want = append(want, c.title)
							break
						}
					}
				}
				if got := searchTitles(t, f, sc, "", text, none); !slices.Equal(got, want) {
					t.Fatalf("search %q in %+v = %q, want %q", text, sc, got, want)
				}
			}
		}
	})

}

func testCaseSearchPages(t *testing.T, f *fixture, cs []*searchCase) {
	mail := cs[1]
	none := desk.CaseSearch{}
	t.Run("pages", func(t *testing.T) {
		var want []string
		for i := range 7 {
			c := f.create(t, f.org1, f.admin1, "Printer queue stuck "+strings.Repeat("x", i+1))
			want = append([]string{c.Title}, want...)
		}
		pages := func(t *testing.T) {
			var got []string
			after := int64(0)
			for range 10 {
				hits := searchHits(t, f, scope(f.org1), "en", "printer", desk.CaseSearch{Limit: 3, After: after})
				for _, h := range hits {
					got = append(got, h.Case.Title)
				}
				if len(hits) < 3 {
					break
				}
				after = hits[len(hits)-1].Case.ID
			}
			if !slices.Equal(got, want) {
				t.Fatalf("pages = %q, want %q", got, want)
			}
		}
		pages(t)
		if w, ok := f.s.(interface{ SetCaseSearchWay(string) }); ok {
			for _, way := range []string{"gin", "walk"} {
				w.SetCaseSearchWay(way)
				pages(t)
			}
			w.SetCaseSearchWay("")
		}
		if w, ok := f.s.(interface{ SetCaseSearchWindow(int) }); ok {
			w.SetCaseSearchWindow(1)
			defer w.SetCaseSearchWindow(0)
			pages(t)
		}
	})

	t.Run("dates after an import", func(t *testing.T) {
		// A search by date remembers which cases each day long past
		// holds; an import into such a day must still be found.
		old := time.Date(2020, 3, 10, 12, 0, 0, 0, time.UTC)
		flt := desk.CaseSearch{From: old.Add(-24 * time.Hour), To: old.Add(24 * time.Hour)}
		if got := searchTitles(t, f, staff, "en", "walrus", flt); got != nil {
			t.Fatalf("before the import: %q", got)
		}
		ch := f.newCase(f.org1, f.admin1, "Walrus tusks block the mail filter")
		ch.Case.CreatedAt, ch.Case.UpdatedAt, ch.Case.Source = old, old, "import"
		ch.Messages[0].CreatedAt = old
		must(t, f.s.ImportCases(f.ctx, []*desk.CaseChange{ch}))
		if got := searchTitles(t, f, staff, "en", "walrus", flt); !slices.Equal(got, []string{ch.Case.Title}) {
			t.Fatalf("after the import: %q", got)
		}
		// The days around it, and a range reaching into today, still work.
		if got := searchTitles(t, f, staff, "en", "walrus", desk.CaseSearch{From: old.Add(24 * time.Hour), To: old.Add(72 * time.Hour)}); got != nil {
			t.Fatalf("the day after: %q", got)
		}
		if got := searchTitles(t, f, staff, "en", "walrus", desk.CaseSearch{From: old.Add(-time.Hour), To: time.Now().Add(time.Hour)}); !slices.Equal(got, []string{ch.Case.Title}) {
			t.Fatalf("up to now: %q", got)
		}
	})

	t.Run("hostile queries", func(t *testing.T) {
		for _, text := range []string{`"`, `""mail`, `mail"`, `(mail`, `mail)`, `mail AND OR NOT`, `NEAR(mail partner)`,
			`mail*`, `*`, `-`, `--mail`, "mail\x00relay", `col:mail`, `'; DROP TABLE cases; --`, `\`, `mail & | ! <->`,
			`a:* | b`, `{mail}`, `^mail`, `mail + relay`, "\xff\xfe", `%_`, strings.Repeat("(", 100), strings.Repeat("mail ", 12)} {
			for _, lang := range textsearch.Languages {
				q, err := textsearch.Parse(lang, text)
				if err != nil {
					continue
				}
				if q.Empty() {
					continue
				}
				if _, err := f.s.SearchCases(f.ctx, staff, []textsearch.Query{q}, desk.CaseSearch{Limit: 10}); err != nil {
					t.Fatalf("search %q (%s): %v", text, lang, err)
				}
			}
			if qs, err := readings("", text); err == nil && !qs[0].Empty() {
				if _, err := f.s.SearchCases(f.ctx, scope(f.org1), qs, desk.CaseSearch{Limit: 10}); err != nil {
					t.Fatalf("search %q in every language: %v", text, err)
				}
			}
		}
	})

	t.Run("reindex", func(t *testing.T) {
		queries := []string{"mail", "partner", "wachtwoord", "printer", "zebrafish", "relay", "files"}
		before := map[string][]string{}
		for _, q := range queries {
			before[q] = searchTitles(t, f, staff, "en", q, none)
		}
		var calls int
		n, err := f.s.ReindexCases(f.ctx, 3, func(cases, entries int) { calls++ })
		must(t, err)
		// One entry per case and one per reply or note.
		counts, err := f.s.CountCases(f.ctx, staff, desk.CaseFilter{}, "")
		must(t, err)
		want := counts[0].N
		for _, c := range cs {
			want += len(c.public) + len(c.internal)
		}
		if n != want {
			t.Fatalf("reindexed %d entries, want %d", n, want)
		}
		if batches := (counts[0].N + 2) / 3; calls != batches {
			t.Fatalf("progress called %d times, want %d", calls, batches)
		}
		for _, q := range queries {
			if got := searchTitles(t, f, staff, "en", q, none); !slices.Equal(got, before[q]) {
				t.Fatalf("after reindex %q = %q, want %q", q, got, before[q])
			}
		}
		// Replies added after a reindex are found, and a second reindex
		// gives the same.
		upd := *mail.c
		upd.Version = 3
		must(t, f.s.UpdateCase(f.ctx, &desk.CaseChange{Case: &upd, PrevVersion: 2, Messages: []*desk.Message{
			{Kind: desk.MessagePublic, Body: "The quokka relay is fixed.", Channel: "api", CreatedAt: base}}}))
		if got := searchTitles(t, f, scope(f.org1), "en", "quokka", none); !slices.Equal(got, titles(mail)) {
			t.Fatalf("new reply: %q", got)
		}
		// Enough cases for a batch of several hundred entries.
		var batch []*desk.CaseChange
		for i := range 60 {
			ch := f.newCase(f.org2, f.admin2, fmt.Sprintf("Kangaroo %d", i))
			for j := range 3 {
				ch.Messages = append(ch.Messages, &desk.Message{Kind: desk.MessagePublic, Body: fmt.Sprintf("Reply %d about the kangaroo sync", j),
					Channel: "import", CreatedAt: base})
			}
			batch = append(batch, ch)
		}
		must(t, f.s.ImportCases(f.ctx, batch))
		kangaroos := searchHits(t, f, staff, "en", "kangaroo sync", desk.CaseSearch{Limit: 100})
		if len(kangaroos) != 60 {
			t.Fatalf("kangaroo sync: %d cases, want 60", len(kangaroos))
		}
		n, err = f.s.ReindexCases(f.ctx, 100, nil)
		must(t, err)
		if n != want+1+60*4 {
			t.Fatalf("second reindex: %d entries, want %d", n, want+1+60*4)
		}
		if got := searchTitles(t, f, scope(f.org1), "en", "quokka", none); !slices.Equal(got, titles(mail)) {
			t.Fatalf("new reply after second reindex: %q", got)
		}
		again := searchHits(t, f, staff, "en", "kangaroo sync", desk.CaseSearch{Limit: 100})
		if len(again) != 60 {
			t.Fatalf("kangaroo sync after reindex: %d cases, want 60", len(again))
		}
		for i, h := range again {
			if h.Case.ID != kangaroos[i].Case.ID || h.Message == nil || h.Message.ID != kangaroos[i].Message.ID {
				t.Fatalf("hit %d after reindex = case %d message %v, before case %d message %v", i, h.Case.ID, h.Message, kangaroos[i].Case.ID, kangaroos[i].Message)
			}
		}
	})
}
