package storetest

import (
	"fmt"
	"testing"
	"time"

	"desk"
)

// testStatusSubscriptions checks the subscriptions of the status page and
// the queue of incident changes their mail is made from.
func testStatusSubscriptions(t *testing.T, f *fixture) {
	exp := base.Add(48 * time.Hour)
	confirmMail := func(to string) *desk.OutMail {
		return &desk.OutMail{MessageID: fmt.Sprintf("<confirm-%s@desk.example>", to), Kind: desk.MailStatusConfirm, To: to,
			Language: "sv", Auto: true, Data: desk.MailData{Link: "https://desk.example/status/confirm?token=t", ExpiresAt: &exp},
			Status: desk.OutPending, NextAttemptAt: base, CreatedAt: base}
	}
	pending := &desk.StatusSubscription{Email: "ann@example.com", Language: "en", Components: []string{},
		PendingLanguage: "sv", PendingComponents: []string{"mail", "drive"}, TokenHash: "aa11",
		TokenExpiresAt: &exp, ConfirmMailAt: &base, CreatedAt: base, UpdatedAt: base, Version: 1}
	m := confirmMail("ann@example.com")
	must(t, f.s.SaveStatusSubscription(f.ctx, pending, 0, m))
	if pending.ID == 0 || m.ID == 0 {
		t.Fatalf("ids: subscription %d, mail %d", pending.ID, m.ID)
	}
	got, err := f.s.OutMail(f.ctx, m.ID)
	must(t, err)
	if got.Kind != desk.MailStatusConfirm || got.CaseID != 0 || got.OrgID != 0 || got.Data.Link != m.Data.Link || !got.Data.ExpiresAt.Equal(exp) {
		t.Fatalf("queued confirmation = %+v", got)
	}

	// One subscription per address.
	dup := *pending
	dup.ID, dup.TokenHash = 0, "bb22"
	wantKind(t, f.s.SaveStatusSubscription(f.ctx, &dup, 0, confirmMail("dup")), desk.ECONFLICT)
	if _, err := f.s.OutMail(f.ctx, m.ID+1); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("the refused subscription queued its mail: %v", err)
	}

	for name, get := range map[string]func() (*desk.StatusSubscription, error){
		"id": func() (*desk.StatusSubscription, error) { return f.s.StatusSubscription(f.ctx, pending.ID) },
		"email": func() (*desk.StatusSubscription, error) {
			return f.s.StatusSubscriptionByEmail(f.ctx, "ann@example.com")
		},
		"token": func() (*desk.StatusSubscription, error) { return f.s.StatusSubscriptionByToken(f.ctx, "aa11") },
	} {
		s, err := get()
		must(t, err)
		if s.ID != pending.ID || s.Email != "ann@example.com" || s.Active() || s.PendingLanguage != "sv" ||
			len(s.PendingComponents) != 2 || s.PendingComponents[1] != "drive" || len(s.Components) != 0 ||
			!s.TokenExpiresAt.Equal(exp) || !s.ConfirmMailAt.Equal(base) || !s.CreatedAt.Equal(base) || s.Version != 1 {
			t.Fatalf("by %s: %+v", name, s)
		}
	}
	for _, err := range []error{
		func() error { _, err := f.s.StatusSubscriptionByToken(f.ctx, ""); return err }(),
		func() error { _, err := f.s.StatusSubscriptionByToken(f.ctx, "cc33"); return err }(),
		func() error { _, err := f.s.StatusSubscriptionByEmail(f.ctx, "ANN@example.com"); return err }(),
		func() error { _, err := f.s.StatusSubscription(f.ctx, pending.ID+100); return err }(),
	} {
		wantKind(t, err, desk.ENOTFOUND)
	}

	// Updates are compare-and-set on the version.
	confirmed := base.Add(time.Minute)
	s, _ := f.s.StatusSubscription(f.ctx, pending.ID)
	s.Language, s.Components, s.ConfirmedAt = "sv", []string{"mail", "drive"}, &confirmed
	s.PendingLanguage, s.PendingComponents, s.TokenHash, s.TokenExpiresAt = "", nil, "", nil
	s.UpdatedAt, s.Version = confirmed, 2
	wantKind(t, f.s.SaveStatusSubscription(f.ctx, s, 7, nil), desk.ECONFLICT)
	must(t, f.s.SaveStatusSubscription(f.ctx, s, 1, nil))
	wantKind(t, f.s.SaveStatusSubscription(f.ctx, s, 1, nil), desk.ECONFLICT)
	_, err = f.s.StatusSubscriptionByToken(f.ctx, "aa11")
	wantKind(t, err, desk.ENOTFOUND)

	// More subscriptions: one confirmed, two never; one of those expired.
	mk := func(email string, confirmedAt *time.Time, expires time.Time) *desk.StatusSubscription {
		sub := &desk.StatusSubscription{Email: email, Language: "de", Components: []string{}, ConfirmedAt: confirmedAt,
			TokenHash: "h-" + email, TokenExpiresAt: &expires, CreatedAt: base, UpdatedAt: base, Version: 1}
		must(t, f.s.SaveStatusSubscription(f.ctx, sub, 0, nil))
		return sub
	}
	bo := mk("bo@example.com", &confirmed, base.Add(-time.Hour))
	stale := mk("stale@example.com", nil, base.Add(-time.Minute))
	fresh := mk("fresh@example.com", nil, base.Add(time.Hour))
	active, err := f.s.ActiveStatusSubscriptions(f.ctx, 0, 10)
	must(t, err)
	if len(active) != 2 || active[0].ID != pending.ID || active[1].ID != bo.ID || active[0].Components[0] != "mail" {
		t.Fatalf("active = %+v", active)
	}
	page, err := f.s.ActiveStatusSubscriptions(f.ctx, pending.ID, 1)
	must(t, err)
	if len(page) != 1 || page[0].ID != bo.ID {
		t.Fatalf("second page = %+v", page)
	}
	n, err := f.s.PurgeStatusSubscriptions(f.ctx, base)
	must(t, err)
	if n != 1 {
		t.Fatalf("purged %d, want 1", n)
	}
	_, err = f.s.StatusSubscription(f.ctx, stale.ID)
	wantKind(t, err, desk.ENOTFOUND)
	for _, id := range []int64{fresh.ID, bo.ID} {
		_, err := f.s.StatusSubscription(f.ctx, id)
		must(t, err)
	}
	must(t, f.s.DeleteStatusSubscription(f.ctx, bo.ID))
	wantKind(t, f.s.DeleteStatusSubscription(f.ctx, bo.ID), desk.ENOTFOUND)
}

