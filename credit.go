package desk

import (
	"context"
	"desk/locale"
	"fmt"
	mrand "math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CreditTier is one step of a plan's service credit table: when a month's
// uptime falls below Below percent, Percent of the monthly fee is credited.
type CreditTier struct {
	Below   float64 `json:"below"`
	Percent int     `json:"percent"`
}

// DefaultCreditTiers is the credit table of a plan that promises 99.9%, in
// the style of Microsoft's online services SLA:
//
//	monthly uptime   credit
//	below 99.9%      10% of the monthly fee
//	below 99%        25%
//	below 95%        100%
//
// The lowest step the month falls below applies; the steps do not add up.
var DefaultCreditTiers = []CreditTier{{Below: 99.9, Percent: 10}, {Below: 99, Percent: 25}, {Below: 95, Percent: 100}}

// CreditState is where a service credit request stands: requested, then
// approved or declined by a supervisor.
type CreditState string

const (
	CreditRequested CreditState = "requested"
	CreditApproved  CreditState = "approved"
	CreditDeclined  CreditState = "declined"
)

// CreditWorking is how a service credit is worked out, kept with the
// request so that the admin who asks and the supervisor who decides see
// the same figures. The month is the calendar month (UTC) in which the
// incident began; downtime is the incident's time in a partial or major
// outage of the worst affected service of the case's product within that
// month (maintenance and degradation do not count, as in Uptime).
type CreditWorking struct {
	IncidentID int64  `json:"incident_id"`
	Product    string `json:"product"`
	// Components are the affected services of the product, and Worst the
	// one whose downtime counts.
	Components []string  `json:"components"`
	Worst      string    `json:"worst"`
	Month      time.Time `json:"month"`
	// MonthMinutes and DownMinutes are the month's length and the
	// downtime within it, in minutes.
	MonthMinutes  float64 `json:"month_minutes"`
	DownMinutes   float64 `json:"down_minutes"`
	UptimePercent float64 `json:"uptime_percent"`
	// Commitment is the plan's monthly uptime commitment in percent.
	Commitment float64 `json:"commitment"`
	// TierBelow and TierPercent are the step of the credit table that
	// applies; both zero when the commitment was met.
	TierBelow   float64 `json:"tier_below,omitempty"`
	TierPercent int     `json:"tier_percent"`
	// MonthlyFee and Amount are in cents of Currency.
	MonthlyFee int64  `json:"monthly_fee"`
	Currency   string `json:"currency"`
	Amount     int64  `json:"amount"`
}

// Due reports whether the month fell short of the commitment, so that a
// credit is due.
func (w *CreditWorking) Due() bool { return w.TierPercent > 0 }

// CreditRequest is an organisation's request for a service credit after an
// outage, made from a case linked to the incident. An organisation makes
// at most one per incident.
type CreditRequest struct {
	ID         int64         `json:"id"`
	OrgID      int64         `json:"org_id"`
	CaseID     int64         `json:"case_id"`
	IncidentID int64         `json:"incident_id"`
	State      CreditState   `json:"state"`
	Working    CreditWorking `json:"working"`
	// Amount and Currency repeat the working's, for lists.
	Amount      int64      `json:"amount"`
	Currency    string     `json:"currency"`
	RequestedBy int64      `json:"requested_by"`
	RequestedAt time.Time  `json:"requested_at"`
	DecidedBy   int64      `json:"decided_by,omitempty"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	// Reason is why a supervisor declined.
	Reason string `json:"reason,omitempty"`
}

// ReportRequest is an admin's request for the report of an incident that
// had none yet; the case hears of the report when it is published.
type ReportRequest struct {
	CaseID      int64      `json:"case_id"`
	IncidentID  int64      `json:"incident_id"`
	OrgID       int64      `json:"org_id"`
	RequestedBy int64      `json:"requested_by"`
	RequestedAt time.Time  `json:"requested_at"`
	NotifiedAt  *time.Time `json:"notified_at,omitempty"`
}

// CreditStore keeps service credit and incident report requests. Each
// write stores the change to the request's case (its timeline entry,
// audit entry and mail) in the same transaction, refusing with ECONFLICT
// (code case_changed) like UpdateCase when the case moved on.
type CreditStore interface {
	// CreateCreditRequest stores a new request and sets its ID; ECONFLICT
	// (code credit_already_requested) when the organisation has one for
	// the incident already.
	CreateCreditRequest(ctx context.Context, cr *CreditRequest, ch *CaseChange) error
	// DecideCreditRequest stores the decision on a request that is still
	// requested; ECONFLICT (code credit_decided) when it is not.
	DecideCreditRequest(ctx context.Context, cr *CreditRequest, ch *CaseChange) error
	// CreditRequest returns one request within the scope.
	CreditRequest(ctx context.Context, scope Scope, id int64) (*CreditRequest, error)
	// CreditRequestFor returns an organisation's request for an incident.
	CreditRequestFor(ctx context.Context, orgID, incidentID int64) (*CreditRequest, error)
	// CreditRequests lists the requests within the scope, those waiting
	// for a decision first, then newest first, at most limit.
	CreditRequests(ctx context.Context, scope Scope, limit int) ([]*CreditRequest, error)
	// CreateReportRequest stores a report request; ECONFLICT (code
	// report_already_requested) when the case asked already.
	CreateReportRequest(ctx context.Context, rr *ReportRequest, ch *CaseChange) error
	// ReportRequest returns a case's request for an incident's report.
	ReportRequest(ctx context.Context, caseID, incidentID int64) (*ReportRequest, error)
	// PendingReportRequests lists an incident's requests not yet answered.
	PendingReportRequests(ctx context.Context, incidentID int64) ([]*ReportRequest, error)
	// FinishReportRequest marks a request answered; ECONFLICT (code
	// report_request_answered) when it was already.
	FinishReportRequest(ctx context.Context, rr *ReportRequest, ch *CaseChange) error
}

// productComponents returns the services and feature groups of the
// incident that concern a product: those of the product, and those of no
// product (such as sign-in), which every product needs.
func productComponents(inc *Incident, comps []*Component, product string) []string {
	byCode := map[string]*Component{}
	for _, c := range comps {
		byCode[c.Code] = c
	}
	var out []string
	for _, a := range inc.Affected {
		c := byCode[a.Component]
		if c == nil {
			continue
		}
		p := c.Product
		if parent := byCode[c.Parent]; parent != nil {
			p = parent.Product
		}
		if p == "" || p == product {
			out = append(out, a.Component)
		}
	}
	return out
}

// ComputeCredit works out the service credit an incident earns a
// subscription to product under plan: the downtime of the worst of the
// product's affected services within the calendar month (UTC) the
// incident began in, the month's uptime, and, when it fell below the
// plan's commitment, the step of the plan's credit table (DefaultCreditTiers
// when it has none) and that share of the monthly fee, rounded to the
// cent. It reports false when the incident does not concern the product.
func ComputeCredit(inc *Incident, comps []*Component, product string, plan *Plan, sub *Subscription) (CreditWorking, bool) {
	w := CreditWorking{IncidentID: inc.ID, Product: product, Commitment: plan.UptimeCommitment,
		MonthlyFee: sub.MonthlyFee, Currency: sub.Currency}
	w.Components = productComponents(inc, comps, product)
	if len(w.Components) == 0 {
		return w, false
	}
	start := inc.StartedAt.UTC()
	from := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	w.Month, w.MonthMinutes = from, to.Sub(from).Minutes()
	end := to
	if inc.EndedAt != nil && inc.EndedAt.Before(end) {
		end = *inc.EndedAt
	}
	var worst time.Duration
	w.Worst = w.Components[0]
	for _, code := range w.Components {
		// One incident: its time in an outage of the service is one span,
		// the same that Uptime counts.
		st, _ := inc.Affects(code)
		var down time.Duration
		if st.Down() && end.After(start) {
			down = end.Sub(start)
		}
		if down > worst {
			worst, w.Worst = down, code
		}
	}
	w.DownMinutes = worst.Minutes()
	w.UptimePercent = 100 * (1 - float64(worst)/float64(to.Sub(from)))
	// A hair of tolerance, so that a month exactly at the commitment
	// counts as met whatever the floating point does.
	if w.Commitment <= 0 || w.UptimePercent >= w.Commitment-1e-9 {
		return w, true
	}
	tiers := plan.CreditTiers
	if len(tiers) == 0 {
		tiers = DefaultCreditTiers
	}
	for _, t := range tiers {
		if w.UptimePercent < t.Below-1e-9 && t.Percent > w.TierPercent {
			w.TierBelow, w.TierPercent = t.Below, t.Percent
		}
	}
	w.Amount = (w.MonthlyFee*int64(w.TierPercent) + 50) / 100
	return w, true
}

// FormatCents writes an amount in cents as units with two decimals and
// the currency, such as "120.00 EUR", for records written in English.
func FormatCents(cents int64, currency string) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return strings.TrimSpace(fmt.Sprintf("%s%d.%02d %s", sign, cents/100, cents%100, currency))
}

// requireOrgSupportAdmin refuses everyone but the super admins and Support
// admins of an organisation: they speak for it in money matters too.
func requireOrgSupportAdmin(actor *User, what string) error {
	if actor.IsStaff() {
		return Errorf(EFORBIDDEN, "customer_only", "%s is asked for by the organisation's admins", what)
	}
	if !actor.HasSupportPrivilege() {
		return &Error{Kind: EFORBIDDEN, Code: "support_privilege_required",
			Message: "only super admins and admins with the Support privilege can ask for this; ask one of your organisation's admins"}
	}
	return nil
}

// outageCase returns a case of the actor's organisation and the incident
// it is linked to, refusing a case with no incident or one the
// organisation cannot see.
func (s *Service) outageCase(ctx context.Context, actor *User, caseID int64) (*Case, *Incident, error) {
	c, err := s.Store.Case(ctx, ScopeOf(actor), caseID)
	if err != nil {
		return nil, nil, err
	}
	if c.IncidentID == 0 {
		return nil, nil, Errorf(EREFUSED, "case_not_linked", "case %d is not linked to a service incident", c.ID)
	}
	inc, err := s.Store.Incident(ctx, c.IncidentID)
	if err != nil {
		return nil, nil, err
	}
	if !inc.VisibleTo(c.OrgID) {
		return nil, nil, Errorf(EREFUSED, "org_not_affected", "the incident of case %d does not concern your organisation", c.ID)
	}
	return c, inc, nil
}

// CreditQuote works out the service credit the actor's organisation may
// ask for from an outage case, for the admin to see before asking. It
// refuses what RequestCredit refuses, except that a month that met the
// commitment is answered with a working that is not Due, so that the admin
// can read why no credit is due. existing is the organisation's request
// for the incident, if it made one.
func (s *Service) CreditQuote(ctx context.Context, actor *User, caseID int64) (w *CreditWorking, existing *CreditRequest, err error) {
	if err := requireOrgSupportAdmin(actor, "a service credit"); err != nil {
		return nil, nil, err
	}
	c, inc, err := s.outageCase(ctx, actor, caseID)
	if err != nil {
		return nil, nil, err
	}
	if cr, err := s.Store.CreditRequestFor(ctx, c.OrgID, inc.ID); err == nil {
		return &cr.Working, cr, nil
	} else if ErrorKind(err) != ENOTFOUND {
		return nil, nil, err
	}
	w, err = s.workCredit(ctx, c, inc)
	return w, nil, err
}

// workCredit computes the credit a case's incident earns its organisation.
func (s *Service) workCredit(ctx context.Context, c *Case, inc *Incident) (*CreditWorking, error) {
	if inc.EndedAt == nil {
		return nil, Errorf(EREFUSED, "incident_not_ended", "a service credit is worked out once the incident has ended")
	}
	subs, err := s.Store.Subscriptions(ctx, c.OrgID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(subs, func(x *Subscription) bool { return x.Product == c.Product })
	if i < 0 {
		return nil, Errorf(EREFUSED, "org_not_affected", "your organisation does not subscribe to %q", c.Product)
	}
	plan, err := s.Store.Plan(ctx, subs[i].Plan)
	if err != nil {
		return nil, err
	}
	if plan.UptimeCommitment <= 0 {
		return nil, Errorf(EREFUSED, "no_uptime_commitment", "the %s plan makes no uptime commitment, so it earns no service credit", plan.Name)
	}
	comps, err := s.Store.Components(ctx)
	if err != nil {
		return nil, err
	}
	w, ok := ComputeCredit(inc, comps, c.Product, plan, subs[i])
	if !ok {
		return nil, Errorf(EREFUSED, "org_not_affected", "the incident did not affect %q, the product of case %d", c.Product, c.ID)
	}
	return &w, nil
}

// RequestCredit asks for the service credit an outage earned, from a case
// linked to the incident. Only the organisation's super admins and
// Support admins ask; the incident must have ended and have affected the
// case's product, the month must have fallen short of the plan's
// commitment, and an organisation asks once per incident. The request, a
// timeline event on the case and the audit entry are stored together.
func (s *Service) RequestCredit(ctx context.Context, actor *User, caseID int64) (*CreditRequest, error) {
	if err := requireOrgSupportAdmin(actor, "a service credit"); err != nil {
		return nil, err
	}
	c, inc, err := s.outageCase(ctx, actor, caseID)
	if err != nil {
		return nil, err
	}
	if _, err := s.Store.CreditRequestFor(ctx, c.OrgID, inc.ID); err == nil {
		return nil, Errorf(ECONFLICT, "credit_already_requested", "your organisation has asked for a credit for incident %d already", inc.ID)
	} else if ErrorKind(err) != ENOTFOUND {
		return nil, err
	}
	w, err := s.workCredit(ctx, c, inc)
	if err != nil {
		return nil, err
	}
	if !w.Due() {
		return nil, Errorf(EREFUSED, "uptime_met",
			"the month's uptime of %.3f%% met the plan's commitment of %g%%, so no service credit is due", w.UptimePercent, w.Commitment)
	}
	cr := &CreditRequest{OrgID: c.OrgID, CaseID: c.ID, IncidentID: inc.ID, State: CreditRequested, Working: *w,
		Amount: w.Amount, Currency: w.Currency, RequestedBy: actor.ID}
	_, err = s.changeCaseWith(ctx, actor, c.ID, "credit.request", func(c *Case, now time.Time, ch *CaseChange) (any, error) {
		cr.RequestedAt = now
		ch.Messages = append(ch.Messages, &Message{Kind: MessageEvent,
			Body: fmt.Sprintf("service credit requested: %s", FormatCents(w.Amount, w.Currency))})
		return map[string]any{"incident": inc.ID, "amount": w.Amount, "currency": w.Currency,
			"uptime_percent": w.UptimePercent, "tier_percent": w.TierPercent}, nil
	}, func(ch *CaseChange) error { return s.Store.CreateCreditRequest(ctx, cr, ch) })
	if err != nil {
		return nil, err
	}
	return cr, nil
}

// requireCreditApprover refuses everyone but supervisors and system
// admins: money leaves the vendor, so agents do not decide.
func requireCreditApprover(actor *User) error {
	if !actor.IsSupervisor() {
		return Errorf(EFORBIDDEN, "supervisor_only", "only supervisors approve or decline service credits")
	}
	return nil
}

// ApproveCredit approves a service credit request; the customer reads of
// it on the case and by mail.
func (s *Service) ApproveCredit(ctx context.Context, actor *User, id int64) (*CreditRequest, error) {
	return s.decideCredit(ctx, actor, id, CreditApproved, "")
}

// DeclineCredit declines a service credit request with a reason, which the
// customer reads on the case and by mail.
func (s *Service) DeclineCredit(ctx context.Context, actor *User, id int64, reason string) (*CreditRequest, error) {
	return s.decideCredit(ctx, actor, id, CreditDeclined, reason)
}

func (s *Service) decideCredit(ctx context.Context, actor *User, id int64, state CreditState, reason string) (*CreditRequest, error) {
	if err := requireCreditApprover(actor); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if err := checkText("reason", reason, state == CreditDeclined, 2000); err != nil {
		return nil, err
	}
	cr, err := s.Store.CreditRequest(ctx, Scope{AllOrgs: true}, id)
	if err != nil {
		return nil, err
	}
	if cr.State != CreditRequested {
		return nil, Errorf(EREFUSED, "credit_decided", "credit request %d was %s already", cr.ID, cr.State)
	}
	amount := FormatCents(cr.Amount, cr.Currency)
	event := "service credit approved: " + amount
	if state == CreditDeclined {
		event = "service credit declined: " + amount
	}
	_, err = s.changeCaseWith(ctx, actor, cr.CaseID, "credit."+strings.TrimSuffix(string(state), "d"), func(c *Case, now time.Time, ch *CaseChange) (any, error) {
		// The answer is the customer's to read: in the case's language.
		body := caseText(c.Language, "credit.case.approved_reply", "amount", amount, "incident", strconv.FormatInt(cr.IncidentID, 10))
		if state == CreditDeclined {
			body = caseText(c.Language, "credit.case.declined_reply", "amount", amount, "incident", strconv.FormatInt(cr.IncidentID, 10), "reason", reason)
		}
		t := now
		cr.State, cr.DecidedBy, cr.DecidedAt, cr.Reason = state, actor.ID, &t, reason
		ch.Messages = append(ch.Messages, &Message{Kind: MessageEvent, Body: event}, &Message{Kind: MessagePublic, Body: body})
		return map[string]any{"credit_request": cr.ID, "state": state, "reason": reason}, nil
	}, func(ch *CaseChange) error { return s.Store.DecideCreditRequest(ctx, cr, ch) })
	if ErrorCode(err) == "credit_decided" {
		return nil, Errorf(EREFUSED, "credit_decided", "credit request %d was decided by someone else", cr.ID)
	}
	if err != nil {
		return nil, err
	}
	return cr, nil
}

// CreditRequest returns a request the actor may see: staff who work cases
// see all, an organisation's admins their own.
func (s *Service) CreditRequest(ctx context.Context, actor *User, id int64) (*CreditRequest, error) {
	if err := requireCaseManager(actor); err != nil {
		return nil, err
	}
	return s.Store.CreditRequest(ctx, ScopeOf(actor), id)
}

// CreditRequests lists the requests the actor may see, those waiting for a
// decision first.
func (s *Service) CreditRequests(ctx context.Context, actor *User) ([]*CreditRequest, error) {
	if err := requireCaseManager(actor); err != nil {
		return nil, err
	}
	return s.Store.CreditRequests(ctx, ScopeOf(actor), 500)
}

// RequestIncidentReport asks for the post-incident report of the incident
// an outage case is linked to. When the report is published it returns
// the incident with it at once; otherwise the request is stored with an
// event on the case, and the case gets a message (and the customer a
// mail) when the report is published. ready tells which.
func (s *Service) RequestIncidentReport(ctx context.Context, actor *User, caseID int64) (inc *Incident, ready bool, err error) {
	if err := requireOrgSupportAdmin(actor, "an incident report"); err != nil {
		return nil, false, err
	}
	c, inc, err := s.outageCase(ctx, actor, caseID)
	if err != nil {
		return nil, false, err
	}
	if inc.ReportPublishedAt != nil {
		return inc, true, nil
	}
	rr := &ReportRequest{CaseID: c.ID, IncidentID: inc.ID, OrgID: c.OrgID, RequestedBy: actor.ID}
	_, err = s.changeCaseWith(ctx, actor, c.ID, "incident.report_request", func(c *Case, now time.Time, ch *CaseChange) (any, error) {
		rr.RequestedAt = now
		ch.Messages = append(ch.Messages, &Message{Kind: MessageEvent, Body: "incident report requested"})
		return map[string]any{"incident": inc.ID}, nil
	}, func(ch *CaseChange) error { return s.Store.CreateReportRequest(ctx, rr, ch) })
	if err != nil {
		return nil, false, err
	}
	return inc, false, nil
}

// ReportRequested reports whether a case has asked for its incident's
// report and not yet been answered.
func (s *Service) ReportRequested(ctx context.Context, actor *User, c *Case) (bool, error) {
	if c.IncidentID == 0 {
		return false, nil
	}
	if _, err := s.Store.Case(ctx, ScopeOf(actor), c.ID); err != nil {
		return false, err
	}
	rr, err := s.Store.ReportRequest(ctx, c.ID, c.IncidentID)
	switch {
	case ErrorKind(err) == ENOTFOUND:
		return false, nil
	case err != nil:
		return false, err
	}
	return rr.NotifiedAt == nil, nil
}

// IncidentReportPath is where the customer reads an incident's report:
// the status page for a public incident, the portal for a limited one
// (through the case that asked).
func IncidentReportPath(inc *Incident, caseID int64) string {
	if inc.Public {
		return fmt.Sprintf("/status/incidents/%d", inc.ID)
	}
	return fmt.Sprintf("/cases/%d/incident-report", caseID)
}

// reportPublished answers the cases that asked for an incident's report:
// each gets a public message with the link (and so a mail), and its
// request is marked answered in the same transaction, so that a request
// is answered once even when two publications race. A case that fails is
// left pending and reported; the others go on.
func (s *Service) reportPublished(ctx context.Context, actor *User, inc *Incident) error {
	rrs, err := s.Store.PendingReportRequests(ctx, inc.ID)
	if err != nil {
		return err
	}
	actor = caseDuty(actor)
	var errs []error
	for _, rr := range rrs {
		link := strings.TrimSuffix(s.Mail.BaseURL, "/") + IncidentReportPath(inc, rr.CaseID)
		_, err := s.changeCaseWith(ctx, actor, rr.CaseID, "incident.report_sent", func(c *Case, now time.Time, ch *CaseChange) (any, error) {
			body := caseText(c.Language, "credit.case.report_published_reply", "incident", strconv.FormatInt(inc.ID, 10), "title", inc.Title, "link", link)
			t := now
			rr.NotifiedAt = &t
			ch.Messages = append(ch.Messages, &Message{Kind: MessagePublic, Body: body})
			return map[string]any{"incident": inc.ID}, nil
		}, func(ch *CaseChange) error { return s.Store.FinishReportRequest(ctx, rr, ch) })
		if err != nil && ErrorCode(err) != "report_request_answered" {
			errs = append(errs, fmt.Errorf("case %d: %w", rr.CaseID, err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("answer report requests of incident %d: %w", inc.ID, errs[0])
	}
	return nil
}

// caseDuty returns the actor with the case rights that writing an
// incident's news on its linked cases needs: the status manager who ends
// an incident or publishes its report does not work cases otherwise.
func caseDuty(actor *User) *User {
	as := *actor
	if !as.CanHandleCases() {
		as.Role = RoleSupervisor
	}
	return &as
}

// LinkedOpenCases counts the open cases linked to an incident, for the
// status manager deciding whether to resolve them with the incident.
func (s *Service) LinkedOpenCases(ctx context.Context, actor *User, incidentID int64) (int, error) {
	if !actor.IsStaff() {
		return 0, Errorf(EFORBIDDEN, "staff_only", "only support staff can do this")
	}
	counts, err := s.Store.CountCases(ctx, Scope{AllOrgs: true, Internal: true}, CaseFilter{IncidentID: incidentID,
		Statuses: []Status{StatusNew, StatusOpen, StatusActionRequired}}, "")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range counts {
		n += c.N
	}
	return n, nil
}

// changeCaseWith is change for a case write that carries another row: fn
// computes the change, and store writes it together with that row in one
// transaction. A lost race on the case is computed again.
func (s *Service) changeCaseWith(ctx context.Context, actor *User, id int64, action string,
	fn func(c *Case, now time.Time, ch *CaseChange) (detail any, err error), store func(ch *CaseChange) error) (*Case, error) {
	if err := requireCaseManager(actor); err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		c, err := s.Store.Case(ctx, ScopeOf(actor), id)
		if err != nil {
			return nil, err
		}
		now := s.Clock.Now()
		ch := &CaseChange{Case: c, PrevVersion: c.Version}
		prev := *c
		detail, err := fn(c, now, ch)
		if err != nil {
			return nil, err
		}
		if err := s.finish(ctx, actor, ch, prev, now, action, detail); err != nil {
			return nil, fmt.Errorf("%s: %w", action, err)
		}
		err = store(ch)
		if ErrorKind(err) == ECONFLICT && ErrorCode(err) == "case_changed" && attempt < maxChangeAttempts {
			if attempt >= 8 {
				time.Sleep(time.Duration(mrand.Int64N(int64(attempt) * int64(time.Millisecond))))
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", action, err)
		}
		s.publish(ctx, action, c)
		return c, nil
	}
}

// caseText is a text the desk itself writes into a case for its customer
// to read (an incident update, a credit decision), from the catalogue in
// the case's language.
func caseText(lang, key string, args ...any) string {
	return locale.For(lang, nil).T(key, args...)
}
