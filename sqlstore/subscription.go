package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"desk"
)

var _ desk.StatusSubscriptionStore = (*DB)(nil)

func scanStatusSubscription(s scanner) (*desk.StatusSubscription, error) {
	sub := &desk.StatusSubscription{}
	var comps, pending string
	var confirmed, expires, mailed sql.NullInt64
	var created, updated int64
	err := s.Scan(&sub.ID, &sub.Email, &sub.Language, &comps, &confirmed, &sub.PendingLanguage, &pending,
		&sub.TokenHash, &expires, &mailed, &created, &updated, &sub.Version)
	if err != nil {
		return nil, err
	}
	sub.Components, sub.PendingComponents = split(comps), split(pending)
	if sub.Components == nil {
		sub.Components = []string{}
	}
	sub.ConfirmedAt, sub.TokenExpiresAt, sub.ConfirmMailAt = fromNUS(confirmed), fromNUS(expires), fromNUS(mailed)
	sub.CreatedAt, sub.UpdatedAt = fromUS(created), fromUS(updated)
	return sub, nil
}

// StatusSubscription returns a subscription by id.
func (db *DB) StatusSubscription(ctx context.Context, id int64) (*desk.StatusSubscription, error) {
	var sub *desk.StatusSubscription
	err := db.one(ctx, "subscription", func(s scanner) (err error) { sub, err = scanStatusSubscription(s); return err },
		db.q.Get("get-status-subscription"), id)
	return sub, err
}

// StatusSubscriptionByEmail returns the subscription of an address.
func (db *DB) StatusSubscriptionByEmail(ctx context.Context, email string) (*desk.StatusSubscription, error) {
	var sub *desk.StatusSubscription
	err := db.one(ctx, "subscription", func(s scanner) (err error) { sub, err = scanStatusSubscription(s); return err },
		db.q.Get("get-status-subscription-by-email"), email)
	return sub, err
}

// StatusSubscriptionByToken returns the subscription a token hash
// confirms.
func (db *DB) StatusSubscriptionByToken(ctx context.Context, tokenHash string) (*desk.StatusSubscription, error) {
	var sub *desk.StatusSubscription
	err := db.one(ctx, "subscription", func(s scanner) (err error) { sub, err = scanStatusSubscription(s); return err },
		db.q.Get("get-status-subscription-by-token"), tokenHash)
	return sub, err
}

// SaveStatusSubscription creates or updates a subscription, with its mail.
func (db *DB) SaveStatusSubscription(ctx context.Context, sub *desk.StatusSubscription, prevVersion int, mail *desk.OutMail) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if sub.ID == 0 {
			var id int64
			if err := tx.QueryRowContext(ctx, db.q.Get("insert-status-subscription"), sub.Email, sub.Language,
				join(sub.Components), nus(sub.ConfirmedAt), sub.PendingLanguage, join(sub.PendingComponents),
				sub.TokenHash, nus(sub.TokenExpiresAt), nus(sub.ConfirmMailAt), us(sub.CreatedAt), us(sub.UpdatedAt),
				sub.Version).Scan(&id); err != nil {
				if db.dialect.IsUnique != nil && db.dialect.IsUnique(err) {
					return &desk.Error{Kind: desk.ECONFLICT, Code: "subscription_exists", Message: "the address has a subscription already"}
				}
				return fmt.Errorf("insert subscription: %w", err)
			}
			sub.ID = id
		} else {
			res, err := tx.ExecContext(ctx, db.q.Get("update-status-subscription"), sub.ID, prevVersion, sub.Language,
				join(sub.Components), nus(sub.ConfirmedAt), sub.PendingLanguage, join(sub.PendingComponents),
				sub.TokenHash, nus(sub.TokenExpiresAt), nus(sub.ConfirmMailAt), us(sub.CreatedAt), us(sub.UpdatedAt), sub.Version)
			if err != nil {
				return fmt.Errorf("update subscription: %w", err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				return &desk.Error{Kind: desk.ECONFLICT, Code: "subscription_changed", Message: "the subscription was changed meanwhile; try again"}
			}
		}
		if mail != nil {
			return db.insertOutMail(ctx, tx, mail)
		}
		return nil
	})
}

// DeleteStatusSubscription deletes a subscription.
func (db *DB) DeleteStatusSubscription(ctx context.Context, id int64) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, db.q.Get("delete-status-subscription"), id)
		if err != nil {
			return fmt.Errorf("delete subscription: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return desk.NotFound("subscription")
		}
		return nil
	})
}

// ActiveStatusSubscriptions lists confirmed subscriptions by id.
func (db *DB) ActiveStatusSubscriptions(ctx context.Context, afterID int64, limit int) ([]*desk.StatusSubscription, error) {
	return many(ctx, db, scanStatusSubscription, db.q.Get("list-active-status-subscriptions"), afterID, limit)
}

// PurgeStatusSubscriptions deletes expired unconfirmed subscriptions.
func (db *DB) PurgeStatusSubscriptions(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, db.q.Get("purge-status-subscriptions"), us(now))
		if err != nil {
			return fmt.Errorf("purge subscriptions: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// insertStatusNotice queues the notice of an incident change in the
// change's transaction. The store records every change; the domain's
// worker decides which of them subscribers hear about.
func (db *DB) insertStatusNotice(ctx context.Context, tx *Tx, inc *desk.Incident) error {
	if _, err := tx.ExecContext(ctx, db.q.Get("insert-status-notice"), inc.ID, inc.Version, len(inc.Posts),
		us(inc.UpdatedAt), us(inc.UpdatedAt), us(inc.UpdatedAt)); err != nil {
		return fmt.Errorf("queue status notice: %w", err)
	}
	return nil
}

// ClaimStatusNotices leases due pending notices.
func (db *DB) ClaimStatusNotices(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*desk.StatusNotice, error) {
	var ns []*desk.StatusNotice
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		ns = ns[:0]
		rows, err := tx.QueryContext(ctx, db.q.Get("claim-status-notices"), owner, us(now.Add(lease)), us(now), limit)
		if err != nil {
			return fmt.Errorf("claim status notices: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			n := &desk.StatusNotice{}
			var changed, next, created int64
			if err := rows.Scan(&n.ID, &n.IncidentID, &n.Version, &n.PostCount, &changed, &n.Attempts, &next, &created); err != nil {
				return err
			}
			n.ChangedAt, n.NextAttemptAt, n.CreatedAt = fromUS(changed), fromUS(next), fromUS(created)
			ns = append(ns, n)
		}
		return rows.Err()
	})
	return ns, err
}

// FinishStatusNotice marks a notice done and queues its mails.
func (db *DB) FinishStatusNotice(ctx context.Context, id int64, owner string, mails []*desk.OutMail) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, db.q.Get("finish-status-notice"), id, owner)
		if err != nil {
			return fmt.Errorf("finish status notice: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return &desk.Error{Kind: desk.ECONFLICT, Code: "notice_not_held", Message: "the notice is no longer held by this worker"}
		}
		for _, m := range mails {
			if err := db.insertOutMail(ctx, tx, m); err != nil {
				return err
			}
		}
		return nil
	})
}

// RetryStatusNotice records a failed attempt and ends the lease.
func (db *DB) RetryStatusNotice(ctx context.Context, n *desk.StatusNotice, owner string) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, db.q.Get("retry-status-notice"), n.ID, owner, n.Attempts, us(n.NextAttemptAt))
		return err
	})
}
