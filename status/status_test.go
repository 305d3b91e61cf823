package status

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"desk"
	"desk/locale"
)

func TestPublicAndLimited(t *testing.T) {
	e := newEnv(t)
	pub := e.incident(desk.NewIncident{Title: "Mail delivery delayed", Impact: desk.ImpactMajor, Public: true,
		Affected: []desk.Affected{{Component: "mail-delivery", Status: desk.ComponentPartialOutage}},
		Body:     "Messages queue for up to an hour."})
	limited := e.incident(desk.NewIncident{Title: "Ent-only drive trouble", Impact: desk.ImpactCritical,
		Affected: []desk.Affected{{Component: "drive", Status: desk.ComponentMajorOutage}},
		OrgIDs:   []int64{e.org.ID}, Body: "Only Ent's tenant is affected."})
	e.rebuild()

	for _, path := range routes(strconv.FormatInt(pub.ID, 10)) {
		if strings.HasSuffix(path, ".css") || strings.Contains(path, "maintenances") || strings.HasSuffix(path, "status.json") || strings.HasSuffix(path, "components.json") {
			continue
		}
		w := e.get(path)
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s = %d", path, w.Code)
		}
		b := body(t, w)
		if !strings.Contains(b, "Mail delivery delayed") {
			t.Errorf("GET %s does not show the public incident", path)
		}
		if strings.Contains(b, "Ent-only") || strings.Contains(b, "Ent's tenant") {
			t.Errorf("GET %s shows the limited incident", path)
		}
	}
	if w := e.get("/status/incidents/" + strconv.FormatInt(limited.ID, 10)); w.Code != http.StatusNotFound || strings.Contains(body(t, w), "Ent-only") {
		t.Fatalf("limited incident page = %d", w.Code)
	}
	// The limited incident does not colour the public view of drive.
	var sum summary
	decode(t, e.get("/api/v2/summary.json"), &sum)
	for _, c := range sum.Components {
		want := map[string]string{"mail": "partial_outage", "mail-delivery": "partial_outage", "drive": "operational"}[c.ID]
		if c.Status != want {
			t.Errorf("component %s = %s, want %s", c.ID, c.Status, want)
		}
	}
	if b := body(t, e.get("/status")); !strings.Contains(b, `<p class="overall st-partial_outage">`) {
		t.Errorf("overall banner not partial outage")
	}
}

func TestPostAppearsAfterRebuild(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(desk.NewIncident{Title: "Slow sign-in", Public: true,
		Affected: []desk.Affected{{Component: "mail"}}, Body: "Looking into it."})
	e.rebuild()
	e.clock.Add(10 * time.Minute)
	e.post(inc.ID, desk.IncidentUpdate{Status: desk.IncidentIdentified, Body: "A certificate expired."})
	if strings.Contains(body(t, e.get("/status")), "A certificate expired") {
		t.Fatal("the post shows before a rebuild: requests read the store")
	}
	e.rebuild()
	b := body(t, e.get("/status"))
	first, second := strings.Index(b, "A certificate expired"), strings.Index(b, "Looking into it")
	if first < 0 || second < 0 || first > second {
		t.Fatalf("posts missing or not newest first: %d, %d", first, second)
	}
	if !strings.Contains(b, "Mon 2 Mar 2026 09:10 UTC") {
		t.Error("post time not shown in UTC")
	}
}

