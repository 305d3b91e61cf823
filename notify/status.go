package notify

import (
	"fmt"
	"net/url"
	"strings"

	"desk"
	"desk/locale"
)

// composeStatus writes the mail of a status page subscription: the
// confirmation of a new subscription, or news of an incident on a
// followed service. Neither is about a case, so they have no case tag,
// no reply address and no link to the portal; the texts are under
// "subscribe.mail.*" (locale/messages/subscribe.<lang>.json).
//
// The incident's post is Markdown written by a status manager. It is
// shown as written, as quoted lines: the plain text part is the Markdown
// itself, which reads well as it is, and the HTML part escapes it, so no
// markup in a post can reach a reader's mail client.
func (r *Renderer) composeStatus(m *desk.OutMail) (*content, error) {
	l := locale.For(m.Language, zone(m.Data.TimeZone))
	d := &m.Data
	c := &content{
		Lang:     l.Lang,
		Greeting: l.T("mail.greeting_anonymous"),
		Signoff:  l.T("mail.signoff"),
		Team:     l.T("mail.team", "product", r.Product),
	}
	para := func(key string, args ...any) {
		c.Blocks = append(c.Blocks, block{Kind: blockPara, Text: l.T(key, args...)})
	}
	link := func(text, u string) error {
		if !validHeaderURL(u) {
			return fmt.Errorf("render mail %d: invalid link", m.ID)
		}
		c.Blocks = append(c.Blocks, block{Kind: blockLink, Text: text, URL: u})
		return nil
	}
	switch m.Kind {
	case desk.MailStatusConfirm:
		c.Subject = oneLine(l.T("subscribe.mail.confirm.subject", "product", r.Product))
		para("subscribe.mail.confirm.intro", "product", r.Product)
		if err := link(l.T("subscribe.mail.confirm.link"), d.Link); err != nil {
			return nil, err
		}
		if d.ExpiresAt != nil {
			para("subscribe.mail.confirm.expires", "time", l.DateTime(*d.ExpiresAt))
		}
		para("subscribe.mail.confirm.ignore")
		c.Footer = l.T("subscribe.mail.confirm.footer", "product", r.Product)
	case desk.MailStatusIncident:
		incident := oneLine(d.IncidentTitle)
		status := string(d.IncidentStatus)
		if key := "statuspage.incident." + status; status != "" && l.Has(key) {
			status = l.T(key)
		}
		status = oneLine(status)
		c.Subject = oneLine(l.T("subscribe.mail.incident.subject", "product", r.Product, "incident", incident, "status", status))
		kind := "incident"
		if d.IncidentKind == desk.KindMaintenance {
			kind = "maintenance"
		}
		para("subscribe.mail.incident.intro_"+kind, "incident", incident, "status", status)
		if len(d.Services) > 0 {
			names := make([]string, len(d.Services))
			for i, n := range d.Services {
				names[i] = oneLine(n)
			}
			para("subscribe.mail.incident.services", "services", strings.Join(names, ", "))
		}
		if lines := bodyLines(d.Body); len(lines) > 0 {
			c.Blocks = append(c.Blocks, block{Kind: blockQuote, Lines: lines})
		}
		if d.IncidentURL != "" {
			if err := link(l.T("subscribe.mail.incident.link"), d.IncidentURL); err != nil {
				return nil, err
			}
		}
		if d.UnsubscribeURL != "" {
			if err := link(l.T("subscribe.mail.unsubscribe"), d.UnsubscribeURL); err != nil {
				return nil, err
			}
		}
		c.Footer = l.T("subscribe.mail.incident.footer", "product", r.Product)
	}
	return c, nil
}

// validHeaderURL reports whether u is an absolute http or https URL of
// printable ASCII without spaces or angle brackets: one that can stand in
// a header between < and > and in an href as it is.
func validHeaderURL(u string) bool {
	if len(u) > 2000 {
		return false
	}
	for i := 0; i < len(u); i++ {
		if c := u[i]; c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '"' || c == '\\' {
			return false
		}
	}
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "https" || p.Scheme == "http") && p.Host != "" && p.User == nil
}
