package ui

import (
	"html/template"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"desk/locale"
)

// funcs are the template functions. Translation and formatting go through
// the page's locale (.L), not through functions here, so that a template
// cannot forget the reader's language.
var funcs = template.FuncMap{
	// dict builds a map for passing several values to a sub-template.
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
	"lower":    strings.ToLower,
	"langName": locale.Name,
	"contains": slices.Contains[[]string],
	"query":    url.QueryEscape,
	"navLinks": navLinks,
}

// parsePages parses each page template in templates/ together with the
// layout and the partials, one template set per page, so that pages may
// define the same block names.
func parsePages() map[string]*template.Template {
	shared := []string{"templates/layout.html"}
	partials, _ := fs.Glob(files, "templates/partials/*.html")
	shared = append(shared, partials...)
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".html")
		if base == "layout" {
			continue
		}
		t := template.New(base).Funcs(funcs)
		pages[base] = template.Must(t.ParseFS(files, append(append([]string{}, shared...), n)...))
	}
	return pages
}

// Form is the state of a submitted form: what the user typed, kept when
// the form is shown again, and what to fix, next to each field.
type Form struct {
	Values url.Values
	// Errors maps a field name to the catalogue key of its problem.
	Errors map[string]string
	// Args are placeholder values for the error messages, per field.
	Args map[string][]any
}

// NewForm returns the state of the submitted form of r.
func NewForm(values url.Values) *Form {
	if values == nil {
		values = url.Values{}
	}
	return &Form{Values: values, Errors: map[string]string{}, Args: map[string][]any{}}
}

// Get returns a field's value.
func (f *Form) Get(name string) string {
	if f == nil {
		return ""
	}
	return f.Values.Get(name)
}

// Has reports whether a multi-valued field holds value.
func (f *Form) Has(name, value string) bool {
	if f == nil {
		return false
	}
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// Fail records a problem with a field.
func (f *Form) Fail(field, key string, args ...any) {
	if _, ok := f.Errors[field]; !ok {
		f.Errors[field] = key
		f.Args[field] = args
	}
}

// Error returns the catalogue key of a field's problem, or "".
func (f *Form) Error(field string) string {
	if f == nil {
		return ""
	}
	return f.Errors[field]
}

// ErrorArgs returns the placeholder values of a field's problem.
func (f *Form) ErrorArgs(field string) []any {
	if f == nil {
		return nil
	}
	return f.Args[field]
}

// OK reports whether no field has a problem.
func (f *Form) OK() bool { return f == nil || len(f.Errors) == 0 }

// Err returns the problem of a form field in the reader's language, or "".
func (p *Page) Err(field string) string {
	key := p.Form.Error(field)
	if key == "" {
		return ""
	}
	return p.L.T(key, p.Form.ErrorArgs(field)...)
}
