package web

import (
	"net/http"
	"strconv"

	"desk"
)

// webhookLocation is the URL of a webhook.
func webhookLocation(id int64) string { return "/api/v1/webhooks/" + strconv.FormatInt(id, 10) }

// createWebhook adds a webhook to the caller's organisation and answers
// it with its signing secret, which no later answer repeats.
func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	// Who may is answered before what was sent: a caller without the
	// right learns nothing from the validation of a body.
	if err := desk.RequireWebhookAdmin(u); err != nil {
		return err
	}
	var in desk.NewWebhook
	if err := decodeJSON(w, r, s.maxBody(), &in); err != nil {
		return err
	}
	hook, err := s.Service.CreateWebhook(r.Context(), u, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", webhookLocation(hook.ID))
	return s.writeJSON(w, r, http.StatusCreated, hook)
}

// listWebhooks lists the caller's organisation's webhooks, without their
// secrets.
func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	hooks, err := s.Service.Webhooks(r.Context(), u)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, items(hooks))
}

// deleteWebhook deletes a webhook of the caller's organisation.
func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	id, err := pathID(r, "webhook")
	if err != nil {
		return err
	}
	if err := s.Service.DeleteWebhook(r.Context(), u, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// testWebhook queues a webhook.test event and answers the queued
// delivery; its log shows how the attempt went.
func (s *Server) testWebhook(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	id, err := pathID(r, "webhook")
	if err != nil {
		return err
	}
	if err := decodeEmpty(w, r, s.maxBody()); err != nil {
		return err
	}
	d, err := s.Service.TestWebhook(r.Context(), u, id)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusAccepted, d)
}

// webhookDeliveries lists the last deliveries of a webhook of the caller's
// organisation, newest first.
func (s *Server) webhookDeliveries(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	id, err := pathID(r, "webhook")
	if err != nil {
		return err
	}
	ds, err := s.Service.WebhookDeliveries(r.Context(), u, id)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, items(ds))
}
