package ui

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// "Need help?" is the box on the portal's home page: the admin describes
// the problem and gets the help centre's search for it (help.go), with
// the incidents going on with the organisation's services and only then
// the way to contact support. The search, the articles opened from it and
// their votes carry a help session id (?hs=), and so does the case form,
// so that the desk knows whether the articles answered the question or a
// case followed (the deflection report, console_articles.go).

// maxQuery bounds the text the help search and the case form carry over
// from "Need help?": a description, not a document.
const maxQuery = 2000

// contactView says how a reader who did not find an answer goes on: the
// case form for those who may open cases on a plan with support, the
// upgrade path on an entry plan, and the organisation's support admins
// for everyone else.
type contactView struct {
	CanContact      bool
	SupportIncluded bool
	// NewCase is the case form's address with the description and the
	// help session carried over.
	NewCase  string
	Upgrades []upgradeView
	Admins   []adminView

	query string
}

// deflectable reports whether the reader could open a case instead of
// reading: only then is a help session worth recording, since only then
// can an article spare a case.
func (c contactView) deflectable() bool { return c.CanContact && c.SupportIncluded }

// withSession carries a help session into the case form, so that a case
// opened from it is counted against the session's suggestions.
func (c *contactView) withSession(session string) {
	v := url.Values{}
	if c.query != "" {
		v.Set("text", c.query)
	}
	if session != "" {
		v.Set("hs", session)
	}
	c.NewCase = "/cases/new"
	if len(v) > 0 {
		c.NewCase += "?" + v.Encode()
	}
}

// portalContact works out how the reader goes on from the help pages,
// carrying query over to the case form.
func (s *Server) portalContact(r *http.Request, p *Page, query string) (contactView, error) {
	opts, err := s.Service.SupportOptions(r.Context(), p.User)
	if err != nil {
		return contactView{}, err
	}
	v := contactView{
		CanContact: p.User.HasSupportPrivilege(), SupportIncluded: opts.SupportIncluded(),
		Upgrades: upgrades(opts), Admins: admins(opts), query: query,
	}
	v.withSession("")
	return v, nil
}

// queryOf reads the search text of a request, trimmed and bounded.
func queryOf(r *http.Request) string { return portalClip(r.URL.Query().Get("q"), maxQuery) }

// portalClip trims s and cuts it to at most max characters.
func portalClip(s string, max int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max])
	}
	return s
}