func TestLiveUpdateThroughBus(t *testing.T) {
	e := newEnv(t)
	e.page.Bus = e.bus
	inc := e.incident(desk.NewIncident{Title: "Drive sync stalls", Public: true,
		Affected: []desk.Affected{{Component: "drive"}}, Body: "Investigating."})
	ctx, cancel := context.WithCancel(e.ctx)
	t.Cleanup(cancel)
	if err := e.page.Start(ctx); err != nil {
		t.Fatal(err)
	}
	e.post(inc.ID, desk.IncidentUpdate{Status: desk.IncidentVerifying, Body: "Fix deployed, watching."})
	deadline := time.Now().Add(2 * time.Second)
	for !strings.Contains(body(t, e.get("/status")), "Fix deployed, watching.") {
		if time.Now().After(deadline) {
			t.Fatal("the post did not appear within 2 s of the publish")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestCoalescing checks that a burst of events causes a few rebuilds, not
// one each.
func TestCoalescing(t *testing.T) {
	e := newEnv(t)
	e.page.Bus = e.bus
	ctx, cancel := context.WithCancel(e.ctx)
	t.Cleanup(cancel)
	if err := e.page.Start(ctx); err != nil {
		t.Fatal(err)
	}
	e.store.reset()
	for range 50 {
		e.bus.Publish(ctx, desk.Event{Type: desk.EventHealthChanged, At: e.clock.Now()})
	}
	time.Sleep(300 * time.Millisecond)
	if n := e.store.incidents.Load(); n < 1 || n > 3 {
		t.Fatalf("50 events caused %d rebuilds, want 1 to 3", n)
	}
}

func TestStartFailsWithoutStore(t *testing.T) {
	e := newEnv(t)
	if w := e.get("/status"); w.Code != http.StatusServiceUnavailable {
		t.Fatalf("before the first snapshot: %d", w.Code)
	}
	e.db.Close()
	if err := e.page.Start(e.ctx); err == nil {
		t.Fatal("Start succeeded on a closed store")
	}
}

func TestETagsAndHeaders(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(desk.NewIncident{Title: "Delivery delayed", Public: true,
		Affected: []desk.Affected{{Component: "mail-delivery"}}, Body: "Queues are long."})
	e.rebuild()
	all := append(routes(strconv.FormatInt(inc.ID, 10)), "/status/incidents/999")
	for _, path := range all {
		for _, enc := range []string{"", "gzip"} {
			w := e.get(path, "Accept-Encoding", enc)
			want := http.StatusOK
			if strings.HasSuffix(path, "/999") {
				want = http.StatusNotFound
			}
			h := w.Header()
			if w.Code != want {
				t.Fatalf("GET %s = %d", path, w.Code)
			}
			if h.Get("Set-Cookie") != "" {
				t.Errorf("GET %s sets a cookie", path)
			}
			if h.Get("Cache-Control") != "public, max-age=15" || h.Get("Vary") != "Accept-Encoding, Accept-Language" ||
				h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Security-Policy") == "" {
				t.Errorf("GET %s headers: %v", path, h)
			}
			if strings.Contains(h.Get("Content-Security-Policy"), "unsafe") {
				t.Errorf("GET %s: CSP allows unsafe sources", path)
			}
			if h.Get("Content-Length") != strconv.Itoa(w.Body.Len()) {
				t.Errorf("GET %s: Content-Length %s for %d bytes", path, h.Get("Content-Length"), w.Body.Len())
			}
			if want != http.StatusOK {
				continue
			}
			etag := h.Get("ETag")
			if !strings.HasPrefix(etag, `"`) {
				t.Fatalf("GET %s: ETag %q", path, etag)
			}
			nm := e.get(path, "Accept-Encoding", enc, "If-None-Match", `"other", `+etag)
			if nm.Code != http.StatusNotModified || nm.Body.Len() != 0 || nm.Header().Get("ETag") != etag {
				t.Errorf("GET %s with If-None-Match = %d (%d bytes)", path, nm.Code, nm.Body.Len())
			}
			if again := e.get(path, "Accept-Encoding", enc, "If-None-Match", `"stale"`); again.Code != http.StatusOK {
				t.Errorf("GET %s with a stale ETag = %d", path, again.Code)
			}
			head := e.do(http.MethodHead, path, "Accept-Encoding", enc)
			if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("ETag") != etag {
				t.Errorf("HEAD %s = %d, %d bytes, ETag %q", path, head.Code, head.Body.Len(), head.Header().Get("ETag"))
			}
		}
	}
	if w := e.do(http.MethodPost, "/status"); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /status = %d", w.Code)
	}
	if w := e.get("/api/v2/nope.json"); w.Code != http.StatusNotFound || !strings.Contains(w.Header().Get("Content-Type"), "json") {
		t.Errorf("unknown API path = %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	// An unchanged snapshot keeps its ETags, so that clients' cached
	// copies stay valid across rebuilds.
	before := e.get("/status").Header().Get("ETag")
	e.rebuild()
	if after := e.get("/status").Header().Get("ETag"); after != before {
		t.Errorf("ETag changed without a change: %s → %s", before, after)
	}
}

func TestGzip(t *testing.T) {
	e := newEnv(t)
	e.incident(desk.NewIncident{Title: "Delivery delayed", Public: true,
		Affected: []desk.Affected{{Component: "mail-delivery"}}, Body: "Queues are long."})
	e.rebuild()
	for _, path := range []string{"/status", "/api/v2/summary.json", "/status/feed.atom"} {
		plain := e.get(path)
		zipped := e.get(path, "Accept-Encoding", "br, gzip;q=0.8")
		if zipped.Header().Get("Content-Encoding") != "gzip" || zipped.Body.Len() >= plain.Body.Len() {
			t.Fatalf("%s: no smaller gzip variant (%q, %d vs %d bytes)", path, zipped.Header().Get("Content-Encoding"), zipped.Body.Len(), plain.Body.Len())
		}
		if body(t, zipped) != plain.Body.String() {
			t.Fatalf("%s: gzip variant differs", path)
		}
		if zipped.Header().Get("ETag") == plain.Header().Get("ETag") {
			t.Errorf("%s: both variants have one ETag", path)
		}
		if w := e.get(path, "Accept-Encoding", "gzip;q=0"); w.Header().Get("Content-Encoding") != "" {
			t.Errorf("%s: gzip sent to a client that refused it", path)
		}
	}
}

func TestScriptIsInert(t *testing.T) {
	e := newEnv(t)
	const evil = "<script>alert(1)</script>"
	if _, err := e.svc.PutComponent(e.ctx, e.stan, desk.Component{Code: "chat", Name: evil + "Chat", Position: 4}); err != nil {
		t.Fatal(err)
	}
	inc := e.incident(desk.NewIncident{Title: evil + " in the title", Public: true, Impact: desk.ImpactMajor,
		Regions:  []string{evil},
		Affected: []desk.Affected{{Component: "chat", Status: desk.ComponentMajorOutage}},
		Body:     "Hello " + evil + " **bold** <img src=x onerror=alert(2)> [link](javascript:alert(3))"})
	e.clock.Add(time.Hour)
	e.post(inc.ID, desk.IncidentUpdate{Status: desk.IncidentRestored, Body: "Over. " + evil})
	_, err := e.svc.PublishReport(e.ctx, e.stan, inc.ID, "# Report\n"+evil+"<iframe src=//evil.example></iframe>")
	e.must(err)
	e.rebuild()
	for _, path := range routes(strconv.FormatInt(inc.ID, 10)) {
		w := e.get(path)
		b := body(t, w)
		if strings.HasPrefix(path, "/api/") {
			// JSON is data: the text stays, but not one raw "<", and the
			// type says it is not HTML.
			if strings.Contains(b, "<") || w.Header().Get("Content-Type") != "application/json; charset=utf-8" ||
				w.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("GET %s: raw markup or wrong type %q", path, w.Header().Get("Content-Type"))
			}
			continue
		}
		for _, bad := range []string{"<script", "onerror", "javascript:", "<iframe", "<img"} {
			if strings.Contains(strings.ToLower(b), bad) {
				t.Errorf("GET %s contains %q", path, bad)
			}
		}
	}
	page := body(t, e.get("/status/incidents/"+strconv.FormatInt(inc.ID, 10)))
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt; in the title", "<strong>bold</strong>", "<h1>Report</h1>"} {
		if !strings.Contains(page, want) {
			t.Errorf("incident page lacks %q", want)
		}
	}
	// The JSON still carries the text as data.
	var list incidentsDoc
	decode(t, e.get("/api/v2/incidents.json"), &list)
	if len(list.Incidents) != 1 || list.Incidents[0].Name != evil+" in the title" {
		t.Fatalf("JSON incident name = %+v", list.Incidents)
	}
	// Feeds are well-formed XML. Titles are text; descriptions are HTML
	// once the XML is decoded, and that HTML holds no live markup.
	for _, path := range []string{"/status/feed.rss", "/status/feed.atom"} {
		items := parseFeed(t, body(t, e.get(path)))
		if len(items) != 2 || items[1].title != evil+" in the title: Investigating" {
			t.Fatalf("%s: items %+v", path, items)
		}
		for _, it := range items {
			if lower := strings.ToLower(it.desc); strings.Contains(lower, "<script") || strings.Contains(lower, "onerror") || strings.Contains(lower, "javascript:") {
				t.Errorf("%s: live markup in a description: %q", path, it.desc)
			}
		}
	}
}

type feedItem struct{ title, link, desc string }

// parseFeed returns the items of an RSS feed or the entries of an Atom
// feed, with their text decoded from XML.
func parseFeed(t *testing.T, feed string) []feedItem {
	t.Helper()
	var items []feedItem
	var field string
	dec := xml.NewDecoder(strings.NewReader(feed))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return items
		}
		if err != nil {
			t.Fatalf("feed is not well-formed: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			field = tok.Name.Local
			if field == "item" || field == "entry" {
				items = append(items, feedItem{})
			}
			if field == "link" && len(items) > 0 {
				for _, a := range tok.Attr {
					if a.Name.Local == "href" {
						items[len(items)-1].link = a.Value
					}
				}
			}
		case xml.CharData:
			if len(items) == 0 {
				continue
			}
			it := &items[len(items)-1]
			switch field {
			case "title":
				it.title += string(tok)
			case "link":
				it.link += string(tok)
			case "description", "summary":
				it.desc += string(tok)
			}
		case xml.EndElement:
			field = ""
		}
	}
}

