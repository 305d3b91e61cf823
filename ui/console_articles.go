package ui

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"desk"
	"desk/locale"
)

// The console's article pages are where staff write the help centre: the
// list of articles in every language and state, the editor (new, edit,
// translate), the revisions, publishing and archiving, and a preview of an
// article in any state as readers would see it. Every member of staff
// edits; an edit names the version it started from, so an edit made
// meanwhile by someone else is never overwritten unseen. Supervisors also
// get the deflection report of "Need help?". The routes are in
// consoleRoutes.

// articleFlashes are the confirmations the editor's redirects ask for.
var articleFlashes = map[string]string{
	"created": "kb.flash.created", "saved": "kb.flash.saved",
	"published": "kb.flash.published", "archived": "kb.flash.archived",
}

// articleRow is an article in the console's list.
type articleRow struct {
	A          *desk.Article
	LangName   string
	Topic      string
	StateText  string
	Updated    string
	UpdatedISO string
}

// articlesData is the console's list of articles.
type articlesData struct {
	Rows                      []articleRow
	Langs, Categories, States []option
}

// productChoice is a product of the editor's checkboxes.
type productChoice struct {
	Code, Name string
	Checked    bool
}

// revisionView is one revision of an article.
type revisionView struct {
	Version int
	Title   string
	Date    string
	DateISO string
	Author  string
}

// articleFormData is the editor: a new article when A is nil.
type articleFormData struct {
	A          *desk.Article
	StateText  string
	Action     string
	Version    int
	Langs      []option
	Categories []option
	Visibility []option
	Products   []productChoice
	Revisions  []revisionView
	// Translations are the other languages the article exists in, with
	// the editor's address; Missing those it does not, with the address
	// of a new translation.
	Translations []langLink
	Missing      []langLink
	// Conflict explains that someone saved the article meanwhile.
	Conflict string
	// Feedback is what readers answered to "was this helpful?"; nil for
	// a new article.
	Feedback *feedbackView
}

// feedbackPageSize is how many readers' comments the editor shows at once.
const feedbackPageSize = 20

// feedbackView is the editor's Feedback section: the counts of the votes
// and a page of the comments readers left, newest first.
type feedbackView struct {
	Yes, No  string
	Comments []commentView
	// Older is the address of the next, older page; Newest that of the
	// first, on the pages after it. Empty when there is none.
	Older, Newest string
}

// commentView is one reader's comment, dated in the editor's zone.
type commentView struct {
	Helpful       bool
	Verdict       string
	Date, DateISO string
	Text          string
}

// consoleArticles lists the articles, filtered by language, topic and
// state.
func (s *Server) consoleArticles(w http.ResponseWriter, r *http.Request, p *Page) error {
	q := r.URL.Query()
	f := desk.ArticleFilter{Limit: desk.MaxArticleLimit, States: desk.ArticleStates}
	if l := q.Get("lang"); slices.Contains(desk.Languages, l) {
		f.Lang = l
	}
	if c := q.Get("category"); slices.Contains(desk.ArticleCategories, c) {
		f.Category = c
	}
	if st := desk.ArticleState(q.Get("state")); st.Valid() {
		f.States = []desk.ArticleState{st}
	}
	as, err := s.Service.Articles(r.Context(), p.User, f)
	if err != nil {
		return err
	}
	d := &articlesData{}
	d.Langs = append(d.Langs, option{Value: "", Label: p.L.T("kb.console.any")})
	for _, l := range desk.Languages {
		d.Langs = append(d.Langs, option{Value: l, Label: locale.Name(l), Selected: l == f.Lang})
	}
	d.Categories = append(d.Categories, option{Value: "", Label: p.L.T("kb.console.any")})
	for _, c := range desk.ArticleCategories {
		d.Categories = append(d.Categories, option{Value: c, Label: categoryName(p.L, c), Selected: c == f.Category})
	}
	d.States = append(d.States, option{Value: "", Label: p.L.T("kb.console.any")})
	for _, st := range desk.ArticleStates {
		d.States = append(d.States, option{Value: string(st), Label: p.L.T("kb.state." + string(st)),
			Selected: len(f.States) == 1 && f.States[0] == st})
	}
	for _, a := range as {
		d.Rows = append(d.Rows, articleRow{A: a, LangName: locale.Name(a.Lang), Topic: categoryName(p.L, a.Category),
			StateText: p.L.T("kb.state." + string(a.State)), Updated: p.L.DateTime(a.UpdatedAt),
			UpdatedISO: a.UpdatedAt.UTC().Format(time.RFC3339)})
	}
	p.Title, p.Data = "kb.console.title", d
	p.Flash = articleFlashes[q.Get("done")]
	return s.render(w, r, http.StatusOK, "console_articles", p)
}

