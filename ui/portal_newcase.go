package ui

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"desk"
	"desk/help"
	"desk/locale"
)

// Upload bounds of a form: at most maxFiles files, each within the
// service's attachment limit. Parts of the form beyond multipartMemory
// go to temporary files, which are removed when the request ends.
const (
	maxFiles        = 10
	multipartMemory = 8 << 20
)

// relatedLimit is how many look-alike open cases the form asks about.
const relatedLimit = 5

// caseFormFields are the fields of the case form a problem can be shown
// next to; any other problem is shown above the form.
var caseFormFields = []string{
	"product", "category", "title", "description", "severity", "business_impact",
	"contact_name", "contact_phone", "contact_email", "contact_method", "language", "files", "related",
}

// portalChoice is one option of a select or radio group.
type portalChoice struct {
	Value, Label, Hint string
}

// partnerView is a partner that sold some of the organisation's
// subscriptions, with the products it sold.
type partnerView struct {
	Name, Email, Phone, URL, Products string
	Tel                               template.URL
}

// waitTable is the expected waits of one product, one row per level.
type waitTable struct {
	Product, ProductName string
	Rows                 []waitRow
}

// waitRow is the expected first answer at one level. Summary is the
// sentence the form shows for the chosen product and level; the script
// copies it when the choice changes.
type waitRow struct {
	Severity, Level, Text, Summary string
}

// caseFormData is what the case form shows.
type caseFormData struct {
	SupportIncluded bool
	Upgrades        []upgradeView
	Partners        []partnerView
	Products        []portalChoice
	Categories      []portalChoice
	Severities      []sevOption
	Methods         []portalChoice
	Languages       []portalChoice
	// Waits are the expected first answers per product and level, and
	// Current the one for the chosen product and level.
	Waits   []waitTable
	Current string
	// Incidents are the known issues going on with the organisation's
	// services, shown before the form: the case may be one of them.
	Incidents []*desk.Incident
	// MethodNotes say how the answer comes for each contact method.
	MethodNotes []portalChoice
	// Related are open cases that look like the new one; when set, the
	// form asks whether the new case is about one of them.
	Related []portalCaseRow
	// DutyLevels are the customer's duties per level, for the "your part"
	// box, with the notes of the seed's table.
	DutyLevels []sevOption
	TopLabel   string
	CapLabel   string
	// Scheme is the installation's severity scheme, for its own notes.
	Scheme   string
	IdemKey  string
	MaxBytes int64
	MaxSize  string
	MaxFiles int
	// FilesDropped is set when the form comes back after files were
	// chosen: browsers do not keep them, so the reader must add them again.
	FilesDropped bool
	// RelatedAnswered carries "this is a new problem" through a form shown
	// again for another reason, so that the question is not asked twice.
	RelatedAnswered bool
	// HelpSession is the "Need help?" session the form was reached
	// from, carried so that the case is counted against its suggestions.
	HelpSession string
}

// newIdemKey returns a random idempotency key for one rendering of the
// case form: submitting that form twice, by a double click or a reload
// after a lost answer, opens one case.
func newIdemKey() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// validIdemKey reports whether k is a key newIdemKey could have made; any
// other value from a client is replaced rather than trusted.
func validIdemKey(k string) bool {
	if len(k) != 32 {
		return false
	}
	_, err := hex.DecodeString(k)
	return err == nil
}

// attachmentLimit is the largest file the desk accepts.
func (s *Server) attachmentLimit() int64 {
	if s.Service.AttachmentLimit > 0 {
		return s.Service.AttachmentLimit
	}
	return desk.DefaultAttachmentLimit
}

// portalNewCase shows the case form, filled in with what the reader wrote in
// "Need help?" and their own contact details.
func (s *Server) portalNewCase(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := requireSupportPrivilege(p.User); err != nil {
		return err
	}
	opts, err := s.Service.SupportOptions(r.Context(), p.User)
	if err != nil {
		return err
	}
	text := portalClip(r.URL.Query().Get("text"), maxQuery)
	lang := p.User.Language
	if !slices.Contains(desk.Languages, lang) {
		lang = opts.Org.Language
	}
	v := url.Values{
		"category": {string(desk.CategoryTechnical)}, "severity": {string(desk.SeverityNormal)},
		"contact_method": {string(desk.ContactEmail)}, "language": {lang},
		"contact_name": {p.User.Name}, "contact_email": {p.User.Email},
		"description": {text}, "title": {firstLine(text, 80)},
	}
	if hs := helpSessionOf(r); hs != "" {
		v.Set("hs", hs)
	}
	v.Set("product", guessProduct(opts.Supported(), text))
	return s.renderCaseForm(w, r, p, NewForm(v), opts, http.StatusOK, nil)
}