func TestUptimeAndDays(t *testing.T) {
	e := newEnv(t)
	// A partial outage of mail's delivery from 10:00 to 12:36 UTC on
	// Friday 20 February: 156 minutes down.
	e.clock.Set(time.Date(2026, 2, 20, 10, 0, 0, 0, time.UTC))
	inc := e.incident(desk.NewIncident{Title: "Delivery down for some", Public: true, Impact: desk.ImpactMajor,
		Affected: []desk.Affected{{Component: "mail-delivery", Status: desk.ComponentPartialOutage}}, Body: "Investigating."})
	e.clock.Add(156 * time.Minute)
	e.post(inc.ID, desk.IncidentUpdate{Status: desk.IncidentRestored, Body: "Restored."})
	// Degradation does not count as down, but colours its day.
	e.clock.Set(time.Date(2026, 2, 25, 8, 0, 0, 0, time.UTC))
	slow := e.incident(desk.NewIncident{Title: "Slow mail", Public: true,
		Affected: []desk.Affected{{Component: "mail", Status: desk.ComponentDegraded}}, Body: "Slow."})
	e.clock.Add(time.Hour)
	e.post(slow.ID, desk.IncidentUpdate{Status: desk.IncidentRestored, Body: "Fast again."})
	e.clock.Set(monday10)
	e.rebuild()

	b := body(t, e.get("/status"))
	// 156 minutes of 90 days: 99.8796…%, shown truncated.
	if !strings.Contains(b, `<h3>Mail <span class="uptime">99.87% uptime</span></h3>`) {
		t.Errorf("mail uptime missing: %s", section(b, "history"))
	}
	if !strings.Contains(b, `<h3>Drive <span class="uptime">100.00% uptime</span></h3>`) {
		t.Error("drive uptime missing")
	}
	days := regexp.MustCompile(`<li class="day st-([a-z_]+)" title="([^"]+)">`).FindAllStringSubmatch(b, -1)
	if len(days) != 2*historyDays {
		t.Fatalf("%d day cells, want %d", len(days), 2*historyDays)
	}
	mail := days[:historyDays]
	if mail[0][2] != "Wed 3 Dec 2025: Operational, 100.00% uptime" || mail[historyDays-1][2] != "Mon 2 Mar 2026: Operational, 100.00% uptime" {
		t.Errorf("first and last day: %q, %q", mail[0][2], mail[historyDays-1][2])
	}
	want := map[string]string{
		"Fri 20 Feb 2026: Partial outage, 89.16% uptime":        "partial_outage",
		"Wed 25 Feb 2026: Degraded performance, 100.00% uptime": "degraded",
	}
	for _, d := range mail {
		if st, ok := want[d[2]]; ok {
			if d[1] != st {
				t.Errorf("%s has class %s", d[2], d[1])
			}
			delete(want, d[2])
		} else if d[1] != "operational" {
			t.Errorf("unexpected day %s: %s", d[2], d[1])
		}
	}
	if len(want) > 0 {
		t.Errorf("days missing: %v", want)
	}
	if de := body(t, e.get("/status?lang=de")); !strings.Contains(de, "99,87 % verfügbar") || !strings.Contains(de, "Fr., 20. Feb. 2026: Teilausfall, 89,16 % verfügbar") {
		t.Error("German uptime not formatted the German way")
	}
}

