package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"desk"
)

var _ desk.WebhookStore = (*DB)(nil)

func scanWebhook(s scanner) (*desk.Webhook, error) {
	w := &desk.Webhook{}
	var format, comps string
	var by sql.NullInt64
	var created int64
	if err := s.Scan(&w.ID, &w.OrgID, &w.URL, &format, &w.Secret, &comps, &w.Active, &by, &created); err != nil {
		return nil, err
	}
	w.Format, w.CreatedBy, w.CreatedAt = desk.WebhookFormat(format), by.Int64, fromUS(created)
	w.Components = split(comps)
	if w.Components == nil {
		w.Components = []string{}
	}
	return w, nil
}

// CreateWebhook stores a new webhook unless its organisation has limit
// already.
func (db *DB) CreateWebhook(ctx context.Context, w *desk.Webhook, limit int, audit *desk.AuditEntry) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		var org int64
		if err := tx.QueryRowContext(ctx, db.q.Get("lock-org-webhooks"), w.OrgID).Scan(&org); errors.Is(err, sql.ErrNoRows) {
			return desk.NotFound("org")
		} else if err != nil {
			return fmt.Errorf("lock organisation: %w", err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, db.q.Get("count-webhooks"), w.OrgID).Scan(&n); err != nil {
			return fmt.Errorf("count webhooks: %w", err)
		}
		if n >= limit {
			return desk.Errorf(desk.EREFUSED, "too_many_webhooks", "an organisation has at most %d webhooks; delete one first", limit)
		}
		if err := tx.QueryRowContext(ctx, db.q.Get("insert-webhook"), w.OrgID, w.URL, string(w.Format), w.Secret,
			join(w.Components), w.Active, nid(w.CreatedBy), us(w.CreatedAt)).Scan(&w.ID); err != nil {
			return fmt.Errorf("insert webhook: %w", err)
		}
		if audit != nil {
			audit.ObjectID = fmt.Sprint(w.ID)
			return db.insertAudit(ctx, tx, audit)
		}
		return nil
	})
}

// Webhooks lists an organisation's webhooks.
func (db *DB) Webhooks(ctx context.Context, orgID int64) ([]*desk.Webhook, error) {
	return many(ctx, db, scanWebhook, db.q.Get("list-webhooks"), orgID)
}

// Webhook returns one webhook of an organisation.
func (db *DB) Webhook(ctx context.Context, orgID, id int64) (*desk.Webhook, error) {
	var w *desk.Webhook
	err := db.one(ctx, "webhook", func(s scanner) (err error) { w, err = scanWebhook(s); return err }, db.q.Get("get-webhook"), id, orgID)
	return w, err
}

// DeleteWebhook deletes a webhook with its deliveries.
func (db *DB) DeleteWebhook(ctx context.Context, orgID, id int64, audit *desk.AuditEntry) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		// The foreign key cascades as well; deleting explicitly keeps the
		// organisation in the condition.
		if _, err := tx.ExecContext(ctx, db.q.Get("delete-webhook-deliveries"), id, orgID); err != nil {
			return fmt.Errorf("delete webhook deliveries: %w", err)
		}
		res, err := tx.ExecContext(ctx, db.q.Get("delete-webhook"), id, orgID)
		if err != nil {
			return fmt.Errorf("delete webhook: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return desk.NotFound("webhook")
		}
		if audit != nil {
			return db.insertAudit(ctx, tx, audit)
		}
		return nil
	})
}

// SetWebhookActive switches a webhook on or off.
func (db *DB) SetWebhookActive(ctx context.Context, orgID, id int64, active bool, audit *desk.AuditEntry) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, db.q.Get("set-webhook-active"), id, orgID, active)
		if err != nil {
			return fmt.Errorf("set webhook active: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return desk.NotFound("webhook")
		}
		if audit != nil {
			return db.insertAudit(ctx, tx, audit)
		}
		return nil
	})
}

