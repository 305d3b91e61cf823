package desk_test

import (
	"errors"
	"testing"
	"time"

	"desk"
)

func TestSupportOptions(t *testing.T) {
	e := newEnv(t)
	o, err := e.svc.SupportOptions(e.ctx, e.user)
	if err != nil {
		t.Fatal(err)
	}
	// An ordinary user may read them: they must learn whom to ask.
	if o.Org.ID != e.biz.ID || !o.SupportIncluded() || len(o.Entitlements) != 1 || o.Entitlements[0].Product.Code != "mail" {
		t.Fatalf("biz options: %+v", o)
	}
	en := o.Entitlements[0]
	if en.Plan.Code != "business" || en.Upgrade == nil || en.Upgrade.Code != "enterprise" || en.MaxSeverity() != desk.SeverityHigh {
		t.Errorf("biz entitlement: %+v", en)
	}
	if len(o.Admins) != 1 || o.Admins[0].ID != e.bizAdmin.ID {
		t.Errorf("biz admins: %+v (the billing admin and the user lack the privilege)", o.Admins)
	}
	if len(o.Partners()) != 0 {
		t.Errorf("partners of a direct customer: %+v", o.Partners())
	}

	o, err = e.svc.SupportOptions(e.ctx, e.tess)
	if err != nil {
		t.Fatal(err)
	}
	if o.SupportIncluded() || len(o.Supported()) != 0 || o.Entitlements[0].Upgrade.Code != "business" {
		t.Errorf("starter options: %+v", o.Entitlements[0])
	}

	o, err = e.svc.SupportOptions(e.ctx, e.entAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if got := o.Entitlements[0]; got.MaxSeverity() != desk.SeverityCritical || got.Upgrade != nil {
		t.Errorf("enterprise with extended support: %+v", got)
	}

	if _, err := e.svc.SupportOptions(e.ctx, e.agent); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Errorf("staff: %v", err)
	}
}

func TestSupportOptionsPartners(t *testing.T) {
	e := newEnv(t)
	p := &desk.Partner{Name: "Northwind", Email: "help@northwind.example", Phone: "+49 30 1234567"}
	if err := e.svc.Store.CreatePartner(e.ctx, p); err != nil {
		t.Fatal(err)
	}
	for _, prod := range []string{"mail", "drive"} {
		if err := e.svc.Store.PutSubscription(e.ctx, &desk.Subscription{OrgID: e.biz.ID, Product: prod, Plan: "business", Partner: p}); err != nil {
			t.Fatal(err)
		}
	}
	o, err := e.svc.SupportOptions(e.ctx, e.bizAdmin)
	if err != nil {
		t.Fatal(err)
	}
	ps := o.Partners()
	if len(ps) != 1 || ps[0].Partner.Name != "Northwind" || len(ps[0].Products) != 2 {
		t.Fatalf("partners: %+v", ps)
	}
}

func TestExpectedWait(t *testing.T) {
	e := newEnv(t)
	// Business, normal: 8 business hours on the organisation's weekdays
	// (Amsterdam, 09:00–17:00). Opened Monday 10:00, answered by Tuesday
	// 10:00 Amsterdam time.
	w, err := e.svc.ExpectedWait(e.ctx, e.bizAdmin, "mail", desk.SeverityNormal, desk.ContactEmail)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	if w.Target.Minutes != 480 || w.RoundTheClock || w.By == nil || !w.By.Equal(want) {
		t.Errorf("business normal: %+v (by %v), want by %v", w, w.By, want)
	}
	// Business, high: allowed, but the policy has no target for it.
	if w, err := e.svc.ExpectedWait(e.ctx, e.bizAdmin, "mail", desk.SeverityHigh, desk.ContactPhone); err != nil || !w.Target.IsZero() || w.By != nil {
		t.Errorf("business high: %+v, %v", w, err)
	}
	// Enterprise with extended support, critical: one hour round the clock.
	w, err = e.svc.ExpectedWait(e.ctx, e.entAdmin, "mail", desk.SeverityCritical, desk.ContactChat)
	if err != nil {
		t.Fatal(err)
	}
	if !w.RoundTheClock || w.By == nil || !w.By.Equal(monday10.Add(time.Hour)) {
		t.Errorf("enterprise critical: %+v", w)
	}
	for _, c := range []struct {
		name    string
		actor   *desk.User
		product string
		sev     desk.Severity
		method  desk.ContactMethod
		kind    string
		code    string
		upgrade string
	}{
		{"critical without extended support", e.bizAdmin, "mail", desk.SeverityCritical, desk.ContactEmail, desk.EREFUSED, "extended_support_required", "enterprise"},
		{"chat not in plan", e.bizAdmin, "mail", desk.SeverityNormal, desk.ContactChat, desk.EREFUSED, "channel_not_in_plan", "enterprise"},
		{"unsubscribed product", e.bizAdmin, "drive", desk.SeverityNormal, desk.ContactEmail, desk.EREFUSED, "product_not_subscribed", ""},
		{"starter", e.tess, "mail", desk.SeverityNormal, desk.ContactEmail, desk.EREFUSED, "plan_excludes_support", "business"},
		{"ordinary user", e.user, "mail", desk.SeverityNormal, desk.ContactEmail, desk.EFORBIDDEN, "support_privilege_required", ""},
		{"staff", e.agent, "mail", desk.SeverityNormal, desk.ContactEmail, desk.EFORBIDDEN, "customer_only", ""},
		{"bad severity", e.bizAdmin, "mail", "urgent", desk.ContactEmail, desk.EINVALID, "invalid_severity", ""},
	} {
		_, err := e.svc.ExpectedWait(e.ctx, c.actor, c.product, c.sev, c.method)
		var de *desk.Error
		if desk.ErrorKind(err) != c.kind || desk.ErrorCode(err) != c.code {
			t.Errorf("%s: %v, want %s/%s", c.name, err, c.kind, c.code)
		} else if errors.As(err, &de) && de.UpgradePath != c.upgrade {
			t.Errorf("%s: upgrade path %q, want %q", c.name, de.UpgradePath, c.upgrade)
		}
	}
}

