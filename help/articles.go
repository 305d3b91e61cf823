package help

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// files holds the articles, one Markdown file per article and language:
// articles/<key>/<lang>.md.
//
//go:embed articles
var files embed.FS

// Categories are the sections of the help centre, in the order it lists
// them. An article belongs to exactly one.
var Categories = []string{
	"admin-roles", "contact-support", "service-status", "mail", "sign-in",
	"billing", "files", "calendar", "security", "data",
}

// Visibilities say who may read an article: everyone, or only the signed-in
// admins of customer organisations (for internal escalation paths and the
// like).
const (
	Public   = "public"
	SignedIn = "signed-in"
)

// articles are the help centre's articles, in the order it lists them: by
// category (in the order of Categories), then by key.
var articles = func() []entry {
	es, err := load(files, "articles")
	if err != nil {
		// The files are embedded at build time, so this is a mistake in
		// an article that the package's tests report first.
		panic(err)
	}
	return es
}()

// load reads every article under dir of fsys.
func load(fsys fs.FS, dir string) ([]entry, error) {
	keys, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []entry
	for _, k := range keys {
		if !k.IsDir() {
			return nil, fmt.Errorf("help: %s/%s: not an article directory", dir, k.Name())
		}
		e, err := loadEntry(fsys, dir, k.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b entry) int {
		if c := slices.Index(Categories, a.category) - slices.Index(Categories, b.category); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	return out, nil
}

// validKey reports whether key is lowercase ASCII letters, digits and
// single inner hyphens.
func validKey(key string) bool {
	if key == "" || key[0] == '-' || key[len(key)-1] == '-' || strings.Contains(key, "--") {
		return false
	}
	for _, r := range key {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
			return false
		}
	}
	return true
}

// loadEntry reads the languages of the article key. Category, products
// and visibility are the article's, so every language must agree on them.
func loadEntry(fsys fs.FS, dir, key string) (entry, error) {
	e := entry{id: key, texts: map[string]text{}}
	if !validKey(key) {
		return e, fmt.Errorf("help: article key %q: want lowercase ASCII letters, digits and hyphens", key)
	}
	langs, err := fs.ReadDir(fsys, path.Join(dir, key))
	if err != nil {
		return e, err
	}
	first := true
	for _, f := range langs {
		name := path.Join(dir, key, f.Name())
		lang, ok := strings.CutSuffix(f.Name(), ".md")
		if f.IsDir() || !ok || !slices.Contains(Languages, lang) {
			return e, fmt.Errorf("help: %s: want <lang>.md for one of %v", name, Languages)
		}
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return e, err
		}
		m, body, err := parse(string(raw))
		if err != nil {
			return e, fmt.Errorf("help: %s: %w", name, err)
		}
		if first {
			e.category, e.products, e.visibility = m.category, m.products, m.visibility
			first = false
		} else if m.category != e.category || !slices.Equal(m.products, e.products) || m.visibility != e.visibility {
			return e, fmt.Errorf("help: %s: category, products or visibility differ from the other languages", name)
		}
		e.texts[lang] = text{title: m.title, body: body}
	}
	if _, ok := e.texts["en"]; !ok {
		return e, fmt.Errorf("help: article %s has no English text", key)
	}
	return e, nil
}

// meta is an article file's front matter.
type meta struct {
	title, category, visibility string
	products                    []string
}

// parse splits an article file into its front matter and its body. The
// front matter sits between two lines of "---" at the start of the file,
// one "name: value" a line: title, category, products (comma-separated,
// possibly empty) and visibility (public when left out).
func parse(raw string) (meta, string, error) {
	var m meta
	raw = strings.TrimPrefix(strings.ReplaceAll(raw, "\r\n", "\n"), "\ufeff")
	rest, ok := strings.CutPrefix(raw, "---\n")
	if !ok {
		return m, "", fmt.Errorf("no front matter: the file must start with a line of ---")
	}
	front, body, ok := strings.Cut(rest, "\n---\n")
	if !ok {
		return m, "", fmt.Errorf("front matter not closed by a line of ---")
	}
	seen := map[string]bool{}
	for i, line := range strings.Split(front, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || seen[name] {
			return m, "", fmt.Errorf("front matter line %d: want a new name: value, got %q", i+2, line)
		}
		seen[name] = true
		switch name {
		case "title":
			m.title = value
		case "category":
			m.category = value
		case "visibility":
			m.visibility = value
		case "products":
			for p := range strings.SplitSeq(value, ",") {
				if p = strings.TrimSpace(p); p != "" {
					m.products = append(m.products, p)
				}
			}
		default:
			return m, "", fmt.Errorf("front matter line %d: unknown field %q", i+2, name)
		}
	}
	switch {
	case m.title == "":
		return m, "", fmt.Errorf("no title")
	case !slices.Contains(Categories, m.category):
		return m, "", fmt.Errorf("category %q is not one of %v", m.category, Categories)
	case m.visibility == "":
		m.visibility = Public
	case m.visibility != Public && m.visibility != SignedIn:
		return m, "", fmt.Errorf("visibility %q is neither %s nor %s", m.visibility, Public, SignedIn)
	}
	body = strings.TrimSpace(body)
	if body == "" {
		return m, "", fmt.Errorf("empty body")
	}
	return m, body, nil
}
