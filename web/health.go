package web

import (
	"context"
	_ "embed"
	"net/http"
	"time"

	"desk"
)

// readyTimeout bounds the store check of the readiness probe, so that a
// hung database makes the probe fail rather than hang.
const readyTimeout = 2 * time.Second

// healthz answers while the process serves requests: a liveness probe.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request, _ *desk.User) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
	return nil
}

// readyz answers 200 while the store can serve requests, else 503: a
// readiness probe that takes a node out of a load balancer's rotation.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request, _ *desk.User) error {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		s.logger().WarnContext(ctx, "not ready", "err", err)
		s.writeProblem(w, r, problem{Status: http.StatusServiceUnavailable, Code: "not_ready",
			Detail: "the service cannot reach its database"})
		return nil
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
	return nil
}

//go:embed openapi.json
var openAPIDoc []byte

// openAPI serves the OpenAPI document of the API.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request, _ *desk.User) error {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPIDoc)
	return nil
}
