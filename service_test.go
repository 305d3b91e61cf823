package desk_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"desk"
	"desk/blobs"
	"desk/eventbus"
	"desk/sqlite"
)

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type env struct {
	svc                                     *desk.Service
	clock                                   *clock
	ctx                                     context.Context
	ent, biz, starter                       *desk.Org
	entAdmin, bizAdmin, billing, user, tess *desk.User
	agent, super, stan                      *desk.User
}

// monday10 is Monday 2 March 2026, 10:00 in Amsterdam.
var monday10 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "desk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	bl, err := blobs.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: monday10}
	e := &env{svc: desk.NewService(db, bl, eventbus.New(), clk), clock: clk, ctx: ctx}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"mail", "drive"} {
		must(db.PutProduct(ctx, &desk.Product{Code: p, Name: p}))
	}
	all := []desk.Channel{desk.ChannelWeb, desk.ChannelEmail, desk.ChannelPhone, desk.ChannelChat}
	must(db.PutPlan(ctx, &desk.Plan{Code: "starter", Name: "Starter", UpgradeTo: "business"}))
	must(db.PutPlan(ctx, &desk.Plan{Code: "business", Name: "Business", SupportIncluded: true, Channels: all[:3], MaxSeverity: desk.SeverityHigh, UpgradeTo: "enterprise"}))
	must(db.PutPlan(ctx, &desk.Plan{Code: "enterprise", Name: "Enterprise", SupportIncluded: true, Channels: all, MaxSeverity: desk.SeverityHigh}))
	must(db.PutSLAPolicy(ctx, &desk.SLAPolicy{Plan: "enterprise", Severity: desk.SeverityCritical, Calendar: "24x7", FirstResponseMinutes: 60}))
	must(db.PutSLAPolicy(ctx, &desk.SLAPolicy{Plan: "business", Severity: desk.SeverityNormal, Calendar: "weekdays", FirstResponseMinutes: 480, ResolutionMinutes: 3 * 480}))
	org := func(name, plan string, ext bool) *desk.Org {
		o := &desk.Org{Name: name, TimeZone: "Europe/Amsterdam", Language: "nl", CreatedAt: monday10}
		must(db.CreateOrg(ctx, o))
		must(db.PutSubscription(ctx, &desk.Subscription{OrgID: o.ID, Product: "mail", Plan: plan, ExtendedSupport: ext}))
		return o
	}
	e.ent, e.biz, e.starter = org("Ent", "enterprise", true), org("Biz", "business", false), org("Start", "starter", false)
	user := func(o *desk.Org, email string, role desk.Role) *desk.User {
		u := &desk.User{Email: email, Name: email, Role: role, Language: "en", TimeZone: "UTC", CreatedAt: monday10}
		if o != nil {
			u.OrgID = o.ID
		}
		must(db.CreateUser(ctx, u))
		return u
	}
	e.entAdmin = user(e.ent, "ada@ent.example", desk.RoleSuperAdmin)
	e.bizAdmin = user(e.biz, "carl@biz.example", desk.RoleSupportAdmin)
	e.billing = user(e.biz, "bill@biz.example", desk.RoleBillingAdmin)
	e.user = user(e.biz, "uma@biz.example", desk.RoleUser)
	e.tess = user(e.starter, "tess@start.example", desk.RoleSuperAdmin)
	e.agent = user(nil, "agent@vendor.example", desk.RoleAgent)
	e.super = user(nil, "sam@vendor.example", desk.RoleSupervisor)
	e.stan = user(nil, "stan@vendor.example", desk.RoleStatusManager)
	return e
}

func ok() desk.NewCase {
	return desk.NewCase{Product: "mail", Category: desk.CategoryTechnical, Severity: desk.SeverityNormal,
		Title: "Mail delayed", Description: "Messages arrive an hour late."}
}