// guessProduct picks the product a description names ("the Mails bounce"
// names Mail), or the first product with support when it names none or
// several.
func guessProduct(sup []desk.Entitlement, text string) string {
	if len(sup) == 0 {
		return ""
	}
	words := help.Words(text)
	var named []string
	for _, e := range sup {
		for _, w := range help.Words(e.Product.Name + " " + e.Product.Code) {
			if slices.Contains(words, w) && !slices.Contains(named, e.Product.Code) {
				named = append(named, e.Product.Code)
			}
		}
	}
	if len(named) == 1 {
		return named[0]
	}
	return sup[0].Product.Code
}

// renderCaseForm shows the case form with the state of f.
func (s *Server) renderCaseForm(w http.ResponseWriter, r *http.Request, p *Page, f *Form, opts *desk.SupportOptions, status int, with func(*caseFormData)) error {
	d, err := s.caseFormData(r, p, f, opts)
	if err != nil {
		return err
	}
	if with != nil {
		with(d)
	}
	h, err := s.Service.OrgHealth(r.Context(), p.User)
	if err != nil {
		return err
	}
	d.Incidents = h.Incidents
	p.Title, p.Form, p.Data = "portal.new.title", f, d
	return s.render(w, r, status, "portal_case_new", p)
}

// caseFormData prepares the case form for the organisation's
// subscriptions: the products, levels and contact methods to choose
// from, with the expected waits of each, and the partners to try first.
func (s *Server) caseFormData(r *http.Request, p *Page, f *Form, opts *desk.SupportOptions) (*caseFormData, error) {
	l := p.L
	d := &caseFormData{
		SupportIncluded: opts.SupportIncluded(), Upgrades: upgrades(opts),
		TopLabel: s.sevLabel(l, desk.SeverityCritical), CapLabel: s.sevLabel(l, desk.SeverityHigh),
		MaxBytes: s.attachmentLimit(), MaxSize: portalSize(l, s.attachmentLimit()), MaxFiles: maxFiles,
		IdemKey: f.Get("idempotency_key"), RelatedAnswered: f.Get("related") == "new", Scheme: s.sevScheme(),
	}
	if validHelpSession(f.Get("hs")) {
		d.HelpSession = f.Get("hs")
	}
	if !validIdemKey(d.IdemKey) {
		d.IdemKey = newIdemKey()
	}
	for _, pp := range opts.Partners() {
		var names []string
		for _, pr := range pp.Products {
			names = append(names, pr.Name)
		}
		d.Partners = append(d.Partners, partnerView{Name: pp.Partner.Name, Email: pp.Partner.Email,
			Phone: pp.Partner.Phone, Tel: telLink(pp.Partner.Phone), URL: safeURL(pp.Partner.URL), Products: strings.Join(names, ", ")})
	}
	if !d.SupportIncluded {
		return d, nil
	}
	top := desk.SeverityLow
	// channels counts the subscriptions that include each channel.
	channels := map[desk.Channel]int{}
	for _, e := range opts.Supported() {
		d.Products = append(d.Products, portalChoice{Value: e.Product.Code, Label: e.Product.Name,
			Hint: l.T("portal.new.plan", "plan", e.Plan.Name)})
		if e.MaxSeverity().Above(top) {
			top = e.MaxSeverity()
		}
		for _, ch := range e.Plan.Channels {
			channels[ch]++
		}
	}
	for _, c := range []desk.Category{desk.CategoryTechnical, desk.CategoryBilling, desk.CategoryPresales} {
		d.Categories = append(d.Categories, portalChoice{Value: string(c), Label: l.T("category." + string(c)),
			Hint: l.T("portal.new.category_hint."+string(c), "cap", d.CapLabel)})
	}
	d.Severities = s.sevOptions(l, top)
	d.DutyLevels = d.Severities
	for _, m := range []desk.ContactMethod{desk.ContactEmail, desk.ContactPhone, desk.ContactChat} {
		c := portalChoice{Value: string(m), Label: l.T("contact." + string(m))}
		switch n := channels[m.Channel()]; {
		case n == 0:
			c.Hint = l.T("portal.wait.not_included")
		case n < len(d.Products):
			c.Hint = l.T("portal.new.method_not_in_plan")
		}
		d.Methods = append(d.Methods, c)
		d.MethodNotes = append(d.MethodNotes, portalChoice{Value: string(m), Label: l.T("portal.wait.method." + string(m))})
	}
	for _, lang := range desk.Languages {
		d.Languages = append(d.Languages, portalChoice{Value: lang, Label: locale.Name(lang)})
	}
	waits, err := s.Service.ExpectedWaits(r.Context(), p.User)
	if err != nil {
		return nil, err
	}
	now := s.Service.Clock.Now()
	for _, pr := range d.Products {
		t := waitTable{Product: pr.Value, ProductName: pr.Label}
		for _, o := range d.Severities {
			row := waitRow{Severity: o.Value, Level: o.Label, Text: l.T("portal.wait.not_included")}
			row.Summary = l.T("portal.wait.summary_refused", "product", pr.Label, "level", o.Label)
			for _, wt := range waits {
				if wt.Product == pr.Value && string(wt.Severity) == o.Value {
					row.Text = waitText(l, now, wt)
					row.Summary = l.T("portal.wait.summary", "product", pr.Label, "level", o.Label, "wait", row.Text)
				}
			}
			if pr.Value == f.Get("product") && o.Value == f.Get("severity") {
				d.Current = row.Summary
			}
			t.Rows = append(t.Rows, row)
		}
		d.Waits = append(d.Waits, t)
	}
	if d.Current == "" {
		d.Current = l.T("portal.wait.choose")
	}
	return d, nil
}

