package status

import "desk/markdown"

// renderMarkdown returns the sanitised HTML of a Markdown text.
func renderMarkdown(src string) string { return markdown.HTML(src) }

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
