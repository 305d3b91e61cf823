package demo

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"desk"
	"desk/bizhours"
	"desk/blobs"
	"desk/eventbus"
	"desk/passwd"
	"desk/sqlite"
)

func newService(t *testing.T) *desk.Service {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "desk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	bl, err := blobs.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bl.Close() })
	return desk.NewService(db, bl, eventbus.New(), desk.SystemClock{})
}

var staffScope = desk.Scope{AllOrgs: true, Internal: true}

func allCases(t *testing.T, svc *desk.Service) []*desk.Case {
	t.Helper()
	cs, err := svc.Store.Cases(context.Background(), staffScope, desk.CaseFilter{Limit: desk.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) == desk.MaxPageSize {
		t.Fatal("more demo cases than one page; page through them")
	}
	return cs
}

func user(t *testing.T, svc *desk.Service, email string) *desk.User {
	t.Helper()
	u, err := svc.Store.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	return u
}

func TestSeed(t *testing.T) {
	ctx := context.Background()
	svc := newService(t)
	start := time.Now()
	if err := Seed(ctx, svc); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded in %v", time.Since(start))
	cases := allCases(t, svc)
	if n := len(cases); n < 15 || n > 25 {
		t.Errorf("%d cases, want about 15 to 25", n)
	}

	// A second seed writes nothing.
	if err := Seed(ctx, svc); err != nil {
		t.Fatalf("second Seed: %v", err)
	}
	if n := len(allCases(t, svc)); n != len(cases) {
		t.Fatalf("second Seed changed the case count from %d to %d", len(cases), n)
	}
	if staff, err := svc.Store.Users(ctx, 0); err != nil || len(staff) != 5 {
		t.Fatalf("staff after two seeds = %d, %v; want 5", len(staff), err)
	}

	t.Run("cases", func(t *testing.T) { checkCases(t, svc, cases) })
	t.Run("logins", func(t *testing.T) { checkLogins(t, svc) })
	t.Run("catalogue", func(t *testing.T) { checkCatalogue(t, svc) })
	t.Run("rules", func(t *testing.T) { checkRules(t, svc) })
	t.Run("health", func(t *testing.T) { checkHealth(t, svc) })
}

// checkHealth checks the status page's story: services with feature
// groups, 90 days of incidents, one going on, one only Fabrikam sees, and
// maintenance ahead.
func checkHealth(t *testing.T, svc *desk.Service) {
	ctx := context.Background()
	comps, err := svc.Components(ctx)
	if err != nil || len(comps) != len(components) {
		t.Fatalf("components = %d, %v", len(comps), err)
	}
	now := svc.Clock.Now()
	public, err := svc.Incidents(ctx, nil, now.Add(-desk.HealthHistory))
	if err != nil {
		t.Fatal(err)
	}
	var active, maintenance, reported int
	for _, inc := range public {
		switch {
		case inc.Kind == desk.KindMaintenance && inc.StartedAt.After(now):
			maintenance++
		case inc.Active(now) && inc.Kind == desk.KindIncident:
			active++
		}
		if inc.Status == desk.IncidentReported {
			reported++
		}
	}
	if len(public) < 6 || active != 1 || maintenance != 1 || reported != 1 {
		t.Fatalf("public incidents = %d (active %d, maintenance ahead %d, reported %d)", len(public), active, maintenance, reported)
	}
	st := desk.CurrentStatus(comps, public, now)
	if st["chat"] != desk.ComponentDegraded || st["mail"] != desk.ComponentDegraded {
		t.Fatalf("current status = %v", st)
	}
	if up := desk.Uptime("admin", public, now.Add(-desk.HealthHistory), now); up >= 1 || up < 0.99 {
		t.Fatalf("admin uptime = %v", up)
	}
	fab, err := svc.Incidents(ctx, user(t, svc, "ada@fabrikam.example"), now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	con, err := svc.Incidents(ctx, user(t, svc, "carl@contoso.example"), now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(fab) != len(con)+1 {
		t.Fatalf("Fabrikam sees %d incidents, Contoso %d; want one more for Fabrikam", len(fab), len(con))
	}
}

// TestSeedScheme seeds the demo with the 21Vianet scheme on both plans:
// business-day targets on the stored Beijing calendar.
func TestSeedScheme(t *testing.T) {
	ctx := context.Background()
	svc := newService(t)
	if err := SeedScheme(ctx, svc, "nope"); desk.ErrorCode(err) != "unknown_sla_scheme" {
		t.Fatalf("SeedScheme with an unknown scheme = %v, want unknown_sla_scheme", err)
	}
	if ps, _ := svc.Store.Products(ctx); len(ps) != 0 {
		t.Fatalf("an unknown scheme wrote %d products", len(ps))
	}
	if err := SeedScheme(ctx, svc, desk.SchemeVianet); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Store.Calendar(ctx, "beijing"); err != nil {
		t.Fatalf("calendar beijing: %v", err)
	}
	for _, plan := range []string{"business", "enterprise"} {
		for sev, want := range map[desk.Severity]desk.SLATarget{
			desk.SeverityCritical: {Target: bizhours.Target{Minutes: 60}, Calendar: "24x7"},
			desk.SeverityHigh:     {Target: bizhours.Target{BusinessDays: 1}, Calendar: "beijing"},
			desk.SeverityNormal:   {Target: bizhours.Target{BusinessDays: 3}, Calendar: "beijing"},
		} {
			p, err := svc.Store.SLAPolicy(ctx, plan, sev)
			if err != nil || p.FirstResponse() != want || !p.NextResponse().IsZero() || !p.Resolution().IsZero() {
				t.Errorf("SLA %s/%s = %+v, %v; want %+v", plan, sev, p, err, want)
			}
		}
		if _, err := svc.Store.SLAPolicy(ctx, plan, desk.SeverityLow); desk.ErrorKind(err) != desk.ENOTFOUND {
			t.Errorf("SLA %s/low: %v, want none", plan, err)
		}
	}
}

func TestSeedRefusesHalfSeededStore(t *testing.T) {
	ctx := context.Background()
	svc := newService(t)
	u := &desk.User{Email: "agent.nl@vendor.example", Name: "Noor", Role: desk.RoleAgent, Language: "nl", TimeZone: "UTC", CreatedAt: time.Now()}
	if err := svc.Store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	err := Seed(ctx, svc)
	if err == nil || !strings.Contains(err.Error(), "stopped halfway") {
		t.Fatalf("Seed on a half-seeded store = %v, want an error", err)
	}
	if ps, _ := svc.Store.Products(ctx); len(ps) != 0 {
		t.Errorf("Seed wrote %d products before refusing", len(ps))
	}
}

func checkCases(t *testing.T, svc *desk.Service, cases []*desk.Case) {
	ctx := context.Background()
	now := time.Now()
	statuses := map[desk.Status]int{}
	outcomes := map[desk.Outcome]int{}
	langs := map[string]int{}
	orgs := map[int64]int{}
	var team, thirdParty, critical, imported, internal int
	for _, c := range cases {
		statuses[c.Status]++
		langs[c.Language]++
		orgs[c.OrgID]++
		if c.Outcome != "" {
			outcomes[c.Outcome]++
		}
		if c.Team != "" {
			team++
		}
		if c.ThirdParty != "" {
			thirdParty++
		}
		if c.Severity == desk.SeverityCritical {
			critical++
			if c.BusinessImpact == "" || c.ContactPhone == "" || c.ContactMethod != desk.ContactPhone {
				t.Errorf("critical case %d lacks business impact or phone: %+v", c.ID, c)
			}
			if c.FirstResponseDueAt == nil || !c.FirstResponseDueAt.Equal(c.CreatedAt.Add(time.Hour)) {
				t.Errorf("critical case %d: first response due %v, want an hour after %v", c.ID, c.FirstResponseDueAt, c.CreatedAt)
			}
		}
		if c.CreatedAt.After(now) {
			t.Errorf("case %d created in the future: %v", c.ID, c.CreatedAt)
		}
		if c.Source == "import" {
			imported++
			if c.Status != desk.StatusClosed || now.Sub(c.CreatedAt) < 60*24*time.Hour || c.ClosedAt == nil {
				t.Errorf("imported case %d: status %s, created %v, closed %v; want closed, months ago", c.ID, c.Status, c.CreatedAt, c.ClosedAt)
			}
		}
		if c.Status == desk.StatusClosed && c.ClosedAt == nil {
			t.Errorf("closed case %d has no closed_at", c.ID)
		}
		msgs, err := svc.Store.Messages(ctx, staffScope, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		prev := c.CreatedAt
		for _, m := range msgs {
			if m.Kind == desk.MessageInternal {
				internal++
			}
			if m.CreatedAt.After(now) {
				t.Errorf("case %d: message %d dated in the future: %v", c.ID, m.ID, m.CreatedAt)
			}
			// Imports stamp their "case imported" entry with the time of
			// the import; every other timeline runs forward.
			if c.Source != "import" && m.CreatedAt.Before(prev) {
				t.Errorf("case %d: message %d (%v) is older than the entry before it (%v)", c.ID, m.ID, m.CreatedAt, prev)
			}
			prev = m.CreatedAt
		}
		// What the customer sees never includes internal notes.
		pub, err := svc.Store.Messages(ctx, desk.Scope{OrgID: c.OrgID}, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range pub {
			if m.Kind == desk.MessageInternal {
				t.Errorf("case %d: customer scope shows internal note %q", c.ID, m.Body)
			}
		}
	}
	for _, s := range []desk.Status{desk.StatusNew, desk.StatusOpen, desk.StatusActionRequired, desk.StatusResolved, desk.StatusClosed} {
		if statuses[s] == 0 {
			t.Errorf("no case with status %s (have %v)", s, statuses)
		}
	}
	for _, o := range []desk.Outcome{desk.OutcomeSolved, desk.OutcomeWorkaround, desk.OutcomeCannotReproduce,
		desk.OutcomeThirdParty, desk.OutcomeNotSupported, desk.OutcomeOutageResolved} {
		if outcomes[o] == 0 {
			t.Errorf("no case with outcome %s (have %v)", o, outcomes)
		}
	}
	for _, l := range desk.Languages {
		if langs[l] == 0 {
			t.Errorf("no case in language %s (have %v)", l, langs)
		}
	}
	if team == 0 || thirdParty == 0 || critical == 0 || imported < 3 || internal == 0 {
		t.Errorf("team %d, third party %d, critical %d, imported %d, internal notes %d; want each > 0, imported >= 3",
			team, thirdParty, critical, imported, internal)
	}
	fab, con := user(t, svc, "ada@fabrikam.example").OrgID, user(t, svc, "carl@contoso.example").OrgID
	if orgs[fab] == 0 || orgs[con] == 0 || len(orgs) != 2 {
		t.Errorf("cases per org = %v; want Fabrikam (%d) and Contoso (%d) only", orgs, fab, con)
	}

	// An organisation sees its own cases only.
	own, err := svc.Store.Cases(ctx, desk.Scope{OrgID: con}, desk.CaseFilter{Limit: desk.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	if len(own) != orgs[con] {
		t.Errorf("Contoso sees %d cases, want %d", len(own), orgs[con])
	}
}

func checkLogins(t *testing.T, svc *desk.Service) {
	logins := Logins()
	if len(logins) != 13 {
		t.Errorf("%d logins, want 13", len(logins))
	}
	seen := map[string]bool{}
	for _, l := range logins {
		if seen[l.Email] {
			t.Errorf("login %s listed twice", l.Email)
		}
		seen[l.Email] = true
		u := user(t, svc, l.Email)
		if string(u.Role) != l.Role {
			t.Errorf("%s: role %s, Logins says %s", l.Email, u.Role, l.Role)
		}
		if u.IsStaff() != (l.Org == "Vendor") || u.IsStaff() != (u.OrgID == 0) {
			t.Errorf("%s: staff %v, org id %d, Logins org %q", l.Email, u.IsStaff(), u.OrgID, l.Org)
		}
		if l.Note == "" {
			t.Errorf("%s: no note", l.Email)
		}
	}
	for _, tc := range []struct {
		email   string
		role    desk.Role
		support bool // may open cases
	}{
		{"ada@fabrikam.example", desk.RoleSuperAdmin, true},
		{"carl@contoso.example", desk.RoleSupportAdmin, true},
		{"bill@contoso.example", desk.RoleBillingAdmin, false},
		{"uma@contoso.example", desk.RoleUser, false},
		{"tess@tailspin.example", desk.RoleSuperAdmin, true},
		{"agent.nl@vendor.example", desk.RoleAgent, false},
		{"agent.de@vendor.example", desk.RoleAgent, false},
		{"sam@vendor.example", desk.RoleSupervisor, false},
		{"stan@vendor.example", desk.RoleStatusManager, false},
		{"root@vendor.example", desk.RoleSystemAdmin, false},
	} {
		u := user(t, svc, tc.email)
		if u.Role != tc.role || u.HasSupportPrivilege() != tc.support {
			t.Errorf("%s: role %s, support privilege %v; want %s, %v", tc.email, u.Role, u.HasSupportPrivilege(), tc.role, tc.support)
		}
	}
	for email, langs := range map[string]string{"agent.nl@vendor.example": "nl,en", "agent.de@vendor.example": "de,en"} {
		if got := strings.Join(user(t, svc, email).Languages, ","); got != langs {
			t.Errorf("%s: languages %s, want %s", email, got, langs)
		}
	}

	// Every login has the demo password, and only that.
	hash := user(t, svc, "ada@fabrikam.example").PasswordHash
	for _, l := range logins {
		if u := user(t, svc, l.Email); u.PasswordHash != hash {
			t.Errorf("%s: password hash differs from ada's", l.Email)
		}
	}
	if ok, err := passwd.Verify(Password, hash); !ok || err != nil {
		t.Errorf("Verify(Password) = %v, %v", ok, err)
	}
	if ok, err := passwd.Verify("wrong-password", hash); ok || err != nil {
		t.Errorf("Verify(wrong) = %v, %v", ok, err)
	}
}

func checkCatalogue(t *testing.T, svc *desk.Service) {
	ctx := context.Background()
	ps, err := svc.Store.Products(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, p := range ps {
		codes = append(codes, p.Code+"="+p.Name)
	}
	if got := strings.Join(codes, " "); !strings.Contains(got, "mail=Mail") || len(ps) != 4 {
		t.Errorf("products = %s", got)
	}
	for code, want := range map[string]struct {
		support bool
		chat    bool
		upgrade string
	}{
		"starter":    {false, false, "business"},
		"business":   {true, false, "enterprise"},
		"enterprise": {true, true, ""},
	} {
		p, err := svc.Store.Plan(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if p.SupportIncluded != want.support || p.AllowsChannel(desk.ChannelChat) != want.chat || p.UpgradeTo != want.upgrade {
			t.Errorf("plan %s = %+v", code, p)
		}
	}
	for _, tc := range []struct {
		plan     string
		sev      desk.Severity
		calendar string
		minutes  int // 0: no policy
	}{
		{"business", desk.SeverityHigh, "24x7", 480},
		{"business", desk.SeverityNormal, "", 0},
		{"enterprise", desk.SeverityCritical, "24x7", 60},
		{"enterprise", desk.SeverityHigh, "24x7", 120},
		{"enterprise", desk.SeverityNormal, "24x7", 240},
		{"enterprise", desk.SeverityLow, "", 0}, // seed 003 has no level below C
	} {
		p, err := svc.Store.SLAPolicy(ctx, tc.plan, tc.sev)
		switch {
		case tc.minutes == 0 && desk.ErrorKind(err) != desk.ENOTFOUND:
			t.Errorf("SLA %s/%s = %+v, %v; want none", tc.plan, tc.sev, p, err)
		case tc.minutes != 0 && (err != nil || p.Calendar != tc.calendar || p.FirstResponseMinutes != tc.minutes):
			t.Errorf("SLA %s/%s = %+v, %v; want %d minutes on %s", tc.plan, tc.sev, p, err, tc.minutes, tc.calendar)
		}
	}

	subs, err := svc.Store.Subscriptions(ctx, user(t, svc, "carl@contoso.example").OrgID)
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 2 {
		t.Fatalf("Contoso has %d subscriptions, want 2", len(subs))
	}
	for _, s := range subs {
		if s.Plan != "business" || s.Partner == nil || s.Partner.Name != "Northwind Partners" || s.Partner.Email == "" {
			t.Errorf("Contoso subscription %+v, partner %+v; want business through Northwind Partners", s, s.Partner)
		}
	}
	subs, err = svc.Store.Subscriptions(ctx, user(t, svc, "ada@fabrikam.example").OrgID)
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 3 {
		t.Fatalf("Fabrikam has %d subscriptions, want 3", len(subs))
	}
	for _, s := range subs {
		if s.Plan != "enterprise" || !s.ExtendedSupport || s.Partner != nil {
			t.Errorf("Fabrikam subscription %+v; want enterprise with extended support, direct", s)
		}
	}
	o, err := svc.Store.Org(ctx, user(t, svc, "tess@tailspin.example").OrgID)
	if err != nil {
		t.Fatal(err)
	}
	if o.TimeZone != "Europe/Stockholm" || o.Language != "sv" || len(o.Phones) == 0 || len(o.Emails) == 0 {
		t.Errorf("Tailspin = %+v", o)
	}
}

// checkRules opens cases as the demo logins do in the documentation.
func checkRules(t *testing.T, svc *desk.Service) {
	ctx := context.Background()
	nc := desk.NewCase{Product: "mail", Title: "Test", Description: "Test case from the demo test."}
	for _, tc := range []struct {
		email string
		in    desk.NewCase
		code  string
	}{
		{"tess@tailspin.example", nc, "plan_excludes_support"},
		{"bill@contoso.example", nc, "support_privilege_required"},
		{"uma@contoso.example", nc, "support_privilege_required"},
		{"carl@contoso.example", withSeverity(nc, desk.SeverityCritical), "extended_support_required"},
		{"carl@contoso.example", withContact(nc, desk.ContactChat), "channel_not_in_plan"},
		{"carl@contoso.example", withProduct(nc, "calendar"), "product_not_subscribed"},
	} {
		_, _, err := svc.OpenCase(ctx, user(t, svc, tc.email), tc.in, "")
		if desk.ErrorCode(err) != tc.code {
			t.Errorf("%s opening %+v: %v; want %s", tc.email, tc.in, err, tc.code)
		}
	}
	_, _, err := svc.OpenCase(ctx, user(t, svc, "tess@tailspin.example"), nc, "")
	var upgrade string
	if e, ok := err.(*desk.Error); ok {
		upgrade = e.UpgradePath
	}
	if desk.ErrorKind(err) != desk.EREFUSED || upgrade != "business" {
		t.Errorf("Tailspin: %v (upgrade %q); want refused with upgrade path business", err, upgrade)
	}

	crit := withSeverity(nc, desk.SeverityCritical)
	crit.BusinessImpact, crit.ContactPhone = "All mail down.", "+31 20 794 1200"
	c, _, err := svc.OpenCase(ctx, user(t, svc, "ada@fabrikam.example"), crit, "")
	if err != nil {
		t.Fatalf("Ada opening a critical case: %v", err)
	}
	if c.Plan != "enterprise" || c.FirstResponseDueAt == nil || !c.FirstResponseDueAt.Equal(c.CreatedAt.Add(time.Hour)) {
		t.Errorf("Ada's critical case: plan %s, due %v; want enterprise, an hour after %v", c.Plan, c.FirstResponseDueAt, c.CreatedAt)
	}
}

func withSeverity(c desk.NewCase, s desk.Severity) desk.NewCase     { c.Severity = s; return c }
func withContact(c desk.NewCase, m desk.ContactMethod) desk.NewCase { c.ContactMethod = m; return c }
func withProduct(c desk.NewCase, p string) desk.NewCase             { c.Product = p; return c }
