package ui

import (
	"html/template"
	"strconv"
	"strings"
	"testing"
	"time"

	"desk"
	"desk/locale"
)

// The rows written in Go must be what html/template made of the same
// data before (these are the templates they replaced), hostile text
// included, so that moving them out of the template changed neither the
// page nor its escaping.
var (
	oldQueueRows = template.Must(template.New("q").Funcs(template.FuncMap{"t": func(l *locale.Locale, k string) string { return l.T(k) }}).Parse(`
  {{- range .Rows}}
    <tr>
      <td><a href="/console/cases/{{.Case.ID}}"><span class="case-id">{{.Ref}}</span> {{.Case.Title}}</a></td>
      <td>{{.Org}}</td>
      <td><span class="badge {{.Case.Severity}}">{{.Severity}}</span></td>
      <td><span class="badge {{.Case.Status}}">{{.Status}}</span></td>
      <td>
        {{- if .Due}}
        <time datetime="{{.DueISO}}">{{.DueRelative}}</time>
        <span class="muted">{{.DueText}}</span>
        {{- else}}
        <span class="muted">{{t $.L "console.due.none"}}</span>
        {{- end}}
        {{- if .Breached}} <span class="badge breached">{{t $.L "console.badge.breached"}}</span>{{end}}
        {{- if .AtRisk}} <span class="badge at-risk">{{t $.L "console.badge.at_risk"}}</span>{{end}}
        {{- if .Paused}} <span class="badge paused">{{t $.L "console.badge.paused"}}</span>{{end}}
      </td>
      <td>{{if .Assignee}}{{.Assignee}}{{else}}<span class="muted">{{t $.L "console.assign.nobody"}}</span>{{end}}</td>
    </tr>
  {{- end}}`))
	oldInboxRows = template.Must(template.New("i").Funcs(template.FuncMap{"ref": func(l *locale.Locale, id int64) string {
		return l.T("portal.case.ref", "id", strconv.FormatInt(id, 10))
	}, "overdue": func(l *locale.Locale, when string) string { return l.T("portal.inbox.overdue", "when", when) }}).Parse(`
    {{- range .Rows}}
    <tr>
      <td><a href="/cases/{{.ID}}">{{ref $.L .ID}} · {{.Title}}</a></td>
      <td><span class="badge {{.Status}}">{{.StatusText}}</span></td>
      <td><span class="badge {{.Severity}}">{{.SeverityText}}</span></td>
      <td>{{.Product}}</td>
      <td>{{.Creator}}</td>
      <td><time datetime="{{.CreatedISO}}">{{.Created}}</time></td>
      <td>{{if .Due}}{{if .Breached}}<span class="badge breached">{{overdue $.L .Due}}</span>{{else}}{{.Due}}{{end}}{{else}}–{{end}}</td>
    </tr>
    {{- end}}`))
	oldOptions = template.Must(template.New("o").Funcs(template.FuncMap{}).Parse(`
      {{- range .Opts}}
      <option value="{{.Value}}" {{if .Selected}}selected{{end}}>{{.Label}} ({{$.L.Number .Count}})</option>
      {{- end}}`))
)

// squash drops the whitespace between tags and inside the due cell, where
// the two renderings may differ without a reader seeing it.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

const hostile = `<script>alert("x")</script> & 'quotes' "double" </td>`

func TestQueueRowsHTMLMatchesTemplate(t *testing.T) {
	for _, lang := range []string{"en", "nl"} {
		l := locale.For(lang, time.UTC)
		due := time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)
		rows := []queueRow{
			{Case: &desk.Case{ID: 7, Title: hostile, Severity: "critical", Status: "open"}, Org: hostile, Assignee: hostile,
				Due: &due, Breached: true, AtRisk: true, Paused: true, Ref: "#7", Severity: hostile, Status: hostile,
				DueISO: `2026"><x>`, DueRelative: hostile, DueText: hostile},
			{Case: &desk.Case{ID: 8, Title: "Plain", Severity: `a"b`, Status: "new"}, Ref: "#8", Severity: "High", Status: "New"},
		}
		var want strings.Builder
		if err := oldQueueRows.Execute(&want, map[string]any{"Rows": rows, "L": l}); err != nil {
			t.Fatal(err)
		}
		got := string(queueRowsHTML(l, rows))
		if squash(got) != squash(want.String()) {
			t.Errorf("%s queue rows differ:\n got: %s\nwant: %s", lang, squash(got), squash(want.String()))
		}
		if strings.Contains(got, "<script>") {
			t.Errorf("unescaped markup in %s", got)
		}
	}
}

func TestInboxRowsHTMLMatchesTemplate(t *testing.T) {
	l := locale.For("de", time.UTC)
	rows := []portalCaseRow{
		{ID: 3, Title: hostile, Status: "open", StatusText: hostile, Severity: `x"y`, SeverityText: hostile,
			Product: hostile, Creator: hostile, Created: hostile, CreatedISO: `"><b>`, Due: hostile, Breached: true},
		{ID: 4, Title: "Plain", Status: "new", StatusText: "Neu", Severity: "normal", SeverityText: "Normal", Due: "morgen"},
		{ID: 5, Title: "No due", Status: "resolved", StatusText: "Gelöst"},
	}
	var want strings.Builder
	if err := oldInboxRows.Execute(&want, map[string]any{"Rows": rows, "L": l}); err != nil {
		t.Fatal(err)
	}
	if got := string(inboxRowsHTML(l, rows)); squash(got) != squash(want.String()) {
		t.Errorf("inbox rows differ:\n got: %s\nwant: %s", squash(got), squash(want.String()))
	}
}

