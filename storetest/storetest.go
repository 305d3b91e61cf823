// Package storetest is the conformance suite every desk.Store must pass,
// in the manner of testing/fstest: the SQLite and PostgreSQL adapters each
// call Run with a function that makes a fresh, migrated, empty store.
package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"desk"
	"desk/bizhours"
)

// Run runs the suite. newStore must return a new empty store for each call;
// the suite closes it.
func Run(t *testing.T, newStore func(t *testing.T) desk.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, f *fixture)
	}{
		{"Catalogue", testCatalogue},
		{"SLAPolicies", testSLAPolicies},
		{"Calendars", testCalendars},
		{"Users", testUsers},
		{"CreateAndScope", testCreateAndScope},
		{"Idempotency", testIdempotency},
		{"IdempotencyConcurrent", testIdempotencyConcurrent},
		{"UpdateCompareAndSet", testUpdateCompareAndSet},
		{"Timeline", testTimeline},
		{"Attachments", testAttachments},
		{"ListFilters", testListFilters},
		{"Pagination", testPagination},
		{"OrderByCreation", testOrderByCreation},
		{"ImportAllOrNothing", testImportAllOrNothing},
		{"ConcurrentCreates", testConcurrentCreates},
		{"Audit", testAudit},
		{"Timers", testTimers},
		{"TimersConcurrentClaims", testTimersConcurrentClaims},
		{"Sessions", testSessions},
		{"Ratings", testRatings},
		{"QueueFilters", testQueueFilters},
		{"CountCases", testCountCases},
		{"Merge", testMerge},
		{"Outbox", testOutbox},
		{"OutboxConcurrentClaims", testOutboxConcurrentClaims},
		{"InboundMail", testInboundMail},
		{"FailingAddresses", testFailingAddresses},
		{"Health", testHealth},
		{"Webhooks", testWebhooks},
		{"StatusSubscriptions", testStatusSubscriptions}, {"StatusNotices", testStatusNotices},
		{"Credits", testCredits},
		{"CaseSearch", testCaseSearch},
		{"Articles", testArticles}, {"ArticleSearch", testArticleSearch}, {"ArticleVisibility", testArticleVisibility}, {"Deflection", testDeflection},
		{"ArticleVotes", testArticleVotes}, {"ArticleVocabulary", testArticleVocabulary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			t.Cleanup(func() { s.Close() })
			tt.fn(t, newFixture(t, s))
		})
	}
}

// base is a fixed instant with microseconds, to check that times round-trip
// at the stores' resolution.
var base = time.Date(2026, 3, 2, 9, 30, 15, 123456000, time.UTC)

