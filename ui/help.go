package ui

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"desk"
	"desk/help"
	"desk/locale"
	"desk/markdown"
	"desk/textsearch"
)

// The help centre is the knowledge base's public face: its topics, search
// and articles are open to anyone, signed in or not, so that an admin who
// cannot sign in still finds how to reset a password. Signed-in customer
// admins also see the articles limited to them; staff see exactly what
// readers see (drafts are previewed in the console). The routes are in
// portalRoutes.
//
// For a signed-in customer who may open cases, a search is the "Need
// help?" box: the page also shows the incidents going on with the
// organisation's services and the way to contact support, and the portal
// records what was suggested, opened and found helpful under a help
// session id, carried in the links (?hs=) and into the case form, so that
// supervisors see how often the articles answered the question (see
// deflection in portal_help.go).

// helpResults is how many articles a search shows.
const helpResults = 10

// relatedResults is how many related articles an article page lists.
const relatedResults = 5

// snippetRunes bounds the snippet of a search result.
const snippetRunes = 220

// votedCookie remembers, for the browser session, which articles this
// browser voted on, so that one reader's clicks count once. It is not
// stored per user: anonymous readers vote too, and a vote is no promise.
const votedCookie = "kb_voted"

// maxVotedRemembered bounds the cookie.
const maxVotedRemembered = 40

// helpLink is an article in a list: its title and address.
type helpLink struct {
	Title, Link string
}

// helpTopic is one category of the help centre with its articles.
type helpTopic struct {
	Key, Name string
	Articles  []helpLink
}

// helpCentreData is the help centre's front page.
type helpCentreData struct {
	Topics []helpTopic
	// SignInHint is set for anonymous readers: admins see more after
	// signing in.
	SignInHint bool
}

// hitView is a search result: its title and snippet in fragments, which
// the page escapes and marks.
type hitView struct {
	Title, Snippet []textsearch.Fragment
	Link           string
	Topic          string
}

// helpSearchData is the search page, which is also the answer of "Need
// help?" for customers.
type helpSearchData struct {
	Query    string
	Searched bool
	// Problem is what is wrong with the query, in the reader's words.
	Problem string
	Hits    []hitView
	// Corrected is what was searched instead of Query when Query found
	// nothing and a spelling correction did; ExactLink then searches
	// Query as typed.
	Corrected, ExactLink string
	// Session is the help session of a customer's "Need help?" search.
	Session string
	// Incidents are the known issues going on with the reader's
	// services: what the reader describes may be one of them.
	Incidents []*desk.Incident
	// Contact is how a signed-in customer goes on; nil for others.
	Contact *contactView
}

// langLink is the same article in another language.
type langLink struct {
	Lang, Name, Link string
}

// helpArticleData is an article's page.
type helpArticleData struct {
	A            *desk.Article
	HTML         template.HTML
	Topic        string
	Products     string
	Updated      string
	UpdatedISO   string
	SignedInOnly bool
	// Fallback names the language the reader wanted when the article is
	// shown in another (English, where it exists) instead.
	Fallback string
	// Shown names the language the article is shown in.
	Shown   string
	Others  []langLink
	Related []helpLink
	// Voted is set once this browser voted on the article.
	Voted bool
	// VoteAction is where the vote form posts.
	VoteAction string
	Session    string
	Query      string
	// Preview is set on staff's preview of an article in any state.
	Preview   bool
	StateText string
	// Contact is how a signed-in customer goes on; nil for others.
	Contact *contactView
}

// published is the only state the help centre shows, to staff too.
var published = []desk.ArticleState{desk.ArticlePublished}

// contentLang is the language the help centre's articles are read in: the
// one asked for with ?lang=, else the page's (the picker, the user's own,
// Accept-Language).
func contentLang(r *http.Request, p *Page) string {
	if l := r.URL.Query().Get("lang"); slices.Contains(desk.Languages, l) {
		return l
	}
	return p.L.Lang
}

// helpLinkTo returns the address of an article: its key, the language when
// it is not the page's, and the help session and query when there are.
func helpLinkTo(key, lang, pageLang, session, query string) string {
	v := url.Values{}
	if lang != pageLang {
		v.Set("lang", lang)
	}
	if session != "" {
		v.Set("hs", session)
	}
	if query != "" {
		v.Set("q", query)
	}
	link := "/help/" + url.PathEscape(key)
	if len(v) > 0 {
		link += "?" + v.Encode()
	}
	return link
}

