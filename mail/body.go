package mail

import (
	"strings"

	"desk"
)

// bodyText returns the text of n read as the body of the message. With
// plainOnly it looks only at text/plain parts: that is the first choice
// inside a multipart/alternative, where the HTML is converted only when
// there is no plain text.
func (p *parser) bodyText(n *node, plainOnly bool) (string, error) {
	switch {
	case n.kind == leafText && n.mediaType == "text/plain":
		return n.text, nil
	case n.kind == leafText && n.mediaType == "text/html":
		if plainOnly {
			return "", nil
		}
		return p.htmlToText(n.text)
	case len(n.children) == 0:
		return "", nil
	}
	switch n.mediaType {
	case "multipart/alternative":
		// The alternatives are ordered from plainest to richest; the last
		// one that has text wins, plain text before converted HTML.
		for _, plain := range []bool{true, false} {
			if plainOnly && !plain {
				break
			}
			for i := len(n.children) - 1; i >= 0; i-- {
				t, err := p.bodyText(n.children[i], plain)
				if err != nil {
					return "", err
				}
				if strings.TrimSpace(t) != "" {
					return t, nil
				}
			}
		}
		return "", nil
	case "multipart/related":
		return p.bodyText(relatedRoot(n), plainOnly)
	case "multipart/signed", "multipart/report":
		// The signed content, and the human-readable part of a report,
		// come first; the signature and the machine-readable parts follow.
		return p.bodyText(n.children[0], plainOnly)
	}
	// multipart/mixed, and any other kind read the same way: the text parts
	// shown one after the other, as when a client puts text around an
	// inline picture.
	var parts []string
	for _, c := range n.children {
		t, err := p.bodyText(c, plainOnly)
		if err != nil {
			return "", err
		}
		if t = strings.TrimSpace(t); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "\n\n"), nil
}

// relatedRoot returns the part of a multipart/related that the others
// belong to: the one its start parameter names, else the first.
func relatedRoot(n *node) *node {
	if start := strings.Trim(strings.TrimSpace(n.params["start"]), "<>"); start != "" {
		for _, c := range n.children {
			if c.contentID == start {
				return c
			}
		}
	}
	return n.children[0]
}

// collectAttachments appends the files of the tree under n, in order.
func collectAttachments(n *node, list []desk.InAttachment) []desk.InAttachment {
	if n.kind == leafAttachment {
		list = append(list, desk.InAttachment{
			Name:        desk.CleanFileName(cleanHeaderText(firstNonEmpty(n.filename, defaultName(n.mediaType)))),
			ContentType: n.mediaType,
			Data:        n.data,
		})
	}
	for _, c := range n.children {
		list = collectAttachments(c, list)
	}
	return list
}

// defaultName names a file that came without a name, such as an inline
// picture, with an extension so that it opens in the right program. The
// table is here rather than mime.ExtensionsByType, whose answer depends on
// the machine's MIME tables.
func defaultName(mt string) string {
	ext := map[string]string{
		"image/png":       ".png",
		"image/jpeg":      ".jpg",
		"image/gif":       ".gif",
		"image/webp":      ".webp",
		"image/bmp":       ".bmp",
		"image/tiff":      ".tif",
		"image/heic":      ".heic",
		"image/svg+xml":   ".svg",
		"application/pdf": ".pdf",
		"message/rfc822":  ".eml",
		"text/plain":      ".txt",
		"text/html":       ".html",
		"text/calendar":   ".ics",
	}[mt]
	if strings.HasPrefix(mt, "image/") {
		return "image" + ext
	}
	if mt == "message/rfc822" {
		return "message" + ext
	}
	return "attachment" + ext
}