func TestOpenCaseRules(t *testing.T) {
	e := newEnv(t)
	with := func(f func(*desk.NewCase)) desk.NewCase { n := ok(); f(&n); return n }
	for _, tc := range []struct {
		name  string
		actor *desk.User
		in    desk.NewCase
		kind  string
		code  string
	}{
		{"support admin", e.bizAdmin, ok(), "", ""},
		{"super admin", e.entAdmin, ok(), "", ""},
		{"ordinary user", e.user, ok(), desk.EFORBIDDEN, "support_privilege_required"},
		{"billing admin without privilege", e.billing, ok(), desk.EFORBIDDEN, "support_privilege_required"},
		{"staff", e.agent, ok(), desk.EFORBIDDEN, "customer_only"},
		{"starter plan", e.tess, ok(), desk.EREFUSED, "plan_excludes_support"},
		{"unsubscribed product", e.bizAdmin, with(func(n *desk.NewCase) { n.Product = "drive" }), desk.EREFUSED, "product_not_subscribed"},
		{"no product", e.bizAdmin, with(func(n *desk.NewCase) { n.Product = "" }), desk.EREFUSED, "product_required"},
		{"no title", e.bizAdmin, with(func(n *desk.NewCase) { n.Title = "  " }), desk.EREFUSED, "title_required"},
		{"long title", e.bizAdmin, with(func(n *desk.NewCase) { n.Title = strings.Repeat("x", 201) }), desk.EREFUSED, "title_too_long"},
		{"NUL in text", e.bizAdmin, with(func(n *desk.NewCase) { n.Description = "a\x00b" }), desk.EINVALID, "invalid_text"},
		{"bad severity", e.bizAdmin, with(func(n *desk.NewCase) { n.Severity = "urgent" }), desk.EINVALID, "invalid_severity"},
		{"bad category", e.bizAdmin, with(func(n *desk.NewCase) { n.Category = "other" }), desk.EINVALID, "invalid_category"},
		{"bad language", e.bizAdmin, with(func(n *desk.NewCase) { n.Language = "fr" }), desk.EINVALID, "invalid_language"},
		{"bad contact method", e.bizAdmin, with(func(n *desk.NewCase) { n.ContactMethod = "fax" }), desk.EINVALID, "invalid_contact_method"},
		{"bad e-mail", e.bizAdmin, with(func(n *desk.NewCase) { n.ContactEmail = "not mail" }), desk.EREFUSED, "invalid_contact_email"},
		{"chat not in business", e.bizAdmin, with(func(n *desk.NewCase) { n.ContactMethod = desk.ContactChat }), desk.EREFUSED, "channel_not_in_plan"},
		{"phone without number", e.bizAdmin, with(func(n *desk.NewCase) { n.ContactMethod = desk.ContactPhone }), desk.EREFUSED, "contact_phone_required"},
		{"critical without contract", e.bizAdmin, with(func(n *desk.NewCase) {
			n.Severity, n.BusinessImpact, n.ContactPhone = desk.SeverityCritical, "all mail down", "+31 20 555 0100"
		}), desk.EREFUSED, "extended_support_required"},
		{"critical without impact", e.entAdmin, with(func(n *desk.NewCase) {
			n.Severity, n.ContactPhone = desk.SeverityCritical, "+31 20 555 0100"
		}), desk.EREFUSED, "business_impact_required"},
		{"critical without phone", e.entAdmin, with(func(n *desk.NewCase) {
			n.Severity, n.BusinessImpact = desk.SeverityCritical, "all mail down"
		}), desk.EREFUSED, "contact_phone_required"},
		{"critical with everything", e.entAdmin, with(func(n *desk.NewCase) {
			n.Severity, n.BusinessImpact, n.ContactPhone = desk.SeverityCritical, "all mail down", "+31 20 555 0100"
		}), "", ""},
		{"billing capped at high", e.entAdmin, with(func(n *desk.NewCase) {
			n.Category, n.Severity, n.BusinessImpact, n.ContactPhone = desk.CategoryBilling, desk.SeverityCritical, "invoice", "+31 20 555 0100"
		}), desk.EREFUSED, "billing_severity_capped"},
		{"billing high", e.entAdmin, with(func(n *desk.NewCase) { n.Category, n.Severity = desk.CategoryBilling, desk.SeverityHigh }), "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, created, err := e.svc.OpenCase(e.ctx, tc.actor, tc.in, "")
			if desk.ErrorKind(err) != tc.kind || (tc.code != "" && desk.ErrorCode(err) != tc.code) {
				t.Fatalf("err = %v, want kind %q code %q", err, tc.kind, tc.code)
			}
			if tc.kind == "" && (!created || c.ID == 0 || c.OrgID != tc.actor.OrgID || c.CreatedBy != tc.actor.ID || c.Status != desk.StatusNew) {
				t.Fatalf("case = %+v created=%v", c, created)
			}
		})
	}
	// The refusal of the Starter plan names the way forward.
	_, _, err := e.svc.OpenCase(e.ctx, e.tess, ok(), "")
	if de, _ := err.(*desk.Error); de == nil || de.UpgradePath != "business" {
		t.Fatalf("starter refusal = %#v, want upgrade path business", err)
	}
}