// safeURL returns u if it is an http or https address, else "": a
// partner's address becomes a link, and a javascript: one must not.
func safeURL(u string) string {
	x, err := url.Parse(u)
	if err != nil || (x.Scheme != "https" && x.Scheme != "http") || x.Host == "" {
		return ""
	}
	return x.String()
}

// waitText says how long a first answer takes, in the reader's words:
// "within 8 hours, round the clock; if you send it now, by today at
// 18:30".
func waitText(l *locale.Locale, now time.Time, w *desk.ExpectedWait) string {
	if w.Target.IsZero() {
		return l.T("portal.wait.none")
	}
	var target string
	switch {
	case w.Target.BusinessDays > 0:
		target = l.T("portal.wait.days", "count", w.Target.BusinessDays)
	case w.Target.Minutes%60 == 0:
		target = l.T("portal.wait.hours", "count", w.Target.Minutes/60)
	default:
		target = l.T("portal.wait.minutes", "count", w.Target.Minutes)
	}
	// The target and its clock are joined by a comma in every language
	// the interface has.
	clock := l.T("portal.wait.business_hours")
	if w.RoundTheClock {
		clock = l.T("portal.wait.round_the_clock")
	}
	target += ", " + clock
	if w.By == nil {
		return target
	}
	return l.T("portal.wait.target_by", "target", target, "when", portalWhen(l, now, *w.By))
}

