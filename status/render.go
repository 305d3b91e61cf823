package status

import (
	"bytes"
	"embed"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"desk"
	"desk/locale"
)

//go:embed templates static
var files embed.FS

// pages are the page templates, each parsed with the layout, which
// defines the shared partials.
var pages = parsePages()

// stylesheet is the embedded CSS, served at /status/status.css. Its link
// carries a version derived from its content, so that a changed stylesheet
// is fetched at once despite caching.
var stylesheet = func() *doc {
	b, err := fs.ReadFile(files, "static/status.css")
	if err != nil {
		panic("status: " + err.Error())
	}
	return newDoc(http.StatusOK, typeCSS, "", b, nil)
}()

var stylesheetURL = "/status/status.css?v=" + strings.Trim(stylesheet.etag, `"`)[:10]

var funcs = template.FuncMap{
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
	"deref": func(t *time.Time) time.Time {
		if t == nil {
			return time.Time{}
		}
		return *t
	},
	"iso":      func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"langName": locale.Name,
	"icon":     icon,
	"pct":      func(l *locale.Locale, u float64) string { return l.Decimal(percent(u), 2) },
	"join":     func(s []string) string { return strings.Join(s, ", ") },
	"affectedNames": func(v *incidentView) string {
		names := make([]string, len(v.Affected))
		for i, a := range v.Affected {
			names[i] = a.Name
		}
		return strings.Join(names, ", ")
	},
	// sanitised marks HTML that went through the sanitiser (renderMarkdown)
	// as safe; nothing else may be passed to it.
	"sanitised": func(s string) template.HTML { return template.HTML(s) },
	"dayCells":  dayCells,
}

// dayCells renders a service's 90 day cells. It is the bulk of the page
// and would cost most of a rebuild as template actions (90 cells, five
// services, five languages), so it is written directly, escaping each
// text once. Each cell's class gives its colour, and its text (visually
// hidden, and as a tooltip) gives date, status and uptime.
func dayCells(l *locale.Locale, s *serviceView) template.HTML {
	var b strings.Builder
	for _, d := range s.Days {
		text := html.EscapeString(l.T("statuspage.day", "date", l.Date(d.Day),
			"status", l.T("statuspage.component."+string(d.Worst)), "percent", l.Decimal(percent(d.Uptime), 2)))
		b.WriteString(`<li class="day st-`)
		b.WriteString(html.EscapeString(string(d.Worst)))
		b.WriteString(`" title="`)
		b.WriteString(text)
		b.WriteString(`"><span class="vh">`)
		b.WriteString(text)
		b.WriteString("</span></li>")
	}
	return template.HTML(b.String())
}

// icon is a symbol for each status, so that colour is not the only cue
// next to the word.
func icon(s desk.ComponentStatus) string {
	switch s {
	case desk.ComponentOperational:
		return "✓"
	case desk.ComponentMaintenance:
		return "ℹ"
	case desk.ComponentDegraded:
		return "!"
	case desk.ComponentPartialOutage:
		return "◐"
	case desk.ComponentMajorOutage:
		return "✕"
	}
	return "?"
}

func parsePages() map[string]*template.Template {
	out := map[string]*template.Template{}
	for _, name := range []string{"status", "incident", "notfound", "subscribe"} {
		t := template.New(name).Funcs(funcs)
		out[name] = template.Must(t.ParseFS(files, "templates/layout.html", "templates/subscribeform.html", "templates/"+name+".html"))
	}
	return out
}

// pageData is what a page template gets.
type pageData struct {
	L     *locale.Locale
	Lang  string
	Langs []string
	M     *model
	// Path is the page's path, for the language links.
	Path  string
	Title string
	CSS   string
	Inc   *incidentView
	// SubscribeOn shows the form for e-mail subscriptions; Sub is the
	// state of a subscription page (subscribe.go).
	SubscribeOn bool
	Sub         *subscribeView
}

