package storetest

import (
	"fmt"
	"testing"
	"time"

	"desk"
)

// testQueueFilters checks the filters of the agent console's queues:
// by assignee, unassigned, language and team.
func testQueueFilters(t *testing.T, f *fixture) {
	a := f.create(t, f.org1, f.admin1, "assigned")
	b := f.create(t, f.org1, f.admin1, "unassigned")
	c := f.create(t, f.org2, f.admin2, "german, escalated")
	ua := *a
	ua.AssigneeID, ua.Version = f.agent.ID, 2
	must(t, f.s.UpdateCase(f.ctx, &desk.CaseChange{Case: &ua, PrevVersion: 1}))
	uc := *c
	uc.Language, uc.Team, uc.Version = "de", "Mail Transport", 2
	must(t, f.s.UpdateCase(f.ctx, &desk.CaseChange{Case: &uc, PrevVersion: 1}))

	for _, tc := range []struct {
		name  string
		scope desk.Scope
		f     desk.CaseFilter
		want  []int64
	}{
		{"assignee", staff, desk.CaseFilter{AssigneeID: f.agent.ID}, []int64{a.ID}},
		{"unassigned", staff, desk.CaseFilter{Unassigned: true}, []int64{c.ID, b.ID}},
		{"unassigned in org1", scope(f.org1), desk.CaseFilter{Unassigned: true}, []int64{b.ID}},
		{"language", staff, desk.CaseFilter{Language: "de"}, []int64{c.ID}},
		{"language elsewhere", scope(f.org1), desk.CaseFilter{Language: "de"}, nil},
		{"team", staff, desk.CaseFilter{Team: "Mail Transport"}, []int64{c.ID}},
		{"team and assignee", staff, desk.CaseFilter{Team: "Mail Transport", AssigneeID: f.agent.ID}, nil},
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

// testCountCases checks counts, plain and grouped, within the scope and
// the filter.
func testCountCases(t *testing.T, f *fixture) {
	a := f.create(t, f.org1, f.admin1, "one")
	f.create(t, f.org1, f.admin1, "two")
	f.create(t, f.org2, f.admin2, "three")
	ua := *a
	ua.Severity, ua.Status, ua.Team, ua.Version = desk.SeverityHigh, desk.StatusOpen, "Mail Transport", 2
	must(t, f.s.UpdateCase(f.ctx, &desk.CaseChange{Case: &ua, PrevVersion: 1}))

	count := func(sc desk.Scope, fl desk.CaseFilter, by string) string {
		t.Helper()
		cs, err := f.s.CountCases(f.ctx, sc, fl, by)
		must(t, err)
		return fmt.Sprint(cs)
	}
	for _, tc := range []struct {
		name, got, want string
	}{
		{"all", count(staff, desk.CaseFilter{}, ""), "[{ 3}]"},
		{"org1", count(scope(f.org1), desk.CaseFilter{}, ""), "[{ 2}]"},
		{"empty scope", count(desk.Scope{}, desk.CaseFilter{}, ""), "[{ 0}]"},
		{"filtered", count(staff, desk.CaseFilter{Statuses: []desk.Status{desk.StatusNew}}, ""), "[{ 2}]"},
		{"by severity", count(staff, desk.CaseFilter{}, desk.CountBySeverity), "[{high 1} {normal 2}]"},
		{"by status in org1", count(scope(f.org1), desk.CaseFilter{}, desk.CountByStatus), "[{new 1} {open 1}]"},
		{"by team", count(staff, desk.CaseFilter{}, desk.CountByTeam), "[{ 2} {Mail Transport 1}]"},
		{"by language", count(staff, desk.CaseFilter{}, desk.CountByLanguage), "[{en 3}]"},
		{"by product, filtered", count(staff, desk.CaseFilter{Severities: []desk.Severity{desk.SeverityHigh}}, desk.CountByProduct), "[{mail 1}]"},
		// The cursor and limit of a list do not narrow a count.
		{"cursor ignored", count(staff, desk.CaseFilter{After: &desk.CaseCursor{At: base, ID: a.ID}, Limit: 1}, ""), "[{ 3}]"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, tc.got, tc.want)
		}
	}
	if _, err := f.s.CountCases(f.ctx, staff, desk.CaseFilter{}, "title; DROP TABLE cases"); err == nil {
		t.Fatal("counting by an unknown column succeeded")
	}
}

// mergeChanges returns the changes of merging dup into surv, as the
// service computes them.
func mergeChanges(f *fixture, dup, surv *desk.Case, at time.Time) (*desk.CaseChange, *desk.CaseChange) {
	d, s := *dup, *surv
	d.Status, d.MergedInto, d.ClosedAt, d.UpdatedAt, d.Version = desk.StatusClosed, surv.ID, &at, at, dup.Version+1
	s.UpdatedAt, s.Version = at, surv.Version+1
	detail := fmt.Sprintf(`{"duplicate":%d,"survivor":%d}`, dup.ID, surv.ID)
	return &desk.CaseChange{Case: &d, PrevVersion: dup.Version,
			Messages: []*desk.Message{{Kind: desk.MessageEvent, Body: fmt.Sprintf("merged into case #%d", surv.ID), Channel: "api", CreatedAt: at}},
			Audit:    []*desk.AuditEntry{{At: at, ActorID: f.agent.ID, OrgID: dup.OrgID, Action: "case.merge", ObjectType: "case", ObjectID: fmt.Sprint(dup.ID), Detail: detail}}},
		&desk.CaseChange{Case: &s, PrevVersion: surv.Version,
			Messages: []*desk.Message{{Kind: desk.MessageEvent, Body: fmt.Sprintf("case #%d merged into this case", dup.ID), Channel: "api", CreatedAt: at}},
			Audit:    []*desk.AuditEntry{{At: at, ActorID: f.agent.ID, OrgID: surv.OrgID, Action: "case.merge", ObjectType: "case", ObjectID: fmt.Sprint(surv.ID), Detail: detail}}}
}

// testMerge checks that a merge stores both cases, their timelines and
// audit entries together or not at all, keeps the duplicate's timeline and
// files, and lists the duplicate under the survivor within the scope.
func testMerge(t *testing.T, f *fixture) {
	surv := f.create(t, f.org1, f.admin1, "survivor")
	dup := f.create(t, f.org1, f.admin1, "duplicate")
	at := base.Add(time.Hour)

	// The duplicate's own reply and file, which the merge must not lose.
	ud := *dup
	ud.Version = 2
	att := &desk.Attachment{ID: "fedcba9876543210fedcba9876543210", Name: "headers.txt", ContentType: "text/plain",
		Size: 5, SHA256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", UploadedBy: f.admin1.ID, CreatedAt: base}
	must(t, f.s.UpdateCase(f.ctx, &desk.CaseChange{Case: &ud, PrevVersion: 1, Attachment: att, Messages: []*desk.Message{
		{Kind: desk.MessagePublic, Body: "the bounce headers", AuthorID: f.admin1.ID, Channel: "api", CreatedAt: base},
		{Kind: desk.MessageAttachment, Body: "headers.txt", AttachmentID: att.ID, AuthorID: f.admin1.ID, Channel: "api", CreatedAt: base},
	}}))
	dup, err := f.s.Case(f.ctx, staff, dup.ID)
	must(t, err)

	// A merge computed from an old survivor stores nothing, not even the
	// duplicate's half.
	staleSurv := *surv
	staleSurv.Version = 0
	dch, sch := mergeChanges(f, dup, &staleSurv, at)
	wantKind(t, f.s.MergeCases(f.ctx, dch, sch), desk.ECONFLICT)
	got, err := f.s.Case(f.ctx, staff, dup.ID)
	must(t, err)
	if got.Status == desk.StatusClosed || got.MergedInto != 0 || got.Version != dup.Version {
		t.Fatalf("a failed merge changed the duplicate: %+v", got)
	}
	if ds, err := f.s.Duplicates(f.ctx, staff, surv.ID); err != nil || len(ds) != 0 {
		t.Fatalf("duplicates after a failed merge: %v, %v", ids(ds), err)
	}

	dch, sch = mergeChanges(f, dup, surv, at)
	must(t, f.s.MergeCases(f.ctx, dch, sch))
	got, err = f.s.Case(f.ctx, scope(f.org1), dup.ID)
	must(t, err)
	if got.Status != desk.StatusClosed || got.MergedInto != surv.ID || got.ClosedAt == nil || !got.ClosedAt.Equal(at) {
		t.Fatalf("merged duplicate = %+v", got)
	}
	if s, err := f.s.Case(f.ctx, staff, surv.ID); err != nil || s.MergedInto != 0 || s.Version != surv.Version+1 {
		t.Fatalf("survivor = %+v, %v", s, err)
	}
	// Nothing lost: the customer still reads the duplicate's reply and file.
	msgs, err := f.s.Messages(f.ctx, scope(f.org1), dup.ID)
	must(t, err)
	var bodies []string
	for _, m := range msgs {
		bodies = append(bodies, m.Body)
	}
	if want := fmt.Sprint([]string{"case opened", "the bounce headers", "headers.txt", fmt.Sprintf("merged into case #%d", surv.ID)}); fmt.Sprint(bodies) != want {
		t.Fatalf("duplicate timeline = %q, want %s", bodies, want)
	}
	if a, err := f.s.Attachment(f.ctx, scope(f.org1), att.ID); err != nil || a.CaseID != dup.ID {
		t.Fatalf("duplicate's file: %+v, %v", a, err)
	}
	smsgs, err := f.s.Messages(f.ctx, staff, surv.ID)
	must(t, err)
	if last := smsgs[len(smsgs)-1]; last.Body != fmt.Sprintf("case #%d merged into this case", dup.ID) {
		t.Fatalf("survivor's last entry = %q", last.Body)
	}
	// The survivor lists its duplicate, for its own organisation and staff
	// only.
	for _, sc := range []desk.Scope{staff, scope(f.org1)} {
		ds, err := f.s.Duplicates(f.ctx, sc, surv.ID)
		must(t, err)
		if fmt.Sprint(ids(ds)) != fmt.Sprint([]int64{dup.ID}) || ds[0].MergedInto != surv.ID {
			t.Fatalf("duplicates in %+v = %v", sc, ids(ds))
		}
	}
	if ds, err := f.s.Duplicates(f.ctx, scope(f.org2), surv.ID); err != nil || len(ds) != 0 {
		t.Fatalf("another organisation sees duplicates %v (%v)", ids(ds), err)
	}
	// Both audit entries were written with the merge.
	es, err := f.s.Audit(f.ctx, f.org1.ID, 10)
	must(t, err)
	merges := 0
	for _, e := range es {
		if e.Action == "case.merge" {
			merges++
		}
	}
	if merges != 2 {
		t.Fatalf("%d merge audit entries, want 2", merges)
	}
	// A case is merged once: a second merge of the same duplicate, even
	// from its current version, is refused.
	dup2, err := f.s.Case(f.ctx, staff, dup.ID)
	must(t, err)
	surv2, err := f.s.Case(f.ctx, staff, surv.ID)
	must(t, err)
	dch, sch = mergeChanges(f, dup2, surv2, at.Add(time.Minute))
	wantKind(t, f.s.MergeCases(f.ctx, dch, sch), desk.ECONFLICT)
}