type fixture struct {
	s                    desk.Store
	ctx                  context.Context
	org1, org2           *desk.Org
	admin1, admin2, user *desk.User
	agent                *desk.User
	partner              *desk.Partner
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantKind(t *testing.T, err error, kind string) {
	t.Helper()
	if got := desk.ErrorKind(err); got != kind {
		t.Fatalf("error kind = %q (%v), want %q", got, err, kind)
	}
}

func newFixture(t *testing.T, s desk.Store) *fixture {
	ctx := context.Background()
	f := &fixture{s: s, ctx: ctx}
	for _, p := range []*desk.Product{{Code: "mail", Name: "Mail"}, {Code: "drive", Name: "Drive"}} {
		must(t, s.PutProduct(ctx, p))
	}
	must(t, s.PutPlan(ctx, &desk.Plan{Code: "business", Name: "Business", SupportIncluded: true,
		Channels: []desk.Channel{desk.ChannelWeb, desk.ChannelEmail}, MaxSeverity: desk.SeverityHigh, UpgradeTo: "enterprise"}))
	f.partner = &desk.Partner{Name: "Northwind", Email: "help@northwind.example"}
	must(t, s.CreatePartner(ctx, f.partner))
	f.org1 = &desk.Org{Name: "One", TimeZone: "Europe/Amsterdam", Language: "nl", Phones: []string{"+31 20 555 0100"}, Emails: []string{"it@one.example"}, CreatedAt: base}
	f.org2 = &desk.Org{Name: "Two", TimeZone: "Europe/Berlin", Language: "de", CreatedAt: base}
	must(t, s.CreateOrg(ctx, f.org1))
	must(t, s.CreateOrg(ctx, f.org2))
	must(t, s.PutSubscription(ctx, &desk.Subscription{OrgID: f.org1.ID, Product: "mail", Plan: "business", ExtendedSupport: true}))
	must(t, s.PutSubscription(ctx, &desk.Subscription{OrgID: f.org2.ID, Product: "mail", Plan: "business", Partner: f.partner}))
	mk := func(org int64, email string, role desk.Role) *desk.User {
		u := &desk.User{OrgID: org, Email: email, Name: email, Role: role, Language: "en", TimeZone: "UTC", CreatedAt: base}
		must(t, s.CreateUser(ctx, u))
		return u
	}
	f.admin1 = mk(f.org1.ID, "admin@one.example", desk.RoleSupportAdmin)
	f.user = mk(f.org1.ID, "user@one.example", desk.RoleUser)
	f.admin2 = mk(f.org2.ID, "admin@two.example", desk.RoleSuperAdmin)
	f.agent = mk(0, "agent@vendor.example", desk.RoleAgent)
	return f
}

// newCase returns a change that creates a case for org by creator.
func (f *fixture) newCase(org *desk.Org, creator *desk.User, title string) *desk.CaseChange {
	due := base.Add(time.Hour)
	c := &desk.Case{
		OrgID: org.ID, Product: "mail", Category: desk.CategoryTechnical, Severity: desk.SeverityNormal,
		Status: desk.StatusNew, Title: title, Description: "description of " + title, Language: "en",
		ContactMethod: desk.ContactEmail, Plan: "business", CreatedBy: creator.ID, Source: "api",
		CreatedAt: base, UpdatedAt: base, FirstResponseDueAt: &due, Version: 1,
	}
	return &desk.CaseChange{
		Case:     c,
		Messages: []*desk.Message{{Kind: desk.MessageEvent, Body: "case opened", Channel: "api", CreatedAt: base}},
		Audit:    []*desk.AuditEntry{{At: base, ActorID: creator.ID, OrgID: org.ID, Action: "case.open", ObjectType: "case"}},
	}
}

func (f *fixture) create(t *testing.T, org *desk.Org, creator *desk.User, title string) *desk.Case {
	t.Helper()
	ch := f.newCase(org, creator, title)
	created, err := f.s.CreateCase(f.ctx, ch, nil)
	must(t, err)
	if !created {
		t.Fatal("created = false without an idempotency key")
	}
	return ch.Case
}

func scope(org *desk.Org) desk.Scope { return desk.Scope{OrgID: org.ID} }

var staff = desk.Scope{AllOrgs: true, Internal: true}

func testCatalogue(t *testing.T, f *fixture) {
	ps, err := f.s.Products(f.ctx)
	must(t, err)
	if len(ps) != 2 || ps[0].Code != "drive" || ps[1].Code != "mail" {
		t.Fatalf("products = %+v", ps)
	}
	p, err := f.s.Plan(f.ctx, "business")
	must(t, err)
	if !p.SupportIncluded || p.MaxSeverity != desk.SeverityHigh || !p.AllowsChannel(desk.ChannelEmail) || p.AllowsChannel(desk.ChannelChat) || p.UpgradeTo != "enterprise" {
		t.Fatalf("plan = %+v", p)
	}
	_, err = f.s.Plan(f.ctx, "nope")
	wantKind(t, err, desk.ENOTFOUND)

	must(t, f.s.PutSLAPolicy(f.ctx, &desk.SLAPolicy{Plan: "business", Severity: desk.SeverityHigh, Calendar: "24x7", FirstResponseMinutes: 480}))
	must(t, f.s.PutSLAPolicy(f.ctx, &desk.SLAPolicy{Plan: "business", Severity: desk.SeverityHigh, Calendar: "weekdays", FirstResponseMinutes: 120, ResolutionMinutes: 2400}))
	sp, err := f.s.SLAPolicy(f.ctx, "business", desk.SeverityHigh)
	must(t, err)
	if sp.Calendar != "weekdays" || sp.FirstResponseMinutes != 120 || sp.ResolutionMinutes != 2400 {
		t.Fatalf("policy = %+v, want the second put", sp)
	}
	_, err = f.s.SLAPolicy(f.ctx, "business", desk.SeverityLow)
	wantKind(t, err, desk.ENOTFOUND)

	o, err := f.s.Org(f.ctx, f.org1.ID)
	must(t, err)
	if o.Name != "One" || o.TimeZone != "Europe/Amsterdam" || len(o.Phones) != 1 || !o.CreatedAt.Equal(base) {
		t.Fatalf("org = %+v", o)
	}
	_, err = f.s.Org(f.ctx, f.org2.ID+1000)
	wantKind(t, err, desk.ENOTFOUND)

	subs, err := f.s.Subscriptions(f.ctx, f.org2.ID)
	must(t, err)
	if len(subs) != 1 || subs[0].Partner == nil || subs[0].Partner.Name != "Northwind" || subs[0].ExtendedSupport {
		t.Fatalf("subscriptions = %+v", subs)
	}
	subs, err = f.s.Subscriptions(f.ctx, f.org1.ID)
	must(t, err)
	if len(subs) != 1 || subs[0].Partner != nil || !subs[0].ExtendedSupport {
		t.Fatalf("subscriptions = %+v", subs)
	}
}

// testSLAPolicies: business-day targets and per-target calendars
// round-trip, and the list holds every policy.
func testSLAPolicies(t *testing.T, f *fixture) {
	must(t, f.s.PutPlan(f.ctx, &desk.Plan{Code: "enterprise", Name: "Enterprise", SupportIncluded: true, MaxSeverity: desk.SeverityHigh}))
	ps, err := f.s.SLAPolicies(f.ctx)
	must(t, err)
	if len(ps) != 0 {
		t.Fatalf("policies of an empty store = %+v", ps)
	}
	want := &desk.SLAPolicy{Plan: "business", Severity: desk.SeverityNormal, Calendar: "beijing"}
	want.SetFirstResponse(bizhours.Target{BusinessDays: 1}, "")
	want.SetNextResponse(bizhours.Target{Minutes: 90}, "24x7")
	want.SetResolution(bizhours.Target{BusinessDays: 3}, "weekdays-de")
	must(t, f.s.PutSLAPolicy(f.ctx, want))
	must(t, f.s.PutSLAPolicy(f.ctx, &desk.SLAPolicy{Plan: "enterprise", Severity: desk.SeverityCritical, Calendar: "24x7", FirstResponseMinutes: 60}))
	got, err := f.s.SLAPolicy(f.ctx, "business", desk.SeverityNormal)
	must(t, err)
	if *got != *want {
		t.Fatalf("policy = %+v, want %+v", got, want)
	}
	// Replacing a business-day target by minutes leaves no days behind.
	want.SetFirstResponse(bizhours.Target{Minutes: 480}, "weekdays")
	must(t, f.s.PutSLAPolicy(f.ctx, want))
	got, err = f.s.SLAPolicy(f.ctx, "business", desk.SeverityNormal)
	must(t, err)
	if got.FirstResponse() != (desk.SLATarget{Target: bizhours.Target{Minutes: 480}, Calendar: "weekdays"}) {
		t.Fatalf("first response after replacing = %+v", got.FirstResponse())
	}
	ps, err = f.s.SLAPolicies(f.ctx)
	must(t, err)
	if len(ps) != 2 || ps[0].Plan != "business" || ps[1].Plan != "enterprise" || ps[1].FirstResponseMinutes != 60 {
		t.Fatalf("policies = %+v", ps)
	}
}

// testCalendars: calendars are stored whole by name, replaced by name and
// listed by name.
func testCalendars(t *testing.T, f *fixture) {
	cals, err := f.s.Calendars(f.ctx)
	must(t, err)
	if len(cals) != 0 {
		t.Fatalf("calendars of an empty store = %d", len(cals))
	}
	_, err = f.s.Calendar(f.ctx, "beijing")
	wantKind(t, err, desk.ENOTFOUND)
	for _, c := range bizhours.Seeded() {
		must(t, f.s.PutCalendar(f.ctx, c, base))
	}
	cals, err = f.s.Calendars(f.ctx)
	must(t, err)
	seeded := bizhours.Seeded()
	if len(cals) != len(seeded) {
		t.Fatalf("%d calendars, want %d", len(cals), len(seeded))
	}
	for i := 1; i < len(cals); i++ {
		if cals[i-1].Name >= cals[i].Name {
			t.Fatalf("calendars not by name: %s before %s", cals[i-1].Name, cals[i].Name)
		}
	}
	for _, want := range seeded {
		got, err := f.s.Calendar(f.ctx, want.Name)
		must(t, err)
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Fatalf("calendar %s =\n%s\nwant\n%s", want.Name, g, w)
		}
		// The stored calendar computes what the shipped one does.
		start := time.Date(2026, 12, 24, 16, 30, 0, 0, time.UTC)
		for _, tg := range []bizhours.Target{{Minutes: 480}, {BusinessDays: 3}} {
			if a, b := got.Due(start, tg), want.Due(start, tg); !a.Equal(b) {
				t.Errorf("%s: due %v after %v = %v, want %v", want.Name, tg, start, a, b)
			}
		}
	}
	bj := bizhours.Daily("beijing", time.UTC, 8*60, 20*60)
	must(t, f.s.PutCalendar(f.ctx, bj, base.Add(time.Hour)))
	got, err := f.s.Calendar(f.ctx, "beijing")
	must(t, err)
	if got.Location.String() != "UTC" || got.Week[time.Sunday][0] != (bizhours.Interval{Start: 8 * 60, End: 20 * 60}) {
		t.Fatalf("replaced calendar = %+v", got)
	}
	if cals, _ := f.s.Calendars(f.ctx); len(cals) != len(seeded) {
		t.Fatalf("replacing added a calendar: %d", len(cals))
	}
}