// render builds a snapshot of everything served from a model. prev, the
// snapshot being replaced, lends compressed bodies of documents that have
// not changed.
func (p *Page) render(m *model, prev *snapshot) (*snapshot, error) {
	s := &snapshot{incidents: make(map[int64]*[nLangs]*doc, len(m.incidents)), incidentKeys: make(map[int64]string, len(m.incidents))}
	if prev == nil {
		prev = &snapshot{}
	}
	add := func(code int, ctype []string, lang string, body []byte, old *doc) *doc {
		s.count++
		return newDoc(code, ctype, lang, body, old)
	}
	page := func(name string, d *pageData) ([]byte, error) {
		var b bytes.Buffer
		if err := pages[name].ExecuteTemplate(&b, "layout", d); err != nil {
			return nil, fmt.Errorf("%s page in %s: %w", name, d.Lang, err)
		}
		return b.Bytes(), nil
	}
	for i, lang := range locale.Languages {
		l := locale.For(lang, time.UTC)
		base := pageData{L: l, Lang: lang, Langs: locale.Languages, M: m, CSS: stylesheetURL,
			SubscribeOn: p.Service.StatusSubscriptionsOn()}

		d := base
		d.Path, d.Title = "/status", l.T("statuspage.title", "name", m.Name)
		b, err := page("status", &d)
		if err != nil {
			return nil, err
		}
		s.status[i] = add(http.StatusOK, typeHTML, lang, b, prev.status[i])

		d = base
		d.Path, d.Title = "/status", l.T("statuspage.not_found")+" · "+l.T("statuspage.title", "name", m.Name)
		if b, err = page("notfound", &d); err != nil {
			return nil, err
		}
		s.notFound[i] = add(http.StatusNotFound, typeHTML, lang, b, prev.notFound[i])

		for _, v := range m.incidents {
			// An incident's page depends only on the incident, the
			// component names and the vendor's name, not on the time:
			// when none of those changed, the previous rendering stands.
			key := incidentKey(v, m.fingerprint)
			if pd := prev.incidents[v.Inc.ID]; pd != nil && prev.incidentKeys[v.Inc.ID] == key {
				s.incidents[v.Inc.ID], s.incidentKeys[v.Inc.ID] = pd, key
				continue
			}
			d = base
			d.Path, d.Inc = "/status/incidents/"+v.ID(), v
			d.Title = v.Inc.Title + " · " + l.T("statuspage.title", "name", m.Name)
			if b, err = page("incident", &d); err != nil {
				return nil, err
			}
			docs := s.incidents[v.Inc.ID]
			if docs == nil {
				docs = new([nLangs]*doc)
				s.incidents[v.Inc.ID] = docs
			}
			var old *doc
			if pd := prev.incidents[v.Inc.ID]; pd != nil {
				old = pd[i]
			}
			docs[i] = add(http.StatusOK, typeHTML, lang, b, old)
			if i == nLangs-1 {
				s.incidentKeys[v.Inc.ID] = key
			}
		}

		rss, atom, err := p.feeds(m, l)
		if err != nil {
			return nil, err
		}
		s.rss[i] = add(http.StatusOK, typeRSS, lang, rss, prev.rss[i])
		s.atom[i] = add(http.StatusOK, typeAtom, lang, atom, prev.atom[i])
	}
	api, err := p.statuspageDocs(m)
	if err != nil {
		return nil, err
	}
	s.api = make(map[string]*doc, len(api))
	for path, b := range api {
		s.api[path] = add(http.StatusOK, typeJSON, "", b, prev.api[path])
	}
	s.apiNotFound = add(http.StatusNotFound, typeJSON, "", []byte(`{"error":"not found"}`+"\n"), prev.apiNotFound)
	return s, nil
}

// incidentKey identifies what an incident's pages were rendered from.
func incidentKey(v *incidentView, fingerprint string) string {
	return strconv.FormatInt(int64(v.Inc.Version), 10) + "/" + v.Inc.UpdatedAt.Format(time.RFC3339Nano) + "/" + fingerprint
}
