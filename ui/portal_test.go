package ui

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"desk"
	"desk/locale"
	"desk/phones"
)

// portalFile is a file a test uploads.
type portalFile struct {
	field, name, content string
}

// postMultipart sends a multipart form as a same-origin browser would.
func (b *browser) postMultipart(path string, form url.Values, files ...portalFile) page {
	b.s.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	for _, f := range files {
		fw, err := w.CreateFormFile(f.field, f.name)
		if err != nil {
			b.s.t.Fatal(err)
		}
		io.WriteString(fw, f.content)
	}
	w.Close()
	req, _ := http.NewRequest("POST", b.s.ts.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

// portalUser returns a demo user.
func (s *site) portalUser(email string) *desk.User {
	s.t.Helper()
	u, err := s.svc.Store.UserByEmail(s.ctx, email)
	if err != nil {
		s.t.Fatal(err)
	}
	return u
}

// portalCaseByTitle returns the organisation's case with the title.
func (s *site) portalCaseByTitle(email, title string) *desk.Case {
	s.t.Helper()
	page, err := s.svc.Cases(s.ctx, s.portalUser(email), desk.CaseFilter{Limit: desk.MaxPageSize})
	if err != nil {
		s.t.Fatal(err)
	}
	for _, c := range page.Items {
		if c.Title == title {
			return c
		}
	}
	s.t.Fatalf("%s sees no case %q", email, title)
	return nil
}

var idemKeyRE = regexp.MustCompile(`name="idempotency_key" value="([0-9a-f]{32})"`)

// newCaseForm loads the case form and returns its idempotency key.
func (b *browser) newCaseForm() string {
	b.s.t.Helper()
	p := b.get("/cases/new")
	if p.status != http.StatusOK {
		b.s.t.Fatalf("/cases/new: %d\n%s", p.status, p.body)
	}
	m := idemKeyRE.FindStringSubmatch(p.body)
	if m == nil {
		b.s.t.Fatalf("no idempotency key on the form:\n%s", p.body)
	}
	return m[1]
}

// contosoCase is a valid case form for Contoso (Business, through a
// partner) with a title unlike any of its open cases.
func contosoCase(key string) url.Values {
	return url.Values{
		"idempotency_key": {key}, "product": {"drive"}, "category": {"technical"},
		"title":       {"Ordner im Drive lässt sich nicht umbenennen"},
		"description": {"Beim Umbenennen des Ordners Projekte erscheint 'Vorgang fehlgeschlagen'."},
		"severity":    {"normal"}, "contact_name": {"Carl Becker"}, "contact_email": {"carl@contoso.example"},
		"contact_phone": {""}, "contact_method": {"email"}, "language": {"de"}, "business_impact": {""},
	}
}

func location(t *testing.T, p page, prefix string) string {
	t.Helper()
	loc := p.header.Get("Location")
	if p.status != http.StatusSeeOther || !strings.HasPrefix(loc, prefix) {
		t.Fatalf("want 303 to %s…, got %d → %q\n%s", prefix, p.status, loc, p.body)
	}
	return loc
}

var caseLocation = regexp.MustCompile(`^/cases/(\d+)\?flash=`)

// TestPortalOpenCase: a support admin opens a case through the form with a
// file, lands on its page with a confirmation, finds it in the inbox and
// downloads the file.
func TestPortalOpenCase(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn("carl@contoso.example")
	form := b.get("/cases/new")
	form.has(t, `id="case-form"`, `enctype="multipart/form-data"`, `data-once`, `id="submit-case"`,
		`class="field dropzone" data-max-bytes="26214400"`, `name="files"`, "Northwind Partners",
		"49 30 5557 1200", `href="tel:&#43;493055571200"`, `href="#case-form"`)
	// The partner comes first, before the form.
	if strings.Index(form.body, "Northwind Partners") > strings.Index(form.body, `id="case-form"`) {
		t.Error("the partner's details are not shown before the form")
	}
	// Business allows no chat, and critical needs an extended contract:
	// both are said before anything is sent. The severities are in the
	// installation's scheme with the seeds' definitions.
	de := locale.For("de", nil)
	form.has(t, de.T("portal.sev.abc.critical"), de.T("portal.sev.abc.critical.def"), de.T("portal.sev.needs_extended"),
		de.T("portal.duty.resources"), `aria-describedby="contact_method-chat-hint"`, "25\u00a0MB", `id="expected-wait"`)
	if !regexp.MustCompile(`id="contact_method-chat-hint">` + regexp.QuoteMeta(de.T("portal.wait.not_included"))).MatchString(form.body) {
		t.Error("chat is not said to be outside Contoso's plans")
	}
	// A description that names a product picks it.
	b.get("/cases/new?text="+url.QueryEscape("Unsere Mails kommen zurück")).has(t, `<option value="mail" selected>`)
	b.get("/cases/new?text="+url.QueryEscape("Der Ordner im Drive fehlt")).has(t, `<option value="drive" selected>`)
	key := idemKeyRE.FindStringSubmatch(form.body)[1]

	p := b.postMultipart("/cases", contosoCase(key), portalFile{"files", "fehler.txt", "Vorgang fehlgeschlagen (0x80070005)"})
	loc := location(t, p, "/cases/")
	m := caseLocation.FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("redirect %q", loc)
	}
	page := b.get(loc)
	page.has(t, "Ordner im Drive lässt sich nicht umbenennen", de.T("portal.flash.opened"), "fehler.txt",
		`id="reply"`, `id="upload"`, `data-upload-progress`, `id="close"`, `id="sla"`)
	page.lacks(t, `id="action-banner"`, `id="rate"`)
	if c := s.portalCaseByTitle("carl@contoso.example", "Ordner im Drive lässt sich nicht umbenennen"); c.Source != "portal" {
		t.Errorf("a case opened in the portal has source %q", c.Source)
	}

	inbox := b.get("/cases")
	inbox.has(t, `<table id="cases">`, `href="/cases/`+m[1]+`"`, "Ordner im Drive lässt sich nicht umbenennen")

	link := regexp.MustCompile(`href="(/cases/` + m[1] + `/attachments/[0-9a-f]+)"`).FindStringSubmatch(page.body)
	if link == nil {
		t.Fatal("no download link")
	}
	dl := b.get(link[1])
	if dl.status != http.StatusOK || dl.body != "Vorgang fehlgeschlagen (0x80070005)" ||
		!strings.HasPrefix(dl.header.Get("Content-Disposition"), "attachment") ||
		dl.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("download: %d %q %v", dl.status, dl.body, dl.header)
	}
	// The file of one case is not reachable under another.
	other := s.portalCaseByTitle("carl@contoso.example", "Sync-Client meldet Konflikte bei Excel-Dateien")
	wrong := strings.Replace(link[1], "/cases/"+m[1]+"/", fmt.Sprintf("/cases/%d/", other.ID), 1)
	if p := b.get(wrong); p.status != http.StatusNotFound {
		t.Errorf("attachment under another case: %d", p.status)
	}
}

