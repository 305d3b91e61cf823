package locale

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// The pattern takes every JSON file, not only those shaped <area>.<lang>.json,
// so that a misnamed file is reported instead of silently left out.
//
//go:embed messages/*.json
var messageFiles embed.FS

// messages is the catalogue of the embedded files. It is built once at
// initialisation and only read afterwards, so concurrent lookups need no lock.
var messages = mustLoad(messageFiles)

// message is one catalogue entry. A plain message keeps its text in other;
// a plural message has both forms.
type message struct {
	plural bool
	one    string
	other  string
}

// forms returns the texts of m, for checks that look at every form.
func (m message) forms() []string {
	if m.plural {
		return []string{m.one, m.other}
	}
	return []string{m.other}
}

// catalogue holds the messages of every language, and for each key the
// file that defined it, so that errors and the completeness test can name
// the area a key belongs to.
type catalogue struct {
	msgs map[string]map[string]message // language → key → message
	file map[string]map[string]string  // language → key → defining file
}

// area returns the area of the file that defined key in lang ("common" for
// messages/common.nl.json), or "" if lang has no such key.
func (c *catalogue) area(lang, key string) string {
	a, _, _ := parseName(c.file[lang][key])
	return a
}

func mustLoad(fsys fs.FS) *catalogue {
	c, err := load(fsys)
	if err != nil {
		panic("locale: " + err.Error())
	}
	return c
}

// load reads every messages/*.json file of fsys. It reports all problems
// at once, joined, so that one run shows everything a translator must fix.
func load(fsys fs.FS) (*catalogue, error) {
	names, err := fs.Glob(fsys, "messages/*.json")
	if err != nil {
		return nil, err
	}
	// Glob returns names sorted, which makes "defined twice" name the same
	// two files on every run.
	c := &catalogue{
		msgs: make(map[string]map[string]message),
		file: make(map[string]map[string]string),
	}
	var errs []error
	for _, name := range names {
		_, lang, err := parseName(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		entries, err := parseFile(data)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		if c.msgs[lang] == nil {
			c.msgs[lang] = make(map[string]message)
			c.file[lang] = make(map[string]string)
		}
		for _, e := range entries {
			if prev, ok := c.file[lang][e.key]; ok {
				errs = append(errs, fmt.Errorf("%s: key %q already defined in %s", name, e.key, prev))
				continue
			}
			c.msgs[lang][e.key] = e.msg
			c.file[lang][e.key] = name
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// parseName splits messages/<area>.<lang>.json into area and language and
// rejects languages outside Languages: a file for a language the UI cannot
// select would never be shown, which is almost always a typo ("se", "no").
func parseName(name string) (area, lang string, err error) {
	base := strings.TrimSuffix(path.Base(name), ".json")
	area, lang, ok := strings.Cut(base, ".")
	if !ok || area == "" || strings.Contains(lang, ".") {
		return "", "", fmt.Errorf("%s: file name must be <area>.<lang>.json", name)
	}
	if !slices.Contains(Languages, lang) {
		return "", "", fmt.Errorf("%s: unknown language %q (supported: %s)", name, lang, strings.Join(Languages, ", "))
	}
	return area, lang, nil
}

type entry struct {
	key string
	msg message
}

// parseFile reads one flat JSON object of key → string or key → {"one",
// "other"}. It walks the tokens instead of unmarshalling into a map because
// encoding/json silently keeps the last of two equal keys, and a key
// pasted twice into one file is exactly the mistake worth catching.
func parseFile(data []byte) ([]entry, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	var entries []entry
	seen := make(map[string]bool)
	for dec.More() {
		key, err := stringToken(dec)
		if err != nil {
			return nil, err
		}
		if key == "" || strings.ContainsAny(key, " \t\r\n{}") {
			return nil, fmt.Errorf("invalid key %q", key)
		}
		if seen[key] {
			return nil, fmt.Errorf("key %q defined twice", key)
		}
		seen[key] = true
		msg, err := parseValue(dec)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", key, err)
		}
		entries = append(entries, entry{key, msg})
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = errors.New("data after the object")
		}
		return nil, err
	}
	return entries, nil
}

// parseValue reads a string or a plural object. Plural objects must have
// exactly the forms "one" and "other", the only categories the supported
// languages use; anything else ("few", "One") is a mistake.
func parseValue(dec *json.Decoder) (message, error) {
	tok, err := dec.Token()
	if err != nil {
		return message{}, err
	}
	switch v := tok.(type) {
	case string:
		return message{other: v}, nil
	case json.Delim:
		if v != '{' {
			break
		}
		m := message{plural: true}
		var hasOne, hasOther bool
		for dec.More() {
			form, err := stringToken(dec)
			if err != nil {
				return message{}, err
			}
			text, err := stringToken(dec)
			if err != nil {
				return message{}, fmt.Errorf("plural form %q: %w", form, err)
			}
			switch {
			case form == "one" && !hasOne:
				m.one, hasOne = text, true
			case form == "other" && !hasOther:
				m.other, hasOther = text, true
			default:
				return message{}, fmt.Errorf("unexpected or repeated plural form %q", form)
			}
		}
		if err := expectDelim(dec, '}'); err != nil {
			return message{}, err
		}
		if !hasOne || !hasOther {
			return message{}, errors.New(`plural object needs both "one" and "other"`)
		}
		return m, nil
	}
	return message{}, errors.New(`value must be a string or an object {"one": ..., "other": ...}`)
}

func stringToken(dec *json.Decoder) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("want a string, found %v", tok)
	}
	return s, nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err == io.EOF {
		return fmt.Errorf("unexpected end of file, want %q", want)
	}
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("want %q, found %v", want, tok)
	}
	return nil
}

// placeholders returns the distinct {name} placeholders of s in order of
// first appearance. It scans the same way T substitutes, so the test that
// compares translations with English sees what T would see.
func placeholders(s string) []string {
	var names []string
	for i := 0; i < len(s); i++ {
		if s[i] != '{' {
			continue
		}
		if n := placeholderLen(s[i+1:]); n > 0 {
			name := s[i+1 : i+1+n]
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
			i += n + 1
		}
	}
	return names
}

// placeholderLen returns the length of the name in s if s starts with
// name + "}", where a name is ASCII letters, digits and underscores, and 0
// otherwise. Anything else in braces is literal text.
func placeholderLen(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '}':
			return i
		case c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		default:
			return 0
		}
	}
	return 0
}