func testUsers(t *testing.T, f *fixture) {
	u, err := f.s.UserByEmail(f.ctx, "  ADMIN@One.example ")
	must(t, err)
	if u.ID != f.admin1.ID || u.Role != desk.RoleSupportAdmin || u.OrgID != f.org1.ID {
		t.Fatalf("user = %+v", u)
	}
	dup := &desk.User{OrgID: f.org2.ID, Email: "Admin@ONE.example", Name: "x", Role: desk.RoleUser, Language: "en", TimeZone: "UTC", CreatedAt: base}
	wantKind(t, f.s.CreateUser(f.ctx, dup), desk.ECONFLICT)
	_, err = f.s.UserByEmail(f.ctx, "nobody@one.example")
	wantKind(t, err, desk.ENOTFOUND)

	hash := []byte("0123456789abcdef0123456789abcdef")
	must(t, f.s.CreateToken(f.ctx, f.agent.ID, hash, base))
	u, err = f.s.UserByToken(f.ctx, hash)
	must(t, err)
	if u.ID != f.agent.ID || !u.IsStaff() || u.OrgID != 0 {
		t.Fatalf("token user = %+v", u)
	}
	_, err = f.s.UserByToken(f.ctx, []byte("0123456789abcdef0123456789abcdeX"))
	wantKind(t, err, desk.ENOTFOUND)

	us, err := f.s.Users(f.ctx, f.org1.ID)
	must(t, err)
	if len(us) != 2 {
		t.Fatalf("org users = %d, want 2", len(us))
	}
	st, err := f.s.Users(f.ctx, 0)
	must(t, err)
	if len(st) != 1 || st[0].Email != "agent@vendor.example" {
		t.Fatalf("staff = %+v", st)
	}
}

