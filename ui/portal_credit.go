package ui

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"desk"
	"desk/locale"
)

// outageView is what a case's page says about the incident the case is
// linked to, and what the organisation's admin can ask for from it.
type outageView struct {
	Incident *desk.Incident
	Ended    bool
	// ReportLink is where the published report is read: the status page
	// for a public incident, the portal for a limited one; "" until it is
	// published. ReportRequested is set while a request waits for it.
	ReportLink      string
	ReportRequested bool
	// Credit is the organisation's credit request for the incident, if it
	// made one, with its state in the reader's words.
	Credit     *desk.CreditRequest
	CreditText string
}

// outageOf returns the outage section of a linked case's page, nil for a
// case without an incident (or one the organisation cannot see).
func (s *Server) outageOf(r *http.Request, p *Page, c *desk.Case) (*outageView, error) {
	if c.IncidentID == 0 {
		return nil, nil
	}
	ctx := r.Context()
	inc, err := s.Service.Incident(ctx, p.User, c.IncidentID)
	if desk.ErrorKind(err) == desk.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	o := &outageView{Incident: inc, Ended: inc.EndedAt != nil}
	if inc.ReportPublishedAt != nil {
		o.ReportLink = desk.IncidentReportPath(inc, c.ID)
	} else if o.ReportRequested, err = s.Service.ReportRequested(ctx, p.User, c); err != nil {
		return nil, err
	}
	if o.Ended {
		_, cr, err := s.Service.CreditQuote(ctx, p.User, c.ID)
		if err == nil && cr != nil {
			o.Credit, o.CreditText = cr, creditStateText(p.L, cr)
		}
	}
	return o, nil
}

// creditStateText says where a credit request stands.
func creditStateText(l *locale.Locale, cr *desk.CreditRequest) string {
	return l.T("credit.state."+string(cr.State), "amount", money(l, cr.Amount, cr.Currency))
}

// money writes an amount in cents in the reader's number format with its
// currency code, such as "1.234,50 EUR" in German.
func money(l *locale.Locale, cents int64, currency string) string {
	return strings.TrimSpace(l.Decimal(float64(cents)/100, 2) + " " + currency)
}

// workingView is the computation of a credit in the reader's words.
type workingView struct {
	Uptime, Commitment, Down, Month, Tier, Fee, Amount string
	Services                                           string
	Due                                                bool
}