func TestExpectedWaits(t *testing.T) {
	e := newEnv(t)
	ws, err := e.svc.ExpectedWaits(e.ctx, e.bizAdmin)
	if err != nil {
		t.Fatal(err)
	}
	// Business allows high, normal and low; critical needs a contract.
	var sevs []desk.Severity
	for _, w := range ws {
		sevs = append(sevs, w.Severity)
	}
	if len(ws) != 3 || sevs[0] != desk.SeverityHigh || sevs[2] != desk.SeverityLow || ws[1].Target.Minutes != 480 {
		t.Errorf("business waits: %v", sevs)
	}
	if ws, err := e.svc.ExpectedWaits(e.ctx, e.tess); err != nil || len(ws) != 0 {
		t.Errorf("starter waits: %d, %v", len(ws), err)
	}
	if _, err := e.svc.ExpectedWaits(e.ctx, e.billing); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Errorf("billing admin: %v", err)
	}
}

func TestRelatedTitles(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"Outgoing mail stuck in the queue", "Mail stuck in outbound queue since 07:40", true},
		{"E-Mails an externe Empfänger verzögert", "E-Mails an externe Empfänger bis zu zwei Stunden verzögert", true},
		{"MAILS VERZÖGERT", "E-Mails verzogert", true},
		{"Agenda-synchronisatie op iPhones", "agenda synchronisatie kapot", true},
		{"Mail delayed", "Mail footer per department", false},
		{"Calendar invitations not delivered", "Drive sync client crashes", false},
		{"the and of", "the and of", false},
		{"", "Mail delayed", false},
	} {
		if got := desk.RelatedTitles(c.a, c.b); got != c.want {
			t.Errorf("RelatedTitles(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestRelatedCases(t *testing.T) {
	e := newEnv(t)
	open := func(actor *desk.User, title string) *desk.Case {
		t.Helper()
		n := ok()
		n.Title = title
		c, _, err := e.svc.OpenCase(e.ctx, actor, n, "")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	delayed := open(e.bizAdmin, "Mail to external recipients delayed")
	resolved := open(e.bizAdmin, "External recipients get mail late")
	if _, err := e.svc.Resolve(e.ctx, e.agent, resolved.ID, desk.Resolution{Outcome: desk.OutcomeSolved}); err != nil {
		t.Fatal(err)
	}
	open(e.bizAdmin, "Footer per department")
	open(e.entAdmin, "External recipients: mail delayed") // another organisation

	got, err := e.svc.RelatedCases(e.ctx, e.bizAdmin, "Delayed mail for external recipients", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != delayed.ID {
		t.Errorf("related: %+v, want only case %d", got, delayed.ID)
	}
	if got, err := e.svc.RelatedCases(e.ctx, e.bizAdmin, "the of", 5); err != nil || got != nil {
		t.Errorf("title of common words: %v, %v", got, err)
	}
	if _, err := e.svc.RelatedCases(e.ctx, e.user, "Mail delayed", 5); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Errorf("ordinary user: %v", err)
	}
}

func TestUserNames(t *testing.T) {
	e := newEnv(t)
	names, err := e.svc.UserNames(e.ctx, e.bizAdmin, []int64{e.bizAdmin.ID, e.agent.ID, e.entAdmin.ID, 0, 999999})
	if err != nil {
		t.Fatal(err)
	}
	if names[e.bizAdmin.ID] != e.bizAdmin.Name || names[e.agent.ID] != e.agent.Name {
		t.Errorf("names: %v", names)
	}
	if _, ok := names[e.entAdmin.ID]; ok || len(names) != 2 {
		t.Errorf("a user of another organisation, or an unknown id, was named: %v", names)
	}
}