func testCreateAndScope(t *testing.T, f *fixture) {
	c := f.create(t, f.org1, f.admin1, "Mail is slow")
	if c.ID < 1000 {
		t.Fatalf("case id = %d, want case numbers from 1000", c.ID)
	}
	got, err := f.s.Case(f.ctx, scope(f.org1), c.ID)
	must(t, err)
	if got.Title != "Mail is slow" || got.Status != desk.StatusNew || !got.CreatedAt.Equal(base) ||
		got.FirstResponseDueAt == nil || !got.FirstResponseDueAt.Equal(base.Add(time.Hour)) || got.Version != 1 {
		t.Fatalf("case = %+v", got)
	}
	if got.ResolvedAt != nil || got.NextResponseDueAt != nil {
		t.Fatalf("unset times came back set: %+v", got)
	}
	// Another organisation sees nothing, exactly as for an id that never existed.
	_, err = f.s.Case(f.ctx, scope(f.org2), c.ID)
	wantKind(t, err, desk.ENOTFOUND)
	_, err = f.s.Case(f.ctx, scope(f.org1), c.ID+1000)
	wantKind(t, err, desk.ENOTFOUND)
	// A scope without an organisation matches nothing.
	_, err = f.s.Case(f.ctx, desk.Scope{}, c.ID)
	wantKind(t, err, desk.ENOTFOUND)
	if _, err := f.s.Case(f.ctx, staff, c.ID); err != nil {
		t.Fatalf("staff: %v", err)
	}
}

func testIdempotency(t *testing.T, f *fixture) {
	idem := &desk.Idempotency{UserID: f.admin1.ID, Key: "k-1", Fingerprint: "fp"}
	first := f.newCase(f.org1, f.admin1, "first")
	created, err := f.s.CreateCase(f.ctx, first, idem)
	must(t, err)
	if !created {
		t.Fatal("first call: created = false")
	}
	again := f.newCase(f.org1, f.admin1, "first")
	created, err = f.s.CreateCase(f.ctx, again, idem)
	must(t, err)
	if created || again.Case.ID != first.Case.ID {
		t.Fatalf("retry: created=%v id=%d, want false and %d", created, again.Case.ID, first.Case.ID)
	}
	other := f.newCase(f.org1, f.admin1, "different")
	_, err = f.s.CreateCase(f.ctx, other, &desk.Idempotency{UserID: f.admin1.ID, Key: "k-1", Fingerprint: "other"})
	wantKind(t, err, desk.ECONFLICT)
	// Keys belong to their user: another user's same key is another case.
	mine := f.newCase(f.org2, f.admin2, "mine")
	created, err = f.s.CreateCase(f.ctx, mine, &desk.Idempotency{UserID: f.admin2.ID, Key: "k-1", Fingerprint: "fp"})
	must(t, err)
	if !created || mine.Case.ID == first.Case.ID {
		t.Fatalf("other user's key: created=%v id=%d", created, mine.Case.ID)
	}
	all, err := f.s.Cases(f.ctx, staff, desk.CaseFilter{Limit: 100})
	must(t, err)
	if len(all) != 2 {
		t.Fatalf("%d cases stored, want 2", len(all))
	}
}

func testIdempotencyConcurrent(t *testing.T, f *fixture) {
	const n = 16
	ids := make([]int64, n)
	var createdCount int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ch := f.newCase(f.org1, f.admin1, "racing retry")
			created, err := f.s.CreateCase(f.ctx, ch, &desk.Idempotency{UserID: f.admin1.ID, Key: "race", Fingerprint: "fp"})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			ids[i] = ch.Case.ID
			if created {
				createdCount++
			}
		}()
	}
	wg.Wait()
	if createdCount != 1 {
		t.Fatalf("%d calls created a case, want 1", createdCount)
	}
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("ids differ: %v", ids)
		}
	}
	all, err := f.s.Cases(f.ctx, staff, desk.CaseFilter{Limit: 100})
	must(t, err)
	if len(all) != 1 {
		t.Fatalf("%d cases stored, want 1", len(all))
	}
}

