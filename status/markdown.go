package status

import (
	"bytes"
	"html"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// markdown converts post bodies. Goldmark leaves raw HTML out by default;
// the sanitiser after it is the guarantee, should that ever change or an
// extension let markup through.
var markdown = goldmark.New(goldmark.WithExtensions(extension.Linkify, extension.Strikethrough, extension.Table))

// sanitiser allows what user-generated content needs (links, lists,
// emphasis, code, tables) and nothing that runs: no script, no event
// handlers, no style, no javascript: URLs. A Policy is safe for concurrent
// use once built.
var sanitiser = bluemonday.UGCPolicy()

// renderMarkdown returns the sanitised HTML of a Markdown text.
func renderMarkdown(src string) string {
	if src == "" {
		return ""
	}
	var b bytes.Buffer
	if err := markdown.Convert([]byte(src), &b); err != nil {
		// Convert fails only if writing to the buffer fails; showing the
		// text escaped is the safe fallback.
		return "<p>" + html.EscapeString(src) + "</p>"
	}
	return string(sanitiser.SanitizeBytes(b.Bytes()))
}

// markdownCache keeps the rendered posts of the previous rebuild, so that
// a rebuild renders only what is new. Entries not used by a rebuild are
// dropped, which bounds the cache by what the page shows.
type markdownCache struct {
	prev, next map[string]string
}

// render returns the sanitised HTML of src, from the cache when it can.
func (c *markdownCache) render(src string) string {
	if h, ok := c.next[src]; ok {
		return h
	}
	h, ok := c.prev[src]
	if !ok {
		h = renderMarkdown(src)
	}
	if c.next == nil {
		c.next = make(map[string]string)
	}
	c.next[src] = h
	return h
}

// rotate ends a rebuild: what it used is what the next one may reuse.
func (c *markdownCache) rotate() {
	c.prev, c.next = c.next, nil
}
