package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"desk"
)

// problemTypeBase is the prefix of every problem's type URI; the error code
// completes it.
const problemTypeBase = "https://supportdesk.example/problems/"

// problem is an RFC 9457 problem document, extended with the domain error's
// code, field and upgrade path.
type problem struct {
	Type        string `json:"type"`
	Title       string `json:"title"`
	Status      int    `json:"status"`
	Detail      string `json:"detail,omitempty"`
	Code        string `json:"code"`
	Field       string `json:"field,omitempty"`
	UpgradePath string `json:"upgrade_path,omitempty"`
}

// statusOf maps a desk error kind to an HTTP status.
func statusOf(kind string) int {
	switch kind {
	case desk.EINVALID:
		return http.StatusBadRequest
	case desk.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case desk.EFORBIDDEN:
		return http.StatusForbidden
	case desk.ENOTFOUND:
		return http.StatusNotFound
	case desk.ECONFLICT:
		return http.StatusConflict
	case desk.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case desk.EREFUSED:
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

// writeError writes err as a problem. Only a *desk.Error's own message
// reaches the caller; anything else, and any error of kind EINTERNAL, is
// logged and answered with a generic 500.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = bodyTooLarge(mbe.Limit)
	}
	var e *desk.Error
	if !errors.As(err, &e) || statusOf(e.Kind) == http.StatusInternalServerError {
		s.logger().ErrorContext(r.Context(), "internal error",
			"method", r.Method, "path", r.URL.Path, "err", err)
		e = &desk.Error{Kind: desk.EINTERNAL, Code: "internal",
			Message: "something went wrong on our side; the error has been logged"}
	}
	status := statusOf(e.Kind)
	var se *statusError
	if errors.As(err, &se) && se.Err == e {
		status = se.Status
	}
	if status == http.StatusUnauthorized {
		if e.Code == "token_required" {
			w.Header().Set("WWW-Authenticate", "Bearer")
		} else {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		}
	}
	s.writeProblem(w, r, problem{
		Status: status, Code: e.Code, Detail: e.Message,
		Field: e.Field, UpgradePath: e.UpgradePath,
	})
}

// writeProblem writes p, filling in its type and title.
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, p problem) {
	if p.Code == "" {
		p.Code = strings.ToLower(strings.ReplaceAll(http.StatusText(p.Status), " ", "_"))
	}
	p.Type = problemTypeBase + p.Code
	p.Title = http.StatusText(p.Status)
	h := w.Header()
	// A handler may have prepared a successful answer before it failed.
	for _, k := range []string{"Content-Disposition", "Location", "Last-Modified", "ETag", "Content-Length", "Content-Encoding"} {
		h.Del(k)
	}
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	h.Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	if r.Method == http.MethodHead {
		return
	}
	b, _ := json.Marshal(p)
	w.Write(append(b, '\n'))
}

// noRoute answers a request no route matches: 405 with the mux's Allow
// header when the path exists for other methods, else 404.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request, muxHandler http.Handler) {
	c := &discardWriter{h: http.Header{}}
	muxHandler.ServeHTTP(c, r)
	if c.code == http.StatusMethodNotAllowed {
		allow := c.h.Get("Allow")
		w.Header().Set("Allow", allow)
		s.writeProblem(w, r, problem{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
			Detail: fmt.Sprintf("%s is not allowed here; use %s", r.Method, allow)})
		return
	}
	s.writeProblem(w, r, problem{Status: http.StatusNotFound, Code: "not_found",
		Detail: "there is no such endpoint; see /api/v1/openapi.json"})
}

// discardWriter records the status and headers of a response and drops its
// body.
type discardWriter struct {
	h    http.Header
	code int
}

func (d *discardWriter) Header() http.Header { return d.h }

func (d *discardWriter) Write(p []byte) (int, error) {
	if d.code == 0 {
		d.code = http.StatusOK
	}
	return len(p), nil
}

func (d *discardWriter) WriteHeader(code int) {
	if d.code == 0 {
		d.code = code
	}
}

// statusError is a desk error answered with a status its kind does not
// map to, for conditions only HTTP has, such as an unsupported media type.
type statusError struct {
	Status int
	Err    *desk.Error
}

func (e *statusError) Error() string { return e.Err.Error() }
func (e *statusError) Unwrap() error { return e.Err }

func bodyTooLarge(limit int64) *desk.Error {
	return desk.Errorf(desk.ETOOLARGE, "body_too_large", "the request body is larger than %d bytes", limit)
}