// portalCreateCase opens a case from the form: it checks the form, asks about
// look-alike open cases once, opens the case with the form's idempotency
// key and attaches the files. Every problem shows the form again with
// what was typed and the problem next to its field.
func (s *Server) portalCreateCase(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := requireSupportPrivilege(p.User); err != nil {
		return err
	}
	ctx := r.Context()
	limit := s.attachmentLimit()
	r.Body = http.MaxBytesReader(w, r.Body, maxFiles*limit+multipartMemory)
	tooLarge := false
	switch err := r.ParseMultipartForm(multipartMemory); {
	case err == nil, errors.Is(err, http.ErrNotMultipart):
	default:
		var mbe *http.MaxBytesError
		if !errors.As(err, &mbe) {
			return desk.Errorf(desk.EINVALID, "bad_form", "the form could not be read")
		}
		tooLarge = true
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	f := NewForm(r.PostForm)
	opts, err := s.Service.SupportOptions(ctx, p.User)
	if err != nil {
		return err
	}
	if !opts.SupportIncluded() {
		return s.renderCaseForm(w, r, p, f, opts, http.StatusForbidden, nil)
	}
	var files []*multipart.FileHeader
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["files"] {
			// A file input left empty still sends a part without a name.
			if fh.Filename != "" || fh.Size > 0 {
				files = append(files, fh)
			}
		}
	}
	in := desk.NewCase{
		Product: f.Get("product"), Category: desk.Category(f.Get("category")),
		Severity: desk.Severity(f.Get("severity")), Title: strings.TrimSpace(f.Get("title")),
		Description: f.Get("description"), Language: f.Get("language"),
		BusinessImpact: strings.TrimSpace(f.Get("business_impact")),
		ContactMethod:  desk.ContactMethod(f.Get("contact_method")),
		ContactName:    strings.TrimSpace(f.Get("contact_name")),
		ContactPhone:   strings.TrimSpace(f.Get("contact_phone")),
		ContactEmail:   strings.TrimSpace(f.Get("contact_email")),
	}
	droppedFiles := func(d *caseFormData) { d.FilesDropped = len(files) > 0 || tooLarge }
	s.checkCase(p, f, in, opts, files, tooLarge)
	if f.OK() {
		// The plan's rules, before anything else is asked: a refused
		// severity or channel is better known before the question about
		// related cases.
		if _, err := s.Service.ExpectedWait(ctx, p.User, in.Product, in.Severity, in.ContactMethod); err != nil && !s.portalFail(p, f, err, caseFormFields, opts) {
			return err
		}
	}
	if !f.OK() {
		return s.renderCaseForm(w, r, p, f, opts, http.StatusUnprocessableEntity, droppedFiles)
	}

	switch related := f.Get("related"); related {
	case "":
		rel, err := s.Service.RelatedCases(ctx, p.User, in.Title, relatedLimit)
		if err != nil {
			return err
		}
		if len(rel) > 0 && !repeated(rel, p.User, in, s.Service.Clock.Now()) {
			// Asked once and left unanswered, the question comes back
			// marked: the reader must say which it is.
			status := http.StatusOK
			if f.Get("related_asked") != "" {
				f.Fail("related", "portal.err.related_required")
				status = http.StatusUnprocessableEntity
			}
			return s.renderCaseForm(w, r, p, f, opts, status, func(d *caseFormData) {
				d.Related = s.portalCaseRows(r, p, rel, nil)
				droppedFiles(d)
			})
		}
	case "new":
	default:
		return s.addToCase(w, r, p, f, opts, related, in, files)
	}

	key := f.Get("idempotency_key")
	if !validIdemKey(key) {
		key = ""
	}
	in.Channel = "portal"
	c, created, err := s.Service.OpenCase(ctx, p.User, in, key)
	if desk.ErrorCode(err) == "idempotency_key_reused" {
		// The same form was sent before with other content: the first one
		// opened a case already. A fresh key lets this one open its own.
		f.Values.Set("idempotency_key", newIdemKey())
		f.Fail("form", "portal.err.idempotency_key_reused")
		return s.renderCaseForm(w, r, p, f, opts, http.StatusConflict, droppedFiles)
	}
	if err != nil {
		if !s.portalFail(p, f, err, caseFormFields, opts) {
			return err
		}
		return s.renderCaseForm(w, r, p, f, opts, http.StatusUnprocessableEntity, droppedFiles)
	}
	flash := "opened"
	// A repeated form finds the case the first one opened, with its files.
	if created && s.attachFiles(ctx, p.User, c.ID, files) > 0 {
		flash = "opened_files"
	}
	if hs := f.Get("hs"); created && validHelpSession(hs) {
		// The articles of the session did not spare this case.
		s.recordHelp(ctx, p, desk.HelpEvent{Session: hs, Kind: desk.HelpCaseOpened})
	}
	return portalRedirect(w, r, fmt.Sprintf("/cases/%d", c.ID), flash)
}

