package status

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"desk/locale"
)

// doc is one response, rendered in full when the snapshot is built. The
// header values are slices ready to put into a header map, so that serving
// a request allocates next to nothing.
type doc struct {
	code  int
	body  []byte
	gz    []byte // nil when compressing does not pay
	ctype []string
	// lang is the Content-Language, nil for documents in no language.
	lang           []string
	etag, gzETag   string
	etagH, gzETagH []string
	length, gzLen  []string
	// csp is the Content-Security-Policy: pages get the strict one, every
	// other document one that forbids everything.
	csp []string
}

// Content types of the documents.
var (
	typeHTML = []string{"text/html; charset=utf-8"}
	typeCSS  = []string{"text/css; charset=utf-8"}
	typeJSON = []string{"application/json; charset=utf-8"}
	typeRSS  = []string{"application/rss+xml; charset=utf-8"}
	typeAtom = []string{"application/atom+xml; charset=utf-8"}
)

// Header values shared by every response. They are never modified, so one
// slice serves all requests.
var (
	// cacheControl lets browsers and shared caches (a CDN in front of the
	// site) keep a response for 15 seconds: short enough that news of an
	// incident spreads quickly, long enough to absorb a crowd.
	cacheControl = []string{"public, max-age=15"}
	vary         = []string{"Accept-Encoding, Accept-Language"}
	nosniff      = []string{"nosniff"}
	noReferrer   = []string{"strict-origin-when-cross-origin"}
	gzipEncoding = []string{"gzip"}
	anyOrigin    = []string{"*"}
	// pageCSP is as strict as the ui's and stricter still: the status
	// page has no script at all. Its only forms are the subscription
	// forms, which post to the page's own origin.
	pageCSP = []string{"default-src 'none'; style-src 'self'; img-src 'self' data:; " +
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"}
	// dataCSP goes with feeds, JSON and CSS: should a browser render one
	// of them as a document, nothing in it may load or run.
	dataCSP = []string{"default-src 'none'; frame-ancestors 'none'; sandbox"}
)

// newDoc prepares a response. If prev holds the same bytes (the usual
// case: most documents do not change between rebuilds), its compressed
// variant is reused instead of compressing again.
func newDoc(code int, ctype []string, lang string, body []byte, prev *doc) *doc {
	sum := sha256.Sum256(body)
	tag := base64.RawURLEncoding.EncodeToString(sum[:18])
	d := &doc{code: code, body: body, ctype: ctype, csp: dataCSP,
		etag: `"` + tag + `"`, length: []string{strconv.Itoa(len(body))}}
	if ctype[0] == typeHTML[0] {
		d.csp = pageCSP
	}
	if lang != "" {
		d.lang = []string{lang}
	}
	d.etagH = []string{d.etag}
	switch {
	case prev != nil && prev.etag == d.etag:
		d.gz = prev.gz
	case len(body) > 512:
		d.gz = compress(body)
	}
	if d.gz != nil {
		// The variants differ in bytes, so they get different strong
		// ETags.
		d.gzETag = `"` + tag + `-gz"`
		d.gzETagH = []string{d.gzETag}
		d.gzLen = []string{strconv.Itoa(len(d.gz))}
	}
	return d
}

// compress returns the gzip of b, or nil if that is not smaller. A body
// is compressed once per change and sent many times, so the best ratio is
// worth its CPU.
func compress(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	if buf.Len() >= len(b) {
		return nil
	}
	return buf.Bytes()
}

// snapshot is everything the handler serves, immutable once stored.
type snapshot struct {
	status    [nLangs]*doc
	notFound  [nLangs]*doc
	rss, atom [nLangs]*doc
	incidents map[int64]*[nLangs]*doc
	// incidentKeys says what each incident's pages were rendered from, so
	// that the next rebuild can keep those that have not changed.
	incidentKeys map[int64]string
	// api maps a path under /api/v2/ to its JSON document.
	api         map[string]*doc
	apiNotFound *doc
	// count is the number of documents, for the log.
	count int
}

const nLangs = 5

func init() {
	if len(locale.Languages) != nLangs {
		panic("status: nLangs does not match locale.Languages")
	}
}

// langIndex returns the index of a language in locale.Languages.
func langIndex(lang string) int {
	for i, l := range locale.Languages {
		if l == lang {
			return i
		}
	}
	return 0
}

// Handler returns the handler of the status page, its feeds and the JSON
// API. Mount it at /status, /status/ and /api/v2/. Until the first
// snapshot is built it answers 503.
func (p *Page) Handler() http.Handler {
	mux := http.NewServeMux()
	// A GET pattern also matches HEAD; other methods get 405 from the mux.
	page := func(w http.ResponseWriter, r *http.Request) {
		if s := p.snapshot(w); s != nil {
			serve(w, r, s.status[pickLang(r)])
		}
	}
	mux.HandleFunc("GET /status", page)
	mux.HandleFunc("GET /status/{$}", page)
	mux.HandleFunc("GET /status/status.css", func(w http.ResponseWriter, r *http.Request) {
		serve(w, r, stylesheet)
	})
	mux.HandleFunc("GET /status/incidents/{id}", func(w http.ResponseWriter, r *http.Request) {
		s := p.snapshot(w)
		if s == nil {
			return
		}
		lang := pickLang(r)
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if docs, ok := s.incidents[id]; ok && err == nil {
			serve(w, r, docs[lang])
			return
		}
		serve(w, r, s.notFound[lang])
	})
	mux.HandleFunc("GET /status/feed.rss", func(w http.ResponseWriter, r *http.Request) {
		if s := p.snapshot(w); s != nil {
			serve(w, r, s.rss[pickLang(r)])
		}
	})
	mux.HandleFunc("GET /status/feed.atom", func(w http.ResponseWriter, r *http.Request) {
		if s := p.snapshot(w); s != nil {
			serve(w, r, s.atom[pickLang(r)])
		}
	})
	mux.HandleFunc("GET /status/", func(w http.ResponseWriter, r *http.Request) {
		if s := p.snapshot(w); s != nil {
			serve(w, r, s.notFound[pickLang(r)])
		}
	})
	p.subscriptionRoutes(mux)
	mux.HandleFunc("GET /api/v2/", func(w http.ResponseWriter, r *http.Request) {
		s := p.snapshot(w)
		if s == nil {
			return
		}
		if d, ok := s.api[strings.TrimPrefix(r.URL.Path, "/api/v2/")]; ok {
			serve(w, r, d)
			return
		}
		serve(w, r, s.apiNotFound)
	})
	return mux
}

// snapshot returns the current snapshot, or answers 503 if there is none
// yet.
func (p *Page) snapshot(w http.ResponseWriter) *snapshot {
	s := p.snap.Load()
	if s == nil {
		w.Header().Set("Retry-After", "5")
		http.Error(w, "the status page is starting", http.StatusServiceUnavailable)
	}
	return s
}

// pickLang returns the index of the reader's language: ?lang= first, then
// Accept-Language.
func pickLang(r *http.Request) int {
	return langIndex(locale.Match(r.Header.Get("Accept-Language"), queryLang(r.URL.RawQuery)))
}

// queryLang returns the value of the lang parameter of a raw query,
// without parsing the whole query into a map on every request.
func queryLang(q string) string {
	for q != "" {
		var part string
		part, q, _ = strings.Cut(q, "&")
		if v, ok := strings.CutPrefix(part, "lang="); ok {
			return v
		}
	}
	return ""
}

// serve writes a document, or 304 if the client has it already.
func serve(w http.ResponseWriter, r *http.Request, d *doc) {
	h := w.Header()
	h["Cache-Control"] = cacheControl
	h["Vary"] = vary
	h["X-Content-Type-Options"] = nosniff
	h["Referrer-Policy"] = noReferrer
	h["Content-Security-Policy"] = d.csp
	h["Content-Type"] = d.ctype
	if d.lang != nil {
		h["Content-Language"] = d.lang
	}
	if d.csp[0] == dataCSP[0] {
		// Feeds and the JSON API are public data meant for other sites'
		// widgets; no cookies are involved, so any origin may read them.
		h["Access-Control-Allow-Origin"] = anyOrigin
	}
	body, etag, etagH, length := d.body, d.etag, d.etagH, d.length
	if d.gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body, etag, etagH, length = d.gz, d.gzETag, d.gzETagH, d.gzLen
		h["Content-Encoding"] = gzipEncoding
	}
	h["Etag"] = etagH
	if d.code == http.StatusOK && matches(r.Header.Get("If-None-Match"), etag) {
		// A 304 carries no body, so no Content-Type/Length either.
		delete(h, "Content-Type")
		delete(h, "Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Length"] = length
	w.WriteHeader(d.code)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// matches reports whether an If-None-Match header names etag. The
// comparison is weak, as RFC 9110 asks for If-None-Match.
func matches(header, etag string) bool {
	if header == "" {
		return false
	}
	for header != "" {
		var t string
		t, header, _ = strings.Cut(header, ",")
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding header admits gzip: it
// names gzip (or *) without q=0.
func acceptsGzip(header string) bool {
	for header != "" {
		var part string
		part, header, _ = strings.Cut(header, ",")
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.TrimSpace(coding)
		if !strings.EqualFold(coding, "gzip") && coding != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		if q, ok := strings.CutPrefix(q, "q="); ok {
			if f, err := strconv.ParseFloat(q, 64); err == nil && f == 0 {
				return false
			}
		}
		return true
	}
	return false
}
