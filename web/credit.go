package web

import (
	"net/http"
	"strconv"

	"desk"
)

// creditLocation is the URL of a credit request.
func creditLocation(id int64) string { return "/api/v1/credit-requests/" + strconv.FormatInt(id, 10) }

// listCreditRequests lists the service credit requests the caller may
// see: staff who work cases see all, an organisation's admins their own;
// those waiting for a decision come first.
func (s *Server) listCreditRequests(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	crs, err := s.Service.CreditRequests(r.Context(), u)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, items(crs))
}

// requestCredit asks for the service credit an outage earned, from a case
// linked to the incident; the answer carries the working.
func (s *Server) requestCredit(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	id, err := pathID(r, "case")
	if err != nil {
		return err
	}
	if err := decodeEmpty(w, r, s.maxBody()); err != nil {
		return err
	}
	cr, err := s.Service.RequestCredit(r.Context(), u, id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", creditLocation(cr.ID))
	return s.writeJSON(w, r, http.StatusCreated, cr)
}

// approveCredit approves a credit request (supervisors only).
func (s *Server) approveCredit(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	id, err := pathID(r, "credit_request")
	if err != nil {
		return err
	}
	if err := decodeEmpty(w, r, s.maxBody()); err != nil {
		return err
	}
	cr, err := s.Service.ApproveCredit(r.Context(), u, id)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, cr)
}

// declineCredit declines a credit request with a reason (supervisors
// only).
func (s *Server) declineCredit(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	id, err := pathID(r, "credit_request")
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(w, r, s.maxBody(), &in); err != nil {
		return err
	}
	cr, err := s.Service.DeclineCredit(r.Context(), u, id, in.Reason)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, cr)
}