// categoryName is a category in the reader's words.
func categoryName(l *locale.Locale, c string) string { return l.T("kb.category." + c) }

// helpCentre is the front page: every topic with its articles. With a
// query it is the search page, which is where "Need help?" sends its
// description.
func (s *Server) helpCentre(w http.ResponseWriter, r *http.Request, p *Page) error {
	if r.URL.Query().Has("q") {
		return s.searchPage(w, r, p, true)
	}
	lang := contentLang(r, p)
	as, err := s.Service.Articles(r.Context(), p.User, desk.ArticleFilter{Lang: lang, States: published, Limit: desk.MaxArticleLimit})
	if err != nil {
		return err
	}
	d := &helpCentreData{SignInHint: p.User == nil}
	for _, c := range desk.ArticleCategories {
		t := helpTopic{Key: c, Name: categoryName(p.L, c)}
		for _, a := range as {
			if a.Category == c {
				t.Articles = append(t.Articles, helpLink{Title: a.Title, Link: helpLinkTo(a.Key, a.Lang, p.L.Lang, "", "")})
			}
		}
		if len(t.Articles) > 0 {
			d.Topics = append(d.Topics, t)
		}
	}
	p.Title, p.Data = "kb.help.title", d
	p.Form = NewForm(nil)
	return s.render(w, r, http.StatusOK, "help", p)
}

// helpSearch shows the articles matching a query, best first, with the
// matched words marked. A query the search refuses (too long, too many
// words) is answered 400 with the reason, never an error page.
func (s *Server) helpSearch(w http.ResponseWriter, r *http.Request, p *Page) error {
	return s.searchPage(w, r, p, false)
}

// searchPage answers a search. A description (what "Need help?" sends to
// /help?q=) is a problem told in sentences rather than a query, so it is
// searched by as many of its first words as a query may have; the text
// itself is carried on whole to the case form.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request, p *Page, description bool) error {
	ctx := r.Context()
	q := queryOf(r)
	lang := contentLang(r, p)
	searched := q
	if description {
		searched = descriptionQuery(lang, q)
	}
	d := &helpSearchData{Query: q, Searched: q != ""}
	p.Title, p.Data = "kb.search.title", d
	p.Form = NewForm(url.Values{"q": {q}})
	status := http.StatusOK

	var hits []*desk.ArticleHit
	if q != "" {
		// Typing errors are corrected unless the reader asked for what
		// they typed (the "search instead for" link of a correction).
		res := &desk.ArticleResults{}
		var err error
		f := desk.ArticleFilter{States: published, Limit: helpResults}
		if r.URL.Query().Get("exact") == "1" {
			res.Hits, err = s.Service.SearchArticles(ctx, p.User, lang, searched, f)
		} else {
			res, err = s.Service.SearchArticlesCorrected(ctx, p.User, lang, searched, f)
		}
		if err == nil {
			hits = res.Hits
			if res.Corrected != "" {
				d.Corrected = res.Corrected
				d.ExactLink = exactSearchLink(r, q)
			}
		}
		switch desk.ErrorCode(err) {
		case "":
		case "query_too_long":
			d.Problem, status = p.L.T("kb.search.query_too_long"), http.StatusBadRequest
		case "too_many_terms":
			d.Problem, status = p.L.T("kb.search.too_many_terms", "max", textsearch.MaxQueryTerms), http.StatusBadRequest
		default:
			return err
		}
	}
	if isCustomer(p.User) {
		contact, err := s.portalContact(r, p, q)
		if err != nil {
			return err
		}
		d.Contact = &contact
		h, err := s.Service.OrgHealth(ctx, p.User)
		if err != nil {
			return err
		}
		d.Incidents = h.Incidents
		if len(hits) > 0 && contact.deflectable() {
			// A search that suggests articles to someone who could open
			// a case instead is a help session: its suggestions, what is
			// opened from them and whether a case follows are recorded.
			d.Session = helpSessionOf(r)
			if d.Session == "" {
				d.Session = desk.NewHelpSession()
			}
			contact.withSession(d.Session)
			d.Contact = &contact
			s.recordSuggestions(ctx, p, d.Session, s.sessionProduct(r, p, q, hits), hits)
		}
	}
	for _, h := range hits {
		d.Hits = append(d.Hits, hitView{Title: h.Title, Snippet: h.Snippet, Topic: categoryName(p.L, h.Article.Category),
			Link: helpLinkTo(h.Article.Key, h.Article.Lang, p.L.Lang, d.Session, q)})
	}
	return s.render(w, r, status, "help_search", p)
}

