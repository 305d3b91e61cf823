package mail

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// htmlToText converts an HTML body to readable text: paragraphs and line
// breaks kept, links written "text (url)", lists with "- " or numbers,
// blockquotes quoted with "> " (so that Trim can remove them like quoted
// plain text), and nothing of scripts, styles or the title.
//
// It reads tokens rather than building a tree: the work is linear in the
// input and independent of how deeply the HTML nests, which matters for
// hostile input. The libraries considered (inbucket/html2text and its
// ancestors) build and recurse over a tree, and write links as
// "text ( url )" and bold as "*bold*".
func (p *parser) htmlToText(src string) (string, error) {
	z := html.NewTokenizer(strings.NewReader(src))
	w := &textWriter{}
	skip := 0        // depth inside elements whose content is not text
	var links []link // open <a> elements
	var lists []int  // open lists: -1 for <ul>, else the next number of an <ol>
	for i := 0; ; i++ {
		if i%256 == 0 {
			if err := p.checkTime(); err != nil {
				return "", err
			}
		}
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			// io.EOF, or a token over the tokenizer's buffer limit: what
			// was converted so far is kept either way.
			return w.String(), nil
		case html.TextToken:
			if skip > 0 {
				continue
			}
			w.text(string(z.Text()))
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			end := tt == html.EndTagToken
			if skippedTags[tag] {
				if tt == html.StartTagToken {
					skip++
				} else if end && skip > 0 {
					skip--
				}
				continue
			}
			if skip > 0 {
				continue
			}
			switch tag {
			case "br":
				w.lineBreak()
			case "p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "pre", "hr", "dl":
				w.breakLines(2)
				if tag == "pre" {
					if end {
						w.pre = max(w.pre-1, 0)
					} else if tt == html.StartTagToken {
						w.pre++
					}
				}
			case "blockquote":
				w.breakLines(2)
				if end {
					if w.quote > 0 {
						w.quote--
					}
				} else if tt == html.StartTagToken {
					w.quote++
				}
			case "ul", "ol":
				// A list is a paragraph of its own; a list inside a list
				// item only starts a new line.
				if len(lists) > 0 && !(end && len(lists) == 1) {
					w.breakLines(1)
				} else {
					w.breakLines(2)
				}
				if end {
					if len(lists) > 0 {
						lists = lists[:len(lists)-1]
					}
				} else if tt == html.StartTagToken && len(lists) < maxOpen {
					next := -1
					if tag == "ol" {
						next = 1
					}
					lists = append(lists, next)
				}
			case "li":
				w.breakLines(1)
				if !end {
					marker := "-"
					if len(lists) > 0 && lists[len(lists)-1] > 0 {
						marker = strconv.Itoa(lists[len(lists)-1]) + "."
						lists[len(lists)-1]++
					}
					w.word(marker)
					w.space = true
				}
			case "div", "tr", "dt", "dd", "address", "section", "article", "header", "footer",
				"center", "form", "fieldset", "caption", "figure", "figcaption", "nav", "main", "aside",
				"tbody", "thead", "tfoot":
				w.breakLines(1)
			case "td", "th":
				w.space = true
			case "a":
				if end {
					if len(links) > 0 {
						l := links[len(links)-1]
						links = links[:len(links)-1]
						w.endLink(l)
					}
				} else if tt == html.StartTagToken && len(links) < maxOpen {
					links = append(links, link{href: attr(z, hasAttr, "href"), start: w.b.Len()})
				}
			}
		}
	}
}

// maxQuoteMarks is the deepest quote drawn.
const maxQuoteMarks = 5

// maxOpen bounds the stacks of open links and lists; deeper nesting is
// read as flat.
const maxOpen = 64

// skippedTags hold no text for the reader.
var skippedTags = map[string]bool{
	"script": true, "style": true, "title": true, "template": true, "noscript": true,
	"iframe": true, "noembed": true, "noframes": true, "object": true, "svg": true, "math": true,
	"xml": true,
}

type link struct {
	href  string
	start int // where the link's text starts in the output
}

// attr returns the value of one attribute of the current tag.
func attr(z *html.Tokenizer, more bool, name string) string {
	for more {
		var k, v []byte
		k, v, more = z.TagAttr()
		if string(k) == name {
			return strings.TrimSpace(string(v))
		}
	}
	return ""
}

