package ui

import (
	"html/template"
	"strconv"
	"strings"

	"desk/locale"
)

// markup writes the long, repeated parts of the busiest pages (the rows
// of the agent queue and of the support inbox, the filter choices) in Go.
// html/template calls its escaper and every function through reflection,
// twice for each action; for 25 rows of a dozen actions that cost more
// CPU than the page's queries (BenchmarkPages). Every text goes through
// text, which escapes what HTML needs in element content and in quoted
// attribute values alike, so the result is as safe as the template's; a
// test feeds it markup and quotes.
type markup struct{ b strings.Builder }

// raw writes s as it is: only for constant markup.
func (m *markup) raw(s string) { m.b.WriteString(s) }

// text writes s escaped.
func (m *markup) text(s string) { template.HTMLEscape(&m.b, []byte(s)) }

// wrap writes s escaped between the tags open and close.
func (m *markup) wrap(open, s, close string) {
	m.raw(open)
	m.text(s)
	m.raw(close)
}

func (m *markup) int(n int64) { m.b.WriteString(strconv.FormatInt(n, 10)) }

func (m *markup) html() template.HTML { return template.HTML(m.b.String()) }

// queueRowsHTML renders the rows of the agent queue's table.
func queueRowsHTML(l *locale.Locale, rows []queueRow) template.HTML {
	var m markup
	for _, r := range rows {
		m.raw("\n    <tr>\n      <td><a href=\"/console/cases/")
		m.int(r.Case.ID)
		m.raw("\"><span class=\"case-id\">")
		m.text(r.Ref)
		m.raw("</span> ")
		m.text(r.Case.Title)
		m.raw("</a></td>\n      <td>")
		m.text(r.Org)
		m.raw("</td>\n      <td><span class=\"badge ")
		m.text(string(r.Case.Severity))
		m.raw("\">")
		m.text(r.Severity)
		m.raw("</span></td>\n      <td><span class=\"badge ")
		m.text(string(r.Case.Status))
		m.raw("\">")
		m.text(r.Status)
		m.raw("</span></td>\n      <td>\n        ")
		if r.Due != nil {
			m.raw("<time datetime=\"")
			m.text(r.DueISO)
			m.raw("\">")
			m.text(r.DueRelative)
			m.wrap("</time>\n        <span class=\"muted\">", r.DueText, "</span>")
		} else {
			m.wrap("<span class=\"muted\">", l.T("console.due.none"), "</span>")
		}
		if r.Breached {
			m.wrap(" <span class=\"badge breached\">", l.T("console.badge.breached"), "</span>")
		}
		if r.AtRisk {
			m.wrap(" <span class=\"badge at-risk\">", l.T("console.badge.at_risk"), "</span>")
		}
		if r.Paused {
			m.wrap(" <span class=\"badge paused\">", l.T("console.badge.paused"), "</span>")
		}
		m.raw("\n      </td>\n      <td>")
		if r.Assignee != "" {
			m.text(r.Assignee)
		} else {
			m.wrap("<span class=\"muted\">", l.T("console.assign.nobody"), "</span>")
		}
		m.raw("</td>\n    </tr>")
	}
	return m.html()
}

// optionsHTML renders the choices of one of the queue's filters, each
// with its count.
func optionsHTML(l *locale.Locale, opts []option, withLang bool) template.HTML {
	var m markup
	for _, o := range opts {
		m.raw("\n      <option value=\"")
		m.text(o.Value)
		m.raw("\"")
		if withLang {
			m.raw(" lang=\"")
			m.text(o.Value)
			m.raw("\"")
		}
		if o.Selected {
			m.raw(" selected")
		}
		m.raw(">")
		m.text(o.Label)
		m.raw(" (")
		m.text(l.Number(o.Count))
		m.raw(")</option>")
	}
	return m.html()
}

