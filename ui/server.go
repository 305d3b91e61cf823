package ui

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"desk"
	"desk/locale"
)

//go:embed templates static
var files embed.FS

// Server serves the web pages. Set its fields, then call Handler once.
type Server struct {
	Service *desk.Service
	Logger  *slog.Logger
	// Secure is set when the pages are served over TLS: the session
	// cookie then carries the __Host- prefix and the Secure attribute.
	Secure bool
	// SeverityScheme is how severities are labelled to readers: "abc"
	// (A, B, C; the Microsoft seeds), "p" (P1–P4; the Google seed) or
	// "hnl" (High, Normal, Low; the Workplace seed). Empty means "abc".
	SeverityScheme string
	// MailPreview renders an outgoing mail as its recipient gets it: the
	// subject line and the plain-text and HTML bodies (notify.Renderer's
	// Render). Nil means the console's mail pages say that no preview is
	// available.
	MailPreview func(m *desk.OutMail) (subject, text, html string, err error)
	// MailCapture is set when the desk keeps mail in the outbox instead of
	// sending it (the demo's capture mode); the outbox page says so.
	MailCapture bool
	// CommunityURL is the address of the vendor's user community, which
	// the portal offers to those who may not contact support themselves;
	// empty hides the link.
	CommunityURL string

	pages   map[string]*template.Template
	limiter limiter
	counts  countCache
	// names caches the names of organisations and staff that lists show
	// (names.go).
	names nameCache

	// hookForms makes a new-webhook form sent twice create one webhook
	// (portal_webhooks.go).
	hookForms hookOnce
}

// ctxKey keys the request context values of this package.
type ctxKey int

const (
	userKey ctxKey = iota
	tokenKey
)

// Handler returns the handler of every page and of /static/.
func (s *Server) Handler() http.Handler {
	s.pages = parsePages()
	mux := http.NewServeMux()
	static, _ := fs.Sub(files, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler(static)))
	for _, rt := range routes {
		mux.Handle(rt.pattern, s.page(rt))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, desk.NotFound("page"))
	})
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, desk.Errorf(desk.EFORBIDDEN, "cross_origin_request", "cross-origin form posts are refused"))
	}))
	return compress(s.outer(cop.Handler(mux)))
}

// csp allows only the server's own scripts, styles and images: no inline
// script or style, no framing, forms posting only here.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// outer sets the security headers of every response, loads the session's
// user and recovers from panics.
func (s *Server) outer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if s.Secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		ctx := desk.WithRemoteAddr(r.Context(), remoteIP(r))
		if c, err := r.Cookie(s.cookieName()); err == nil && c.Value != "" {
			u, err := s.Service.SessionUser(ctx, c.Value)
			switch {
			case err == nil:
				ctx = context.WithValue(ctx, userKey, u)
				ctx = context.WithValue(ctx, tokenKey, c.Value)
			case desk.ErrorKind(err) == desk.ENOTFOUND:
				s.clearSession(w)
			default:
				s.logger().ErrorContext(ctx, "load session", "err", err)
			}
		}
		r = r.WithContext(ctx)
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.logger().ErrorContext(ctx, "panic serving page", "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.renderError(w, r, fmt.Errorf("panic: %v", v))
			}
			s.logger().DebugContext(ctx, "page", "method", r.Method, "path", r.URL.Path, "duration", time.Since(start))
		}()
		next.ServeHTTP(w, r)
	})
}

// remoteIP returns the peer's address, as the API does: forwarding
// headers are not trusted.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// userOf returns the signed-in user of a request, or nil.
func userOf(r *http.Request) *desk.User {
	u, _ := r.Context().Value(userKey).(*desk.User)
	return u
}

// route is one page. Routes that are not public need a signed-in user;
// staff routes need vendor staff, customer routes a customer.
type route struct {
	pattern string
	access  access
	handle  func(s *Server, w http.ResponseWriter, r *http.Request, p *Page) error
}

type access int

const (
	public access = iota
	signedIn
	customerOnly
	staffOnly
)