// TestPortalCaseFormErrors: a form with problems comes back with what was
// typed and each problem next to its field; a severity the plan refuses
// says why and what would allow it.
func TestPortalCaseFormErrors(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn("carl@contoso.example")
	key := b.newCaseForm()
	de := locale.For("de", nil)

	v := contosoCase(key)
	v.Set("title", "")
	v.Set("description", "")
	v.Set("severity", "critical")
	v.Set("contact_name", "Carl B. <Admin>")
	p := b.postMultipart("/cases", v)
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty form: %d", p.status)
	}
	p.has(t, `id="title-error"`, `id="description-error"`, `id="business_impact-error"`, `id="contact_phone-error"`,
		`aria-invalid="true"`, `aria-describedby="title-hint title-error"`, `value="Carl B. &lt;Admin&gt;"`,
		`value="`+key+`"`, de.T("portal.err.title_required"), de.T("form.fix_fields"))
	// The critical level stays chosen.
	if !regexp.MustCompile(`value="critical"[^>]*\schecked`).MatchString(p.body) {
		t.Error("the chosen severity was not kept")
	}

	v = contosoCase(key)
	v.Set("severity", "critical")
	v.Set("business_impact", "Niemand kann Dateien speichern.")
	v.Set("contact_phone", "+49 30 901 8214")
	p = b.postMultipart("/cases", v)
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("critical on Business: %d", p.status)
	}
	p.has(t, `id="severity-error"`, "Enterprise", "Northwind Partners", "Niemand kann Dateien speichern.")
	if i, j := strings.Index(p.body, `id="severity-error"`), strings.Index(p.body, `id="business_impact"`); i < 0 || i > j {
		t.Error("the severity problem is not next to the severity field")
	}

	// Billing is capped one level below the highest.
	v = contosoCase(key)
	v.Set("category", "billing")
	v.Set("severity", "critical")
	v.Set("business_impact", "x")
	v.Set("contact_phone", "+49 30 901 8214")
	p = b.postMultipart("/cases", v)
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `id="severity-error"`) {
		t.Fatalf("billing critical: %d", p.status)
	}

	// A phone callback needs a number; an address must be one.
	v = contosoCase(key)
	v.Set("contact_method", "phone")
	v.Set("contact_email", "not an address")
	p = b.postMultipart("/cases", v)
	p.has(t, `id="contact_phone-error"`)
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("callback without number: %d", p.status)
	}
	v.Set("contact_phone", "+49 30 901 8214")
	p = b.postMultipart("/cases", v)
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `id="contact_email-error"`) {
		t.Fatalf("bad address: %d", p.status)
	}
	// Nothing was opened on the way.
	page, _ := s.svc.Cases(s.ctx, s.portalUser("carl@contoso.example"), desk.CaseFilter{Query: "umbenennen"})
	if len(page.Items) != 0 {
		t.Errorf("%d cases opened by refused forms", len(page.Items))
	}
}

