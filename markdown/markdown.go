// Package markdown turns the Markdown that staff write (incident posts,
// post-incident reports, help articles) into HTML that is safe to put in
// a page, a feed or an API answer.
//
// Goldmark leaves raw HTML out by default; the sanitiser after it is the
// guarantee, should that ever change or an extension let markup through.
// It allows what user-generated content needs (links, lists, emphasis,
// code, tables) and nothing that runs: no script, no event handlers, no
// style, no javascript: URLs.
package markdown

import (
	"bytes"
	"html"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

var (
	converter = goldmark.New(goldmark.WithExtensions(extension.Linkify, extension.Strikethrough, extension.Table))
	// A Policy is safe for concurrent use once built.
	sanitiser = bluemonday.UGCPolicy()
)

// HTML returns the sanitised HTML of a Markdown text; "" for "".
func HTML(src string) string {
	if src == "" {
		return ""
	}
	var b bytes.Buffer
	if err := converter.Convert([]byte(src), &b); err != nil {
		// Convert fails only if writing to the buffer fails; showing the
		// text escaped is the safe fallback.
		return "<p>" + html.EscapeString(src) + "</p>"
	}
	return string(sanitiser.SanitizeBytes(b.Bytes()))
}
