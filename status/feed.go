package status

import (
	"cmp"
	"fmt"
	"html"
	"slices"
	"strconv"
	"strings"

	"github.com/gorilla/feeds"

	"desk/locale"
)

// feedItems is the most items a feed carries: the newest posts.
const feedItems = 100

// feeds renders the RSS and Atom feeds in one language. Each post on a
// public incident is one item, newest first: a reader subscribed to the
// feed is told of every update, not only of new incidents, and an item
// links to the post on its incident's page.
//
// Titles are plain text, escaped by the XML encoder. Descriptions are the
// post's sanitised HTML, escaped as XML character data, which readers
// decode to HTML; whatever markup a post held went through the sanitiser
// first, so a script in a post stays inert in any reader.
func (p *Page) feeds(m *model, l *locale.Locale) (rss, atom []byte, err error) {
	base := strings.TrimSuffix(p.BaseURL, "/")
	q := "?lang=" + l.Lang
	f := &feeds.Feed{
		Title:       l.T("statuspage.feed_title", "name", m.Name),
		Link:        &feeds.Link{Href: base + "/status" + q, Rel: "alternate"},
		Description: l.T("statuspage.feed_description", "name", m.Name),
		Author:      &feeds.Author{Name: m.Name},
		Updated:     m.updatedAt,
	}
	type post struct {
		v *incidentView
		p postView
	}
	var posts []post
	for _, v := range m.incidents {
		for _, pv := range v.Posts {
			posts = append(posts, post{v, pv})
		}
	}
	slices.SortStableFunc(posts, func(a, b post) int {
		return cmp.Or(b.p.Post.CreatedAt.Compare(a.p.Post.CreatedAt), cmp.Compare(b.v.Inc.ID, a.v.Inc.ID), cmp.Compare(b.p.Post.ID, a.p.Post.ID))
	})
	if len(posts) > feedItems {
		posts = posts[:feedItems]
	}
	for _, x := range posts {
		inc := x.v.Inc
		link := base + "/status/incidents/" + x.v.ID() + q + "#post-" + strconv.FormatInt(x.p.Post.ID, 10)
		affected := make([]string, len(x.v.Affected))
		for i, a := range x.v.Affected {
			affected[i] = a.Name
		}
		desc := x.p.HTML + "<p>" + html.EscapeString(l.T("statuspage.affects", "services", strings.Join(affected, ", "))) + "</p>"
		f.Items = append(f.Items, &feeds.Item{
			Title: l.T("statuspage.feed_item", "incident", inc.Title,
				"status", l.T("statuspage.incident."+string(x.p.Post.Status))),
			Link:        &feeds.Link{Href: link},
			Id:          link,
			Description: desc,
			Created:     x.p.Post.CreatedAt,
			Updated:     x.p.Post.CreatedAt,
		})
	}
	r := (&feeds.Rss{Feed: f}).RssFeed()
	r.Language = l.Lang
	// RSS wants an e-mail address as managing editor; the vendor's name
	// alone (which Atom needs as the author) would make the feed invalid.
	r.ManagingEditor = ""
	r.Ttl = 1 // minutes: the page changes quickly during an incident
	rs, err := feeds.ToXML(r)
	if err != nil {
		return nil, nil, fmt.Errorf("rss in %s: %w", l.Lang, err)
	}
	as, err := feeds.ToXML((&feeds.Atom{Feed: f}).AtomFeed())
	if err != nil {
		return nil, nil, fmt.Errorf("atom in %s: %w", l.Lang, err)
	}
	return []byte(rs), []byte(as), nil
}