// exactSearchLink returns the address of the same search for exactly
// what was typed: the same page (the help centre's search or "Need
// help?"), language and help session, with exact=1.
func exactSearchLink(r *http.Request, q string) string {
	v := url.Values{"q": {q}, "exact": {"1"}}
	for _, k := range []string{"lang", "hs"} {
		if x := r.URL.Query().Get(k); x != "" {
			v.Set(k, x)
		}
	}
	return r.URL.Path + "?" + v.Encode()
}

// descriptionQuery returns the longest start of a description, word by
// word, that the search takes as a query. The trailing space says that
// the last word is complete, not one still being typed.
func descriptionQuery(lang, text string) string {
	out := ""
	for _, f := range strings.Fields(text) {
		next := strings.TrimSpace(out+" "+f) + " "
		if len(next) > textsearch.MaxQueryBytes {
			break
		}
		if _, err := textsearch.Parse(lang, next); err != nil {
			break
		}
		out = next
	}
	return out
}

// isCustomer reports whether u is a signed-in customer.
func isCustomer(u *desk.User) bool { return u != nil && !u.IsStaff() }

// helpArticle shows an article in the reader's language, or in English
// with a note when it has no translation in that language yet.
func (s *Server) helpArticle(w http.ResponseWriter, r *http.Request, p *Page) error {
	ctx := r.Context()
	key, want := r.PathValue("key"), contentLang(r, p)
	a, err := s.publishedArticle(ctx, p.User, key, want)
	fallback := ""
	if desk.ErrorKind(err) == desk.ENOTFOUND {
		// Not (yet) in the reader's language: English, which every
		// article is written in first, else any language it has.
		for _, l := range append([]string{"en"}, desk.Languages[1:]...) {
			if l == want {
				continue
			}
			if a, err = s.publishedArticle(ctx, p.User, key, l); desk.ErrorKind(err) != desk.ENOTFOUND {
				fallback = locale.Name(want)
				break
			}
		}
	}
	if err != nil {
		return err
	}
	d, err := s.articleData(r, p, a)
	if err != nil {
		return err
	}
	d.Fallback, d.Shown = fallback, locale.Name(a.Lang)
	if d.Session != "" && d.Contact != nil && d.Contact.deflectable() {
		s.recordHelp(ctx, p, desk.HelpEvent{Session: d.Session, Kind: desk.HelpOpened, ArticleID: a.ID})
	}
	p.Title, p.Data = "kb.help.title", d
	return s.render(w, r, http.StatusOK, "help_article", p)
}

// publishedArticle returns the published article of a key in a language
// that the reader may read. Staff reach the help centre too and must see
// what readers see; drafts are previewed from the console instead.
func (s *Server) publishedArticle(ctx context.Context, u *desk.User, key, lang string) (*desk.Article, error) {
	a, err := s.Service.ArticleByKey(ctx, u, key, lang)
	if err != nil {
		return nil, err
	}
	if a.State != desk.ArticlePublished {
		return nil, desk.NotFound("article")
	}
	return a, nil
}