func TestDueTimes(t *testing.T) {
	e := newEnv(t)
	// Business, normal: 8 hours on the weekday calendar in the
	// organisation's zone. Opened Friday 16:00 Amsterdam, due Monday 16:00.
	e.clock.Set(time.Date(2026, 3, 6, 15, 0, 0, 0, time.UTC))
	c, _, err := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 3, 9, 15, 0, 0, 0, time.UTC); c.FirstResponseDueAt == nil || !c.FirstResponseDueAt.Equal(want) {
		t.Fatalf("first response due %v, want %v", c.FirstResponseDueAt, want)
	}
	if want := time.Date(2026, 3, 11, 15, 0, 0, 0, time.UTC); c.ResolutionDueAt == nil || !c.ResolutionDueAt.Equal(want) {
		t.Fatalf("resolution due %v, want %v", c.ResolutionDueAt, want)
	}
	// Enterprise critical: one hour, round the clock.
	n := ok()
	n.Severity, n.BusinessImpact, n.ContactPhone = desk.SeverityCritical, "no mail at all", "+31 20 555 0100"
	c, _, err = e.svc.OpenCase(e.ctx, e.entAdmin, n, "")
	if err != nil {
		t.Fatal(err)
	}
	if want := e.clock.Now().Add(time.Hour); !c.FirstResponseDueAt.Equal(want) || c.ResolutionDueAt != nil {
		t.Fatalf("critical due %v / %v, want %v and no resolution target", c.FirstResponseDueAt, c.ResolutionDueAt, want)
	}
}