// section returns the part of a page after an id, for error messages.
func section(page, id string) string {
	if i := strings.Index(page, `id="`+id+`"`); i >= 0 {
		return page[i:min(len(page), i+3000)]
	}
	return ""
}

func TestStoreDownKeepsServing(t *testing.T) {
	e := newEnv(t)
	e.incident(desk.NewIncident{Title: "Everything is slow", Public: true,
		Affected: []desk.Affected{{Component: "drive"}}, Body: "Investigating."})
	e.rebuild()
	before := e.get("/status")
	e.db.Close()
	if err := e.page.Rebuild(e.ctx); err == nil {
		t.Fatal("a rebuild on a closed store succeeded")
	}
	after := e.get("/status")
	if after.Code != http.StatusOK || after.Body.String() != before.Body.String() || !strings.Contains(after.Body.String(), "Everything is slow") {
		t.Fatalf("after the store went down: %d", after.Code)
	}
	if w := e.get("/api/v2/summary.json"); w.Code != http.StatusOK {
		t.Fatalf("summary after the store went down: %d", w.Code)
	}
}

func TestLanguages(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(desk.NewIncident{Title: "Delivery delayed", Public: true, Regions: []string{"EU"},
		Affected: []desk.Affected{{Component: "mail-delivery"}}, Body: "Queues are long."})
	e.clock.Add(time.Hour)
	e.post(inc.ID, desk.IncidentUpdate{Status: desk.IncidentRestored, Body: "Done."})
	_, err := e.svc.PublishReport(e.ctx, e.stan, inc.ID, "A queue filled up.")
	e.must(err)
	start, end := monday10.Add(48*time.Hour), monday10.Add(50*time.Hour)
	e.incident(desk.NewIncident{Kind: desk.KindMaintenance, Title: "Database upgrade", Public: true, StartedAt: &start, ScheduledEnd: &end,
		Affected: []desk.Affected{{Component: "drive"}}, Body: "Read-only for two hours."})
	active := e.incident(desk.NewIncident{Kind: desk.KindAdvisory, Title: "Phishing wave", Public: true, Impact: desk.ImpactNone,
		Affected: []desk.Affected{{Component: "mail"}}, Body: "Beware."})
	e.rebuild()
	id := strconv.FormatInt(inc.ID, 10)
	for _, lang := range locale.Languages {
		for _, path := range []string{"/status", "/status/incidents/" + id, "/status/incidents/" + strconv.FormatInt(active.ID, 10), "/status/incidents/0", "/status/feed.rss", "/status/feed.atom"} {
			w := e.get(path+"?lang="+lang, "Accept-Language", "fr")
			b := body(t, w)
			if strings.Contains(b, "⟦") {
				t.Errorf("%s in %s has a missing key: %s", path, lang, b[strings.Index(b, "⟦"):][:60])
			}
			if w.Header().Get("Content-Language") != lang {
				t.Errorf("%s in %s: Content-Language %q", path, lang, w.Header().Get("Content-Language"))
			}
			if strings.HasPrefix(path, "/status/feed") {
				continue
			}
			if !strings.Contains(b, `<html lang="`+lang+`">`) {
				t.Errorf("%s in %s: no lang attribute", path, lang)
			}
			// Landmarks, a heading, a language switcher, feed links, and
			// nothing inline that the CSP would have to allow.
			for _, want := range []string{"<header", "<main", "<footer", "<nav", "<h1", `class="skip"`, `hreflang="nb"`,
				`rel="alternate" type="application/rss+xml"`, `rel="alternate" type="application/atom+xml"`, `name="viewport"`} {
				if !strings.Contains(b, want) {
					t.Errorf("%s in %s lacks %s", path, lang, want)
				}
			}
			for _, bad := range []string{"<script", "style=", "<style"} {
				if strings.Contains(b, bad) {
					t.Errorf("%s in %s has %s", path, lang, bad)
				}
			}
		}
	}
	// Without ?lang=, Accept-Language decides.
	if w := e.get("/status", "Accept-Language", "de-AT, en;q=0.5"); !strings.Contains(w.Body.String(), `<html lang="de">`) {
		t.Error("Accept-Language de-AT did not give German")
	}
	if w := e.get("/status/feed.rss?lang=sv"); !strings.Contains(w.Body.String(), "<language>sv</language>") {
		t.Error("Swedish feed without its language")
	}
	// The page shows each section the data calls for.
	b := body(t, e.get("/status"))
	for _, want := range []string{`id="active"`, "Phishing wave", `id="upcoming"`, "Database upgrade", `id="past"`, "Delivery delayed", `id="history"`} {
		if !strings.Contains(b, want) {
			t.Errorf("status page lacks %s", want)
		}
	}
	if b := body(t, e.get("/status/incidents/"+id)); !strings.Contains(b, "Post-incident report") || !strings.Contains(b, "A queue filled up.") || !strings.Contains(b, "EU") {
		t.Error("incident page lacks its report or regions")
	}
}