// TestPortalDoubleSubmit: the same form sent twice opens one case.
func TestPortalDoubleSubmit(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn("carl@contoso.example")
	key := b.newCaseForm()
	first := location(t, b.postMultipart("/cases", contosoCase(key), portalFile{"files", "a.txt", "a"}), "/cases/")
	second := location(t, b.postMultipart("/cases", contosoCase(key), portalFile{"files", "a.txt", "a"}), "/cases/")
	if caseLocation.FindStringSubmatch(first)[1] != caseLocation.FindStringSubmatch(second)[1] {
		t.Fatalf("two cases: %s, %s", first, second)
	}
	page, err := s.svc.Cases(s.ctx, s.portalUser("carl@contoso.example"), desk.CaseFilter{Query: "umbenennen"})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("cases: %d, %v", len(page.Items), err)
	}
	atts, _ := s.svc.Attachments(s.ctx, s.portalUser("carl@contoso.example"), page.Items[0].ID)
	if len(atts) != 1 {
		t.Errorf("%d attachments, want 1", len(atts))
	}
	// The same key with other content is refused, and the form offers a
	// fresh key.
	v := contosoCase(key)
	v.Set("title", "Etwas ganz anderes: Kalender")
	p := b.postMultipart("/cases", v)
	if p.status != http.StatusConflict || strings.Contains(p.body, `value="`+key+`"`) {
		t.Fatalf("reused key: %d", p.status)
	}
}

// TestPortalRelatedCases: a title like an open case's asks whether the
// new problem is that case; the answer decides.
func TestPortalRelatedCases(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn("carl@contoso.example")
	existing := s.portalCaseByTitle("carl@contoso.example", "E-Mails an externe Empfänger bis zu zwei Stunden verzögert")
	key := b.newCaseForm()
	v := contosoCase(key)
	v.Set("product", "mail")
	v.Set("title", "E-Mails an externe Empfänger verzögert")
	v.Set("description", "Heute wieder Verzögerungen von einer Stunde.")
	p := b.postMultipart("/cases", v)
	if p.status != http.StatusOK {
		t.Fatalf("related: %d\n%s", p.status, p.body)
	}
	p.has(t, fmt.Sprintf(`value="%d"`, existing.ID), `id="related-new"`, `name="related_asked"`)

	// Unanswered, the question comes back marked.
	v.Set("related_asked", "1")
	p = b.postMultipart("/cases", v)
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `id="related-error"`) {
		t.Fatalf("unanswered: %d", p.status)
	}

	// About the existing case: the description goes there.
	v.Set("related", strconv.FormatInt(existing.ID, 10))
	loc := location(t, b.postMultipart("/cases", v, portalFile{"files", "log.txt", "queue"}), fmt.Sprintf("/cases/%d?flash=added", existing.ID))
	b.get(loc).has(t, "Heute wieder Verzögerungen von einer Stunde.", "log.txt")

	// A new problem after all.
	v.Set("related", "new")
	v.Set("idempotency_key", b.newCaseForm())
	loc = location(t, b.postMultipart("/cases", v), "/cases/")
	if strings.HasPrefix(loc, fmt.Sprintf("/cases/%d?", existing.ID)) {
		t.Fatal("the new problem went to the existing case")
	}
}

// TestPortalWithoutPrivilege: ordinary users and admins without the
// Support privilege see who their support admins are, never a case form,
// and cannot reach the case pages.
func TestPortalWithoutPrivilege(t *testing.T) {
	s := newSite(t)
	for _, email := range []string{"uma@contoso.example", "bill@contoso.example"} {
		b := s.browser()
		b.signIn(email)
		p := b.get("/")
		if p.status != http.StatusOK {
			t.Fatalf("%s /: %d", email, p.status)
		}
		p.has(t, "carl@contoso.example", "sven@contoso.example", `href="/help"`, `id="help-search"`, `href="https://community.desk.example"`)
		p.lacks(t, `id="need-help"`, `id="case-form"`, `href="/cases/new"`, "bill@contoso.example</a>")
		for _, path := range []string{"/cases/new", "/cases", "/cases/1"} {
			if p := b.get(path); p.status != http.StatusForbidden {
				t.Errorf("%s GET %s: %d", email, path, p.status)
			}
		}
		if p := b.postMultipart("/cases", contosoCase(newIdemKey())); p.status != http.StatusForbidden {
			t.Errorf("%s POST /cases: %d", email, p.status)
		}
		h := b.get("/help?q=password")
		h.has(t, "carl@contoso.example")
		h.lacks(t, `id="contact-support"`)
	}
}

// TestPortalStarter: an organisation without support sees its upgrade
// path and the help resources instead of the form.
func TestPortalStarter(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn("tess@tailspin.example")
	sv := locale.For("sv", nil)
	for _, path := range []string{"/", "/cases/new", "/help?q=l%C3%B6senord"} {
		p := b.get(path)
		if p.status != http.StatusOK {
			t.Fatalf("%s: %d", path, p.status)
		}
		p.has(t, sv.T("portal.upgrade.title"), "Business", "Starter")
		p.lacks(t, `id="case-form"`, `id="need-help"`, `id="contact-support"`)
	}
	p := b.postMultipart("/cases", url.Values{"product": {"mail"}, "title": {"x"}, "description": {"y"}})
	if p.status != http.StatusForbidden || strings.Contains(p.body, `id="case-form"`) {
		t.Errorf("starter post: %d", p.status)
	}
}