func TestLifecycle(t *testing.T) {
	e := newEnv(t)
	c, _, err := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	if err != nil {
		t.Fatal(err)
	}
	step := func(name string, fn func() (*desk.Case, error), want desk.Status) *desk.Case {
		t.Helper()
		e.clock.Add(time.Minute)
		got, err := fn()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Status != want {
			t.Fatalf("%s: status %s, want %s", name, got.Status, want)
		}
		return got
	}
	// Customers cannot do staff transitions.
	if _, err := e.svc.Resolve(e.ctx, e.bizAdmin, c.ID, desk.Resolution{Outcome: desk.OutcomeSolved}); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Fatalf("customer resolve: %v", err)
	}
	if _, err := e.svc.AddMessage(e.ctx, e.bizAdmin, c.ID, desk.Reply{Body: "secret", Internal: true}); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Fatalf("customer internal note: %v", err)
	}
	c = step("request info", func() (*desk.Case, error) {
		return e.svc.RequestInfo(e.ctx, e.agent, c.ID, "Please send the message headers.")
	}, desk.StatusActionRequired)
	if c.FirstResponseAt == nil {
		t.Fatal("asking the customer did not count as the first response")
	}
	c = step("customer replies", func() (*desk.Case, error) {
		if _, err := e.svc.AddMessage(e.ctx, e.bizAdmin, c.ID, desk.Reply{Body: "Headers attached."}); err != nil {
			return nil, err
		}
		return e.svc.Case(e.ctx, e.bizAdmin, c.ID)
	}, desk.StatusOpen)
	step("internal note keeps status", func() (*desk.Case, error) {
		if _, err := e.svc.AddMessage(e.ctx, e.agent, c.ID, desk.Reply{Body: "Looks like greylisting.", Internal: true}); err != nil {
			return nil, err
		}
		return e.svc.Case(e.ctx, e.agent, c.ID)
	}, desk.StatusOpen)
	step("escalate", func() (*desk.Case, error) {
		return e.svc.Escalate(e.ctx, e.agent, c.ID, desk.Escalation{Team: "Mail transport", Note: "greylisting at the edge"})
	}, desk.StatusOpen)
	if _, err := e.svc.Resolve(e.ctx, e.agent, c.ID, desk.Resolution{Outcome: "fixed"}); desk.ErrorKind(err) != desk.EINVALID {
		t.Fatalf("unknown outcome: %v", err)
	}
	if _, err := e.svc.Resolve(e.ctx, e.agent, c.ID, desk.Resolution{Outcome: desk.OutcomeCannotReproduce}); desk.ErrorCode(err) != "body_required" {
		t.Fatalf("cannot_reproduce without recommendations: %v", err)
	}
	c = step("resolve", func() (*desk.Case, error) {
		return e.svc.Resolve(e.ctx, e.agent, c.ID, desk.Resolution{Outcome: desk.OutcomeWorkaround, Body: "Allow-list our relay for now."})
	}, desk.StatusResolved)
	if c.Outcome != desk.OutcomeWorkaround || c.ResolvedAt == nil || c.Team != "Mail transport" {
		t.Fatalf("resolved case = %+v", c)
	}
	step("reopen", func() (*desk.Case, error) { return e.svc.Reopen(e.ctx, e.bizAdmin, c.ID) }, desk.StatusOpen)
	step("resolve again", func() (*desk.Case, error) {
		return e.svc.Resolve(e.ctx, e.agent, c.ID, desk.Resolution{Outcome: desk.OutcomeSolved})
	}, desk.StatusResolved)
	// Past the reopen window, reopening is refused with the reason.
	e.clock.Add(31 * 24 * time.Hour)
	if _, err := e.svc.Reopen(e.ctx, e.bizAdmin, c.ID); desk.ErrorCode(err) != "reopen_window_passed" {
		t.Fatalf("late reopen: %v", err)
	}
	step("close", func() (*desk.Case, error) { return e.svc.Close(e.ctx, e.bizAdmin, c.ID) }, desk.StatusClosed)
	if _, err := e.svc.AddMessage(e.ctx, e.bizAdmin, c.ID, desk.Reply{Body: "one more thing"}); desk.ErrorCode(err) != "case_closed" {
		t.Fatalf("reply to closed case: %v", err)
	}

	// The customer's timeline has no internal notes; staff's has.
	cust, err := e.svc.Timeline(e.ctx, e.bizAdmin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	staff, err := e.svc.Timeline(e.ctx, e.agent, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	internal := 0
	for _, m := range staff {
		if m.Kind == desk.MessageInternal {
			internal++
		}
	}
	for _, m := range cust {
		if m.Kind == desk.MessageInternal {
			t.Fatalf("customer sees internal note %q", m.Body)
		}
	}
	if internal != 2 || len(staff) != len(cust)+2 {
		t.Fatalf("staff timeline %d entries (%d internal), customer %d", len(staff), internal, len(cust))
	}
	// Every change is in the audit log.
	audit, err := e.svc.Store.Audit(e.ctx, e.biz.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	// open, request info, reply, note, escalate, resolve, reopen, resolve,
	// close: refused attempts leave no entry.
	if len(audit) != 9 {
		t.Fatalf("%d audit entries for the case's history, want 9, one per change", len(audit))
	}
}

func TestOtherOrganisationSeesNothing(t *testing.T) {
	e := newEnv(t)
	c, _, err := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	if err != nil {
		t.Fatal(err)
	}
	for name, fn := range map[string]func() error{
		"case":     func() error { _, err := e.svc.Case(e.ctx, e.entAdmin, c.ID); return err },
		"timeline": func() error { _, err := e.svc.Timeline(e.ctx, e.entAdmin, c.ID); return err },
		"reply": func() error {
			_, err := e.svc.AddMessage(e.ctx, e.entAdmin, c.ID, desk.Reply{Body: "hi"})
			return err
		},
		"close":       func() error { _, err := e.svc.Close(e.ctx, e.entAdmin, c.ID); return err },
		"attachments": func() error { _, err := e.svc.Attachments(e.ctx, e.entAdmin, c.ID); return err },
		"attach": func() error {
			_, err := e.svc.AddAttachment(e.ctx, e.entAdmin, c.ID, "x.txt", "text/plain", strings.NewReader("x"))
			return err
		},
	} {
		if desk.ErrorKind(err) != "" {
			t.Fatal(err)
		}
		if err := fn(); desk.ErrorKind(err) != desk.ENOTFOUND {
			t.Errorf("%s by another organisation: %v, want not found", name, err)
		}
	}
	list, err := e.svc.Cases(e.ctx, e.entAdmin, desk.CaseFilter{})
	if err != nil || len(list.Items) != 0 {
		t.Fatalf("other organisation lists %v (%v)", list, err)
	}
}

func TestConcurrentChangesAllLand(t *testing.T) {
	e := newEnv(t)
	c, _, err := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			actor := e.agent
			if i%2 == 0 {
				actor = e.bizAdmin
			}
			if _, err := e.svc.AddMessage(e.ctx, actor, c.ID, desk.Reply{Body: "reply"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	msgs, err := e.svc.Timeline(e.ctx, e.agent, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range msgs {
		if m.Body == "reply" {
			n++
		}
	}
	if n != 8 {
		t.Fatalf("%d of 8 concurrent replies stored", n)
	}
}

func TestImportUsesOriginalTimes(t *testing.T) {
	e := newEnv(t)
	created := time.Date(2025, 11, 7, 15, 0, 0, 0, time.UTC) // a Friday, 16:00 in Amsterdam (UTC+1)
	in := []desk.ImportedCase{{
		OrgID: e.biz.ID, Product: "mail", Category: desk.CategoryTechnical, Severity: desk.SeverityNormal,
		Status: desk.StatusClosed, Title: "Old case", Description: "From the previous system.", CreatedBy: "carl@biz.example",
		CreatedAt: created, ClosedAt: ptr(created.Add(72 * time.Hour)), Outcome: desk.OutcomeSolved,
		Messages: []desk.ImportedMessage{
			{Author: "agent@vendor.example", Body: "We are on it.", CreatedAt: created.Add(2 * time.Hour)},
			{Author: "agent@vendor.example", Body: "Internal remark", Internal: true, CreatedAt: created.Add(3 * time.Hour)},
		},
	}}
	if _, err := e.svc.ImportCases(e.ctx, e.agent, in); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Fatalf("agent import: %v, want forbidden", err)
	}
	out, err := e.svc.ImportCases(e.ctx, e.super, in)
	if err != nil {
		t.Fatal(err)
	}
	c := out[0]
	if !c.CreatedAt.Equal(created) || c.Status != desk.StatusClosed || c.Source != "import" {
		t.Fatalf("imported case = %+v", c)
	}
	if want := time.Date(2025, 11, 10, 15, 0, 0, 0, time.UTC); c.FirstResponseDueAt == nil || !c.FirstResponseDueAt.Equal(want) {
		t.Fatalf("due %v, want %v (8 business hours from the original time)", c.FirstResponseDueAt, want)
	}
	if c.FirstResponseAt == nil || !c.FirstResponseAt.Equal(created.Add(2*time.Hour)) {
		t.Fatalf("first response %v", c.FirstResponseAt)
	}
	// One bad case refuses the whole batch.
	bad := append(in, in[0])
	bad[1].CreatedBy = "ada@ent.example" // not a user of Biz
	if _, err := e.svc.ImportCases(e.ctx, e.super, bad); desk.ErrorCode(err) != "unknown_creator" {
		t.Fatalf("bad batch: %v", err)
	}
	list, _ := e.svc.Cases(e.ctx, e.super, desk.CaseFilter{})
	if len(list.Items) != 1 {
		t.Fatalf("%d cases after one good and one refused import, want 1", len(list.Items))
	}
}

func ptr[T any](v T) *T { return &v }

// TestStatusManagerSeesNoCases: staff who publish incidents do not work
// cases, and see none.
func TestStatusManagerSeesNoCases(t *testing.T) {
	e := newEnv(t)
	c, _, err := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Case(e.ctx, e.stan, c.ID); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Fatalf("status manager reads a case: %v", err)
	}
	if _, err := e.svc.AddMessage(e.ctx, e.stan, c.ID, desk.Reply{Body: "hi", Internal: true}); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Fatalf("status manager writes a note: %v", err)
	}
	if _, err := e.svc.Cases(e.ctx, e.stan, desk.CaseFilter{}); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Fatalf("status manager lists cases: %v", err)
	}
}

// TestRepeatedFilterValues: a filter that repeats values is the filter
// with each value once.
func TestRepeatedFilterValues(t *testing.T) {
	e := newEnv(t)
	if _, _, err := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), ""); err != nil {
		t.Fatal(err)
	}
	many := make([]desk.Status, 5000)
	for i := range many {
		many[i] = desk.StatusNew
	}
	p, err := e.svc.Cases(e.ctx, e.bizAdmin, desk.CaseFilter{Statuses: many})
	if err != nil || len(p.Items) != 1 {
		t.Fatalf("5000 × new: %v, %v", p, err)
	}
}
