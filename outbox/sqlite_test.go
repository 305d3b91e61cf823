package outbox_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"desk"
	"desk/sqlite"
)

// The SQL store is the one production runs; the tests that are about
// leases and the benchmark use it rather than the in-memory fake.
var _ desk.MailStore = (*sqlite.DB)(nil)

// sqlFixture is a migrated SQLite database with what a case needs: a
// product, a plan, an organisation and a user.
type sqlFixture struct {
	db    *sqlite.DB
	org   *desk.Org
	user  *desk.User
	cases int
}

func newSQLite(t testing.TB) *sqlFixture {
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
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f := &sqlFixture{db: db}
	f.org = &desk.Org{Name: "One", TimeZone: "Europe/Amsterdam", Language: "nl", CreatedAt: at}
	f.user = &desk.User{Email: "admin@one.example", Name: "Ann", Role: desk.RoleSupportAdmin, Language: "nl", TimeZone: "Europe/Amsterdam", CreatedAt: at}
	for _, err := range []error{
		db.PutProduct(ctx, &desk.Product{Code: "mail", Name: "Mail"}),
		db.PutPlan(ctx, &desk.Plan{Code: "business", Name: "Business", SupportIncluded: true,
			Channels: []desk.Channel{desk.ChannelWeb, desk.ChannelEmail}, MaxSeverity: desk.SeverityHigh}),
		db.CreateOrg(ctx, f.org),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	f.user.OrgID = f.org.ID
	if err := db.CreateUser(ctx, f.user); err != nil {
		t.Fatal(err)
	}
	return f
}

// queue writes mails to the outbox the way the service does, with the
// change of a case (a new one per call), and sets their ids.
func (f *sqlFixture) queue(t testing.TB, ms []*desk.OutMail) {
	t.Helper()
	const perCase = 1000 // keeps each transaction a sensible size
	for len(ms) > 0 {
		part := ms[:min(perCase, len(ms))]
		ms = ms[len(part):]
		for _, m := range part {
			// The mails belong to the new case, as the service's do.
			m.CaseID, m.OrgID = 0, 0
		}
		f.cases++
		at := part[0].CreatedAt
		c := &desk.Case{
			OrgID: f.org.ID, Product: "mail", Category: desk.CategoryTechnical, Severity: desk.SeverityNormal,
			Status: desk.StatusNew, Title: fmt.Sprintf("Case %d", f.cases), Description: "-", Language: "nl",
			ContactMethod: desk.ContactEmail, Plan: "business", CreatedBy: f.user.ID, Source: "api",
			CreatedAt: at, UpdatedAt: at, Version: 1,
		}
		if _, err := f.db.CreateCase(context.Background(), &desk.CaseChange{Case: c, Mails: part}, nil); err != nil {
			t.Fatal(err)
		}
	}
}
