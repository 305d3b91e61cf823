package ui

import "net/http"

// portalRoutes are the pages of the customer portal.
var portalRoutes = []route{
	{"GET /{$}", signedIn, (*Server).home},
}

// home is the portal's home page for customers and the console for staff.
func (s *Server) home(w http.ResponseWriter, r *http.Request, p *Page) error {
	if p.User.IsStaff() {
		http.Redirect(w, r, "/console", http.StatusSeeOther)
		return nil
	}
	p.Title = "nav.home"
	return s.render(w, r, http.StatusOK, "home", p)
}
