package sqlstore

import (
	"context"
	"database/sql"

	"desk"
)

func (db *DB) insertAudit(ctx context.Context, tx *Tx, e *desk.AuditEntry) error {
	_, err := tx.ExecContext(ctx, db.q.Get("insert-audit"), us(e.At), nid(e.ActorID), nid(e.OrgID),
		e.Action, e.ObjectType, e.ObjectID, e.RemoteAddr, e.Detail)
	return err
}

// AppendAudit appends one entry to the audit log.
func (db *DB) AppendAudit(ctx context.Context, e *desk.AuditEntry) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error { return db.insertAudit(ctx, tx, e) })
}

// Audit returns an organisation's audit entries, newest first.
func (db *DB) Audit(ctx context.Context, orgID int64, limit int) ([]*desk.AuditEntry, error) {
	if limit <= 0 {
		limit = 100
	}
	return many(ctx, db, func(s scanner) (*desk.AuditEntry, error) {
		e := &desk.AuditEntry{}
		var at int64
		var actor, org sql.NullInt64
		err := s.Scan(&e.ID, &at, &actor, &org, &e.Action, &e.ObjectType, &e.ObjectID, &e.RemoteAddr, &e.Detail)
		e.At, e.ActorID, e.OrgID = fromUS(at), actor.Int64, org.Int64
		return e, err
	}, db.q.Get("list-audit"), orgID, limit)
}