// englishFragments returns the longer pieces of the English portal
// messages, between placeholders, for finding English on other pages.
func englishFragments() []string {
	en := locale.For("en", nil)
	ph := regexp.MustCompile(`\{[a-z_]+\}`)
	var out []string
	for _, k := range locale.Keys("en") {
		if !strings.HasPrefix(k, "portal.") {
			continue
		}
		for _, part := range ph.Split(en.T(k), -1) {
			part = strings.TrimSpace(part)
			if len(part) >= 16 && strings.Contains(part, " ") {
				out = append(out, part)
			}
		}
	}
	return out
}

// TestPortalDutch: a Dutch admin reads Dutch on every portal page, with no
// English message left over.
func TestPortalDutch(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn("daan@fabrikam.example")
	c := s.portalCaseByTitle("daan@fabrikam.example", "Agenda-synchronisatie op iPhones stopt na wachtwoordwijziging")
	resolved := s.portalCaseByTitle("daan@fabrikam.example", "Shared drive: new subfolders do not inherit permissions")
	frags := englishFragments()
	if len(frags) < 100 {
		t.Fatalf("only %d English fragments", len(frags))
	}
	for _, path := range []string{"/", "/help?q=wachtwoord", "/help/password-reset", "/cases/new", "/cases",
		"/cases?status=active&sort=due", fmt.Sprintf("/cases/%d", c.ID), fmt.Sprintf("/cases/%d", resolved.ID), "/phone"} {
		p := b.get(path)
		if p.status != http.StatusOK {
			t.Fatalf("%s: %d", path, p.status)
		}
		p.has(t, `<html lang="nl">`)
		p.lacks(t, "⟦")
		for _, f := range frags {
			if strings.Contains(p.body, f) {
				t.Errorf("%s shows English %q", path, f)
			}
		}
	}
	p := b.get("/")
	p.has(t, "Hulp nodig?", "Wacht op u", "Beschrijf het probleem", `id="need-help"`, `id="problem"`,
		"Agenda-synchronisatie op iPhones stopt na wachtwoordwijziging")
	// Cases waiting on the organisation come before the other open ones.
	if strings.Index(p.body, "Agenda-synchronisatie") > strings.Index(p.body, "Uitgaande e-mail blijft in de wachtrij") {
		t.Error("the case waiting on the customer is not listed first")
	}
	// The matched word is marked; the case form gets the text and the
	// help session.
	b.get("/help?q=wachtwoord").has(t, "Het <mark>wachtwoord</mark> van een gebruiker opnieuw instellen", `id="contact-support"`,
		`href="/cases/new?hs=`, `&amp;text=wachtwoord"`)
	b.get("/cases/new?text="+url.QueryEscape("Mijn wachtwoord werkt niet")).has(t, "Mijn wachtwoord werkt niet",
		"Urgentieniveau A", "Een of meer services zijn niet beschikbaar of niet te gebruiken.")
	b.get(fmt.Sprintf("/cases/%d", c.ID)).has(t, `id="action-banner"`, `role="alert"`,
		"We hebben informatie van u nodig", "Om dit na te bootsen hebben we het volgende nodig")
	b.get(fmt.Sprintf("/cases/%d", resolved.ID)).has(t, `id="rate"`, `name="score"`, `value="5"`, "5 – zeer tevreden")
}

// TestPortalOtherOrganisation: a case of another organisation does not
// exist for the reader.
func TestPortalOtherOrganisation(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn("carl@contoso.example")
	c := s.portalCaseByTitle("daan@fabrikam.example", "Uitgaande e-mail blijft in de wachtrij staan – hele organisatie")
	for _, path := range []string{fmt.Sprintf("/cases/%d", c.ID), "/cases/999999", "/cases/abc"} {
		if p := b.get(path); p.status != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, p.status)
		}
	}
	for _, action := range []string{"reply", "close", "rate", "reopen"} {
		if p := b.post(fmt.Sprintf("/cases/%d/%s", c.ID, action), url.Values{"body": {"x"}, "score": {"5"}}); p.status != http.StatusNotFound {
			t.Errorf("POST %s: %d", action, p.status)
		}
	}
}

// TestPortalNoInternalNotes: the customer's case page shows the public
// replies and never staff's internal notes.
func TestPortalNoInternalNotes(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn("carl@contoso.example")
	c := s.portalCaseByTitle("carl@contoso.example", "E-Mails an externe Empfänger bis zu zwei Stunden verzögert")
	p := b.get(fmt.Sprintf("/cases/%d", c.ID))
	p.has(t, "Wir sehen für contoso.example eine", "Jonas Weber")
	p.lacks(t, "Kein Plattformproblem", "TLS-Handshake-Timeouts", "internal")
}