func testUpdateCompareAndSet(t *testing.T, f *fixture) {
	c := f.create(t, f.org1, f.admin1, "cas")
	later := base.Add(time.Minute)
	upd := *c
	upd.Status, upd.Version, upd.UpdatedAt, upd.FirstResponseAt = desk.StatusOpen, 2, later, &later
	must(t, f.s.UpdateCase(f.ctx, &desk.CaseChange{Case: &upd, PrevVersion: 1,
		Messages: []*desk.Message{{Kind: desk.MessagePublic, Body: "hello", AuthorID: f.agent.ID, FromStaff: true, Channel: "api", CreatedAt: later}}}))
	got, err := f.s.Case(f.ctx, staff, c.ID)
	must(t, err)
	if got.Status != desk.StatusOpen || got.Version != 2 || got.FirstResponseAt == nil || !got.FirstResponseAt.Equal(later) {
		t.Fatalf("after update: %+v", got)
	}
	// A writer working from version 1 changes nothing, timeline included.
	stale := *c
	stale.Status, stale.Version = desk.StatusClosed, 2
	err = f.s.UpdateCase(f.ctx, &desk.CaseChange{Case: &stale, PrevVersion: 1,
		Messages: []*desk.Message{{Kind: desk.MessageEvent, Body: "closed", Channel: "api", CreatedAt: later}}})
	wantKind(t, err, desk.ECONFLICT)
	got, err = f.s.Case(f.ctx, staff, c.ID)
	must(t, err)
	if got.Status != desk.StatusOpen {
		t.Fatalf("stale update applied: %s", got.Status)
	}
	msgs, err := f.s.Messages(f.ctx, staff, c.ID)
	must(t, err)
	if len(msgs) != 2 {
		t.Fatalf("timeline has %d entries, want 2 (opened, hello)", len(msgs))
	}
}

func testTimeline(t *testing.T, f *fixture) {
	c := f.create(t, f.org1, f.admin1, "timeline")
	upd := *c
	upd.Version = 2
	must(t, f.s.UpdateCase(f.ctx, &desk.CaseChange{Case: &upd, PrevVersion: 1, Messages: []*desk.Message{
		{Kind: desk.MessageInternal, Body: "customer is on the old MX", AuthorID: f.agent.ID, FromStaff: true, Channel: "api", CreatedAt: base},
		{Kind: desk.MessagePublic, Body: "please check your MX records", AuthorID: f.agent.ID, FromStaff: true, Channel: "api", CreatedAt: base},
	}}))
	cust, err := f.s.Messages(f.ctx, scope(f.org1), c.ID)
	must(t, err)
	for _, m := range cust {
		if m.Kind == desk.MessageInternal {
			t.Fatalf("customer sees internal note %q", m.Body)
		}
	}
	if len(cust) != 2 || cust[1].Body != "please check your MX records" || !cust[1].FromStaff || cust[1].AuthorID != f.agent.ID {
		t.Fatalf("customer timeline = %+v", cust)
	}
	all, err := f.s.Messages(f.ctx, staff, c.ID)
	must(t, err)
	if len(all) != 3 || all[1].Kind != desk.MessageInternal {
		t.Fatalf("staff timeline = %d entries", len(all))
	}
	_, err = f.s.Messages(f.ctx, scope(f.org2), c.ID)
	wantKind(t, err, desk.ENOTFOUND)
}