// ActiveWebhooks lists the active webhooks of some organisations, or of
// all when orgIDs is nil. An incident limited to organisations names few,
// so one query each is cheaper than composing a list parameter per engine.
func (db *DB) ActiveWebhooks(ctx context.Context, orgIDs []int64) ([]*desk.Webhook, error) {
	if orgIDs == nil {
		return many(ctx, db, scanWebhook, db.q.Get("list-active-webhooks"))
	}
	var out []*desk.Webhook
	seen := map[int64]bool{}
	for _, org := range orgIDs {
		if seen[org] {
			continue
		}
		seen[org] = true
		ws, err := many(ctx, db, scanWebhook, db.q.Get("list-active-webhooks-of-org"), org)
		if err != nil {
			return nil, err
		}
		out = append(out, ws...)
	}
	slices.SortFunc(out, func(a, b *desk.Webhook) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// insertDelivery stores one delivery in tx while its webhook exists in
// its organisation, and reports whether it did.
func (db *DB) insertDelivery(ctx context.Context, tx *Tx, d *desk.WebhookDelivery) (bool, error) {
	if d.Status == "" {
		d.Status = desk.DeliveryPending
	}
	if d.NextAttemptAt.IsZero() {
		d.NextAttemptAt = d.CreatedAt
	}
	err := tx.QueryRowContext(ctx, db.q.Get("insert-webhook-delivery"), d.WebhookID, d.OrgID, nid(d.IncidentID),
		d.EventID, d.EventType, string(d.Payload), us(d.NextAttemptAt), us(d.CreatedAt)).Scan(&d.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("queue webhook delivery: %w", err)
	}
	return true, nil
}

// insertIncidentDeliveries stores the deliveries of an incident change in
// its transaction. Deliveries of webhooks deleted since the service read
// them are dropped.
func (db *DB) insertIncidentDeliveries(ctx context.Context, tx *Tx, inc *desk.Incident, deliver desk.DeliveryFunc) error {
	if deliver == nil {
		return nil
	}
	ds, err := deliver(inc)
	if err != nil {
		return err
	}
	for _, d := range ds {
		d.IncidentID = inc.ID
		if _, err := db.insertDelivery(ctx, tx, d); err != nil {
			return err
		}
	}
	return nil
}

// QueueDeliveries stores deliveries on their own.
func (db *DB) QueueDeliveries(ctx context.Context, ds []*desk.WebhookDelivery, audit *desk.AuditEntry) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		for _, d := range ds {
			ok, err := db.insertDelivery(ctx, tx, d)
			if err != nil {
				return err
			}
			if !ok {
				return desk.NotFound("webhook")
			}
		}
		if audit != nil {
			return db.insertAudit(ctx, tx, audit)
		}
		return nil
	})
}

func scanDelivery(s scanner) (*desk.WebhookDelivery, error) {
	d := &desk.WebhookDelivery{}
	var inc, delivered sql.NullInt64
	var payload, status string
	var next, created int64
	if err := s.Scan(&d.ID, &d.WebhookID, &d.OrgID, &inc, &d.EventID, &d.EventType, &payload, &status, &d.Attempts,
		&next, &d.LastStatus, &d.LastError, &delivered, &created); err != nil {
		return nil, err
	}
	d.IncidentID, d.Payload, d.Status = inc.Int64, []byte(payload), desk.DeliveryStatus(status)
	d.NextAttemptAt, d.DeliveredAt, d.CreatedAt = fromUS(next), fromNUS(delivered), fromUS(created)
	return d, nil
}

// ClaimDeliveries leases due pending deliveries.
func (db *DB) ClaimDeliveries(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*desk.WebhookDelivery, error) {
	var ds []*desk.WebhookDelivery
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		ds = ds[:0]
		rows, err := tx.QueryContext(ctx, db.q.Get("claim-webhook-deliveries"), owner, us(now.Add(lease)), us(now), limit)
		if err != nil {
			return fmt.Errorf("claim webhook deliveries: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDelivery(rows)
			if err != nil {
				return err
			}
			ds = append(ds, d)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	// RETURNING promises no order; the oldest go first.
	slices.SortFunc(ds, func(a, b *desk.WebhookDelivery) int {
		if c := a.NextAttemptAt.Compare(b.NextAttemptAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return ds, nil
}

// FinishDeliveries records the results of attempts.
func (db *DB) FinishDeliveries(ctx context.Context, ds []*desk.WebhookDelivery) error {
	if len(ds) == 0 {
		return nil
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		for _, d := range ds {
			if _, err := tx.ExecContext(ctx, db.q.Get("finish-webhook-delivery"), d.ID, string(d.Status), d.Attempts,
				us(d.NextAttemptAt), d.LastStatus, d.LastError, nus(d.DeliveredAt)); err != nil {
				return fmt.Errorf("finish webhook delivery %d: %w", d.ID, err)
			}
		}
		return nil
	})
}

// Deliveries lists a webhook's deliveries, newest first.
func (db *DB) Deliveries(ctx context.Context, orgID, webhookID int64, limit int) ([]*desk.WebhookDelivery, error) {
	if limit <= 0 || limit > 500 {
		limit = desk.WebhookDeliveryLog
	}
	return many(ctx, db, scanDelivery, db.q.Get("list-webhook-deliveries"), webhookID, orgID, limit)
}
