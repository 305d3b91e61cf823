package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"desk"
)

// maxFormBytes bounds a console form: the longest text the service takes
// is desk.MaxBodyLen characters, at most four bytes each, plus the other
// fields.
const maxFormBytes = 4*desk.MaxBodyLen + 64<<10

// readForm parses a posted console form into the state kept when the
// form is shown again.
func readForm(w http.ResponseWriter, r *http.Request) (*Form, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return nil, desk.Errorf(desk.EINVALID, "bad_form", "the form could not be read")
	}
	return NewForm(r.PostForm), nil
}

// caseForm reads the case id of a console form's path and the form.
func caseForm(w http.ResponseWriter, r *http.Request) (int64, *Form, error) {
	id, err := pathCaseID(r)
	if err != nil {
		return 0, nil, err
	}
	f, err := readForm(w, r)
	return id, f, err
}

// formFields maps, per console form, the field names the service uses in
// its errors to the form's own field names.
var formFields = map[string]map[string]string{
	"reply":        {"body": "body"},
	"request-info": {"body": "question"},
	"severity":     {"severity": "severity", "reason": "reason"},
	"escalate":     {"team": "team", "third_party": "third_party", "note": "note"},
	"assign":       {"assignee_id": "assignee"},
	"resolve":      {"outcome": "outcome", "body": "body"},
	"merge":        {"into": "into"},
	"incident":     {"incident": "incident"},
}

// formLevel is the pseudo-field of a problem with the whole form rather
// than one field, shown above the form's button.
const formLevel = "form"

// done finishes a console form: after success it redirects (303) to the
// workspace with a confirmation; when the service refused the input it
// shows the workspace again with the problem next to its field and the
// input kept; any other error goes to the error page.
func (s *Server) done(w http.ResponseWriter, r *http.Request, p *Page, id int64, form string, f *Form, err error, flash string, to int64) error {
	if err == nil {
		if to == 0 {
			to = id
		}
		// The agent expects the queue counts to show what they just did.
		s.counts.clear()
		http.Redirect(w, r, caseURL(to, flash), http.StatusSeeOther)
		return nil
	}
	var e *desk.Error
	if !errors.As(err, &e) {
		return err
	}
	field, ok := formFields[form][e.Field]
	switch {
	case ok:
	case e.Kind == desk.EINVALID || e.Kind == desk.EREFUSED || e.Kind == desk.ECONFLICT || e.Kind == desk.ETOOLARGE:
		field = formLevel
		if form == "escalate" && e.Code == "escalation_target_required" {
			field = "team"
		}
	default:
		// Not found, forbidden and internal errors are about the case or
		// the agent, not the input.
		return err
	}
	f.Fail(field, errorKey(p, e.Code))
	return s.renderForm(w, r, p, id, form, f)
}

// renderForm shows the workspace again with the state of one form.
func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, p *Page, id int64, form string, f *Form) error {
	p.Form = f
	status := http.StatusOK
	if !f.OK() {
		status = http.StatusUnprocessableEntity
	}
	return s.renderCase(w, r, p, id, form, status)
}

// errorKey returns the catalogue key that explains an error code of the
// service to an agent.
func errorKey(p *Page, code string) string {
	switch {
	case strings.HasSuffix(code, "_required") && !p.L.Has("console.error."+code):
		return "form.required"
	case strings.HasSuffix(code, "_too_long"):
		return "console.error.too_long"
	case p.L.Has("console.error." + code):
		return "console.error." + code
	}
	return "console.error.refused"
}

// consoleReply adds a public reply or an internal note; its "use macro"
// button instead shows the form again with the macro's text put in, in
// the case's language, which works without JavaScript.
func (s *Server) consoleReply(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, f, err := caseForm(w, r)
	if err != nil {
		return err
	}
	if f.Get("action") == "macro" {
		return s.useMacro(w, r, p, id, f)
	}
	internal := f.Get("internal") != ""
	_, err = s.Service.AddMessage(r.Context(), p.User, id, desk.Reply{Body: f.Get("body"), Internal: internal})
	flash := "reply"
	if internal {
		flash = "note"
	}
	return s.done(w, r, p, id, "reply", f, err, flash, 0)
}