// consoleNewArticle shows an empty editor, or one for a translation
// (?key=&lang=&from=id fills in the key and the original's topic, products
// and visibility, with its text to translate).
func (s *Server) consoleNewArticle(w http.ResponseWriter, r *http.Request, p *Page) error {
	q := r.URL.Query()
	v := url.Values{"lang": {p.L.Lang}, "category": {desk.ArticleCategories[0]}, "visibility": {string(desk.VisibilityPublic)}}
	if key := q.Get("key"); key != "" {
		v.Set("key", key)
	}
	if l := q.Get("lang"); slices.Contains(desk.Languages, l) {
		v.Set("lang", l)
	}
	if id, err := strconv.ParseInt(q.Get("from"), 10, 64); err == nil {
		if from, err := s.Service.Article(r.Context(), p.User, id); err == nil {
			v.Set("key", from.Key)
			v.Set("category", from.Category)
			v.Set("visibility", string(from.Visibility))
			v.Set("title", from.Title)
			v.Set("body", from.Body)
			v["products"] = from.Products
		}
	}
	return s.renderArticleForm(w, r, p, nil, NewForm(v), http.StatusOK)
}

// articleInput reads the editor's form.
func articleInput(f *Form) desk.ArticleInput {
	return desk.ArticleInput{
		Key: strings.TrimSpace(f.Get("key")), Lang: f.Get("lang"), Title: f.Get("title"), Body: f.Get("body"),
		Category: f.Get("category"), Products: f.Values["products"], Visibility: desk.ArticleVisibility(f.Get("visibility")),
	}
}

// consoleCreateArticle stores a new draft.
func (s *Server) consoleCreateArticle(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := r.ParseForm(); err != nil {
		return desk.Errorf(desk.EINVALID, "bad_form", "the form could not be read")
	}
	f := NewForm(r.PostForm)
	a, err := s.Service.CreateArticle(r.Context(), p.User, articleInput(f))
	if err != nil {
		if !articleFail(f, err) {
			return err
		}
		return s.renderArticleForm(w, r, p, nil, f, http.StatusUnprocessableEntity)
	}
	return articleRedirect(w, r, a.ID, "created")
}

// articleRedirect ends a successful post on the article's editor.
func articleRedirect(w http.ResponseWriter, r *http.Request, id int64, done string) error {
	http.Redirect(w, r, fmt.Sprintf("/console/articles/%d?done=%s#main", id, done), http.StatusSeeOther)
	return nil
}

// articleID reads the {id} of an article path; a malformed id is an
// article that does not exist.
func articleID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, desk.NotFound("article")
	}
	return id, nil
}

// consoleArticle shows the editor of an article with its revisions and
// translations.
func (s *Server) consoleArticle(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, err := articleID(r)
	if err != nil {
		return err
	}
	a, err := s.Service.Article(r.Context(), p.User, id)
	if err != nil {
		return err
	}
	p.Flash = articleFlashes[r.URL.Query().Get("done")]
	return s.renderArticleForm(w, r, p, a, articleValues(a), http.StatusOK)
}

// articleValues fills the editor with an article as stored.
func articleValues(a *desk.Article) *Form {
	return NewForm(url.Values{
		"key": {a.Key}, "lang": {a.Lang}, "title": {a.Title}, "body": {a.Body}, "category": {a.Category},
		"products": a.Products, "visibility": {string(a.Visibility)}, "version": {strconv.Itoa(a.Version)},
	})
}

