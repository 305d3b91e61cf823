package web

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"desk"
)

// DefaultMaxBody is the largest JSON request body accepted unless
// Server.MaxBody says otherwise.
const DefaultMaxBody = 1 << 20

// Server serves the REST API. Set its fields, then call Handler once; the
// fields must not change afterwards.
type Server struct {
	// Service applies the rules of the desk.
	Service *desk.Service
	// Store authenticates API tokens and answers the readiness probe.
	Store desk.Store
	// Logger receives request logs and the real causes of 5xx answers.
	// Nil means slog.Default().
	Logger *slog.Logger
	// MaxBody is the largest JSON request body in bytes; zero means
	// DefaultMaxBody. Attachments are limited by Service.AttachmentLimit
	// instead.
	MaxBody int64
}

// Handler returns the HTTP handler of the API: /healthz, /readyz and every
// route under /api/v1. It protects mutating requests against cross-origin
// browser requests, sets the security headers of every response and turns
// panics into 500 problems.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.Handle(rt.Method+" "+rt.Pattern, s.endpoint(rt))
	}
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The mux answers unknown paths and methods in plain text; answer
		// them as problems instead, keeping the mux's Allow header.
		if nf, pattern := mux.Handler(r); pattern == "" {
			s.noRoute(w, r, nf)
			return
		}
		mux.ServeHTTP(w, r)
	})
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, desk.Errorf(desk.EFORBIDDEN, "cross_origin_request",
			"cross-origin requests from browsers are refused; call the API with a bearer token"))
	}))
	h = cop.Handler(h)
	return s.outer(h)
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

func (s *Server) maxBody() int64 {
	if s.MaxBody > 0 {
		return s.MaxBody
	}
	return DefaultMaxBody
}

// outer sets the headers every response carries, logs each request and
// recovers from panics in the handlers it wraps.
func (s *Server) outer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		rw := &responseWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.logger().ErrorContext(r.Context(), "panic serving request",
					"method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if !rw.wroteHeader {
					s.writeError(rw, r, fmt.Errorf("panic: %v", v))
				}
			}
			s.logger().LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", rw.status()), slog.Int64("bytes", rw.written),
				slog.Duration("duration", time.Since(start)))
		}()
		next.ServeHTTP(rw, r)
	})
}

// responseWriter remembers the status and size of a response, for the
// request log and to know whether a panic can still be answered.
type responseWriter struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
	written     int64
}

func (w *responseWriter) WriteHeader(code int) {
	if !w.wroteHeader && code >= 200 {
		w.code, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.code, w.wroteHeader = http.StatusOK, true
	}
	n, err := w.ResponseWriter.Write(p)
	w.written += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *responseWriter) status() int {
	if !w.wroteHeader {
		return http.StatusOK
	}
	return w.code
}

type ctxKey int

const userKey ctxKey = 0

// endpoint turns a route into an http.Handler: it authenticates the caller
// unless the route is public, records the caller's address for the audit
// log, and writes the handler's error as a problem.
func (s *Server) endpoint(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := desk.WithRemoteAddr(r.Context(), remoteIP(r))
		var u *desk.User
		if !rt.Public {
			var err error
			if u, err = s.authenticate(ctx, r); err != nil {
				s.writeError(w, r, err)
				return
			}
			ctx = context.WithValue(ctx, userKey, u)
		}
		r = r.WithContext(ctx)
		if err := rt.Handle(s, w, r, u); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// remoteIP returns the IP address of the peer. Forwarding headers are not
// trusted: a proxy in front of the server must be configured to rewrite
// RemoteAddr if its clients' addresses are wanted.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// writeJSON writes v as the JSON body of a response with the given status.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		b = append(b, '\n')
		if _, err := w.Write(b); err != nil {
			s.logger().DebugContext(r.Context(), "write response", "err", err)
		}
	}
	return nil
}

// list is the body of every list response.
type list[T any] struct {
	Items []T `json:"items"`
	// NextCursor is set when there is a next page.
	NextCursor string `json:"next_cursor,omitempty"`
}

// items returns a list body that encodes as [] rather than null when empty.
func items[T any](v []T) list[T] {
	if v == nil {
		v = []T{}
	}
	return list[T]{Items: v}
}