// page wraps a route: it checks access, prepares the page's locale and
// renders errors.
func (s *Server) page(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := userOf(r)
		if rt.access != public && u == nil {
			next := r.URL.RequestURI()
			if r.Method != http.MethodGet {
				next = "/"
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		p := s.newPage(r, u)
		switch {
		case rt.access == customerOnly && u.IsStaff():
			http.Redirect(w, r, "/console", http.StatusSeeOther)
			return
		case rt.access == staffOnly && !u.IsStaff():
			s.renderError(w, r, desk.Errorf(desk.EFORBIDDEN, "staff_only", "vendor staff only"))
			return
		}
		if u != nil && u.IsStaff() && r.Method == http.MethodGet {
			p.MailHeld = s.mailHeld(r, p)
		}
		if err := rt.handle(s, w, r, p); err != nil {
			s.renderError(w, r, err)
		}
	})
}

// Page is what every template gets: the reader's locale, the user, and the
// page's own data and form state.
type Page struct {
	L    *locale.Locale
	User *desk.User
	// Path is the request path, for marking the current navigation item.
	Path string
	// Title is the catalogue key of the page title.
	Title string
	Data  any
	Form  *Form
	// Flash is a catalogue key of a one-line confirmation to show.
	Flash string
	// Languages is the language picker's choice.
	Languages []string
	// MailHeld is the number of quarantined mails waiting for staff's
	// review, in the reader's digits, for the console's navigation; ""
	// when there is none.
	MailHeld string
	// Community is the address of the vendor's user community; "" hides
	// its links.
	Community string
}

// newPage picks the reader's language: an explicit choice (the lang
// cookie set by the picker), then the user's own language, then the
// browser's Accept-Language; and the reader's time zone.
func (s *Server) newPage(r *http.Request, u *desk.User) *Page {
	var prefer []string
	if c, err := r.Cookie("lang"); err == nil {
		prefer = append(prefer, c.Value)
	}
	zone := time.UTC
	if u != nil {
		prefer = append(prefer, u.Language)
		if z, err := time.LoadLocation(u.TimeZone); err == nil && u.TimeZone != "" {
			zone = z
		}
	}
	lang := locale.Match(r.Header.Get("Accept-Language"), prefer...)
	return &Page{L: locale.For(lang, zone), User: u, Path: r.URL.Path, Languages: locale.Languages, Community: s.CommunityURL}
}

// render writes a page template with status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("no page template %q", name)
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, "layout", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", p.L.Lang)
	h.Set("Cache-Control", "no-store")
	h.Set("Vary", "Cookie, Accept-Language")
	w.WriteHeader(status)
	_, err := w.Write([]byte(b.String()))
	if err != nil {
		s.logger().DebugContext(r.Context(), "write page", "err", err)
	}
	return nil
}

// errorData is the data of the error page.
type errorData struct {
	Status int
	// Key is the catalogue key of the explanation.
	Key string
}

// renderError shows an error page in the reader's language. Only the
// error's kind decides what is said; details of internal errors go to the
// log.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	var e *desk.Error
	status, key := http.StatusInternalServerError, "error.internal"
	if errors.As(err, &e) {
		switch e.Kind {
		case desk.ENOTFOUND:
			status, key = http.StatusNotFound, "error.not_found"
		case desk.EFORBIDDEN:
			status, key = http.StatusForbidden, "error.forbidden"
			if e.Code == "cross_origin_request" {
				key = "error.cross_origin"
			}
		case desk.EUNAUTHORIZED:
			status, key = http.StatusUnauthorized, "error.forbidden"
		case desk.EINVALID, desk.ECONFLICT, desk.EREFUSED, desk.ETOOLARGE:
			status, key = http.StatusBadRequest, "error.invalid"
		}
	}
	if status == http.StatusInternalServerError {
		s.logger().ErrorContext(r.Context(), "page error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	p := s.newPage(r, userOf(r))
	p.Title, p.Data = key+".title", errorData{Status: status, Key: key}
	if rerr := s.render(w, r, status, "error", p); rerr != nil {
		s.logger().ErrorContext(r.Context(), "render error page", "err", rerr)
		http.Error(w, http.StatusText(status), status)
	}
}

// staticHandler serves the embedded assets. They change only with the
// binary, so browsers may keep them for a day.
func staticHandler(fsys fs.FS) http.Handler {
	fileServer := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") || r.URL.Path == "" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		fileServer.ServeHTTP(w, r)
	})
}