// TestPortalCrossOrigin: a form posted from another site is refused.
func TestPortalCrossOrigin(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn("carl@contoso.example")
	key := b.newCaseForm()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range contosoCase(key) {
		w.WriteField(k, vs[0])
	}
	w.Close()
	req, _ := http.NewRequest("POST", s.ts.URL+"/cases", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if p := b.do(req); p.status != http.StatusForbidden {
		t.Fatalf("cross-site post: %d", p.status)
	}
	page, _ := s.svc.Cases(s.ctx, s.portalUser("carl@contoso.example"), desk.CaseFilter{Query: "umbenennen"})
	if len(page.Items) != 0 {
		t.Error("a cross-site post opened a case")
	}
}

// TestPortalEscapes: what users type is shown as text, never as markup.
func TestPortalEscapes(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn("carl@contoso.example")
	v := contosoCase(b.newCaseForm())
	v.Set("title", `<script>alert(1)</script> Ordner`)
	v.Set("description", `<img src=x onerror=alert(2)>`)
	loc := location(t, b.postMultipart("/cases", v), "/cases/")
	id := caseLocation.FindStringSubmatch(loc)[1]
	if p := b.post("/cases/"+id+"/reply", url.Values{"body": {`<b onclick="x()">hi</b>`}}); p.status != http.StatusSeeOther {
		t.Fatalf("reply: %d", p.status)
	}
	for _, path := range []string{"/cases/" + id, "/cases", "/"} {
		p := b.get(path)
		p.lacks(t, "<script>alert(1)", "<img src=x", `<b onclick`)
		p.has(t, "&lt;script&gt;alert(1)&lt;/script&gt;")
	}
	b.get("/cases/"+id).has(t, "&lt;img src=x onerror=alert(2)&gt;", "&lt;b onclick=&#34;x()&#34;&gt;hi&lt;/b&gt;")
	b.get("/help?q="+url.QueryEscape(`<script>x</script>`)).lacks(t, "<script>x")
}

// TestPortalCaseActions: the customer answers what the agent asked, adds
// a file, closes, rates and reopens cases from their pages.
func TestPortalCaseActions(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn("carl@contoso.example")
	de := locale.For("de", nil)
	waiting := s.portalCaseByTitle("carl@contoso.example", "Sync-Client meldet Konflikte bei Excel-Dateien")
	u := fmt.Sprintf("/cases/%d", waiting.ID)
	p := b.get(u)
	p.has(t, `id="action-banner"`, "Bitte senden Sie uns", de.T("portal.sla.paused"))

	// An empty reply is refused next to its field.
	p = b.post(u+"/reply", url.Values{"body": {"  "}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty reply: %d", p.status)
	}
	p.has(t, `id="body-error"`, `aria-invalid="true"`, de.T("portal.err.body_required"))

	location(t, b.post(u+"/reply", url.Values{"body": {"Version 24.1, Ordner wird von drei Personen synchronisiert."}}), u+"?flash=replied")
	p = b.get(u + "?flash=replied")
	p.has(t, de.T("portal.flash.replied"), "Version 24.1", de.T("status.open"))
	p.lacks(t, `id="action-banner"`)
	if c := s.portalCaseByTitle("carl@contoso.example", waiting.Title); c.Status != desk.StatusOpen {
		t.Errorf("after the reply: %s", c.Status)
	}

	location(t, b.postMultipart(u+"/attachments", nil, portalFile{"file", "sync.log", "conflict at 10:02"}), u+"?flash=uploaded")
	b.get(u).has(t, "sync.log")
	if p := b.postMultipart(u+"/attachments", nil); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `id="file-error"`) {
		t.Errorf("upload without a file: %d", p.status)
	}

	location(t, b.post(u+"/close", nil), u+"?flash=closed")
	p = b.get(u)
	p.has(t, de.T("status.closed"), `id="rate"`)
	p.lacks(t, `id="reply"`, `id="upload"`, `id="close"`)
	if p := b.post(u+"/rate", url.Values{"score": {"9"}}); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `id="score-error"`) {
		t.Errorf("score 9: %d", p.status)
	}
	location(t, b.post(u+"/rate", url.Values{"score": {"4"}, "comment": {"Schnell geholfen."}}), u+"?flash=rated")
	b.get(u).has(t, `id="rating"`, de.T("portal.rate.score4"), "Schnell geholfen.", `value="4" checked`)
	if r, err := s.svc.CaseRating(s.ctx, s.portalUser("carl@contoso.example"), waiting.ID); err != nil || r.Score != 4 {
		t.Errorf("stored rating: %+v, %v", r, err)
	}

	// A resolved case may be reopened.
	resolved := s.portalCaseByTitle("carl@contoso.example", "Delade länkar slutar fungera efter 30 dagar")
	ru := fmt.Sprintf("/cases/%d", resolved.ID)
	b.get(ru).has(t, `id="reopen"`, `id="rate"`)
	location(t, b.post(ru+"/reopen", nil), ru+"?flash=reopened")
	if c := s.portalCaseByTitle("carl@contoso.example", resolved.Title); c.Status != desk.StatusOpen {
		t.Errorf("after reopening: %s", c.Status)
	}
	// Reopening an open case is refused on the page.
	if p := b.post(ru+"/reopen", nil); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `id="form-error"`) {
		t.Errorf("reopen an open case: %d", p.status)
	}
}