// articleData prepares an article's page: its text, the other languages
// it exists in, related articles, the vote and, for customers, the way to
// contact support.
func (s *Server) articleData(r *http.Request, p *Page, a *desk.Article) (*helpArticleData, error) {
	ctx := r.Context()
	q := queryOf(r)
	d := &helpArticleData{
		A: a, HTML: template.HTML(markdown.HTML(a.Body)), Topic: categoryName(p.L, a.Category),
		Updated: p.L.Date(a.UpdatedAt), UpdatedISO: a.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z07:00"),
		SignedInOnly: a.Visibility == desk.VisibilitySignedIn, Query: q,
		Voted: votedOn(r, a.ID), StateText: p.L.T("kb.state." + string(a.State)),
	}
	if isCustomer(p.User) {
		d.Session = helpSessionOf(r)
	}
	d.VoteAction = "/help/" + url.PathEscape(a.Key) + "/vote"
	if ps := s.productNames(ctx, a.Products); ps != "" {
		d.Products = ps
	}
	ts, err := s.Service.Translations(ctx, p.User, a.Key)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		if t.Lang != a.Lang && (t.State == desk.ArticlePublished) {
			d.Others = append(d.Others, langLink{Lang: t.Lang, Name: locale.Name(t.Lang),
				Link: helpLinkTo(t.Key, t.Lang, "", d.Session, q)})
		}
	}
	rel, err := s.Service.RelatedArticles(ctx, p.User, a, relatedResults)
	if err != nil {
		return nil, err
	}
	for _, x := range rel {
		if x.State == desk.ArticlePublished {
			d.Related = append(d.Related, helpLink{Title: x.Title, Link: helpLinkTo(x.Key, x.Lang, p.L.Lang, d.Session, q)})
		}
	}
	if isCustomer(p.User) {
		c, err := s.portalContact(r, p, q)
		if err != nil {
			return nil, err
		}
		c.withSession(d.Session)
		d.Contact = &c
	}
	return d, nil
}

// productNames joins the names of products for a reader.
func (s *Server) productNames(ctx context.Context, codes []string) string {
	if len(codes) == 0 {
		return ""
	}
	all, err := s.Service.Store.Products(ctx)
	if err != nil {
		s.logger().WarnContext(ctx, "list products", "err", err)
		return strings.Join(codes, ", ")
	}
	names := make([]string, 0, len(codes))
	for _, c := range codes {
		n := c
		for _, pr := range all {
			if pr.Code == c {
				n = pr.Name
			}
		}
		names = append(names, n)
	}
	return strings.Join(names, ", ")
}

// helpVote records "was this helpful?" from the form under an article.
// It works without script and without signing in; a browser's second vote
// on the same article is thanked but not counted.
func (s *Server) helpVote(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := r.ParseForm(); err != nil {
		return desk.Errorf(desk.EINVALID, "bad_form", "the form could not be read")
	}
	ctx := r.Context()
	lang := r.PostForm.Get("lang")
	if !slices.Contains(desk.Languages, lang) {
		lang = p.L.Lang
	}
	a, err := s.publishedArticle(ctx, p.User, r.PathValue("key"), lang)
	if err != nil {
		return err
	}
	helpful := r.PostForm.Get("helpful") == "yes"
	if !helpful && r.PostForm.Get("helpful") != "no" {
		return desk.Errorf(desk.EINVALID, "bad_form", "say yes or no")
	}
	session, q := "", portalClip(r.PostForm.Get("q"), maxQuery)
	if isCustomer(p.User) && validHelpSession(r.PostForm.Get("hs")) {
		session = r.PostForm.Get("hs")
	}
	if !votedOn(r, a.ID) {
		err := s.Service.VoteArticle(ctx, p.User, a.ID, helpful, r.PostForm.Get("comment"))
		if desk.ErrorCode(err) == "comment_too_long" || desk.ErrorCode(err) == "invalid_text" {
			// The form comes back with the comment kept and the reason
			// next to it.
			r.URL.RawQuery = url.Values{"hs": {session}, "q": {q}}.Encode()
			d, derr := s.articleData(r, p, a)
			if derr != nil {
				return derr
			}
			p.Form = NewForm(r.PostForm)
			p.Form.Fail("comment", "kb.vote.comment_too_long", "max", desk.MaxVoteCommentLen)
			p.Title, p.Data = "kb.help.title", d
			return s.render(w, r, http.StatusUnprocessableEntity, "help_article", p)
		}
		if err != nil {
			return err
		}
		s.rememberVote(w, r, a.ID)
		if session != "" {
			kind := desk.HelpNotHelpful
			if helpful {
				kind = desk.HelpHelpful
			}
			s.recordHelp(ctx, p, desk.HelpEvent{Session: session, Kind: kind, ArticleID: a.ID})
		}
	}
	link := helpLinkTo(a.Key, a.Lang, "", session, q)
	sep := "?"
	if strings.Contains(link, "?") {
		sep = "&"
	}
	http.Redirect(w, r, link+sep+"voted=1#vote", http.StatusSeeOther)
	return nil
}