// TestQueries checks what a rebuild and a request cost the store.
func TestQueries(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(desk.NewIncident{Title: "Delivery delayed", Public: true,
		Affected: []desk.Affected{{Component: "mail-delivery"}}, Body: "Queues are long."})
	e.store.reset()
	e.rebuild()
	n := e.store.incidents.Load() + e.store.components.Load()
	if n > 2 || e.store.incidents.Load() != 1 {
		t.Fatalf("a rebuild made %d queries (%d incident)", n, e.store.incidents.Load())
	}
	t.Logf("queries per rebuild: %d (1 incidents + %d components)", n, e.store.components.Load())
	// A rebuild on the clock, with a bus carrying changes, reuses the
	// component list.
	e.page.Bus = e.bus
	e.store.reset()
	e.must(e.page.build(e.ctx, false))
	if n := e.store.incidents.Load() + e.store.components.Load(); n != 1 {
		t.Fatalf("a periodic rebuild made %d queries", n)
	}
	e.store.reset()
	for range 20 {
		for _, path := range routes(strconv.FormatInt(inc.ID, 10)) {
			e.get(path)
		}
	}
	if n := e.store.incidents.Load() + e.store.components.Load(); n != 0 {
		t.Fatalf("requests made %d queries", n)
	}
}

// The Statuspage v2 shapes, as a client would declare them.
type spPageT struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	URL       string    `json:"url"`
	TimeZone  string    `json:"time_zone"`
	UpdatedAt time.Time `json:"updated_at"`
}

type spComponentT struct {
	ID                 string    `json:"id"`
	Name               string    `json:"name"`
	Status             string    `json:"status"`
	CreatedAt          time.Time `json:"created_at"`
	UpdatedAt          time.Time `json:"updated_at"`
	Position           int       `json:"position"`
	Description        *string   `json:"description"`
	Showcase           bool      `json:"showcase"`
	StartDate          *string   `json:"start_date"`
	GroupID            *string   `json:"group_id"`
	PageID             string    `json:"page_id"`
	Group              bool      `json:"group"`
	OnlyShowIfDegraded bool      `json:"only_show_if_degraded"`
	Components         []string  `json:"components"`
}

type spUpdateT struct {
	ID                   string          `json:"id"`
	Status               string          `json:"status"`
	Body                 string          `json:"body"`
	IncidentID           string          `json:"incident_id"`
	CreatedAt            time.Time       `json:"created_at"`
	UpdatedAt            time.Time       `json:"updated_at"`
	DisplayAt            time.Time       `json:"display_at"`
	AffectedComponents   json.RawMessage `json:"affected_components"`
	DeliverNotifications bool            `json:"deliver_notifications"`
	CustomTweet          *string         `json:"custom_tweet"`
	TweetID              *string         `json:"tweet_id"`
}

