package desk

import (
	"context"
	"time"
)

// AuditEntry records one state-changing action. Entries are only ever
// appended.
type AuditEntry struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	ActorID    int64     `json:"actor_id,omitempty"`
	OrgID      int64     `json:"org_id,omitempty"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	RemoteAddr string    `json:"remote_addr,omitempty"`
	// Detail holds what changed, as JSON (before and after).
	Detail string `json:"detail,omitempty"`
}

// AuditStore reads the audit log. Entries are written together with the
// change they describe.
type AuditStore interface {
	AppendAudit(ctx context.Context, e *AuditEntry) error
	// Audit returns the entries of one organisation (all when orgID is
	// zero), newest first.
	Audit(ctx context.Context, orgID int64, limit int) ([]*AuditEntry, error)
}