// testStatusNotices checks that every incident change queues a notice in
// its transaction, and the notices' leases.
func testStatusNotices(t *testing.T, f *fixture) {
	must(t, f.s.PutComponent(f.ctx, &desk.Component{Code: "mail", Name: "Mail"}))
	inc := &desk.Incident{Kind: desk.KindIncident, Title: "slow", Impact: desk.ImpactMinor, Status: desk.IncidentInvestigating,
		Affected: []desk.Affected{{Component: "mail", Status: desk.ComponentDegraded}}, Public: true, StartedAt: base,
		CreatedAt: base, UpdatedAt: base, Version: 1,
		Posts: []*desk.IncidentPost{{ID: 1, Status: desk.IncidentInvestigating, Body: "Looking.", CreatedAt: base}}}
	must(t, f.s.CreateIncident(f.ctx, inc, nil, nil))
	// A change that fails queues nothing.
	later := base.Add(time.Minute)
	inc.Posts = append(inc.Posts, &desk.IncidentPost{ID: 2, Status: desk.IncidentIdentified, Body: "Found.", CreatedAt: later})
	inc.UpdatedAt, inc.Version = later, 2
	wantKind(t, f.s.UpdateIncident(f.ctx, inc, 5, nil, nil), desk.ECONFLICT)
	must(t, f.s.UpdateIncident(f.ctx, inc, 1, nil, nil))

	now := base.Add(time.Hour)
	ns, err := f.s.ClaimStatusNotices(f.ctx, "a", now, time.Minute, 10)
	must(t, err)
	if len(ns) != 2 || ns[0].IncidentID != inc.ID || ns[0].Version != 1 || ns[0].PostCount != 1 || !ns[0].ChangedAt.Equal(base) ||
		ns[1].Version != 2 || ns[1].PostCount != 2 || !ns[1].ChangedAt.Equal(later) {
		t.Fatalf("notices = %+v", ns)
	}
	// Leased notices are not claimed again until the lease runs out.
	again, err := f.s.ClaimStatusNotices(f.ctx, "b", now.Add(30*time.Second), time.Minute, 10)
	must(t, err)
	if len(again) != 0 {
		t.Fatalf("claimed %d leased notices", len(again))
	}
	mail := &desk.OutMail{MessageID: "<news-1@desk.example>", Kind: desk.MailStatusIncident, To: "ann@example.com", Language: "en",
		Auto: true, Data: desk.MailData{IncidentTitle: "slow", UnsubscribeURL: "https://desk.example/status/unsubscribe?token=1-x"},
		Status: desk.OutPending, NextAttemptAt: now, CreatedAt: now}
	wantKind(t, f.s.FinishStatusNotice(f.ctx, ns[0].ID, "b", []*desk.OutMail{mail}), desk.ECONFLICT)
	if mail.ID != 0 {
		if _, err := f.s.OutMail(f.ctx, mail.ID); err == nil {
			t.Fatal("a refused finish queued its mail")
		}
	}
	must(t, f.s.FinishStatusNotice(f.ctx, ns[0].ID, "a", []*desk.OutMail{mail}))
	got, err := f.s.OutMail(f.ctx, mail.ID)
	must(t, err)
	if got.Data.UnsubscribeURL != mail.Data.UnsubscribeURL || got.Kind != desk.MailStatusIncident {
		t.Fatalf("queued mail = %+v", got)
	}
	// Done is done: finishing again queues nothing more.
	dup := *mail
	dup.ID, dup.MessageID = 0, "<news-2@desk.example>"
	wantKind(t, f.s.FinishStatusNotice(f.ctx, ns[0].ID, "a", []*desk.OutMail{&dup}), desk.ECONFLICT)

	// A retry ends the lease and waits for its time.
	ns[1].Attempts, ns[1].NextAttemptAt = 1, now.Add(10*time.Minute)
	must(t, f.s.RetryStatusNotice(f.ctx, ns[1], "a"))
	early, err := f.s.ClaimStatusNotices(f.ctx, "b", now.Add(5*time.Minute), time.Minute, 10)
	must(t, err)
	if len(early) != 0 {
		t.Fatalf("claimed %d notices before their retry time", len(early))
	}
	// A lease that ran out passes the notice on; its old holder can no
	// longer finish it.
	due := now.Add(10 * time.Minute)
	b, err := f.s.ClaimStatusNotices(f.ctx, "b", due, time.Minute, 10)
	must(t, err)
	if len(b) != 1 || b[0].ID != ns[1].ID || b[0].Attempts != 1 {
		t.Fatalf("claim after retry = %+v", b)
	}
	c, err := f.s.ClaimStatusNotices(f.ctx, "c", due.Add(2*time.Minute), time.Minute, 10)
	must(t, err)
	if len(c) != 1 {
		t.Fatalf("claim after the lease ran out = %+v", c)
	}
	wantKind(t, f.s.FinishStatusNotice(f.ctx, ns[1].ID, "b", nil), desk.ECONFLICT)
	must(t, f.s.FinishStatusNotice(f.ctx, ns[1].ID, "c", nil))
	left, err := f.s.ClaimStatusNotices(f.ctx, "d", due.Add(time.Hour), time.Minute, 10)
	must(t, err)
	if len(left) != 0 {
		t.Fatalf("finished notices claimed again: %+v", left)
	}
}