type spIncidentT struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	Status          string         `json:"status"`
	CreatedAt       time.Time      `json:"created_at"`
	UpdatedAt       time.Time      `json:"updated_at"`
	MonitoringAt    *time.Time     `json:"monitoring_at"`
	ResolvedAt      *time.Time     `json:"resolved_at"`
	Impact          string         `json:"impact"`
	Shortlink       string         `json:"shortlink"`
	StartedAt       time.Time      `json:"started_at"`
	PageID          string         `json:"page_id"`
	IncidentUpdates []spUpdateT    `json:"incident_updates"`
	Components      []spComponentT `json:"components"`
	ScheduledFor    *time.Time     `json:"scheduled_for"`
	ScheduledUntil  *time.Time     `json:"scheduled_until"`
}

type statusT struct {
	Indicator   string `json:"indicator"`
	Description string `json:"description"`
}

type summary struct {
	Page                  spPageT        `json:"page"`
	Components            []spComponentT `json:"components"`
	Incidents             []spIncidentT  `json:"incidents"`
	ScheduledMaintenances []spIncidentT  `json:"scheduled_maintenances"`
	Status                statusT        `json:"status"`
}

type incidentsDoc struct {
	Page      spPageT       `json:"page"`
	Incidents []spIncidentT `json:"incidents"`
}

type maintenancesDoc struct {
	Page                  spPageT       `json:"page"`
	ScheduledMaintenances []spIncidentT `json:"scheduled_maintenances"`
}

// decode parses a JSON response strictly: a field the client does not
// know is an error, so the shape is exactly the declared one.
func decode(t testing.TB, w interface {
	Result() *http.Response
}, v any) {
	t.Helper()
	res := w.Result()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("status %d, type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	dec := json.NewDecoder(res.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatal(err)
	}
}

// requireKeys checks that a JSON object has every key, null or not: a
// client reading the Statuspage shape expects the key to be there.
func requireKeys(t *testing.T, what string, obj map[string]any, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, ok := obj[k]; !ok {
			t.Errorf("%s lacks %q", what, k)
		}
	}
}