func testAttachments(t *testing.T, f *fixture) {
	c := f.create(t, f.org1, f.admin1, "with file")
	upd := *c
	upd.Version = 2
	att := &desk.Attachment{ID: "0123456789abcdef0123456789abcdef", Name: "trace.txt", ContentType: "text/plain; charset=utf-8",
		Size: 5, SHA256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", UploadedBy: f.admin1.ID, CreatedAt: base}
	must(t, f.s.UpdateCase(f.ctx, &desk.CaseChange{Case: &upd, PrevVersion: 1, Attachment: att,
		Messages: []*desk.Message{{Kind: desk.MessageAttachment, Body: "trace.txt", AttachmentID: att.ID, Channel: "api", CreatedAt: base}}}))
	got, err := f.s.Attachment(f.ctx, scope(f.org1), att.ID)
	must(t, err)
	if got.CaseID != c.ID || got.OrgID != f.org1.ID || got.Name != "trace.txt" || got.Size != 5 || got.SHA256 != att.SHA256 {
		t.Fatalf("attachment = %+v", got)
	}
	_, err = f.s.Attachment(f.ctx, scope(f.org2), att.ID)
	wantKind(t, err, desk.ENOTFOUND)
	list, err := f.s.Attachments(f.ctx, scope(f.org1), c.ID)
	must(t, err)
	if len(list) != 1 {
		t.Fatalf("attachments = %d", len(list))
	}
	_, err = f.s.Attachments(f.ctx, scope(f.org2), c.ID)
	wantKind(t, err, desk.ENOTFOUND)
}

func ids(cs []*desk.Case) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func testListFilters(t *testing.T, f *fixture) {
	a := f.create(t, f.org1, f.admin1, "Outlook 100% CPU")
	b := f.create(t, f.org1, f.admin1, "Drive sync_error")
	c := f.create(t, f.org2, f.admin2, "Outlook crash")
	// Change b to high severity, open, drive.
	ub := *b
	ub.Severity, ub.Status, ub.Product, ub.Version = desk.SeverityHigh, desk.StatusOpen, "drive", 2
	must(t, f.s.UpdateCase(f.ctx, &desk.CaseChange{Case: &ub, PrevVersion: 1}))

	for _, tc := range []struct {
		name  string
		scope desk.Scope
		f     desk.CaseFilter
		want  []int64
	}{
		{"org1 all", scope(f.org1), desk.CaseFilter{}, []int64{b.ID, a.ID}},
		{"org2 all", scope(f.org2), desk.CaseFilter{}, []int64{c.ID}},
		{"staff all", staff, desk.CaseFilter{}, []int64{c.ID, b.ID, a.ID}},
		{"status", scope(f.org1), desk.CaseFilter{Statuses: []desk.Status{desk.StatusOpen}}, []int64{b.ID}},
		{"statuses", scope(f.org1), desk.CaseFilter{Statuses: []desk.Status{desk.StatusOpen, desk.StatusNew}}, []int64{b.ID, a.ID}},
		{"severity", staff, desk.CaseFilter{Severities: []desk.Severity{desk.SeverityNormal}}, []int64{c.ID, a.ID}},
		{"product", scope(f.org1), desk.CaseFilter{Product: "drive"}, []int64{b.ID}},
		{"text in other org", scope(f.org1), desk.CaseFilter{Query: "outlook"}, []int64{a.ID}},
		{"text case-insensitive", staff, desk.CaseFilter{Query: "OUTLOOK"}, []int64{c.ID, a.ID}},
		{"percent is literal", staff, desk.CaseFilter{Query: "100%"}, []int64{a.ID}},
		{"underscore is literal", staff, desk.CaseFilter{Query: "100_"}, nil},
		{"underscore matches itself", staff, desk.CaseFilter{Query: "sync_error"}, []int64{b.ID}},
		{"quote", staff, desk.CaseFilter{Query: "'; DROP TABLE cases; --"}, nil},
		{"creator", staff, desk.CaseFilter{CreatedBy: f.admin2.ID}, []int64{c.ID}},
		{"empty scope", desk.Scope{}, desk.CaseFilter{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.f.Limit = 100
			got, err := f.s.Cases(f.ctx, tc.scope, tc.f)
			must(t, err)
			if fmt.Sprint(ids(got)) != fmt.Sprint(tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
				t.Fatalf("got %v, want %v", ids(got), tc.want)
			}
		})
	}
}

func testPagination(t *testing.T, f *fixture) {
	var want []int64
	for i := range 25 {
		want = append([]int64{f.create(t, f.org1, f.admin1, fmt.Sprintf("case %d", i)).ID}, want...)
	}
	f.create(t, f.org2, f.admin2, "not mine")
	var got []int64
	var after *desk.CaseCursor
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		page, err := f.s.Cases(f.ctx, scope(f.org1), desk.CaseFilter{After: after, Limit: 10})
		must(t, err)
		if len(page) == 0 {
			break
		}
		got = append(got, ids(page)...)
		last := page[len(page)-1]
		after = &desk.CaseCursor{At: last.CreatedAt, ID: last.ID}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("pages gave %v, want %v", got, want)
	}
}

func testImportAllOrNothing(t *testing.T, f *fixture) {
	good := f.newCase(f.org1, f.admin1, "historical")
	bad := f.newCase(f.org1, f.admin1, "broken")
	bad.Case.Product = "no-such-product" // violates a foreign key
	if err := f.s.ImportCases(f.ctx, []*desk.CaseChange{good, bad}); err == nil {
		t.Fatal("import with a broken case succeeded")
	}
	all, err := f.s.Cases(f.ctx, staff, desk.CaseFilter{Limit: 100})
	must(t, err)
	if len(all) != 0 {
		t.Fatalf("failed import left %d cases behind", len(all))
	}
	good = f.newCase(f.org1, f.admin1, "historical")
	second := f.newCase(f.org2, f.admin2, "historical 2")
	must(t, f.s.ImportCases(f.ctx, []*desk.CaseChange{good, second}))
	if good.Case.ID == 0 || second.Case.ID == 0 || good.Case.ID == second.Case.ID {
		t.Fatalf("import ids: %d %d", good.Case.ID, second.Case.ID)
	}
	msgs, err := f.s.Messages(f.ctx, scope(f.org2), second.Case.ID)
	must(t, err)
	if len(msgs) != 1 || msgs[0].OrgID != f.org2.ID {
		t.Fatalf("imported timeline = %+v", msgs)
	}
}