// inboxRowsHTML renders the rows of the support inbox's table.
func inboxRowsHTML(l *locale.Locale, rows []portalCaseRow) template.HTML {
	var m markup
	for _, r := range rows {
		m.raw("\n    <tr>\n      <td><a href=\"/cases/")
		m.int(r.ID)
		m.raw("\">")
		m.text(l.T("portal.case.ref", "id", strconv.FormatInt(r.ID, 10)))
		m.raw(" · ")
		m.text(r.Title)
		m.raw("</a></td>\n      <td><span class=\"badge ")
		m.text(string(r.Status))
		m.raw("\">")
		m.text(r.StatusText)
		m.raw("</span></td>\n      <td><span class=\"badge ")
		m.text(string(r.Severity))
		m.raw("\">")
		m.text(r.SeverityText)
		m.raw("</span></td>\n      <td>")
		m.text(r.Product)
		m.raw("</td>\n      <td>")
		m.text(r.Creator)
		m.raw("</td>\n      <td><time datetime=\"")
		m.text(r.CreatedISO)
		m.raw("\">")
		m.text(r.Created)
		m.raw("</time></td>\n      <td>")
		switch {
		case r.Due == "":
			m.raw("–")
		case r.Breached:
			m.wrap("<span class=\"badge breached\">", l.T("portal.inbox.overdue", "when", r.Due), "</span>")
		default:
			m.text(r.Due)
		}
		m.raw("</td>\n    </tr>")
	}
	return m.html()
}

// navLinks renders the links of the main navigation for the signed-in
// user of p, the current section marked for assistive technology. Every
// page has them, so they are written here rather than by a dozen
// template conditions (see markup).
func navLinks(p *Page) template.HTML {
	under := func(prefix string) bool {
		if prefix == "/" {
			return p.Path == "/"
		}
		return p.Path == prefix || strings.HasPrefix(p.Path, prefix+"/")
	}
	var m markup
	link := func(href, label string, current bool, badge string) {
		m.raw("\n      <li><a href=\"")
		m.text(href)
		m.raw("\"")
		if current {
			m.raw(" aria-current=\"page\"")
		}
		m.raw(">")
		m.text(label)
		if badge != "" {
			m.wrap(" <span class=\"count\">", badge, "</span>")
		}
		m.raw("</a></li>")
	}
	u, l := p.User, p.L
	if u == nil {
		return ""
	}
	if u.IsStaff() {
		// The queues are the console's home: current on /console itself
		// and on the pages under it that have no link of their own.
		sections := []string{"/console/search", "/console/mail", "/console/incidents", "/console/credits", "/console/articles", "/console/deflection"}
		queues := under("/console")
		for _, s := range sections {
			queues = queues && !under(s)
		}
		link("/console", l.T("nav.queues"), queues, "")
		link("/console/search", l.T("search.nav"), under("/console/search"), "")
		held := ""
		if p.MailHeld != "" {
			held = l.T("nav.mail_held", "count", p.MailHeld)
		}
		link("/console/mail", l.T("nav.mail"), under("/console/mail"), held)
		link("/console/incidents", l.T("console.nav.incidents"), under("/console/incidents"), "")
		if u.IsSupervisor() {
			link("/console/credits", l.T("credit.nav"), under("/console/credits"), "")
		}
		link("/console/articles", l.T("kb.nav.articles"), under("/console/articles"), "")
		if u.IsSupervisor() {
			link("/console/deflection", l.T("kb.nav.deflection"), under("/console/deflection"), "")
		}
		return m.html()
	}
	link("/", l.T("nav.home"), under("/"), "")
	if u.HasSupportPrivilege() {
		link("/cases", l.T("nav.support_inbox"), under("/cases"), "")
	}
	link("/help", l.T("portal.home.help_centre"), under("/help"), "")
	link("/phone", l.T("nav.phone_support"), under("/phone"), "")
	if u.HasSupportPrivilege() {
		link("/settings/webhooks", l.T("webhook.nav"), under("/settings/webhooks"), "")
	}
	return m.html()
}