// votedOn reports whether this browser voted on an article in this
// browser session.
func votedOn(r *http.Request, id int64) bool {
	c, err := r.Cookie(votedCookie)
	if err != nil {
		return false
	}
	return slices.Contains(strings.Split(c.Value, "."), strconv.FormatInt(id, 10))
}

// rememberVote adds an article to the browser's votes. The cookie lasts
// the browser session and keeps the latest votes only.
func (s *Server) rememberVote(w http.ResponseWriter, r *http.Request, id int64) {
	var ids []string
	if c, err := r.Cookie(votedCookie); err == nil && c.Value != "" {
		for _, v := range strings.Split(c.Value, ".") {
			if _, err := strconv.ParseInt(v, 10, 64); err == nil {
				ids = append(ids, v)
			}
		}
	}
	ids = append(ids, strconv.FormatInt(id, 10))
	if len(ids) > maxVotedRemembered {
		ids = ids[len(ids)-maxVotedRemembered:]
	}
	http.SetCookie(w, &http.Cookie{Name: votedCookie, Value: strings.Join(ids, "."), Path: "/help",
		HttpOnly: true, Secure: s.Secure, SameSite: http.SameSiteLaxMode})
}

// sessionProduct is the product a help session is counted under in the
// deflection report: the one of the organisation's products the
// description names, else the first product of the best suggestion, else
// none (a question about the whole account). Only the suggestions carry
// it, so that the session has one product however its articles are filed.
func (s *Server) sessionProduct(r *http.Request, p *Page, q string, hits []*desk.ArticleHit) string {
	if ps, err := s.Service.Products(r.Context(), p.User); err == nil {
		words := help.Words(q)
		named := ""
		for _, pr := range ps {
			for _, w := range help.Words(pr.Name + " " + pr.Code) {
				if slices.Contains(words, w) {
					if named != "" && named != pr.Code {
						named = "-"
					} else {
						named = pr.Code
					}
				}
			}
		}
		if named != "" && named != "-" {
			return named
		}
	}
	if len(hits) > 0 && len(hits[0].Article.Products) > 0 {
		return hits[0].Article.Products[0]
	}
	return ""
}

// helpSessionOf returns the help session a request carries, or "".
func helpSessionOf(r *http.Request) string {
	hs := r.URL.Query().Get("hs")
	if !validHelpSession(hs) {
		return ""
	}
	return hs
}

// validHelpSession reports whether hs looks like a session id the portal
// made; anything else from a client is dropped rather than recorded.
func validHelpSession(hs string) bool {
	if n := utf8.RuneCountInString(hs); n < 16 || n > 64 {
		return false
	}
	for _, c := range hs {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// recordSuggestions records the articles a "Need help?" search showed.
func (s *Server) recordSuggestions(ctx context.Context, p *Page, session, product string, hits []*desk.ArticleHit) {
	evs := make([]desk.HelpEvent, 0, len(hits))
	for _, h := range hits {
		evs = append(evs, desk.HelpEvent{Session: session, Kind: desk.HelpSuggested, ArticleID: h.Article.ID,
			Product: product, Lang: h.Article.Lang})
	}
	s.recordHelpEvents(ctx, p, evs)
}

// recordHelp records one event of a help session in the reader's
// language.
func (s *Server) recordHelp(ctx context.Context, p *Page, ev desk.HelpEvent) {
	if ev.Lang == "" {
		ev.Lang = p.L.Lang
	}
	s.recordHelpEvents(ctx, p, []desk.HelpEvent{ev})
}

// recordHelpEvents stores events of customers' help sessions. Staff are
// never recorded: they test and preview, and would skew the figures. A
// failure is logged, not shown: the reader came for an answer, not for
// our statistics.
func (s *Server) recordHelpEvents(ctx context.Context, p *Page, evs []desk.HelpEvent) {
	if !isCustomer(p.User) || len(evs) == 0 {
		return
	}
	if err := s.Service.RecordHelpEvents(ctx, p.User, evs); err != nil {
		s.logger().WarnContext(ctx, "record help events", "err", err)
	}
}