func testConcurrentCreates(t *testing.T, f *fixture) {
	const n = 64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ch := f.newCase(f.org1, f.admin1, fmt.Sprintf("concurrent %d", i))
			if _, err := f.s.CreateCase(f.ctx, ch, nil); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	all, err := f.s.Cases(f.ctx, scope(f.org1), desk.CaseFilter{Limit: 100})
	must(t, err)
	if len(all) != n {
		t.Fatalf("%d cases stored, want %d", len(all), n)
	}
	seen := map[int64]bool{}
	for _, c := range all {
		if seen[c.ID] {
			t.Fatalf("duplicate id %d", c.ID)
		}
		seen[c.ID] = true
		msgs, err := f.s.Messages(f.ctx, staff, c.ID)
		must(t, err)
		if len(msgs) != 1 {
			t.Fatalf("case %d has %d timeline entries, want 1", c.ID, len(msgs))
		}
	}
}

func testAudit(t *testing.T, f *fixture) {
	c := f.create(t, f.org1, f.admin1, "audited")
	must(t, f.s.AppendAudit(f.ctx, &desk.AuditEntry{At: base.Add(time.Second), ActorID: f.agent.ID, OrgID: f.org2.ID, Action: "org.view", ObjectType: "org", ObjectID: "2", RemoteAddr: "192.0.2.1"}))
	es, err := f.s.Audit(f.ctx, f.org1.ID, 10)
	must(t, err)
	if len(es) != 1 || es[0].Action != "case.open" || es[0].ObjectID != fmt.Sprint(c.ID) || es[0].ActorID != f.admin1.ID {
		t.Fatalf("org1 audit = %+v", es)
	}
	all, err := f.s.Audit(f.ctx, 0, 10)
	must(t, err)
	if len(all) != 2 || all[0].Action != "org.view" || all[0].RemoteAddr != "192.0.2.1" {
		t.Fatalf("all audit = %+v", all)
	}
	var de *desk.Error
	if errors.As(err, &de) {
		t.Fatal(de)
	}
}

// testOrderByCreation checks that lists run by creation time, so that an
// imported case takes its place by its original time, and that a cursor
// between equal times neither skips nor repeats.
func testOrderByCreation(t *testing.T, f *fixture) {
	newer := f.create(t, f.org1, f.admin1, "opened today")
	old := f.newCase(f.org1, f.admin1, "imported from last year")
	old.Case.CreatedAt = base.AddDate(-1, 0, 0)
	must(t, f.s.ImportCases(f.ctx, []*desk.CaseChange{old}))
	same := f.newCase(f.org1, f.admin1, "same time as today's")
	must(t, f.s.ImportCases(f.ctx, []*desk.CaseChange{same}))
	all, err := f.s.Cases(f.ctx, scope(f.org1), desk.CaseFilter{Limit: 10})
	must(t, err)
	if want := []int64{same.Case.ID, newer.ID, old.Case.ID}; fmt.Sprint(ids(all)) != fmt.Sprint(want) {
		t.Fatalf("order %v, want %v", ids(all), want)
	}
	var got []int64
	var after *desk.CaseCursor
	for range 3 {
		page, err := f.s.Cases(f.ctx, scope(f.org1), desk.CaseFilter{After: after, Limit: 1})
		must(t, err)
		got = append(got, ids(page)...)
		after = &desk.CaseCursor{At: page[0].CreatedAt, ID: page[0].ID}
	}
	if fmt.Sprint(got) != fmt.Sprint(ids(all)) {
		t.Fatalf("one-by-one pages %v, want %v", got, ids(all))
	}
}

// withTimers stores a case with the given timers pending.
func (f *fixture) withTimers(t *testing.T, ts ...*desk.Timer) *desk.Case {
	t.Helper()
	ch := f.newCase(f.org1, f.admin1, "timed")
	ch.Timers, ch.ReplaceTimers = ts, true
	if _, err := f.s.CreateCase(f.ctx, ch, nil); err != nil {
		t.Fatal(err)
	}
	return ch.Case
}