func TestOptionsHTMLMatchesTemplate(t *testing.T) {
	l := locale.For("sv", time.UTC)
	opts := []option{{Value: `a"b`, Label: hostile, Count: 12345, Selected: true}, {Value: "mail", Label: "Mail", Count: 0}}
	var want strings.Builder
	if err := oldOptions.Execute(&want, map[string]any{"Opts": opts, "L": l}); err != nil {
		t.Fatal(err)
	}
	// The template left a space where a choice is not selected.
	if got := string(optionsHTML(l, opts, false)); squash(got) != strings.ReplaceAll(squash(want.String()), `" >`, `">`) {
		t.Errorf("options differ:\n got: %s\nwant: %s", squash(got), squash(want.String()))
	}
}

// oldNav is the navigation as the layout template made it.
var oldNav = template.Must(template.New("n").Funcs(template.FuncMap{"current": func(p *Page, prefix string) bool {
	if prefix == "/" {
		return p.Path == "/"
	}
	return p.Path == prefix || strings.HasPrefix(p.Path, prefix+"/")
}}).Parse(`
    {{- if .User.IsStaff}}
      <li><a href="/console" {{if and (current . "/console") (not (current . "/console/mail")) (not (current . "/console/incidents")) (not (current . "/console/credits")) (not (current . "/console/articles")) (not (current . "/console/deflection")) (not (current . "/console/search"))}}aria-current="page"{{end}}>{{.L.T "nav.queues"}}</a></li>
      <li><a href="/console/search" {{if current . "/console/search"}}aria-current="page"{{end}}>{{.L.T "search.nav"}}</a></li>
      <li><a href="/console/mail" {{if current . "/console/mail"}}aria-current="page"{{end}}>{{.L.T "nav.mail"}}{{if .MailHeld}} <span class="count">{{.L.T "nav.mail_held" "count" .MailHeld}}</span>{{end}}</a></li>
      <li><a href="/console/incidents" {{if current . "/console/incidents"}}aria-current="page"{{end}}>{{.L.T "console.nav.incidents"}}</a></li>
      {{if .User.IsSupervisor}}<li><a href="/console/credits" {{if current . "/console/credits"}}aria-current="page"{{end}}>{{.L.T "credit.nav"}}</a></li>{{end}}
      <li><a href="/console/articles" {{if current . "/console/articles"}}aria-current="page"{{end}}>{{.L.T "kb.nav.articles"}}</a></li>
      {{if .User.IsSupervisor}}<li><a href="/console/deflection" {{if current . "/console/deflection"}}aria-current="page"{{end}}>{{.L.T "kb.nav.deflection"}}</a></li>{{end}}
    {{- else}}
      <li><a href="/" {{if current . "/"}}aria-current="page"{{end}}>{{.L.T "nav.home"}}</a></li>
      {{if .User.HasSupportPrivilege}}<li><a href="/cases" {{if current . "/cases"}}aria-current="page"{{end}}>{{.L.T "nav.support_inbox"}}</a></li>{{end}}
      <li><a href="/help" {{if current . "/help"}}aria-current="page"{{end}}>{{.L.T "portal.home.help_centre"}}</a></li>
      <li><a href="/phone" {{if current . "/phone"}}aria-current="page"{{end}}>{{.L.T "nav.phone_support"}}</a></li>
      {{if .User.HasSupportPrivilege}}<li><a href="/settings/webhooks" {{if current . "/settings/webhooks"}}aria-current="page"{{end}}>{{.L.T "webhook.nav"}}</a></li>{{end}}
    {{- end}}`))

func TestNavLinksMatchTemplate(t *testing.T) {
	users := []*desk.User{
		{Role: desk.RoleAgent}, {Role: desk.RoleSupervisor}, {Role: desk.RoleSupportAdmin}, {Role: desk.RoleUser},
	}
	paths := []string{"/", "/console", "/console/cases/7", "/console/mail/in/3", "/console/search", "/console/credits", "/console/deflection",
		"/console/articles/4", "/console/incidents", "/cases", "/cases/9", "/help/x", "/phone", "/settings/webhooks/2", "/consolex"}
	for _, u := range users {
		for _, path := range paths {
			for _, held := range []string{"", "3"} {
				p := &Page{User: u, L: locale.For("nb", time.UTC), Path: path, MailHeld: held}
				var want strings.Builder
				if err := oldNav.Execute(&want, p); err != nil {
					t.Fatal(err)
				}
				// The template left a space where a link is not current.
				w := strings.ReplaceAll(squash(want.String()), `" >`, `">`)
				if got := squash(string(navLinks(p))); got != w {
					t.Errorf("%s at %s: navigation differs:\n got: %s\nwant: %s", u.Role, path, got, w)
				}
			}
		}
	}
}