func TestStatuspageJSON(t *testing.T) {
	e := newEnv(t)
	get := func() summary {
		t.Helper()
		e.rebuild()
		var s summary
		decode(t, e.get("/api/v2/summary.json"), &s)
		return s
	}
	s := get()
	if s.Status != (statusT{"none", "All Systems Operational"}) || len(s.Incidents) != 0 || s.Page.Name != "Supportdesk" ||
		s.Page.ID != "supportdesk" || s.Page.URL != "http://status.test/status" || s.Page.TimeZone != "Etc/UTC" {
		t.Fatalf("quiet summary = %+v", s)
	}
	if len(s.Components) != 3 {
		t.Fatalf("components = %+v", s.Components)
	}
	mail, delivery, drive := s.Components[0], s.Components[1], s.Components[2]
	if mail.ID != "mail" || !mail.Group || fmt.Sprint(mail.Components) != "[mail-delivery]" || mail.GroupID != nil || !mail.Showcase ||
		delivery.ID != "mail-delivery" || delivery.Group || delivery.GroupID == nil || *delivery.GroupID != "mail" ||
		drive.ID != "drive" || drive.Group || drive.Components != nil || drive.PageID != "supportdesk" || drive.Position != 3 {
		t.Fatalf("components = %+v", s.Components)
	}

	// Indicator from components and impact.
	for _, tc := range []struct {
		status     desk.ComponentStatus
		impact     desk.Impact
		comp, want string
	}{
		{desk.ComponentDegraded, desk.ImpactMinor, "degraded_performance", "minor"},
		{desk.ComponentPartialOutage, desk.ImpactMinor, "partial_outage", "major"},
		{desk.ComponentMajorOutage, desk.ImpactMajor, "major_outage", "critical"},
		{desk.ComponentDegraded, desk.ImpactCritical, "degraded_performance", "critical"},
	} {
		inc := e.incident(desk.NewIncident{Title: "Drive " + string(tc.status), Public: true, Impact: tc.impact,
			Affected: []desk.Affected{{Component: "drive", Status: tc.status}}, Body: "Looking."})
		s := get()
		if s.Status.Indicator != tc.want || s.Components[2].Status != tc.comp || len(s.Incidents) != 1 || s.Incidents[0].Impact != string(tc.impact) {
			t.Errorf("%s/%s: indicator %+v, drive %s", tc.status, tc.impact, s.Status, s.Components[2].Status)
		}
		e.clock.Add(time.Minute)
		e.post(inc.ID, desk.IncidentUpdate{Status: desk.IncidentFalsePositive, Body: "Never mind."})
	}

	// Status mapping through an incident's life.
	inc := e.incident(desk.NewIncident{Title: "Delivery delayed", Public: true, Impact: desk.ImpactMajor,
		Affected: []desk.Affected{{Component: "mail-delivery", Status: desk.ComponentPartialOutage}}, Body: "Investigating."})
	id := strconv.FormatInt(inc.ID, 10)
	steps := []struct {
		status desk.IncidentStatus
		want   string
	}{
		{desk.IncidentIdentified, "identified"},
		{desk.IncidentRestoring, "identified"},
		{desk.IncidentVerifying, "monitoring"},
		{desk.IncidentRestored, "resolved"},
	}
	if s := get(); s.Incidents[0].Status != "investigating" || s.Incidents[0].ID != id {
		t.Fatalf("new incident = %+v", s.Incidents)
	}
	var verifyingAt time.Time
	for _, st := range steps {
		e.clock.Add(10 * time.Minute)
		if st.status == desk.IncidentVerifying {
			verifyingAt = e.clock.Now()
		}
		e.post(inc.ID, desk.IncidentUpdate{Status: st.status, Body: "Now " + string(st.status)})
		e.rebuild()
		var list incidentsDoc
		decode(t, e.get("/api/v2/incidents.json"), &list)
		got := list.Incidents[0]
		if got.ID != id || got.Status != st.want || got.IncidentUpdates[0].Status != st.want {
			t.Errorf("after %s: status %s, update %s, want %s", st.status, got.Status, got.IncidentUpdates[0].Status, st.want)
		}
	}
	e.clock.Add(time.Hour)
	_, err := e.svc.PublishReport(e.ctx, e.stan, inc.ID, "Root cause.")
	e.must(err)
	e.rebuild()
	var list incidentsDoc
	decode(t, e.get("/api/v2/incidents.json"), &list)
	got := list.Incidents[0]
	if got.Status != "postmortem" || got.ResolvedAt == nil || got.MonitoringAt == nil || !got.MonitoringAt.Equal(verifyingAt) ||
		got.Shortlink != "http://status.test/status/incidents/"+id || len(got.IncidentUpdates) != 5 ||
		got.IncidentUpdates[4].Status != "investigating" || got.IncidentUpdates[0].IncidentID != id ||
		len(got.Components) != 1 || got.Components[0].ID != "mail-delivery" || got.ScheduledFor != nil {
		t.Fatalf("reported incident = %+v", got)
	}
	if len(list.Incidents) != 5 {
		t.Errorf("incidents.json has %d incidents, want 5", len(list.Incidents))
	}
	var unresolved incidentsDoc
	decode(t, e.get("/api/v2/incidents/unresolved.json"), &unresolved)
	if len(unresolved.Incidents) != 0 {
		t.Errorf("unresolved = %+v", unresolved.Incidents)
	}

	// Maintenance: scheduled, then in progress by the clock.
	start, end := e.clock.Now().Add(2*time.Hour), e.clock.Now().Add(4*time.Hour)
	e.incident(desk.NewIncident{Kind: desk.KindMaintenance, Title: "Upgrade", Public: true, Impact: desk.ImpactNone,
		StartedAt: &start, ScheduledEnd: &end, Affected: []desk.Affected{{Component: "drive"}}, Body: "Planned."})
	s = get()
	if len(s.ScheduledMaintenances) != 1 || s.ScheduledMaintenances[0].Status != "scheduled" || s.ScheduledMaintenances[0].ScheduledFor == nil ||
		!s.ScheduledMaintenances[0].ScheduledFor.Equal(start) || !s.ScheduledMaintenances[0].ScheduledUntil.Equal(end) || s.Status.Indicator != "none" {
		t.Fatalf("scheduled maintenance = %+v, %+v", s.ScheduledMaintenances, s.Status)
	}
	var up maintenancesDoc
	decode(t, e.get("/api/v2/scheduled-maintenances/upcoming.json"), &up)
	if len(up.ScheduledMaintenances) != 1 {
		t.Errorf("upcoming = %+v", up)
	}
	e.clock.Set(start.Add(time.Minute))
	s = get()
	if s.ScheduledMaintenances[0].Status != "in_progress" || s.Components[2].Status != "under_maintenance" ||
		s.Status != (statusT{"none", "Service Under Maintenance"}) {
		t.Fatalf("maintenance in progress = %+v, drive %s", s.Status, s.Components[2].Status)
	}
	decode(t, e.get("/api/v2/scheduled-maintenances/active.json"), &up)
	if len(up.ScheduledMaintenances) != 1 || up.ScheduledMaintenances[0].Status != "in_progress" {
		t.Errorf("active = %+v", up)
	}
	if !strings.Contains(body(t, e.get("/status")), `id="maintenance"`) {
		t.Error("the page does not show maintenance in progress")
	}

	// Every document has every key of the shape, null or not.
	var raw map[string]any
	if err := json.Unmarshal(e.get("/api/v2/summary.json").Body.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	requireKeys(t, "summary", raw, "page", "components", "incidents", "scheduled_maintenances", "status")
	requireKeys(t, "page", raw["page"].(map[string]any), "id", "name", "url", "time_zone", "updated_at")
	for _, c := range raw["components"].([]any) {
		requireKeys(t, "component", c.(map[string]any), "id", "name", "status", "created_at", "updated_at", "position", "description",
			"showcase", "start_date", "group_id", "page_id", "group", "only_show_if_degraded")
	}
	m := raw["scheduled_maintenances"].([]any)[0].(map[string]any)
	requireKeys(t, "maintenance", m, "id", "name", "status", "created_at", "updated_at", "monitoring_at", "resolved_at", "impact",
		"shortlink", "started_at", "page_id", "incident_updates", "components", "scheduled_for", "scheduled_until")
	requireKeys(t, "update", m["incident_updates"].([]any)[0].(map[string]any), "id", "status", "body", "incident_id", "created_at",
		"updated_at", "display_at", "affected_components", "deliver_notifications", "custom_tweet", "tweet_id")
	for _, path := range []string{"status.json", "components.json", "scheduled-maintenances.json"} {
		if w := e.get("/api/v2/" + path); w.Code != http.StatusOK || !json.Valid(w.Body.Bytes()) || w.Header().Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s: %d", path, w.Code)
		}
	}
}

