package web

import (
	"fmt"
	"net/http"
	"testing"

	"desk"
)

type creditBody struct {
	ID       int64  `json:"id"`
	OrgID    int64  `json:"org_id"`
	CaseID   int64  `json:"case_id"`
	State    string `json:"state"`
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
	Reason   string `json:"reason"`
	Working  struct {
		DownMinutes   float64 `json:"down_minutes"`
		UptimePercent float64 `json:"uptime_percent"`
		Commitment    float64 `json:"commitment"`
		TierPercent   int     `json:"tier_percent"`
		MonthlyFee    int64   `json:"monthly_fee"`
	} `json:"working"`
}

func creditPath(id int64, rest string) string {
	return fmt.Sprintf("/api/v1/credit-requests/%d%s", id, rest)
}

// outageCase returns the demo's resolved outage case of Contoso, linked
// to the mail delivery incident of 38 days ago.
func (e *env) outageCase() *desk.Case {
	e.t.Helper()
	cs, err := e.db.Cases(e.ctx, desk.Scope{AllOrgs: true}, desk.CaseFilter{Query: "stundenlang", Limit: 10})
	if err != nil || len(cs) != 1 || cs[0].IncidentID == 0 || cs[0].Outcome != desk.OutcomeOutageResolved {
		e.t.Fatalf("demo outage case: %+v, %v", cs, err)
	}
	return cs[0]
}

// TestCreditAPI: Contoso's Support admin asks for the credit of the
// demo's 5-hour partial mail outage (10% of 2 400.00 EUR), once; only a
// supervisor decides, once; a decline needs a reason.
func TestCreditAPI(t *testing.T) {
	e := newEnv(t)
	c := e.outageCase()
	res := e.post(carl, casePath(c.ID, "/credit-request"), nil)
	var cr creditBody
	res.ok(t, http.StatusCreated, &cr)
	if cr.ID == 0 || cr.State != "requested" || cr.Amount != 24000 || cr.Currency != "EUR" || cr.CaseID != c.ID ||
		cr.Working.TierPercent != 10 || cr.Working.DownMinutes != 300 || cr.Working.Commitment != 99.9 ||
		cr.Working.UptimePercent >= 99.9 || cr.Working.UptimePercent < 99.3 {
		t.Fatalf("request = %s", res.Body)
	}
	if loc := res.Header.Get("Location"); loc != creditPath(cr.ID, "") {
		t.Fatalf("Location = %q", loc)
	}
	e.post(carl, casePath(c.ID, "/credit-request"), nil).problem(t, 409, "credit_already_requested")
	e.post(bill, casePath(c.ID, "/credit-request"), nil).problem(t, 403, "support_privilege_required")
	e.post(agent, casePath(c.ID, "/credit-request"), nil).problem(t, 403, "customer_only")

	// A case without an incident.
	other := e.openCase(carl, e.newCase(carl, "Nothing to do with an outage"))
	e.post(carl, casePath(other.ID, "/credit-request"), nil).problem(t, 422, "case_not_linked")

	// Agents do not decide; a decline needs a reason; a supervisor
	// approves once.
	e.post(agent, creditPath(cr.ID, "/approve"), nil).problem(t, 403, "supervisor_only")
	e.post(carl, creditPath(cr.ID, "/approve"), nil).problem(t, 403, "supervisor_only")
	e.post(sam, creditPath(cr.ID, "/decline"), map[string]any{"reason": " "}).problem(t, 422, "reason_required")
	e.post(sam, creditPath(cr.ID, "/decline"), map[string]any{"why": "x"}).problem(t, 400, "unknown_field")
	var got creditBody
	e.post(sam, creditPath(cr.ID, "/approve"), nil).ok(t, http.StatusOK, &got)
	if got.State != "approved" {
		t.Fatalf("approved = %+v", got)
	}
	e.post(root, creditPath(cr.ID, "/decline"), map[string]any{"reason": "late"}).problem(t, 422, "credit_decided")
	e.post(sam, creditPath(cr.ID+1000, "/approve"), nil).problem(t, 404, "credit_request_not_found")

	var l list[creditBody]
	e.get(carl, "/api/v1/credit-requests").ok(t, http.StatusOK, &l)
	if len(l.Items) != 1 || l.Items[0].ID != cr.ID || l.Items[0].State != "approved" {
		t.Fatalf("Contoso's list = %+v", l.Items)
	}
	e.get(agent, "/api/v1/credit-requests").ok(t, http.StatusOK, &l)
	if len(l.Items) != 1 {
		t.Fatalf("staff list = %+v", l.Items)
	}
	// The customer reads the decision on the case.
	var msgs list[map[string]any]
	e.get(carl, casePath(c.ID, "/messages")).ok(t, http.StatusOK, &msgs)
	last := msgs.Items[len(msgs.Items)-1]
	if last["kind"] != "public" || last["from_staff"] != true {
		t.Fatalf("last message = %+v", last)
	}
}

// TestCreditAPIScope: another organisation's case and requests are not
// found, exactly like ids that never existed.
func TestCreditAPIScope(t *testing.T) {
	e := newEnv(t)
	c := e.outageCase()
	var cr creditBody
	e.post(carl, casePath(c.ID, "/credit-request"), nil).ok(t, http.StatusCreated, &cr)
	for _, id := range []int64{c.ID, c.ID + 1000} {
		e.post(ada, casePath(id, "/credit-request"), nil).problem(t, 404, "case_not_found")
	}
	var l list[creditBody]
	e.get(ada, "/api/v1/credit-requests").ok(t, http.StatusOK, &l)
	if len(l.Items) != 0 {
		t.Fatalf("Fabrikam lists Contoso's requests: %+v", l.Items)
	}
	e.post(ada, creditPath(cr.ID, "/approve"), nil).problem(t, 403, "supervisor_only")
	e.get(uma, "/api/v1/credit-requests").problem(t, 403, "support_privilege_required")
	e.send(request{Method: "GET", Path: "/api/v1/credit-requests"}).problem(t, 401, "")
}

// TestIncidentUpdateResolvesLinkedCasesField: the update's JSON carries
// the choice to resolve the linked cases.
func TestIncidentUpdateResolvesLinkedCasesField(t *testing.T) {
	var u desk.IncidentUpdate
	if err := unmarshalStrict([]byte(`{"body":"x","status":"service_restored","resolve_linked_cases":true}`), &u); err != nil || !u.ResolveLinkedCases {
		t.Fatalf("decoded %+v, %v", u, err)
	}
}
