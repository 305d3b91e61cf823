package status

import (
	"bytes"
	"net/http"
	"strconv"

	"desk"
	"desk/locale"
)

// subscribeView is the state of a subscription page.
type subscribeView struct {
	// State names the page: form (the form again, with an error), sent
	// (check your inbox), confirm and unsubscribe (a button, for a link
	// from a mail), confirmed, unsubscribed, or invalid (a link that does
	// not work).
	State    string
	Services []*serviceView
	Email    string
	Chosen   map[string]bool
	Error    string
	Token    string
}

// subscriptionRoutes adds the pages of e-mail subscriptions. Unlike the
// rest of the status page they are rendered per request, since they
// change the store; they set no cookies. A link in a mail only ever shows
// a button (GET): mail scanners follow links, and must not confirm a
// subscription nobody asked for, nor end one. The POST handlers are
// guarded by http.CrossOriginProtection, which refuses posts a browser
// says come from another site; mail providers' one-click unsubscribe
// (RFC 8058) posts from their servers, without those headers, and passes.
func (p *Page) subscriptionRoutes(mux *http.ServeMux) {
	cop := http.NewCrossOriginProtection()
	post := func(pattern string, h http.HandlerFunc) {
		mux.Handle(pattern, cop.Handler(h))
	}
	mux.HandleFunc("GET /status/subscribe", func(w http.ResponseWriter, r *http.Request) {
		p.subscribeForm(w, r, "", nil, http.StatusOK, "")
	})
	post("POST /status/subscribe", func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
		if err := r.ParseForm(); err != nil {
			p.subscribeForm(w, r, "", nil, http.StatusBadRequest, "invalid_email")
			return
		}
		email, chosen := r.PostForm.Get("email"), r.PostForm["component"]
		// The mail is written in the language the form was shown in.
		lang := locale.Match(r.Header.Get("Accept-Language"), r.PostForm.Get("lang"), queryLang(r.URL.RawQuery))
		err := p.Service.SubscribeStatus(r.Context(), email, chosen, lang)
		if err != nil {
			status, code := http.StatusUnprocessableEntity, desk.ErrorCode(err)
			switch desk.ErrorKind(err) {
			case desk.EINVALID:
			case desk.EREFUSED:
				status = http.StatusServiceUnavailable
			default:
				p.logger().ErrorContext(r.Context(), "subscribe to the status page", "err", err)
				status, code = http.StatusInternalServerError, "failed"
			}
			p.subscribeForm(w, r, email, chosen, status, code)
			return
		}
		// Post/redirect/get: reloading the answer does not post again.
		http.Redirect(w, r, "/status/subscribe/sent?lang="+lang, http.StatusSeeOther)
	})
	mux.HandleFunc("GET /status/subscribe/sent", func(w http.ResponseWriter, r *http.Request) {
		p.subscribePage(w, r, http.StatusOK, &subscribeView{State: "sent"})
	})
	mux.HandleFunc("GET /status/confirm", func(w http.ResponseWriter, r *http.Request) {
		p.subscribePage(w, r, http.StatusOK, &subscribeView{State: "confirm", Token: r.URL.Query().Get("token")})
	})
	post("POST /status/confirm", func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
		token := r.FormValue("token")
		if _, err := p.Service.ConfirmStatusSubscription(r.Context(), token); err != nil {
			p.linkFailed(w, r, err)
			return
		}
		p.subscribePage(w, r, http.StatusOK, &subscribeView{State: "confirmed"})
	})
	mux.HandleFunc("GET /status/unsubscribe", func(w http.ResponseWriter, r *http.Request) {
		p.subscribePage(w, r, http.StatusOK, &subscribeView{State: "unsubscribe", Token: r.URL.Query().Get("token")})
	})
	// The one-click POST (RFC 8058) carries the token in the URL and
	// List-Unsubscribe=One-Click in the body; the button on the page
	// carries it in the body. Either ends the subscription at once.
	post("POST /status/unsubscribe", func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
		token := r.FormValue("token")
		if err := p.Service.UnsubscribeStatus(r.Context(), token); err != nil {
			p.linkFailed(w, r, err)
			return
		}
		p.subscribePage(w, r, http.StatusOK, &subscribeView{State: "unsubscribed"})
	})
}

// linkFailed answers a confirm or unsubscribe link that did not work.
func (p *Page) linkFailed(w http.ResponseWriter, r *http.Request, err error) {
	if desk.ErrorKind(err) == desk.ENOTFOUND {
		p.subscribePage(w, r, http.StatusNotFound, &subscribeView{State: "invalid"})
		return
	}
	p.logger().ErrorContext(r.Context(), "status subscription link", "err", err)
	p.subscribePage(w, r, http.StatusInternalServerError, &subscribeView{State: "invalid"})
}

// subscribeForm shows the form again, with what was typed and the error
// of code next to it.
func (p *Page) subscribeForm(w http.ResponseWriter, r *http.Request, email string, chosen []string, status int, code string) {
	v := &subscribeView{State: "form", Email: email, Chosen: map[string]bool{}}
	for _, c := range chosen {
		v.Chosen[c] = true
	}
	comps, err := p.Service.Components(r.Context())
	if err != nil {
		p.logger().ErrorContext(r.Context(), "subscribe form", "err", err)
		status, code = http.StatusInternalServerError, "failed"
	}
	for _, c := range comps {
		if c.Parent == "" {
			v.Services = append(v.Services, &serviceView{C: c})
		}
	}
	if code != "" {
		l := locale.For(locale.Languages[pickLang(r)], nil)
		key := "subscribe.error." + code
		if !l.Has(key) {
			key = "subscribe.form.error"
		}
		v.Error = l.T(key)
	}
	p.subscribePage(w, r, status, v)
}

// subscribePage renders a subscription page in the reader's language. It
// is never cached, and sends no Referer on: the address may carry a
// token.
func (p *Page) subscribePage(w http.ResponseWriter, r *http.Request, status int, v *subscribeView) {
	lang := locale.Languages[pickLang(r)]
	l := locale.For(lang, nil)
	title := l.T("subscribe.form.title")
	if v.State != "form" {
		title = l.T("subscribe." + v.State + ".title")
	}
	d := &pageData{L: l, Lang: lang, Langs: locale.Languages, M: &model{Name: p.name()}, CSS: stylesheetURL,
		Path: r.URL.Path, Title: title + " · " + l.T("statuspage.title", "name", p.name()), Sub: v}
	if v.State == "confirm" || v.State == "unsubscribe" {
		// The language links keep the page's address without its token;
		// the button's form keeps the token.
		d.Path = "/status"
	}
	var b bytes.Buffer
	if err := pages["subscribe"].ExecuteTemplate(&b, "layout", d); err != nil {
		p.logger().ErrorContext(r.Context(), "render subscription page", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", typeHTML[0])
	h.Set("Content-Language", lang)
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h["Content-Security-Policy"] = pageCSP
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	w.Write(b.Bytes())
}