// workingOf puts a credit's working into the reader's words.
func workingOf(l *locale.Locale, w *desk.CreditWorking, names map[string]string) workingView {
	var svcs []string
	for _, c := range w.Components {
		svcs = append(svcs, cmpOr(names[c], c))
	}
	// The month is a calendar month in UTC, so its days are named in UTC.
	utc := locale.For(l.Lang, time.UTC)
	v := workingView{
		Uptime: l.Decimal(w.UptimePercent, 3) + " %", Commitment: l.Decimal(w.Commitment, -1) + " %",
		Down:  l.Number(int64(math.Round(w.DownMinutes))),
		Month: utc.Date(w.Month) + " – " + utc.Date(w.Month.AddDate(0, 1, -1)), Services: strings.Join(svcs, ", "),
		Fee: money(l, w.MonthlyFee, w.Currency), Amount: money(l, w.Amount, w.Currency), Due: w.Due(),
	}
	if w.Due() {
		v.Tier = l.T("credit.working.tier_value", "below", l.Decimal(w.TierBelow, -1)+" %", "percent", l.Number(int64(w.TierPercent))+" %")
	}
	return v
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// creditPageData is the data of a case's service credit page.
type creditPageData struct {
	Case     *desk.Case
	Incident *desk.Incident
	Working  workingView
	// Existing is the organisation's request for the incident, if any.
	Existing     *desk.CreditRequest
	ExistingText string
	// Refusal explains why no credit can be asked for; "" when it can.
	Refusal string
}

// portalCredit shows the service credit an outage case's incident earned,
// with its working, before the admin asks for it.
func (s *Server) portalCredit(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, err := portalCaseID(r)
	if err != nil {
		return err
	}
	return s.renderPortalCredit(w, r, p, id, "", http.StatusOK)
}

// renderPortalCredit renders the credit page; refusal is the code of a
// refusal of the request just sent, if any.
func (s *Server) renderPortalCredit(w http.ResponseWriter, r *http.Request, p *Page, id int64, refusal string, status int) error {
	if err := requireSupportPrivilege(p.User); err != nil {
		return err
	}
	ctx := r.Context()
	c, err := s.Service.Case(ctx, p.User, id)
	if err != nil {
		return err
	}
	d := &creditPageData{Case: c}
	if c.IncidentID != 0 {
		if d.Incident, err = s.Service.Incident(ctx, p.User, c.IncidentID); err != nil && desk.ErrorKind(err) != desk.ENOTFOUND {
			return err
		}
	}
	wk, existing, err := s.Service.CreditQuote(ctx, p.User, id)
	switch {
	case err == nil:
		comps, err := s.Service.Components(ctx)
		if err != nil {
			return err
		}
		d.Working = workingOf(p.L, wk, componentNames(comps))
		if existing != nil {
			d.Existing, d.ExistingText = existing, creditStateText(p.L, existing)
		} else if !wk.Due() {
			d.Refusal = p.L.T("credit.refused.uptime_met", "uptime", d.Working.Uptime, "commitment", d.Working.Commitment)
		}
	case desk.ErrorKind(err) == desk.EREFUSED:
		d.Refusal = refusalText(p.L, desk.ErrorCode(err))
	default:
		return err
	}
	if refusal != "" && d.Refusal == "" && d.Existing == nil {
		d.Refusal = refusalText(p.L, refusal)
	}
	p.Title, p.Data = "credit.page_title", d
	return s.render(w, r, status, "portal_credit", p)
}

// refusalText explains a refusal code of a credit request.
func refusalText(l *locale.Locale, code string) string {
	if l.Has("credit.refused." + code) {
		return l.T("credit.refused." + code)
	}
	return l.T("credit.refused.other")
}

// portalRequestCredit asks for the credit shown on the credit page.
func (s *Server) portalRequestCredit(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, err := portalCaseID(r)
	if err != nil {
		return err
	}
	if err := requireSupportPrivilege(p.User); err != nil {
		return err
	}
	if _, err := portalCaseForm(w, r); err != nil {
		return err
	}
	_, err = s.Service.RequestCredit(r.Context(), p.User, id)
	switch desk.ErrorKind(err) {
	case "":
		return portalRedirect(w, r, fmt.Sprintf("/cases/%d/credit", id), "")
	case desk.EREFUSED, desk.ECONFLICT:
		return s.renderPortalCredit(w, r, p, id, desk.ErrorCode(err), http.StatusUnprocessableEntity)
	}
	return err
}

// reportPageData is the data of a case's incident report page.
type reportPageData struct {
	Case     *desk.Case
	Incident *desk.Incident
	// Published is when the report was published, in the reader's time.
	Published string
	// Requested is set while the case waits for the report.
	Requested bool
	Refusal   string
}

// portalReport shows the report of the incident an outage case is linked
// to, or, until it is published, whether the case has asked for it.
func (s *Server) portalReport(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, err := portalCaseID(r)
	if err != nil {
		return err
	}
	if err := requireSupportPrivilege(p.User); err != nil {
		return err
	}
	ctx := r.Context()
	c, err := s.Service.Case(ctx, p.User, id)
	if err != nil {
		return err
	}
	if c.IncidentID == 0 {
		return desk.NotFound("incident")
	}
	inc, err := s.Service.Incident(ctx, p.User, c.IncidentID)
	if err != nil {
		return err
	}
	d := &reportPageData{Case: c, Incident: inc}
	if inc.ReportPublishedAt != nil {
		d.Published = p.L.DateTime(*inc.ReportPublishedAt)
	} else if d.Requested, err = s.Service.ReportRequested(ctx, p.User, c); err != nil {
		return err
	}
	p.Title, p.Data = "credit.report.page_title", d
	return s.render(w, r, http.StatusOK, "portal_report", p)
}

// portalRequestReport asks for the report of an outage case's incident:
// a published report is shown at once (on the status page for a public
// incident), otherwise the request is recorded and the case hears of the
// report when it is published.
func (s *Server) portalRequestReport(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, err := portalCaseID(r)
	if err != nil {
		return err
	}
	if err := requireSupportPrivilege(p.User); err != nil {
		return err
	}
	if _, err := portalCaseForm(w, r); err != nil {
		return err
	}
	inc, ready, err := s.Service.RequestIncidentReport(r.Context(), p.User, id)
	switch {
	case err == nil && ready:
		return portalRedirect(w, r, desk.IncidentReportPath(inc, id), "")
	case err == nil, desk.ErrorCode(err) == "report_already_requested":
		return portalRedirect(w, r, fmt.Sprintf("/cases/%d/incident-report", id), "")
	}
	return err
}
