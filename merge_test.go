package desk_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"desk"
)

// TestMerge: a duplicate is closed pointing at the survivor, both
// timelines say so, nothing of the duplicate is lost, and both cases are
// audited.
func TestMerge(t *testing.T) {
	e := newEnv(t)
	surv, _, err := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	if err != nil {
		t.Fatal(err)
	}
	in := ok()
	in.Title = "Mail delayed again"
	dup, _, _ := e.svc.OpenCase(e.ctx, e.bizAdmin, in, "")
	if _, err := e.svc.AddMessage(e.ctx, e.bizAdmin, dup.ID, desk.Reply{Body: "headers attached"}); err != nil {
		t.Fatal(err)
	}
	att, err := e.svc.AddAttachment(e.ctx, e.bizAdmin, dup.ID, "headers.txt", "text/plain", strings.NewReader("Received: ..."))
	if err != nil {
		t.Fatal(err)
	}

	got, err := e.svc.Merge(e.ctx, e.agent, dup.ID, surv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != desk.StatusClosed || got.MergedInto != surv.ID || got.ClosedAt == nil {
		t.Fatalf("merged duplicate: %+v", got)
	}
	// The customer reads the duplicate, its reply and its file, and the
	// pointer to the survivor.
	c, err := e.svc.Case(e.ctx, e.bizAdmin, dup.ID)
	if err != nil || c.MergedInto != surv.ID {
		t.Fatalf("customer's view of the duplicate: %+v, %v", c, err)
	}
	tl, err := e.svc.Timeline(e.ctx, e.bizAdmin, dup.ID)
	if err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, m := range tl {
		bodies = append(bodies, m.Body)
	}
	joined := strings.Join(bodies, "|")
	for _, want := range []string{"headers attached", "headers.txt", fmt.Sprintf("merged into case #%d", surv.ID), "status: new → closed (merged)"} {
		if !strings.Contains(joined, want) {
			t.Errorf("duplicate timeline lacks %q: %s", want, joined)
		}
	}
	if _, f, err := e.svc.OpenAttachment(e.ctx, e.bizAdmin, att.ID); err != nil {
		t.Fatalf("the duplicate's file is gone: %v", err)
	} else {
		f.Close()
	}
	stl, _ := e.svc.Timeline(e.ctx, e.bizAdmin, surv.ID)
	if last := stl[len(stl)-1].Body; last != fmt.Sprintf("case #%d merged into this case", dup.ID) {
		t.Fatalf("survivor's last entry: %q", last)
	}
	ds, err := e.svc.Duplicates(e.ctx, e.bizAdmin, surv.ID)
	if err != nil || len(ds) != 1 || ds[0].ID != dup.ID {
		t.Fatalf("duplicates: %v, %v", ds, err)
	}
	// Both cases are in the audit log, with the agent as actor.
	es, err := e.svc.Store.Audit(e.ctx, e.biz.ID, 20)
	if err != nil {
		t.Fatal(err)
	}
	audited := map[string]bool{}
	for _, a := range es {
		if a.Action == "case.merge" && a.ActorID == e.agent.ID {
			var d map[string]any
			if err := json.Unmarshal([]byte(a.Detail), &d); err != nil || d["survivor"] != float64(surv.ID) || d["duplicate"] != float64(dup.ID) {
				t.Errorf("merge audit detail %s", a.Detail)
			}
			audited[a.ObjectID] = true
		}
	}
	if !audited[fmt.Sprint(dup.ID)] || !audited[fmt.Sprint(surv.ID)] {
		t.Fatalf("merge audited for %v, want both cases", audited)
	}
	// The duplicate is closed: it cannot be merged again or replied to.
	if _, err := e.svc.Merge(e.ctx, e.agent, dup.ID, surv.ID); desk.ErrorCode(err) != "case_closed" {
		t.Fatalf("merging again: %v", err)
	}
}

// TestMergeRules: only staff merge, within one organisation, never a case
// into itself or into a closed case.
func TestMergeRules(t *testing.T) {
	e := newEnv(t)
	a, _, _ := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	b, _, _ := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	closed, _, _ := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	if _, err := e.svc.Close(e.ctx, e.bizAdmin, closed.ID); err != nil {
		t.Fatal(err)
	}
	crit := ok()
	crit.Severity, crit.BusinessImpact, crit.ContactPhone = desk.SeverityCritical, "all mail stopped", "+31 20 555 0100"
	other, _, err := e.svc.OpenCase(e.ctx, e.entAdmin, crit, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		actor     *desk.User
		dup, surv int64
		code      string
		field     string
	}{
		{"customer", e.bizAdmin, a.ID, b.ID, "staff_only", ""},
		{"status manager", e.stan, a.ID, b.ID, "staff_only", ""},
		{"itself", e.agent, a.ID, a.ID, "merge_same_case", "into"},
		{"no target", e.agent, a.ID, 0, "merge_target_required", "into"},
		{"unknown target", e.agent, a.ID, 999999, "merge_target_not_found", "into"},
		{"other organisation", e.agent, a.ID, other.ID, "merge_other_org", "into"},
		{"closed target", e.agent, a.ID, closed.ID, "merge_target_closed", "into"},
		{"closed duplicate", e.agent, closed.ID, a.ID, "case_closed", ""},
	} {
		_, err := e.svc.Merge(e.ctx, tc.actor, tc.dup, tc.surv)
		var de *desk.Error
		if desk.ErrorCode(err) != tc.code {
			t.Errorf("%s: %v, want code %s", tc.name, err, tc.code)
		} else if tc.field != "" && (!errors.As(err, &de) || de.Field != tc.field) {
			t.Errorf("%s: field %+v, want %s", tc.name, de, tc.field)
		}
	}
	for _, id := range []int64{a.ID, b.ID} {
		c, _ := e.svc.Case(e.ctx, e.agent, id)
		if c.Status == desk.StatusClosed || c.MergedInto != 0 {
			t.Fatalf("a refused merge changed case %d: %+v", id, c)
		}
	}
}

// TestCountCases: the console's queue counts see what the actor may see,
// with the new filters checked like the others.
func TestCountCases(t *testing.T) {
	e := newEnv(t)
	a, _, _ := e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	e.svc.OpenCase(e.ctx, e.bizAdmin, ok(), "")
	crit := ok()
	crit.Severity, crit.BusinessImpact, crit.ContactPhone = desk.SeverityCritical, "all mail stopped", "+31 20 555 0100"
	if _, _, err := e.svc.OpenCase(e.ctx, e.entAdmin, crit, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Assign(e.ctx, e.agent, a.ID, e.agent.ID); err != nil {
		t.Fatal(err)
	}
	count := func(actor *desk.User, f desk.CaseFilter, by string) string {
		t.Helper()
		cs, err := e.svc.CountCases(e.ctx, actor, f, by)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(cs)
	}
	for _, tc := range []struct{ name, got, want string }{
		{"staff", count(e.agent, desk.CaseFilter{}, ""), "[{ 3}]"},
		{"customer", count(e.bizAdmin, desk.CaseFilter{}, ""), "[{ 2}]"},
		{"mine", count(e.agent, desk.CaseFilter{AssigneeID: e.agent.ID}, ""), "[{ 1}]"},
		{"unassigned", count(e.agent, desk.CaseFilter{Unassigned: true}, ""), "[{ 2}]"},
		{"by severity", count(e.agent, desk.CaseFilter{}, desk.CountBySeverity), "[{critical 1} {normal 2}]"},
		{"by status", count(e.agent, desk.CaseFilter{}, desk.CountByStatus), "[{new 2} {open 1}]"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, tc.got, tc.want)
		}
	}
	for _, bad := range []struct {
		f  desk.CaseFilter
		by string
	}{
		{desk.CaseFilter{Language: "xx"}, ""},
		{desk.CaseFilter{AssigneeID: e.agent.ID, Unassigned: true}, ""},
		{desk.CaseFilter{Team: strings.Repeat("t", 201)}, ""},
		{desk.CaseFilter{}, "title"},
	} {
		if _, err := e.svc.CountCases(e.ctx, e.agent, bad.f, bad.by); desk.ErrorKind(err) != desk.EINVALID && desk.ErrorKind(err) != desk.EREFUSED {
			t.Errorf("%+v by %q: %v", bad.f, bad.by, err)
		}
	}
	if _, err := e.svc.CountCases(e.ctx, e.stan, desk.CaseFilter{}, ""); desk.ErrorKind(err) != desk.EFORBIDDEN {
		t.Fatalf("status manager counting cases: %v", err)
	}
}