// repeatWindow is how recent a case with the very same content must be
// for a form to count as sent again rather than as a new problem.
const repeatWindow = 10 * time.Minute

// repeated reports whether the form repeats one of the look-alike cases
// word for word: the reader's own case with the same product, title and
// description, opened moments ago. That is a form sent twice (a double
// click, a reload, a retry after a lost answer), not a related problem, so
// the question is not asked, and the desk's idempotency key finds the case
// the first sending opened.
func repeated(rel []*desk.Case, actor *desk.User, in desk.NewCase, now time.Time) bool {
	for _, c := range rel {
		if c.CreatedBy == actor.ID && c.Product == in.Product && c.Title == in.Title &&
			c.Description == in.Description && now.Sub(c.CreatedAt) < repeatWindow {
			return true
		}
	}
	return false
}

// addToCase adds a new problem's description and files to an open case
// the reader chose when asked whether the new case repeats it.
func (s *Server) addToCase(w http.ResponseWriter, r *http.Request, p *Page, f *Form, opts *desk.SupportOptions, related string, in desk.NewCase, files []*multipart.FileHeader) error {
	ctx := r.Context()
	var c *desk.Case
	id, err := strconv.ParseInt(related, 10, 64)
	if err != nil {
		err = desk.NotFound("case")
	} else {
		c, err = s.Service.Case(ctx, p.User, id)
	}
	if err != nil {
		if desk.ErrorKind(err) != desk.ENOTFOUND {
			return err
		}
		// The id is not a case the reader may see (edited, or from another
		// organisation): ask again rather than guess.
		f.Values.Del("related")
		f.Values.Del("related_asked")
		f.Fail("form", "portal.err.related_gone")
		return s.renderCaseForm(w, r, p, f, opts, http.StatusUnprocessableEntity, nil)
	}
	body := in.Description
	if !strings.Contains(body, in.Title) {
		body = in.Title + "\n\n" + body
	}
	if _, err := s.Service.AddMessage(ctx, p.User, c.ID, desk.Reply{Body: body}); err != nil {
		if !s.portalFail(p, f, err, caseFormFields, opts) {
			return err
		}
		return s.renderCaseForm(w, r, p, f, opts, http.StatusUnprocessableEntity, nil)
	}
	flash := "added"
	if s.attachFiles(ctx, p.User, c.ID, files) > 0 {
		flash = "opened_files"
	}
	if hs := f.Get("hs"); validHelpSession(hs) {
		// Adding to an open case is contacting support all the same.
		s.recordHelp(ctx, p, desk.HelpEvent{Session: hs, Kind: desk.HelpCaseOpened})
	}
	return portalRedirect(w, r, fmt.Sprintf("/cases/%d", c.ID), flash)
}

// checkCase finds every problem of the form that needs no round trip to
// the desk, so that the reader sees them all at once rather than one per
// submit. The desk checks the same rules again when the case is opened.
func (s *Server) checkCase(p *Page, f *Form, in desk.NewCase, opts *desk.SupportOptions, files []*multipart.FileHeader, tooLarge bool) {
	args := s.portalErrArgs(p)
	fail := func(field, code string) { f.Fail(field, "portal.err."+code, args...) }
	switch {
	case in.Product == "":
		fail("product", "product_required")
	case !slices.ContainsFunc(opts.Supported(), func(e desk.Entitlement) bool { return e.Product.Code == in.Product }):
		fail("product", "product_not_subscribed")
	}
	if !in.Category.Valid() {
		fail("category", "invalid_category")
	}
	for _, t := range []struct {
		field, v string
		max      int
	}{
		{"title", in.Title, desk.MaxTitleLen},
		{"description", in.Description, desk.MaxDescriptionLen},
	} {
		switch {
		case strings.TrimSpace(t.v) == "":
			fail(t.field, t.field+"_required")
		case utf8.RuneCountInString(t.v) > t.max:
			fail(t.field, t.field+"_too_long")
		}
	}
	if !in.Severity.Valid() {
		fail("severity", "invalid_severity")
	}
	if in.Severity == desk.SeverityCritical && in.BusinessImpact == "" {
		fail("business_impact", "business_impact_required")
	}
	if !in.ContactMethod.Valid() {
		fail("contact_method", "invalid_contact_method")
	}
	if (in.Severity == desk.SeverityCritical || in.ContactMethod == desk.ContactPhone) && in.ContactPhone == "" {
		fail("contact_phone", "contact_phone_required")
	}
	if !slices.Contains(desk.Languages, in.Language) {
		fail("language", "invalid_language")
	}
	switch {
	case tooLarge:
		fail("files", "files_too_large")
	case len(files) > maxFiles:
		fail("files", "too_many_files")
	}
	for _, fh := range files {
		if fh.Size > s.attachmentLimit() {
			f.Fail("files", "portal.err.file_too_large", append(args, "name", fh.Filename)...)
		} else if fh.Size == 0 {
			f.Fail("files", "portal.err.file_empty", append(args, "name", fh.Filename)...)
		}
	}
}