// textWriter collects text, collapsing white space as a browser does and
// writing line breaks only between pieces of text, so that empty
// paragraphs and trailing breaks leave no blank lines behind.
type textWriter struct {
	b     strings.Builder
	nl    int  // line breaks owed before the next text
	space bool // a space is owed before the next text
	quote int  // blockquote depth
	pre   int  // depth inside <pre>
	atBOL bool // the output ends at the start of a line
}

func (w *textWriter) String() string { return w.b.String() }

// breakLines asks for the next text to start n lines down: 1 for a new
// line, 2 for a new paragraph.
func (w *textWriter) breakLines(n int) {
	if w.nl < n {
		w.nl = n
	}
	w.space = false
}

// lineBreak is a <br>: each one counts, so that <br><br> is a blank line.
func (w *textWriter) lineBreak() {
	if w.nl < 2 {
		w.nl++
	}
	w.space = false
}

// text writes a text token.
func (w *textWriter) text(s string) {
	if w.pre > 0 {
		for i, line := range strings.Split(s, "\n") {
			if i > 0 {
				w.lineBreak()
			}
			if line != "" {
				w.word(line)
			}
		}
		return
	}
	if s == "" {
		return
	}
	if first, _ := utf8.DecodeRuneInString(s); isSpace(first) {
		w.space = true
	}
	fields := strings.FieldsFunc(s, isSpace)
	for i, f := range fields {
		if i > 0 {
			w.space = true
		}
		w.word(f)
	}
	if last, _ := utf8.DecodeLastRuneInString(s); len(fields) > 0 && isSpace(last) {
		w.space = true
	}
}

// isSpace counts the non-breaking space as white space: mail HTML uses
// &nbsp; for empty paragraphs and indentation, neither of which is text.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u00a0'
}

// word writes text that has no white space to collapse, after the owed
// line breaks or space.
func (w *textWriter) word(s string) {
	if w.b.Len() == 0 {
		// No blank lines before the first text.
		w.nl, w.space, w.atBOL = 0, false, true
	}
	if w.nl > 0 {
		for range w.nl {
			w.b.WriteByte('\n')
		}
		w.nl, w.space, w.atBOL = 0, false, true
	}
	if w.atBOL {
		if w.quote > 0 {
			// Deeper quotes are drawn as deep as maxQuoteMarks, so that
			// hostile nesting cannot multiply the size of the text.
			w.b.WriteString(strings.Repeat(">", min(w.quote, maxQuoteMarks)))
			w.b.WriteByte(' ')
		}
		w.atBOL = false
	} else if w.space {
		w.b.WriteByte(' ')
	}
	w.space = false
	w.b.WriteString(s)
}

// endLink adds the target of a link after its text, unless the text says
// it already or the target is not one a reader can follow.
func (w *textWriter) endLink(l link) {
	href := l.href
	lower := strings.ToLower(href)
	switch {
	case strings.HasPrefix(lower, "http://"), strings.HasPrefix(lower, "https://"), strings.HasPrefix(lower, "ftp://"):
	case strings.HasPrefix(lower, "mailto:"):
		href = href[len("mailto:"):]
		if i := strings.IndexByte(href, '?'); i >= 0 {
			href = href[:i]
		}
	default:
		return // relative, javascript:, cid:, data: and the like
	}
	if l.start > w.b.Len() || href == "" {
		return
	}
	// Only a short link text can be its own address; comparing longer
	// ones would let nested links rescan the text again and again.
	if text := w.b.String()[l.start:]; len(text) <= maxLinkText {
		text = strings.TrimSpace(text)
		if text == "" || sameURL(text, href) || sameURL(text, l.href) {
			return
		}
	}
	space := w.space
	w.space = true
	w.word("(" + href + ")")
	w.space = space
}

// maxLinkText is the longest link text compared with its address.
const maxLinkText = 4096

// sameURL reports whether a link's text is its target, give or take the
// scheme and a trailing slash, so that the address is not written twice.
func sameURL(text, href string) bool {
	norm := func(s string) string {
		s = strings.ToLower(s)
		for _, scheme := range []string{"https://", "http://", "mailto:"} {
			s = strings.TrimPrefix(s, scheme)
		}
		return strings.TrimRight(s, "/")
	}
	return norm(text) == norm(href)
}
