package storetest

import (
	"testing"
	"time"

	"desk"
)

// testSessions: a session signs its user in until it expires; use extends
// it, but never past its maximum age; signing out ends one session or all
// of a user's.
func testSessions(t *testing.T, f *fixture) {
	audit := func(action string) *desk.AuditEntry {
		return &desk.AuditEntry{At: base, ActorID: f.admin1.ID, OrgID: f.org1.ID, Action: action, ObjectType: "user"}
	}
	h1, h2, other := []byte("session-one"), []byte("session-two"), []byte("session-of-another")
	must(t, f.s.CreateSession(f.ctx, h1, &desk.Session{UserID: f.admin1.ID, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}, audit("session.sign_in")))
	must(t, f.s.CreateSession(f.ctx, h2, &desk.Session{UserID: f.admin1.ID, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}, audit("session.sign_in")))
	must(t, f.s.CreateSession(f.ctx, other, &desk.Session{UserID: f.admin2.ID, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}, audit("session.sign_in")))

	u, err := f.s.SessionUser(f.ctx, h1, base.Add(59*time.Minute), base.Add(2*time.Hour))
	must(t, err)
	if u.ID != f.admin1.ID {
		t.Fatalf("session user = %d, want %d", u.ID, f.admin1.ID)
	}
	// Used at 59 minutes, it was extended to two hours.
	if _, err := f.s.SessionUser(f.ctx, h1, base.Add(90*time.Minute), base.Add(3*time.Hour)); err != nil {
		t.Fatalf("extended session refused: %v", err)
	}
	// h2 was not used and has expired.
	_, err = f.s.SessionUser(f.ctx, h2, base.Add(61*time.Minute), base.Add(2*time.Hour))
	wantKind(t, err, desk.ENOTFOUND)
	_, err = f.s.SessionUser(f.ctx, []byte("never-issued"), base, base.Add(time.Hour))
	wantKind(t, err, desk.ENOTFOUND)

	// However often it is used, a session ends at its maximum age.
	end := base.Add(desk.SessionMax)
	if _, err := f.s.SessionUser(f.ctx, h1, base.Add(2*time.Hour), end.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SessionUser(f.ctx, h1, end.Add(-time.Minute), end.Add(time.Hour)); err != nil {
		t.Fatalf("session refused before its maximum age: %v", err)
	}
	_, err = f.s.SessionUser(f.ctx, h1, end.Add(time.Second), end.Add(2*time.Hour))
	wantKind(t, err, desk.ENOTFOUND)

	h3 := []byte("session-three")
	must(t, f.s.CreateSession(f.ctx, h3, &desk.Session{UserID: f.admin1.ID, CreatedAt: end, ExpiresAt: end.Add(time.Hour)}, audit("session.sign_in")))
	must(t, f.s.DeleteSession(f.ctx, h3))
	must(t, f.s.DeleteSession(f.ctx, h3)) // twice is harmless
	_, err = f.s.SessionUser(f.ctx, h3, end, end.Add(time.Hour))
	wantKind(t, err, desk.ENOTFOUND)

	// Sign out everywhere ends this user's sessions, not another's. (A
	// new session clears the user's expired ones, so h1 and h2 can be
	// issued again here.)
	must(t, f.s.CreateSession(f.ctx, h1, &desk.Session{UserID: f.admin1.ID, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}, audit("session.sign_in")))
	must(t, f.s.CreateSession(f.ctx, h2, &desk.Session{UserID: f.admin1.ID, CreatedAt: base, ExpiresAt: base.Add(time.Hour)}, audit("session.sign_in")))
	n, err := f.s.DeleteUserSessions(f.ctx, f.admin1.ID, audit("session.sign_out_everywhere"))
	must(t, err)
	if n != 2 {
		t.Fatalf("signed out %d sessions, want 2", n)
	}
	if _, err := f.s.SessionUser(f.ctx, other, base, base.Add(time.Hour)); err != nil {
		t.Fatalf("another user's session ended too: %v", err)
	}
	entries, err := f.s.Audit(f.ctx, f.org1.ID, 100)
	must(t, err)
	if len(entries) == 0 || entries[0].Action != "session.sign_out_everywhere" {
		t.Fatalf("audit = %+v, want sign-out everywhere last", entries)
	}
}

// testRatings: one rating per case, replaced by a second; another
// organisation's scope does not see it.
func testRatings(t *testing.T, f *fixture) {
	c := f.create(t, f.org1, f.admin1, "rated")
	_, err := f.s.Rating(f.ctx, scope(f.org1), c.ID)
	wantKind(t, err, desk.ENOTFOUND)
	a := &desk.AuditEntry{At: base, ActorID: f.admin1.ID, OrgID: f.org1.ID, Action: "case.rate", ObjectType: "case"}
	must(t, f.s.PutRating(f.ctx, &desk.Rating{CaseID: c.ID, OrgID: f.org1.ID, UserID: f.admin1.ID, Score: 2, Comment: "slow", CreatedAt: base}, a))
	must(t, f.s.PutRating(f.ctx, &desk.Rating{CaseID: c.ID, OrgID: f.org1.ID, UserID: f.admin1.ID, Score: 5, Comment: "solved", CreatedAt: base.Add(time.Hour)}, a))
	r, err := f.s.Rating(f.ctx, scope(f.org1), c.ID)
	must(t, err)
	if r.Score != 5 || r.Comment != "solved" || !r.CreatedAt.Equal(base.Add(time.Hour)) {
		t.Fatalf("rating = %+v", r)
	}
	_, err = f.s.Rating(f.ctx, scope(f.org2), c.ID)
	wantKind(t, err, desk.ENOTFOUND)
	if _, err := f.s.Rating(f.ctx, desk.Scope{AllOrgs: true}, c.ID); err != nil {
		t.Fatalf("staff scope: %v", err)
	}
	err = f.s.PutRating(f.ctx, &desk.Rating{CaseID: c.ID, OrgID: f.org1.ID, UserID: f.admin1.ID, Score: 9, CreatedAt: base}, a)
	if err == nil {
		t.Fatal("score 9 stored")
	}
	r, _ = f.s.Rating(f.ctx, scope(f.org1), c.ID)
	if r.Score != 5 {
		t.Fatalf("a refused rating changed the stored one: %+v", r)
	}
}