// portalErrArgs are the values every problem message may name: the levels of
// the installation's scheme and the upload limits.
func (s *Server) portalErrArgs(p *Page) []any {
	return []any{
		"top", s.sevLabel(p.L, desk.SeverityCritical), "cap", s.sevLabel(p.L, desk.SeverityHigh),
		"size", portalSize(p.L, s.attachmentLimit()), "files", maxFiles, "name", "",
	}
}

// portalFail records a refusal of the desk on the form: next to the field
// it names when the form has that field, above the form otherwise, in the
// reader's language (portal.err.<code>, or a general message for a code
// the catalogue does not know), with the way forward when the refusal has
// one. It reports false for errors that are not about the form (not
// found, forbidden, internal), which the caller returns as they are.
func (s *Server) portalFail(p *Page, f *Form, err error, fields []string, opts *desk.SupportOptions) bool {
	var e *desk.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Kind {
	case desk.EINTERNAL, desk.ENOTFOUND, desk.EFORBIDDEN, desk.EUNAUTHORIZED:
		return false
	}
	field := e.Field
	if !slices.Contains(fields, field) {
		field = "form"
	}
	key := "portal.err." + e.Code
	if !p.L.Has(key) {
		key = "portal.err.generic"
	}
	args := s.portalErrArgs(p)
	if e.UpgradePath == "" {
		f.Fail(field, key, args...)
		return true
	}
	reason := p.L.T(key, args...)
	plan, partner := e.UpgradePath, ""
	if opts != nil {
		for _, en := range opts.Entitlements {
			if en.Upgrade != nil && en.Upgrade.Code == e.UpgradePath {
				plan = en.Upgrade.Name
				if en.Partner != nil {
					partner = en.Partner.Name
				}
			}
		}
	}
	if partner != "" {
		f.Fail(field, "portal.err.with_upgrade_partner", "reason", reason, "plan", plan, "partner", partner)
	} else {
		f.Fail(field, "portal.err.with_upgrade", "reason", reason, "plan", plan)
	}
	return true
}

// attachFiles adds uploaded files to a case and returns how many failed.
func (s *Server) attachFiles(ctx context.Context, actor *desk.User, caseID int64, files []*multipart.FileHeader) int {
	failed := 0
	for _, fh := range files {
		if err := s.attachFile(ctx, actor, caseID, fh); err != nil {
			failed++
			if desk.ErrorKind(err) == desk.EINTERNAL {
				s.logger().ErrorContext(ctx, "attach file", "case", caseID, "err", err)
			}
		}
	}
	return failed
}

// attachFile adds one uploaded file to a case.
func (s *Server) attachFile(ctx context.Context, actor *desk.User, caseID int64, fh *multipart.FileHeader) error {
	file, err := fh.Open()
	if err != nil {
		return err
	}
	defer file.Close()
	_, err = s.Service.AddAttachment(ctx, actor, caseID, fh.Filename, safeContentType(fh.Header.Get("Content-Type")), file)
	return err
}

// safeContentType keeps a client's content type only if it is well formed;
// it is stored for the download, never trusted to decide how a file is
// shown.
func safeContentType(ct string) string {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt == "" {
		return "application/octet-stream"
	}
	return mime.FormatMediaType(mt, params)
}
