package desk

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// Session lifetimes. A session ends after SessionIdle without use or
// SessionMax after sign-in, whichever comes first, so that a stolen cookie
// is worth little for long.
const (
	SessionIdle = 12 * time.Hour
	SessionMax  = 7 * 24 * time.Hour
)

// Session is a signed-in browser. The store keeps only the SHA-256 of its
// token, so a copy of the database signs nobody in.
type Session struct {
	UserID    int64
	CreatedAt time.Time
	// ExpiresAt moves forward with use, up to CreatedAt+SessionMax.
	ExpiresAt time.Time
}

// SessionStore keeps browser sessions.
type SessionStore interface {
	// CreateSession stores a new session under the hash of its token,
	// with an audit entry in the same transaction.
	CreateSession(ctx context.Context, hash []byte, s *Session, audit *AuditEntry) error
	// SessionUser returns the user of the session with the given hash if
	// it has not expired at now, and extends it to expires (never beyond
	// its maximum age). Expired and unknown sessions are ENOTFOUND.
	SessionUser(ctx context.Context, hash []byte, now, expires time.Time) (*User, error)
	// DeleteSession ends one session.
	DeleteSession(ctx context.Context, hash []byte) error
	// DeleteUserSessions ends every session of a user and returns how
	// many there were, with an audit entry in the same transaction.
	DeleteUserSessions(ctx context.Context, userID int64, audit *AuditEntry) (int, error)
}

// PasswordChecker verifies a password against a stored hash. The desk
// package does no cryptography of its own; cmd wires in passwd.
type PasswordChecker interface {
	Verify(password, hash string) (bool, error)
}

// dummyHash is verified when no user has the e-mail address, so that an
// unknown address takes as long to refuse as a wrong password.
var dummyHash string

// SetDummyHash sets a valid hash that SignIn checks for unknown addresses,
// so that the time to answer does not tell which addresses have accounts.
func SetDummyHash(h string) { dummyHash = h }

func wrongCredentials() *Error {
	return &Error{Kind: EUNAUTHORIZED, Code: "wrong_credentials", Message: "the e-mail address or password is wrong"}
}

// SignIn checks an e-mail address and password and starts a session. It
// returns the session token to give to the browser; the store keeps only
// its hash. Unknown addresses and wrong passwords get the same answer.
func (s *Service) SignIn(ctx context.Context, email, password string) (*User, string, error) {
	if s.Passwords == nil {
		return nil, "", Errorf(EFORBIDDEN, "sign_in_disabled", "signing in with a password is not configured")
	}
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" || password == "" {
		return nil, "", wrongCredentials()
	}
	u, err := s.Store.UserByEmail(ctx, email)
	if ErrorKind(err) == ENOTFOUND {
		if dummyHash != "" {
			s.Passwords.Verify(password, dummyHash)
		}
		return nil, "", wrongCredentials()
	} else if err != nil {
		return nil, "", err
	}
	if u.PasswordHash == "" {
		return nil, "", wrongCredentials()
	}
	ok, err := s.Passwords.Verify(password, u.PasswordHash)
	if err != nil {
		return nil, "", err
	}
	if !ok {
		s.Store.AppendAudit(ctx, s.audit(ctx, u, u.OrgID, "session.sign_in_failed", "user", fmt.Sprint(u.ID), nil))
		return nil, "", wrongCredentials()
	}
	token, hash := NewToken()
	now := s.Clock.Now()
	sess := &Session{UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(SessionIdle)}
	if err := s.Store.CreateSession(ctx, hash, sess, s.audit(ctx, u, u.OrgID, "session.sign_in", "user", fmt.Sprint(u.ID), nil)); err != nil {
		return nil, "", err
	}
	return u, token, nil
}

// SessionUser returns the user signed in with a session token and keeps
// the session alive.
func (s *Service) SessionUser(ctx context.Context, token string) (*User, error) {
	if token == "" || len(token) > 128 {
		return nil, NotFound("session")
	}
	sum := sha256.Sum256([]byte(token))
	now := s.Clock.Now()
	return s.Store.SessionUser(ctx, sum[:], now, now.Add(SessionIdle))
}

// SignOut ends the session of a token.
func (s *Service) SignOut(ctx context.Context, token string) error {
	sum := sha256.Sum256([]byte(token))
	return s.Store.DeleteSession(ctx, sum[:])
}

// SignOutEverywhere ends every session of the actor, on every device.
func (s *Service) SignOutEverywhere(ctx context.Context, actor *User) (int, error) {
	return s.Store.DeleteUserSessions(ctx, actor.ID, s.audit(ctx, actor, actor.OrgID, "session.sign_out_everywhere", "user", fmt.Sprint(actor.ID), nil))
}

// NewToken returns a new random token (256 bits, URL-safe) and its
// SHA-256 hash, the only form a store keeps.
func NewToken() (token string, hash []byte) {
	var b [32]byte
	rand.Read(b[:])
	token = base64.RawURLEncoding.EncodeToString(b[:])
	sum := sha256.Sum256([]byte(token))
	return token, sum[:]
}
