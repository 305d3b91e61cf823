package desk_test

import (
	"testing"
	"time"

	"desk"
	"desk/passwd"
)

// withPassword gives u a password and turns on sign-in.
func withPassword(t *testing.T, e *env, email, password string) {
	t.Helper()
	h, err := passwd.Hash(password)
	if err != nil {
		t.Fatal(err)
	}
	u := &desk.User{Email: email, Name: email, Role: desk.RoleSupportAdmin, OrgID: e.biz.ID, Language: "nl",
		TimeZone: "Europe/Amsterdam", PasswordHash: h, CreatedAt: e.clock.Now()}
	if err := e.svc.Store.CreateUser(e.ctx, u); err != nil {
		t.Fatal(err)
	}
	e.svc.Passwords = passwd.Checker{}
}

// TestSignIn: the right password starts a session that signs the user in;
// wrong passwords and unknown addresses get the same answer; sessions end
// when idle, on sign-out, and everywhere at once.
func TestSignIn(t *testing.T) {
	e := newEnv(t)
	withPassword(t, e, "daan@biz.example", "correct horse battery staple")
	for _, c := range []struct{ email, password string }{
		{"daan@biz.example", "wrong"},
		{"nobody@biz.example", "correct horse battery staple"},
		{"daan@biz.example", ""},
	} {
		_, _, err := e.svc.SignIn(e.ctx, c.email, c.password)
		if desk.ErrorCode(err) != "wrong_credentials" {
			t.Fatalf("sign in %s/%q: %v, want wrong_credentials", c.email, c.password, err)
		}
	}
	u, token, err := e.svc.SignIn(e.ctx, "  DAAN@biz.example ", "correct horse battery staple")
	if err != nil || u.Email != "daan@biz.example" || len(token) < 40 {
		t.Fatalf("sign in: %v %v %q", u, err, token)
	}
	got, err := e.svc.SessionUser(e.ctx, token)
	if err != nil || got.ID != u.ID {
		t.Fatalf("session user = %v, %v", got, err)
	}
	// Idle past SessionIdle: signed out.
	e.clock.Add(desk.SessionIdle + time.Second)
	if _, err := e.svc.SessionUser(e.ctx, token); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("idle session still valid: %v", err)
	}
	_, t1, _ := e.svc.SignIn(e.ctx, "daan@biz.example", "correct horse battery staple")
	_, t2, _ := e.svc.SignIn(e.ctx, "daan@biz.example", "correct horse battery staple")
	if err := e.svc.SignOut(e.ctx, t1); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SessionUser(e.ctx, t1); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("signed-out session valid: %v", err)
	}
	if _, err := e.svc.SessionUser(e.ctx, t2); err != nil {
		t.Fatalf("the other session ended too: %v", err)
	}
	_, t3, _ := e.svc.SignIn(e.ctx, "daan@biz.example", "correct horse battery staple")
	n, err := e.svc.SignOutEverywhere(e.ctx, u)
	if err != nil || n != 2 {
		t.Fatalf("sign out everywhere: %d, %v; want 2", n, err)
	}
	for _, tok := range []string{t2, t3} {
		if _, err := e.svc.SessionUser(e.ctx, tok); desk.ErrorKind(err) != desk.ENOTFOUND {
			t.Fatalf("session valid after signing out everywhere: %v", err)
		}
	}
}

// TestRate: the customer rates a resolved case once, may change the
// rating, and nobody else can.
func TestRate(t *testing.T) {
	e := newEnv(t)
	c, _, err := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Rate(e.ctx, e.bizAdmin, c.ID, 5, ""); desk.ErrorCode(err) != "not_resolved" {
		t.Fatalf("rating an open case: %v", err)
	}
	if _, err := e.svc.Resolve(e.ctx, e.agent, c.ID, desk.Resolution{Outcome: desk.OutcomeSolved, Body: "fixed"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Rate(e.ctx, e.agent, c.ID, 5, ""); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Fatalf("agent rating: %v", err)
	}
	if _, err := e.svc.Rate(e.ctx, e.entAdmin, c.ID, 1, ""); desk.ErrorKind(err) != desk.ENOTFOUND {
		t.Fatalf("another organisation rating: %v", err)
	}
	if _, err := e.svc.Rate(e.ctx, e.bizAdmin, c.ID, 0, ""); desk.ErrorKind(err) != desk.EINVALID {
		t.Fatalf("score 0: %v", err)
	}
	if _, err := e.svc.Rate(e.ctx, e.bizAdmin, c.ID, 4, " quick "); err != nil {
		t.Fatal(err)
	}
	r, err := e.svc.CaseRating(e.ctx, e.agent, c.ID)
	if err != nil || r.Score != 4 || r.Comment != "quick" || r.UserID != e.bizAdmin.ID {
		t.Fatalf("rating = %+v, %v", r, err)
	}
}

// TestAssign: agents assign cases to staff who handle cases; a new case
// becomes open; customers cannot assign.
func TestAssign(t *testing.T) {
	e := newEnv(t)
	c, _, _ := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	if _, err := e.svc.Assign(e.ctx, e.bizAdmin, c.ID, e.agent.ID); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Fatalf("customer assigning: %v", err)
	}
	if _, err := e.svc.Assign(e.ctx, e.agent, c.ID, e.bizAdmin.ID); desk.ErrorKind(err) != desk.EINVALID {
		t.Fatalf("assigning to a customer: %v", err)
	}
	got, err := e.svc.Assign(e.ctx, e.agent, c.ID, e.super.ID)
	if err != nil || got.AssigneeID != e.super.ID || got.Status != desk.StatusOpen {
		t.Fatalf("assign: %+v, %v", got, err)
	}
}