// consoleUpdateArticle stores an edit made from the version the form
// carries. When someone saved the article meanwhile, the editor comes back
// with what was typed, the current version to save against and a message
// saying so.
func (s *Server) consoleUpdateArticle(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, err := articleID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return desk.Errorf(desk.EINVALID, "bad_form", "the form could not be read")
	}
	ctx := r.Context()
	f := NewForm(r.PostForm)
	version, _ := strconv.Atoi(f.Get("version"))
	in := articleInput(f)
	a, err := s.Service.UpdateArticle(ctx, p.User, id, version, in)
	if err == nil {
		return articleRedirect(w, r, a.ID, "saved")
	}
	current, cerr := s.Service.Article(ctx, p.User, id)
	if cerr != nil {
		return cerr
	}
	if desk.ErrorCode(err) == "stale_version" {
		// The typed text stays; the form now names the current version,
		// so saving again after comparing is a deliberate overwrite.
		f.Values.Set("version", strconv.Itoa(current.Version))
		d := func(d *articleFormData) {
			d.Conflict = p.L.T("kb.editor.conflict", "version", current.Version)
		}
		return s.renderArticleForm(w, r, p, current, f, http.StatusConflict, d)
	}
	if !articleFail(f, err) {
		return err
	}
	return s.renderArticleForm(w, r, p, current, f, http.StatusUnprocessableEntity)
}

// articleFail records a refusal of the desk next to the field it names.
// It reports false for errors that are not about the form.
func articleFail(f *Form, err error) bool {
	var e *desk.Error
	if !errors.As(err, &e) || (e.Kind != desk.EINVALID && e.Kind != desk.ECONFLICT) {
		return false
	}
	field := e.Field
	if !slices.Contains([]string{"key", "lang", "title", "body", "category", "products", "visibility"}, field) {
		field = "form"
	}
	switch {
	case e.Code == "article_exists":
		f.Fail(field, "kb.editor.key_taken")
	case strings.HasSuffix(e.Code, "_required"):
		f.Fail(field, "form.required")
	case strings.HasSuffix(e.Code, "_too_long"):
		f.Fail(field, "kb.editor.too_long")
	default:
		f.Fail(field, "kb.editor.invalid")
	}
	return true
}

// consolePublishArticle and consoleArchiveArticle move an article into or
// out of the help centre.
func (s *Server) consolePublishArticle(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, err := articleID(r)
	if err != nil {
		return err
	}
	if _, err := s.Service.PublishArticle(r.Context(), p.User, id); err != nil {
		return err
	}
	return articleRedirect(w, r, id, "published")
}

func (s *Server) consoleArchiveArticle(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, err := articleID(r)
	if err != nil {
		return err
	}
	if _, err := s.Service.ArchiveArticle(r.Context(), p.User, id); err != nil {
		return err
	}
	return articleRedirect(w, r, id, "archived")
}

// consolePreviewArticle shows an article in any state as the help centre
// would, under a banner saying it is a preview.
func (s *Server) consolePreviewArticle(w http.ResponseWriter, r *http.Request, p *Page) error {
	id, err := articleID(r)
	if err != nil {
		return err
	}
	a, err := s.Service.Article(r.Context(), p.User, id)
	if err != nil {
		return err
	}
	d, err := s.articleData(r, p, a)
	if err != nil {
		return err
	}
	d.Preview = true
	p.Title, p.Data = "kb.editor.preview", d
	return s.render(w, r, http.StatusOK, "help_article", p)
}