func testTimers(t *testing.T, f *fixture) {
	due := base.Add(time.Hour)
	c := f.withTimers(t,
		&desk.Timer{Kind: desk.TimerFirstResponseWarning, DueAt: due, FireAt: base.Add(45 * time.Minute)},
		&desk.Timer{Kind: desk.TimerFirstResponseBreach, DueAt: due, FireAt: due})
	got, err := f.s.ClaimTimers(f.ctx, "a", base.Add(30*time.Minute), time.Minute, 10)
	must(t, err)
	if len(got) != 0 {
		t.Fatalf("claimed %d timers before they were due", len(got))
	}
	now := base.Add(50 * time.Minute)
	got, err = f.s.ClaimTimers(f.ctx, "a", now, time.Minute, 10)
	must(t, err)
	if len(got) != 1 || got[0].Kind != desk.TimerFirstResponseWarning || !got[0].DueAt.Equal(due) || got[0].CaseID != c.ID || got[0].Attempts != 1 {
		t.Fatalf("claimed %+v", got)
	}
	// Leased: nobody else gets it until the lease runs out.
	other, err := f.s.ClaimTimers(f.ctx, "b", now.Add(30*time.Second), time.Minute, 10)
	must(t, err)
	if len(other) != 0 {
		t.Fatalf("a leased timer was claimed again: %+v", other)
	}
	again, err := f.s.ClaimTimers(f.ctx, "b", now.Add(2*time.Minute), time.Minute, 10)
	must(t, err)
	if len(again) != 1 || again[0].ID != got[0].ID || again[0].Attempts != 2 {
		t.Fatalf("after the lease: %+v", again)
	}
	// Recomputing the same timers keeps the claimed row, so it still fires.
	same := *c
	same.Version = 2
	must(t, f.s.UpdateCase(f.ctx, &desk.CaseChange{Case: &same, PrevVersion: 1, ReplaceTimers: true, Timers: []*desk.Timer{
		{Kind: desk.TimerFirstResponseWarning, DueAt: due, FireAt: base.Add(45 * time.Minute)},
		{Kind: desk.TimerFirstResponseBreach, DueAt: due, FireAt: due}}}))
	// Firing writes the case change and the notes, once.
	upd := *c
	upd.Version = 3
	ch := &desk.CaseChange{Case: &upd, PrevVersion: 2,
		Messages: []*desk.Message{{Kind: desk.MessageInternal, Body: "SLA warning", Channel: "system", CreatedAt: now}}}
	notes := []*desk.Notification{{UserID: f.agent.ID, CaseID: c.ID, TimerID: got[0].ID, Kind: "sla.warning", Body: "warn", CreatedAt: now}}
	must(t, f.s.FireTimer(f.ctx, got[0], now, "fired", ch, notes))
	upd.Version = 4
	ch2 := &desk.CaseChange{Case: &upd, PrevVersion: 3,
		Messages: []*desk.Message{{Kind: desk.MessageInternal, Body: "SLA warning", Channel: "system", CreatedAt: now}}}
	wantKind(t, f.s.FireTimer(f.ctx, got[0], now, "fired", ch2, notes), desk.ECONFLICT)
	msgs, err := f.s.Messages(f.ctx, staff, c.ID)
	must(t, err)
	if len(msgs) != 2 {
		t.Fatalf("timeline has %d entries after firing twice, want 2", len(msgs))
	}
	ns, err := f.s.Notifications(f.ctx, f.agent.ID, 10)
	must(t, err)
	if len(ns) != 1 || ns[0].Body != "warn" || ns[0].TimerID != got[0].ID {
		t.Fatalf("notifications = %+v", ns)
	}
	// Replacing pending timers keeps fired ones, and never recreates them.
	upd.Version = 4
	must(t, f.s.UpdateCase(f.ctx, &desk.CaseChange{Case: &upd, PrevVersion: 3, ReplaceTimers: true, Timers: []*desk.Timer{
		{Kind: desk.TimerFirstResponseWarning, DueAt: due, FireAt: base.Add(45 * time.Minute)},
		{Kind: desk.TimerResolutionBreach, DueAt: due.Add(time.Hour), FireAt: due.Add(time.Hour)},
	}}))
	ts, err := f.s.Timers(f.ctx, c.ID)
	must(t, err)
	kinds := map[desk.TimerKind]int{}
	for _, tm := range ts {
		kinds[tm.Kind]++
	}
	if len(ts) != 2 || kinds[desk.TimerFirstResponseWarning] != 1 || kinds[desk.TimerResolutionBreach] != 1 {
		t.Fatalf("timers after replace = %v", kinds)
	}
	late, err := f.s.ClaimTimers(f.ctx, "a", due.Add(3*time.Hour), time.Minute, 10)
	must(t, err)
	if len(late) != 1 || late[0].Kind != desk.TimerResolutionBreach {
		t.Fatalf("claimable after replace: %+v", late)
	}
}

// testTimersConcurrentClaims: claimers racing for the same due timers get
// disjoint sets that together hold every timer once.
func testTimersConcurrentClaims(t *testing.T, f *fixture) {
	const cases, claimers = 30, 4
	for i := range cases {
		at := base.Add(time.Duration(i) * time.Second)
		f.withTimers(t, &desk.Timer{Kind: desk.TimerFirstResponseBreach, DueAt: at, FireAt: at})
	}
	now := base.Add(time.Hour)
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for i := range claimers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				ts, err := f.s.ClaimTimers(f.ctx, fmt.Sprint("node-", i), now, time.Minute, 4)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				for _, tm := range ts {
					seen[tm.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != cases {
		t.Fatalf("%d of %d timers claimed", len(seen), cases)
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("timer %d claimed %d times", id, n)
		}
	}
}
