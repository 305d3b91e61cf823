package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"desk"
)

// creditRow is one credit request of the console's list, with its working
// and who asked, in the reader's words.
type creditRow struct {
	Req       *desk.CreditRequest
	Org       string
	Incident  string
	By        string
	At        string
	StateText string
	Decided   string
	Working   workingView
	Pending   bool
	// Form is set on the row whose decline was refused, with its problem.
	Error string
}

// creditsData is the data of the console's credit list.
type creditsData struct {
	Rows []creditRow
	// Active and Reason keep a refused decline's form.
	Active int64
	Reason string
}

// requireCreditPage lets supervisors and system admins in: they decide on
// credits, and agents do not.
func requireCreditPage(u *desk.User) error {
	if !u.IsSupervisor() {
		return desk.Errorf(desk.EFORBIDDEN, "supervisor_only", "only supervisors approve or decline service credits")
	}
	return nil
}

// consoleCredits lists the service credit requests, waiting ones first.
func (s *Server) consoleCredits(w http.ResponseWriter, r *http.Request, p *Page) error {
	if done := r.URL.Query().Get("done"); done == "approved" || done == "declined" {
		p.Flash = "credit.console.flash." + done
	}
	return s.renderCredits(w, r, p, 0, "", "", http.StatusOK)
}

func (s *Server) renderCredits(w http.ResponseWriter, r *http.Request, p *Page, active int64, reason, errKey string, status int) error {
	if err := requireCreditPage(p.User); err != nil {
		return err
	}
	ctx := r.Context()
	crs, err := s.Service.CreditRequests(ctx, p.User)
	if err != nil {
		return err
	}
	comps, err := s.Service.Components(ctx)
	if err != nil {
		return err
	}
	staff, err := s.staffNames(ctx)
	if err != nil {
		return err
	}
	names, orgs := componentNames(comps), &orgNames{s: s}
	d := &creditsData{Active: active, Reason: reason}
	for _, cr := range crs {
		row := creditRow{Req: cr, Org: orgs.name(ctx, cr.OrgID), At: p.L.DateTime(cr.RequestedAt),
			StateText: creditStateText(p.L, cr), Working: workingOf(p.L, &cr.Working, names), Pending: cr.State == desk.CreditRequested}
		if inc, err := s.Service.Incident(ctx, p.User, cr.IncidentID); err == nil {
			row.Incident = inc.Title
		}
		if u, err := s.Service.Store.User(ctx, cr.RequestedBy); err == nil {
			row.By = u.Name
		}
		if cr.DecidedAt != nil {
			row.Decided = p.L.T("credit.console.decided", "who", staff[cr.DecidedBy], "when", p.L.DateTime(*cr.DecidedAt))
		}
		if cr.ID == active && errKey != "" {
			row.Error = p.L.T(errKey)
		}
		d.Rows = append(d.Rows, row)
	}
	p.Title, p.Data = "credit.console.title", d
	return s.render(w, r, status, "console_credits", p)
}

// creditID reads the {id} of a credit request's path.
func creditID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, desk.NotFound("credit_request")
	}
	return id, nil
}

// consoleApproveCredit approves a request.
func (s *Server) consoleApproveCredit(w http.ResponseWriter, r *http.Request, p *Page) error {
	return s.consoleDecideCredit(w, r, p, true)
}

// consoleDeclineCredit declines a request with the reason typed.
func (s *Server) consoleDeclineCredit(w http.ResponseWriter, r *http.Request, p *Page) error {
	return s.consoleDecideCredit(w, r, p, false)
}

func (s *Server) consoleDecideCredit(w http.ResponseWriter, r *http.Request, p *Page, approve bool) error {
	id, err := creditID(r)
	if err != nil {
		return err
	}
	if err := requireCreditPage(p.User); err != nil {
		return err
	}
	f, err := readForm(w, r)
	if err != nil {
		return err
	}
	reason := f.Get("reason")
	if approve {
		_, err = s.Service.ApproveCredit(r.Context(), p.User, id)
	} else if strings.TrimSpace(reason) == "" {
		return s.renderCredits(w, r, p, id, reason, "credit.console.reason_required", http.StatusUnprocessableEntity)
	} else {
		_, err = s.Service.DeclineCredit(r.Context(), p.User, id, reason)
	}
	switch desk.ErrorKind(err) {
	case "":
		done := "declined"
		if approve {
			done = "approved"
		}
		http.Redirect(w, r, fmt.Sprintf("/console/credits?done=%s#credit-%d", done, id), http.StatusSeeOther)
		return nil
	case desk.EREFUSED:
		return s.renderCredits(w, r, p, id, reason, "credit.refused."+desk.ErrorCode(err), http.StatusUnprocessableEntity)
	}
	return err
}