// renderArticleForm shows the editor with the state of f; a is nil for a
// new article.
func (s *Server) renderArticleForm(w http.ResponseWriter, r *http.Request, p *Page, a *desk.Article, f *Form, status int, with ...func(*articleFormData)) error {
	ctx := r.Context()
	d := &articleFormData{A: a, Action: "/console/articles"}
	if a != nil {
		d.Action = fmt.Sprintf("/console/articles/%d", a.ID)
		d.StateText = p.L.T("kb.state." + string(a.State))
		d.Version = a.Version
	}
	for _, l := range desk.Languages {
		d.Langs = append(d.Langs, option{Value: l, Label: locale.Name(l), Selected: f.Get("lang") == l})
	}
	for _, c := range desk.ArticleCategories {
		d.Categories = append(d.Categories, option{Value: c, Label: categoryName(p.L, c), Selected: f.Get("category") == c})
	}
	for _, v := range []desk.ArticleVisibility{desk.VisibilityPublic, desk.VisibilitySignedIn} {
		d.Visibility = append(d.Visibility, option{Value: string(v), Label: p.L.T("kb.visibility." + string(v)),
			Selected: f.Get("visibility") == string(v)})
	}
	products, err := s.Service.Products(ctx, p.User)
	if err != nil {
		return err
	}
	for _, pr := range products {
		d.Products = append(d.Products, productChoice{Code: pr.Code, Name: pr.Name, Checked: f.Has("products", pr.Code)})
	}
	if a != nil {
		revs, err := s.Service.ArticleRevisions(ctx, p.User, a.ID)
		if err != nil {
			return err
		}
		names, err := s.staffNames(ctx)
		if err != nil {
			return err
		}
		for _, rv := range revs {
			d.Revisions = append(d.Revisions, revisionView{Version: rv.Version, Title: rv.Title,
				Date: p.L.DateTime(rv.CreatedAt), DateISO: rv.CreatedAt.UTC().Format(time.RFC3339), Author: names[rv.AuthorID]})
		}
		ts, err := s.Service.Translations(ctx, p.User, a.Key)
		if err != nil {
			return err
		}
		have := map[string]bool{}
		for _, t := range ts {
			have[t.Lang] = true
			if t.ID != a.ID {
				d.Translations = append(d.Translations, langLink{Lang: t.Lang, Name: locale.Name(t.Lang),
					Link: fmt.Sprintf("/console/articles/%d", t.ID)})
			}
		}
		for _, l := range desk.Languages {
			if !have[l] {
				d.Missing = append(d.Missing, langLink{Lang: l, Name: locale.Name(l),
					Link: "/console/articles/new?" + url.Values{"from": {strconv.FormatInt(a.ID, 10)}, "lang": {l}}.Encode()})
			}
		}
		if d.Feedback, err = s.articleFeedback(r, p, a); err != nil {
			return err
		}
	}
	for _, fn := range with {
		fn(d)
	}
	p.Form, p.Data = f, d
	p.Title = "kb.editor.new_title"
	if a != nil {
		p.Title = "kb.editor.edit_title"
	}
	return s.render(w, r, status, "console_article", p)
}

// articleFeedback reads the Feedback section of an article's editor: the
// page of comments ?before= names (the newest without it; a cursor that
// is no vote id shows the newest too, as a link can only be mistyped).
func (s *Server) articleFeedback(r *http.Request, p *Page, a *desk.Article) (*feedbackView, error) {
	before, err := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	if err != nil || before < 0 {
		before = 0
	}
	page, err := s.Service.ArticleVotes(r.Context(), p.User, a.ID,
		desk.VoteQuery{Before: before, Limit: feedbackPageSize, Commented: true})
	if err != nil {
		return nil, err
	}
	f := &feedbackView{Yes: p.L.Number(int64(a.HelpfulYes)), No: p.L.Number(int64(a.HelpfulNo))}
	for _, v := range page.Votes {
		c := commentView{Helpful: v.Helpful, Verdict: p.L.T("kb.feedback.not_helpful"), Text: v.Comment,
			Date: p.L.DateTime(v.CreatedAt), DateISO: v.CreatedAt.UTC().Format(time.RFC3339)}
		if v.Helpful {
			c.Verdict = p.L.T("kb.feedback.helpful")
		}
		f.Comments = append(f.Comments, c)
	}
	link := fmt.Sprintf("/console/articles/%d", a.ID)
	if page.Next != 0 {
		f.Older = link + "?before=" + strconv.FormatInt(page.Next, 10) + "#feedback"
	}
	if before != 0 {
		f.Newest = link + "#feedback"
	}
	return f, nil
}