// useMacro puts the chosen macro into the reply, after what the agent
// has typed already.
func (s *Server) useMacro(w http.ResponseWriter, r *http.Request, p *Page, id int64, f *Form) error {
	m := desk.MacroByID(f.Get("macro"))
	if m == nil {
		key := "console.error.unknown_macro"
		if f.Get("macro") == "" {
			key = "console.error.macro_required"
		}
		f.Fail("macro", key)
		return s.renderForm(w, r, p, id, "reply", f)
	}
	c, err := s.Service.Case(r.Context(), p.User, id)
	if err != nil {
		return err
	}
	name := c.ContactName
	if name == "" {
		if u, err := s.Service.Store.User(r.Context(), c.CreatedBy); err == nil {
			name = u.Name
		}
	}
	text := m.Render(c.Language, desk.MacroValues{CustomerName: name, CaseID: c.ID, AgentName: p.User.Name})
	if body := strings.TrimRight(f.Get("body"), " \r\n"); body != "" {
		text = body + "\n\n" + text
	}
	f.Values.Set("body", text)
	return s.renderForm(w, r, p, id, "reply", f)
}

// consoleRequestInfo asks the customer a question; the case waits on them.
func (s *Server) consoleRequestInfo(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, f, err := caseForm(w, r)
	if err != nil {
		return err
	}
	_, err = s.Service.RequestInfo(r.Context(), p.User, id, f.Get("question"))
	return s.done(w, r, p, id, "request-info", f, err, "request_info", 0)
}

// consoleSeverity changes the severity, with the reason the timeline keeps.
func (s *Server) consoleSeverity(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, f, err := caseForm(w, r)
	if err != nil {
		return err
	}
	_, err = s.Service.ChangeSeverity(r.Context(), p.User, id,
		desk.SeverityChange{Severity: desk.Severity(f.Get("severity")), Reason: strings.TrimSpace(f.Get("reason"))})
	return s.done(w, r, p, id, "severity", f, err, "severity", 0)
}

// consoleEscalate hands the case to a specialist team or a third party.
func (s *Server) consoleEscalate(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, f, err := caseForm(w, r)
	if err != nil {
		return err
	}
	_, err = s.Service.Escalate(r.Context(), p.User, id, desk.Escalation{
		Team: strings.TrimSpace(f.Get("team")), ThirdParty: strings.TrimSpace(f.Get("third_party")), Note: f.Get("note"),
	})
	return s.done(w, r, p, id, "escalate", f, err, "escalate", 0)
}

// consoleAssign gives the case to a member of staff, to the agent
// ("me"), or to nobody.
func (s *Server) consoleAssign(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, f, err := caseForm(w, r)
	if err != nil {
		return err
	}
	var to int64
	switch v := f.Get("assignee"); v {
	case "", "0":
	case "me":
		to = p.User.ID
	default:
		if to, err = strconv.ParseInt(v, 10, 64); err != nil || to <= 0 {
			f.Fail("assignee", "console.error.invalid_assignee")
			return s.renderForm(w, r, p, id, "assign", f)
		}
	}
	_, err = s.Service.Assign(r.Context(), p.User, id, to)
	return s.done(w, r, p, id, "assign", f, err, "assign", 0)
}

// consoleResolve resolves the case with an outcome and an optional
// public explanation.
func (s *Server) consoleResolve(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, f, err := caseForm(w, r)
	if err != nil {
		return err
	}
	_, err = s.Service.Resolve(r.Context(), p.User, id, desk.Resolution{Outcome: desk.Outcome(f.Get("outcome")), Body: f.Get("body")})
	return s.done(w, r, p, id, "resolve", f, err, "resolve", 0)
}

// consoleMerge merges this case, a duplicate, into the case named in the
// form, and leads to the survivor, where the work goes on.
// consoleIncident links the case to an incident, or unlinks it.
func (s *Server) consoleIncident(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, f, err := caseForm(w, r)
	if err != nil {
		return err
	}
	inc, perr := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(f.Get("incident")), "#"), 10, 64)
	if perr != nil || inc < 0 {
		f.Fail("incident", "console.error.invalid_incident")
		return s.renderForm(w, r, p, id, "incident", f)
	}
	_, err = s.Service.LinkIncident(r.Context(), p.User, id, inc)
	flash := "incident_linked"
	if inc == 0 {
		flash = "incident_unlinked"
	}
	return s.done(w, r, p, id, "incident", f, err, flash, 0)
}

func (s *Server) consoleMerge(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, f, err := caseForm(w, r)
	if err != nil {
		return err
	}
	// Agents write case numbers as they see them: "#1042" as well as "1042".
	v := strings.TrimPrefix(strings.TrimSpace(f.Get("into")), "#")
	if v == "" {
		f.Fail("into", "form.required")
		return s.renderForm(w, r, p, id, "merge", f)
	}
	into, perr := strconv.ParseInt(v, 10, 64)
	if perr != nil || into <= 0 {
		f.Fail("into", "console.error.invalid_case_number")
		return s.renderForm(w, r, p, id, "merge", f)
	}
	_, err = s.Service.Merge(r.Context(), p.User, id, into)
	return s.done(w, r, p, id, "merge", f, err, "merged", into)
}
