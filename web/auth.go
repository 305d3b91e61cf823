package web

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"strings"

	"desk"
)

// maxTokenLen bounds what is hashed and looked up; real tokens are far
// shorter.
const maxTokenLen = 512

// authenticate returns the user whose API token the request carries as
// "Authorization: Bearer <token>". The store knows only the SHA-256 of each
// token, so a leaked database does not leak usable tokens.
func (s *Server) authenticate(ctx context.Context, r *http.Request) (*desk.User, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, desk.Errorf(desk.EUNAUTHORIZED, "token_required",
			"send an API token in the header Authorization: Bearer <token>")
	}
	scheme, token, _ := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" || len(token) > maxTokenLen {
		return nil, invalidToken()
	}
	sum := sha256.Sum256([]byte(token))
	u, err := s.Store.UserByToken(ctx, sum[:])
	switch desk.ErrorKind(err) {
	case "":
		return u, nil
	case desk.ENOTFOUND, desk.EUNAUTHORIZED:
		return nil, invalidToken()
	}
	return nil, fmt.Errorf("authenticate: %w", err)
}

func invalidToken() *desk.Error {
	return desk.Errorf(desk.EUNAUTHORIZED, "invalid_token", "the API token is not valid")
}

// me returns the caller, with the privileges that decide what the API lets
// them do.
func (s *Server) me(w http.ResponseWriter, r *http.Request, u *desk.User) error {
	return s.writeJSON(w, r, http.StatusOK, struct {
		*desk.User
		SupportPrivilege bool `json:"support_privilege"`
		Staff            bool `json:"staff"`
	}{u, u.HasSupportPrivilege(), u.IsStaff()})
}
