package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"strings"
	"time"

	"desk"
)

func scanUser(s scanner) (*desk.User, error) {
	u := &desk.User{}
	var org sql.NullInt64
	var role, langs string
	var created int64
	if err := s.Scan(&u.ID, &org, &u.Email, &u.Name, &role, &u.SupportPrivilege, &langs,
		&u.Language, &u.TimeZone, &u.PasswordHash, &created); err != nil {
		return nil, err
	}
	u.OrgID, u.Role, u.Languages, u.CreatedAt = org.Int64, desk.Role(role), split(langs), fromUS(created)
	return u, nil
}

func (db *DB) user(ctx context.Context, query string, arg any) (*desk.User, error) {
	var u *desk.User
	err := db.one(ctx, "user", func(s scanner) (err error) {
		u, err = scanUser(s)
		return err
	}, query, arg)
	return u, err
}

// CreateUser stores a new user and sets its ID. E-mail addresses are
// unique regardless of case.
func (db *DB) CreateUser(ctx context.Context, u *desk.User) error {
	if !u.Role.Valid() {
		return desk.Errorf(desk.EINVALID, "invalid_role", "unknown role %q", u.Role)
	}
	if u.IsStaff() != (u.OrgID == 0) {
		return desk.Errorf(desk.EINVALID, "invalid_role", "staff have no organisation and customers have one")
	}
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		return tx.QueryRowContext(ctx, db.q.Get("create-user"), nid(u.OrgID), u.Email, u.Name, string(u.Role),
			u.SupportPrivilege, join(u.Languages), u.Language, u.TimeZone, u.PasswordHash, us(u.CreatedAt)).Scan(&u.ID)
	})
}

// User returns a user by id.
func (db *DB) User(ctx context.Context, id int64) (*desk.User, error) {
	return db.user(ctx, db.q.Get("get-user"), id)
}

// UserByEmail returns a user by e-mail address, in any case.
func (db *DB) UserByEmail(ctx context.Context, email string) (*desk.User, error) {
	return db.user(ctx, db.q.Get("get-user-by-email"), strings.ToLower(strings.TrimSpace(email)))
}

// Users lists an organisation's users, or the staff for orgID zero.
func (db *DB) Users(ctx context.Context, orgID int64) ([]*desk.User, error) {
	if orgID == 0 {
		return many(ctx, db, scanUser, db.q.Get("list-staff"))
	}
	return many(ctx, db, scanUser, db.q.Get("list-org-users"), orgID)
}

// CreateToken stores the hash of a new API token.
func (db *DB) CreateToken(ctx context.Context, userID int64, hash []byte, created time.Time) error {
	return db.exec(ctx, "create-token", hex.EncodeToString(hash), userID, us(created))
}

// UserByToken returns the owner of a token hash.
func (db *DB) UserByToken(ctx context.Context, hash []byte) (*desk.User, error) {
	return db.user(ctx, db.q.Get("get-user-by-token"), hex.EncodeToString(hash))
}