func TestFeeds(t *testing.T) {
	e := newEnv(t)
	inc := e.incident(desk.NewIncident{Title: "Delivery delayed", Public: true,
		Affected: []desk.Affected{{Component: "mail-delivery"}}, Body: "Queues are *long*."})
	e.clock.Add(time.Minute)
	e.post(inc.ID, desk.IncidentUpdate{Status: desk.IncidentRestored, Body: "Done."})
	e.rebuild()
	var rss struct {
		Channel struct {
			Language string `xml:"language"`
		} `xml:"channel"`
	}
	if err := xml.Unmarshal(e.get("/status/feed.rss?lang=nl").Body.Bytes(), &rss); err != nil {
		t.Fatal(err)
	}
	items := parseFeed(t, e.get("/status/feed.rss?lang=nl").Body.String())
	if rss.Channel.Language != "nl" || len(items) != 2 {
		t.Fatalf("rss: language %q, %d items", rss.Channel.Language, len(items))
	}
	if items[0].title != "Delivery delayed – Dienst hersteld" || items[0].link != "http://status.test/status/incidents/"+strconv.FormatInt(inc.ID, 10)+"?lang=nl#post-2" ||
		items[1].desc != "<p>Queues are <em>long</em>.</p>\n<p>Betreft: Mail – Delivery</p>" {
		t.Fatalf("rss items = %+v", items)
	}
	var atom struct {
		Entries []struct {
			Title   string `xml:"title"`
			ID      string `xml:"id"`
			Updated string `xml:"updated"`
			Summary struct {
				Type string `xml:"type,attr"`
				Text string `xml:",chardata"`
			} `xml:"summary"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(e.get("/status/feed.atom").Body.Bytes(), &atom); err != nil {
		t.Fatal(err)
	}
	if len(atom.Entries) != 2 || atom.Entries[0].Title != "Delivery delayed: Service restored" || atom.Entries[0].Summary.Type != "html" ||
		atom.Entries[0].Updated != "2026-03-02T09:01:00Z" {
		t.Fatalf("atom entries = %+v", atom.Entries)
	}
}

// TestOneQueryPerPublish checks the cost of a publish on a running page:
// an incident post costs one store query (the incidents; the component
// list is kept), and a changed component reloads the components too.
func TestOneQueryPerPublish(t *testing.T) {
	e := newEnv(t)
	e.page.Bus = e.bus
	inc := e.incident(desk.NewIncident{Title: "Calendar sync slow", Public: true,
		Affected: []desk.Affected{{Component: "mail"}}, Body: "Investigating."})
	ctx, cancel := context.WithCancel(e.ctx)
	t.Cleanup(cancel)
	if err := e.page.Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor := func(text string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(body(t, e.get("/status")), text) {
			if time.Now().After(deadline) {
				t.Fatalf("%q did not appear after the publish", text)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	// Holding the page's lock keeps its rebuild waiting until the post's
	// own store queries are done, so that the counts are the rebuild's.
	e.page.mu.Lock()
	e.post(inc.ID, desk.IncidentUpdate{Status: desk.IncidentIdentified, Body: "A stuck index job."})
	e.store.reset()
	e.page.mu.Unlock()
	waitFor("A stuck index job.")
	if i, c := e.store.incidents.Load(), e.store.components.Load(); i != 1 || c != 0 {
		t.Errorf("a post's rebuild made %d incident and %d component queries, want 1 and 0", i, c)
	}
	e.page.mu.Lock()
	if _, err := e.svc.PutComponent(e.ctx, e.stan, desk.Component{Code: "forms", Name: "Forms and surveys"}); err != nil {
		t.Fatal(err)
	}
	e.store.reset()
	e.page.mu.Unlock()
	waitFor("Forms and surveys")
	if c := e.store.components.Load(); c != 1 {
		t.Errorf("a component change's rebuild made %d component queries, want 1", c)
	}
}