// deflectionDays is the report's default period, ending today.
const deflectionDays = 30

// dateLayout is the value format of a date field.
const dateLayout = "2006-01-02"

// deflectionRow is a row of the report in the reader's numbers.
type deflectionRow struct {
	Product, Lang                                                            string
	Sessions, WithSuggestions, Opened, Helpful, CasesOpened, Deflected, Rate string
}

// deflectionData is the deflection report.
type deflectionData struct {
	From, To string
	Rows     []deflectionRow
	Total    *deflectionRow
}

// consoleDeflection shows, per product and language, how many "Need
// help?" sessions of a period ended without a case, for supervisors. The
// period is whole days in the reader's zone, the last 30 by default.
func (s *Server) consoleDeflection(w http.ResponseWriter, r *http.Request, p *Page) error {
	if !p.User.IsSupervisor() {
		return desk.Errorf(desk.EFORBIDDEN, "supervisor_only", "only supervisors see the deflection report")
	}
	zone := zoneOf(p.L)
	now := s.Service.Clock.Now().In(zone)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, zone)
	from, to := today.AddDate(0, 0, -(deflectionDays-1)), today
	q := r.URL.Query()
	f := NewForm(url.Values{})
	if v := q.Get("from"); v != "" {
		if t, err := time.ParseInLocation(dateLayout, v, zone); err == nil {
			from = t
		} else {
			f.Fail("from", "kb.editor.invalid")
		}
	}
	if v := q.Get("to"); v != "" {
		if t, err := time.ParseInLocation(dateLayout, v, zone); err == nil {
			to = t
		} else {
			f.Fail("to", "kb.editor.invalid")
		}
	}
	if f.OK() && to.Before(from) {
		f.Fail("to", "kb.deflection.bad_range")
	}
	f.Values.Set("from", from.Format(dateLayout))
	f.Values.Set("to", to.Format(dateLayout))
	d := &deflectionData{From: from.Format(dateLayout), To: to.Format(dateLayout)}
	p.Title, p.Data, p.Form = "kb.deflection.title", d, f
	if !f.OK() {
		return s.render(w, r, http.StatusBadRequest, "console_deflection", p)
	}
	rows, err := s.Service.DeflectionReport(r.Context(), p.User, from, to.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	names := map[string]string{}
	if ps, err := s.Service.Products(r.Context(), p.User); err == nil {
		for _, pr := range ps {
			names[pr.Code] = pr.Name
		}
	}
	var total desk.DeflectionRow
	for _, row := range rows {
		name := names[row.Product]
		switch {
		case row.Product == "":
			name = p.L.T("kb.deflection.no_product")
		case name == "":
			name = row.Product
		}
		v := deflectionView(p.L, row)
		v.Product, v.Lang = name, locale.Name(row.Lang)
		if v.Lang == "" {
			v.Lang = row.Lang
		}
		d.Rows = append(d.Rows, v)
		total.Sessions += row.Sessions
		total.WithSuggestions += row.WithSuggestions
		total.Opened += row.Opened
		total.Helpful += row.Helpful
		total.CasesOpened += row.CasesOpened
		total.Deflected += row.Deflected
	}
	if len(rows) > 1 {
		if total.WithSuggestions > 0 {
			total.Rate = float64(total.Deflected) / float64(total.WithSuggestions)
		}
		t := deflectionView(p.L, total)
		t.Product = p.L.T("kb.deflection.total")
		d.Total = &t
	}
	return s.render(w, r, http.StatusOK, "console_deflection", p)
}

// deflectionView formats a row's counts in the reader's digits.
func deflectionView(l *locale.Locale, row desk.DeflectionRow) deflectionRow {
	n := func(i int) string { return l.Number(int64(i)) }
	return deflectionRow{
		Sessions: n(row.Sessions), WithSuggestions: n(row.WithSuggestions), Opened: n(row.Opened),
		Helpful: n(row.Helpful), CasesOpened: n(row.CasesOpened), Deflected: n(row.Deflected),
		Rate: l.Decimal(row.Rate*100, 1) + " %",
	}
}
