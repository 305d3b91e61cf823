package ui

import "net/http"

// consoleRoutes are the pages of the agent console.
var consoleRoutes = []route{
	{"GET /console", staffOnly, (*Server).queues},
}

// queues lists the agent's queues.
func (s *Server) queues(w http.ResponseWriter, r *http.Request, p *Page) error {
	p.Title = "nav.queues"
	return s.render(w, r, http.StatusOK, "console", p)
}
