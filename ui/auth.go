package ui

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"desk"
	"desk/locale"
)

// cookieName is the session cookie's name. Over TLS it carries the
// __Host- prefix, which browsers accept only from a secure origin, for the
// whole host and without a Domain: a sibling domain cannot plant one.
func (s *Server) cookieName() string {
	if s.Secure {
		return "__Host-session"
	}
	return "session"
}

func (s *Server) setSession(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: s.cookieName(), Value: token, Path: "/", HttpOnly: true, Secure: s.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(desk.SessionMax.Seconds()),
	})
}

func (s *Server) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: "", Path: "/", HttpOnly: true,
		Secure: s.Secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// safeNext returns where to go after signing in: a path on this site
// only, never another origin (an open redirect would make our login page
// a phishing tool).
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return next
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, p *Page) error {
	if p.User != nil {
		http.Redirect(w, r, home(p.User), http.StatusSeeOther)
		return nil
	}
	p.Title = "login.title"
	p.Form = NewForm(url.Values{"next": {safeNext(r.URL.Query().Get("next"))}})
	if r.URL.Query().Get("signed_out") != "" {
		p.Flash = "login.signed_out"
	}
	return s.render(w, r, http.StatusOK, "login", p)
}

// home is where a user lands after signing in.
func home(u *desk.User) string {
	if u.IsStaff() {
		return "/console"
	}
	return "/"
}

func (s *Server) login(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := r.ParseForm(); err != nil {
		return desk.Errorf(desk.EINVALID, "bad_form", "the form could not be read")
	}
	f := NewForm(url.Values{"email": {r.PostForm.Get("email")}, "next": {r.PostForm.Get("next")}}) // never the password
	p.Title, p.Form = "login.title", f
	email, password := strings.TrimSpace(r.PostForm.Get("email")), r.PostForm.Get("password")
	if email == "" {
		f.Fail("email", "form.required")
	}
	if password == "" {
		f.Fail("password", "form.required")
	}
	if !f.OK() {
		return s.render(w, r, http.StatusUnprocessableEntity, "login", p)
	}
	if !s.limiter.allow(remoteIP(r), email, time.Now()) {
		f.Fail("email", "login.too_many_attempts")
		return s.render(w, r, http.StatusTooManyRequests, "login", p)
	}
	u, token, err := s.Service.SignIn(r.Context(), email, password)
	if desk.ErrorCode(err) == "wrong_credentials" {
		s.limiter.fail(remoteIP(r), email, time.Now())
		f.Fail("email", "login.wrong_credentials")
		return s.render(w, r, http.StatusUnauthorized, "login", p)
	} else if err != nil {
		return err
	}
	s.setSession(w, token)
	next := safeNext(r.PostForm.Get("next"))
	if next == "/" {
		next = home(u)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, p *Page) error {
	if token, _ := r.Context().Value(tokenKey).(string); token != "" {
		if err := s.Service.SignOut(r.Context(), token); err != nil {
			return err
		}
	}
	s.clearSession(w)
	http.Redirect(w, r, "/login?signed_out=1", http.StatusSeeOther)
	return nil
}

func (s *Server) logoutEverywhere(w http.ResponseWriter, r *http.Request, p *Page) error {
	if _, err := s.Service.SignOutEverywhere(r.Context(), p.User); err != nil {
		return err
	}
	s.clearSession(w)
	http.Redirect(w, r, "/login?signed_out=1", http.StatusSeeOther)
	return nil
}

// setLanguage remembers the language picked in the picker for a year.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request, p *Page) error {
	if err := r.ParseForm(); err != nil {
		return desk.Errorf(desk.EINVALID, "bad_form", "the form could not be read")
	}
	lang := locale.Match("", r.PostForm.Get("lang"))
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		Secure: s.Secure, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, safeNext(r.PostForm.Get("next")), http.StatusSeeOther)
	return nil
}
