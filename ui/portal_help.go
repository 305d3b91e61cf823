package ui

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"desk"
	"desk/help"
)

// maxQuery bounds the text the help search and the case form carry over
// from "Need help?": a description, not a document.
const maxQuery = 2000

// helpResults is how many articles a search shows.
const helpResults = 5

// helpData is what the help pages show.
type helpData struct {
	Query string
	// Searched is set when a query was given, even one that found
	// nothing.
	Searched bool
	Results  []articleView
	Article  *articleView
	// Contact is how the reader can go on from the articles.
	Contact contactView
	// Incidents are the known issues going on with the reader's services:
	// what the reader describes may be one of them.
	Incidents []*desk.Incident
}

// articleView is a help article ready to show.
type articleView struct {
	ID, Title, Product, Excerpt string
	Blocks                      []help.Block
	// Link is the article's address, carrying the query on so that the
	// way to contact support keeps the reader's description.
	Link string
}

// contactView says how a reader who did not find an answer goes on: the
// case form for those who may open cases on a plan with support, the
// upgrade path on an entry plan, and the organisation's support admins
// for everyone else.
type contactView struct {
	CanContact      bool
	SupportIncluded bool
	// NewCase is the case form's address with the description carried
	// over.
	NewCase  string
	Upgrades []upgradeView
	Admins   []adminView
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
		Upgrades: upgrades(opts), Admins: admins(opts), NewCase: "/cases/new",
	}
	if query != "" {
		v.NewCase += "?text=" + url.QueryEscape(query)
	}
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

// helpSearch answers "Need help?": the articles matching the reader's
// description, then the way to contact support with the description
// carried over. Nothing is recorded.
func (s *Server) helpSearch(w http.ResponseWriter, r *http.Request, p *Page) error {
	q := queryOf(r)
	p.Title = "portal.help.title"
	p.Form = NewForm(url.Values{"q": {q}})
	d := &helpData{Query: q, Searched: q != ""}
	products := s.portalProducts(r, p)
	var found []help.Article
	if q != "" {
		found = help.Search(p.L.Lang, q, helpResults)
	} else {
		found = help.All(p.L.Lang)
	}
	for _, a := range found {
		d.Results = append(d.Results, s.articleView(a, products, q))
	}
	var err error
	if d.Contact, err = s.portalContact(r, p, q); err != nil {
		return err
	}
	h, err := s.Service.OrgHealth(r.Context(), p.User)
	if err != nil {
		return err
	}
	d.Incidents = h.Incidents
	p.Data = d
	return s.render(w, r, http.StatusOK, "portal_help", p)
}

// helpArticle shows one article.
func (s *Server) helpArticle(w http.ResponseWriter, r *http.Request, p *Page) error {
	a, ok := help.Get(p.L.Lang, r.PathValue("article"))
	if !ok {
		return desk.NotFound("article")
	}
	q := queryOf(r)
	v := s.articleView(a, s.portalProducts(r, p), q)
	v.Blocks = help.Blocks(a.Body)
	p.Title = "portal.help.title"
	d := &helpData{Query: q, Article: &v}
	var err error
	if d.Contact, err = s.portalContact(r, p, q); err != nil {
		return err
	}
	p.Data = d
	return s.render(w, r, http.StatusOK, "portal_help", p)
}

// articleView prepares an article for a list of results.
func (s *Server) articleView(a help.Article, products map[string]string, q string) articleView {
	v := articleView{ID: a.ID, Title: a.Title, Product: products[a.Product], Excerpt: help.Excerpt(a.Body, 220),
		Link: "/help/" + url.PathEscape(a.ID)}
	if q != "" {
		v.Link += "?q=" + url.QueryEscape(q)
	}
	return v
}
