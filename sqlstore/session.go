package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"desk"
)

// CreateSession stores a new session and its audit entry.
func (db *DB) CreateSession(ctx context.Context, hash []byte, s *desk.Session, audit *desk.AuditEntry) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		// Each sign-in clears the user's expired sessions, so the table
		// holds no more than the live ones plus one round of dead ones.
		if _, err := tx.ExecContext(ctx, db.q.Get("delete-expired-user-sessions"), s.UserID, us(s.CreatedAt)); err != nil {
			return fmt.Errorf("clear expired sessions: %w", err)
		}
		if _, err := tx.ExecContext(ctx, db.q.Get("create-session"), hex.EncodeToString(hash), s.UserID,
			us(s.CreatedAt), us(s.ExpiresAt)); err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		return db.insertAudit(ctx, tx, audit)
	})
}

// sessionSlack is how far a session's expiry may lag behind "idle time
// from now" before a request moves it. Without it every page view would
// be a durable write (an fsync on SQLite) just to move a time forward.
const sessionSlack = time.Minute * 10

// SessionUser returns the user of a live session and extends it when its
// expiry has fallen behind by more than sessionSlack.
func (db *DB) SessionUser(ctx context.Context, hash []byte, now, expires time.Time) (*desk.User, error) {
	h := hex.EncodeToString(hash)
	var created, exp int64
	u, err := scanUser(prefixed{db.queryRow(ctx, db.q.Get("get-session"), h, us(now)), []any{&created, &exp}})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, desk.NotFound("session")
	} else if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	maxExp := created + desk.SessionMax.Microseconds()
	if want := min(us(expires), maxExp); want-exp > sessionSlack.Microseconds() {
		err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
			return tx.QueryRowContext(ctx, db.q.Get("touch-session"), h, us(now), us(expires),
				desk.SessionMax.Microseconds()).Scan(new(int64))
		})
		if errors.Is(err, sql.ErrNoRows) {
			return nil, desk.NotFound("session") // signed out meanwhile
		} else if err != nil {
			return nil, fmt.Errorf("session: %w", err)
		}
	}
	return u, nil
}

// prefixed scans leading columns into pre and the rest into what its
// caller asks for, so that scanUser reads a user that follows them.
type prefixed struct {
	s   scanner
	pre []any
}

func (p prefixed) Scan(dest ...any) error { return p.s.Scan(append(p.pre, dest...)...) }

// DeleteSession ends one session; ending one that does not exist is no
// error, so that signing out twice is harmless.
func (db *DB) DeleteSession(ctx context.Context, hash []byte) error {
	return db.exec(ctx, "delete-session", hex.EncodeToString(hash))
}

// DeleteUserSessions ends every session of a user.
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64, audit *desk.AuditEntry) (int, error) {
	n := 0
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, db.q.Get("delete-user-sessions"), userID)
		if err != nil {
			return fmt.Errorf("delete sessions: %w", err)
		}
		k, err := res.RowsAffected()
		n = int(k)
		if err != nil {
			return err
		}
		return db.insertAudit(ctx, tx, audit)
	})
	return n, err
}

// PutRating stores or replaces a case's rating and its audit entry.
func (db *DB) PutRating(ctx context.Context, r *desk.Rating, audit *desk.AuditEntry) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := tx.ExecContext(ctx, db.q.Get("put-rating"), r.CaseID, r.OrgID, r.UserID, r.Score, r.Comment,
			us(r.CreatedAt)); err != nil {
			return fmt.Errorf("put rating: %w", err)
		}
		return db.insertAudit(ctx, tx, audit)
	})
}

// Rating returns the rating of a case within the scope.
func (db *DB) Rating(ctx context.Context, scope desk.Scope, caseID int64) (*desk.Rating, error) {
	r := &desk.Rating{}
	err := db.one(ctx, "rating", func(s scanner) error {
		var created int64
		err := s.Scan(&r.CaseID, &r.OrgID, &r.UserID, &r.Score, &r.Comment, &created)
		r.CreatedAt = fromUS(created)
		return err
	}, db.q.Get("get-rating"), caseID, scopeOrg(scope))
	if err != nil {
		return nil, err
	}
	return r, nil
}