// TestPortalInbox: the support inbox filters, sorts and pages through
// every case of the organisation.
func TestPortalInbox(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn("carl@contoso.example")
	carl := s.portalUser("carl@contoso.example")
	for i := range 30 {
		_, _, err := s.svc.OpenCase(s.ctx, carl, desk.NewCase{Product: "drive", Severity: desk.SeverityLow,
			Title: fmt.Sprintf("Testfall %02d", i), Description: "d"}, "")
		if err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.svc.Cases(s.ctx, carl, desk.CaseFilter{Limit: desk.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	rowRE := regexp.MustCompile(`<td><a href="/cases/(\d+)">`)
	ids := func(p page) []string {
		var out []string
		for _, m := range rowRE.FindAllStringSubmatch(p.body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	seen := map[string]bool{}
	next := "/cases"
	for pages := 0; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		p := b.get(next)
		if p.status != http.StatusOK {
			t.Fatalf("%s: %d", next, p.status)
		}
		for _, id := range ids(p) {
			if seen[id] {
				t.Fatalf("case %s listed twice", id)
			}
			seen[id] = true
		}
		next = nextCasesPage(p.body, "after")
	}
	if len(seen) != len(all.Items) {
		t.Errorf("paged through %d cases, the organisation has %d", len(seen), len(all.Items))
	}

	p := b.get("/cases?status=resolved")
	p.has(t, "Delade länkar slutar fungera efter 30 dagar", `<option value="resolved" selected>`)
	p.lacks(t, "Testfall 01")
	p = b.get("/cases?q=Testfall+07")
	if got := ids(p); len(got) != 1 {
		t.Errorf("text filter: %v", got)
	}
	sven := s.portalUser("sven@contoso.example")
	p = b.get(fmt.Sprintf("/cases?creator=%d", sven.ID))
	p.has(t, "Delade länkar")
	p.lacks(t, "Testfall")
	p = b.get("/cases?severity=high&product=mail&sort=due")
	p.has(t, "Anmeldung nach MFA-Umstellung")
	p.lacks(t, "Testfall", "Delade länkar")
	// An edited address shows everything rather than an error.
	if p := b.get("/cases?status=bogus&severity=x&after=%%%"); p.status != http.StatusOK {
		t.Errorf("bad filter values: %d", p.status)
	}
}

// TestPortalInboxWords: the inbox's text filter finds cases by the words
// of their replies too, in other forms of the word, never by an internal
// note, a page at a time, and says what to fix when the text cannot be
// searched.
func TestPortalInboxWords(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn("carl@contoso.example")
	carl := s.portalUser("carl@contoso.example")
	agent := s.user("agent.nl@vendor.example")
	c, _, err := s.svc.OpenCase(s.ctx, carl, desk.NewCase{Product: "drive", Severity: desk.SeverityLow,
		Title: "Ausdruck bleibt leer", Description: "Seit dem Update kommt nichts an.", Language: "de"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.AddMessage(s.ctx, agent, c.ID, desk.Reply{Body: "Bitte installieren Sie die neuen Druckertreiber."}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.AddMessage(s.ctx, agent, c.ID, desk.Reply{Body: "Kunde nutzt den alten Zebrafischserver.", Internal: true}); err != nil {
		t.Fatal(err)
	}
	p := b.get("/cases?q=Druckertreiber")
	p.has(t, "Ausdruck bleibt leer", "neueste zuerst")
	// Another form of the word.
	b.get("/cases?q=Druckertreibern").has(t, "Ausdruck bleibt leer")
	// Filters apply to what the words find.
	b.get("/cases?q=Druckertreiber&status=closed").lacks(t, "Ausdruck bleibt leer")
	// An internal note is never searched for a customer.
	b.get("/cases?q=Zebrafischserver").lacks(t, "Ausdruck bleibt leer")

	for i := range 27 {
		if _, _, err := s.svc.OpenCase(s.ctx, carl, desk.NewCase{Product: "drive", Severity: desk.SeverityLow,
			Title: fmt.Sprintf("Scanner %02d offline", i), Description: "d"}, ""); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	next := "/cases?q=scanner"
	for pages := 0; next != ""; pages++ {
		if pages > 3 {
			t.Fatal("pages do not end")
		}
		p := b.get(next)
		for _, m := range regexp.MustCompile(`Scanner \d\d offline`).FindAllString(p.body, -1) {
			if seen[m] {
				t.Fatalf("%s listed twice", m)
			}
			seen[m] = true
		}
		next = nextCasesPage(p.body, "found_after")
	}
	if len(seen) != 27 {
		t.Fatalf("paged through %d scanner cases, want 27", len(seen))
	}

	var words []string
	for i := range 13 {
		words = append(words, fmt.Sprintf("fenster%d", i))
	}
	p = b.get("/cases?q=" + strings.Join(words, "+"))
	if p.status != http.StatusBadRequest {
		t.Fatalf("13 words: %d", p.status)
	}
	// The text is kept, with what to fix next to it.
	p.has(t, `id="q-error"`, `aria-invalid="true"`, "fenster12", locale.For("de", nil).T("search.error.too_many_terms"))
}

// TestPortalPhone: the phone directory shows the reader's country first,
// with hours in the reader's time and whether each line is open now.
func TestPortalPhone(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn("carl@contoso.example")
	p := b.get("/phone")
	p.has(t, "Support-Hotlines für Deutschland", "0800 589 2330", `href="tel:08005892330"`, "Technischer Support",
		"Deutsch, Englisch", `<option value="DE" selected>`)
	if !strings.Contains(p.body, "Jetzt geöffnet") {
		t.Error("the German technical line (24x7) is not shown as open")
	}
	if strings.Index(p.body, "0800 589 2330") > strings.Index(p.body, "1 800 197 503") {
		t.Error("the reader's own line is not first")
	}
	p = b.get("/phone?country=us")
	p.has(t, "Support-Hotlines für Vereinigte Staaten", "1 800 865 9408", "Ihre Zeit:")
	if strings.Index(p.body, "1 800 865 9408") > strings.Index(p.body, "0800 589 2330") {
		t.Error("the chosen country's line is not first")
	}
}

// TestPortalPlainWords checks the words the pages build from times and
// the desk's records.
func TestPortalPlainWords(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	l := locale.For("de", berlin)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // Monday 10:00 in Berlin
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{now.Add(2 * time.Hour), "heute um 12:00"},
		{now.Add(24 * time.Hour), "morgen um 10:00"},
		{now.Add(72 * time.Hour), "Donnerstag um 10:00"},
		{now.Add(10 * 24 * time.Hour), "Do., 12. März 2026 um 10:00"},
	} {
		if got := portalWhen(l, now, c.t); got != c.want {
			t.Errorf("portalWhen(%v) = %q, want %q", c.t, got, c.want)
		}
	}
	s := &Server{SeverityScheme: "p"}
	nl := locale.For("nl", nil)
	for body, want := range map[string]string{
		"case opened":                                   "Aanvraag ingediend",
		"status: open → action_required":                "Status gewijzigd van Openstaand in Actie vereist",
		"status: resolved → open (customer replied)":    "na uw antwoord",
		"status: open → resolved (outcome: workaround)": "Tijdelijke oplossing",
		"severity lowered from high to normal: no answer from the customer since 2026-03-02T09:00:00Z": "P2 – hoog naar P3 – gemiddeld",
		"escalated to team Mail-Transport": "Mail-Transport",
		"something nobody wrote yet":       "Aanvraag bijgewerkt",
	} {
		if got := s.eventText(nl, body); !strings.Contains(got, want) {
			t.Errorf("eventText(%q) = %q, want it to contain %q", body, got, want)
		}
	}
	if got := portalSize(nl, 25<<20); got != "25\u00a0MB" {
		t.Errorf("portalSize = %q", got)
	}
	if got := portalSize(nl, 1536); got != "2\u00a0kB" {
		t.Errorf("portalSize(1536) = %q", got)
	}
}

// portalTemplateKey finds the catalogue keys a template names literally.
var portalTemplateKey = regexp.MustCompile(`\.L\.T "([^"]+)"`)

// TestPortalCatalogueKeys: every message the portal's templates and code
// name exists, in every language.
func TestPortalCatalogueKeys(t *testing.T) {
	names, err := fs.Glob(files, "templates/portal_*.html")
	if err != nil || len(names) == 0 {
		t.Fatalf("templates: %v", err)
	}
	names = append(names, "templates/home.html")
	var keys []string
	for _, n := range names {
		b, err := fs.ReadFile(files, n)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range portalTemplateKey.FindAllStringSubmatch(string(b), -1) {
			keys = append(keys, m[1])
		}
	}
	if len(keys) < 100 {
		t.Fatalf("found only %d keys in the templates", len(keys))
	}
	// Keys the code builds from values.
	keys = append(keys, sevKeys()...)
	for _, v := range portalFlashes {
		keys = append(keys, v)
	}
	for i := 1; i <= 5; i++ {
		keys = append(keys, fmt.Sprintf("portal.rate.score%d", i))
	}
	for _, x := range []string{"technical", "billing", "presales"} {
		keys = append(keys, "portal.new.category_hint."+x)
	}
	for _, x := range []string{"email", "phone", "chat"} {
		keys = append(keys, "portal.wait.method."+x)
	}
	for _, l := range phones.Directory() {
		for i, h := range l.Hours {
			keys = append(keys, "portal.phone.service."+string(h.Service))
			for _, lang := range h.Languages {
				keys = append(keys, "portal.lang."+lang)
			}
			if h.Note != "" {
				keys = append(keys, phoneNoteKey(l.Key, i))
			}
		}
		for _, c := range l.Countries {
			if countryName(c, "en") == c {
				t.Errorf("country %s has no name", c)
			}
		}
	}
	for _, lang := range locale.Languages {
		have := locale.Keys(lang)
		for _, k := range keys {
			if _, ok := slices.BinarySearch(have, k); !ok {
				t.Errorf("%s: no message %q", lang, k)
			}
		}
	}
}

// TestPortalErrorCodes: every refusal the desk gives on the portal's
// forms has its own message.
func TestPortalErrorCodes(t *testing.T) {
	en := locale.For("en", nil)
	for _, code := range []string{
		"product_required", "product_not_subscribed", "plan_excludes_support", "channel_not_in_plan",
		"billing_severity_capped", "severity_not_allowed", "extended_support_required", "business_impact_required",
		"contact_phone_required", "invalid_category", "invalid_severity", "invalid_contact_method", "invalid_language",
		"invalid_text", "title_required", "title_too_long", "description_required", "description_too_long",
		"business_impact_too_long", "contact_name_too_long", "contact_phone_too_long", "contact_email_too_long",
		"invalid_contact_email", "invalid_contact_phone", "idempotency_key_reused", "body_required", "body_too_long",
		"case_closed", "reopen_window_passed", "case_not_resolved", "invalid_transition", "case_changed", "file_empty",
		"file_too_large", "not_resolved", "invalid_score", "comment_too_long",
	} {
		if !en.Has("portal.err." + code) {
			t.Errorf("no message for %s", code)
		}
	}
	// An unknown code gets the general message, in the reader's language.
	s := &Server{Service: desk.NewService(nil, nil, nil, desk.SystemClock{})}
	p := &Page{L: locale.For("sv", nil)}
	f := NewForm(nil)
	if !s.portalFail(p, f, desk.FieldError(desk.EREFUSED, "brand_new_rule", "title", "x"), caseFormFields, nil) {
		t.Fatal("a refusal was not recorded")
	}
	if f.Error("title") != "portal.err.generic" {
		t.Errorf("unknown code: %q", f.Error("title"))
	}
	if s.portalFail(p, NewForm(nil), desk.NotFound("case"), caseFormFields, nil) {
		t.Error("not found was taken for a form problem")
	}
}

// TestPortalFileLimits: a file over the limit is refused next to the file
// field, before a case is opened, and on the case page.
func TestPortalFileLimits(t *testing.T) {
	s := newSite(t)
	s.svc.AttachmentLimit = 1 << 10
	b := s.browser()
	b.signIn("carl@contoso.example")
	form := b.get("/cases/new")
	form.has(t, `data-max-bytes="1024"`, "1\u00a0kB")
	key := idemKeyRE.FindStringSubmatch(form.body)[1]
	big := strings.Repeat("x", 2<<10)
	p := b.postMultipart("/cases", contosoCase(key), portalFile{"files", "big.log", big})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `id="files-error"`) {
		t.Fatalf("big file on the form: %d", p.status)
	}
	p.has(t, "Ordner im Drive lässt sich nicht umbenennen", locale.For("de", nil).T("portal.new.files_again"))
	if page, _ := s.svc.Cases(s.ctx, s.portalUser("carl@contoso.example"), desk.CaseFilter{Query: "umbenennen"}); len(page.Items) != 0 {
		t.Fatal("a case was opened with a refused file")
	}
	var files []portalFile
	for i := range maxFiles + 1 {
		files = append(files, portalFile{"files", fmt.Sprintf("f%d.txt", i), "x"})
	}
	if p := b.postMultipart("/cases", contosoCase(key), files...); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `id="files-error"`) {
		t.Fatalf("too many files: %d", p.status)
	}
	u := location(t, b.postMultipart("/cases", contosoCase(key)), "/cases/")
	u = strings.SplitN(u, "?", 2)[0]
	p = b.postMultipart(u+"/attachments", nil, portalFile{"file", "big.log", big})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `id="file-error"`) {
		t.Fatalf("big file on the case page: %d", p.status)
	}
	// A body far over the limit is cut off rather than read.
	p = b.postMultipart(u+"/attachments", nil, portalFile{"file", "huge.log", strings.Repeat("x", 10<<20)})
	if p.status != http.StatusRequestEntityTooLarge || !strings.Contains(p.body, `id="file-error"`) {
		t.Fatalf("huge body: %d", p.status)
	}
}

// TestPortalHoursInReadersTime: a desk's hours are shown in the reader's
// zone with the days they fall on there.
func TestPortalHoursInReadersTime(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // Monday
	var au phones.Line
	for _, l := range phones.Directory() {
		if l.Key == "au" {
			au = l
		}
	}
	hours, yours := hoursText(locale.For("en", berlin), au.Hours[0].Calendar, now)
	if hours != "Monday to Friday, 09:00–18:00 (AEDT)" || yours != "Your time: Sunday to Thursday, 23:00–08:00" {
		t.Errorf("Sydney billing for Berlin: %q / %q", hours, yours)
	}
	if _, yours := hoursText(locale.For("de", berlin), phones.ForCountry("DE")[0].Hours[0].Calendar, now); yours != "" {
		t.Errorf("Berlin desk for a Berlin reader repeats its hours: %q", yours)
	}
}

// nextCasesPage returns the address of the support inbox's next page,
// whose cursor is the named parameter, or "" on the last page.
func nextCasesPage(body, cursor string) string {
	m := regexp.MustCompile(`href="(/cases\?[^"]*` + cursor + `=[^"]+)" rel="next"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return strings.ReplaceAll(m[1], "&amp;", "&")
}
