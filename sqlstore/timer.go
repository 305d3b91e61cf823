package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"desk"
)

// replaceTimers makes ts a case's pending timers. A pending timer that ts
// keeps (same kind and due time) stays the same row, so that a sweeper that
// has claimed it can still fire it; the others are deleted.
//
// A new case (fresh) has no timers to look at.
func (db *DB) replaceTimers(ctx context.Context, tx *Tx, c *desk.Case, ts []*desk.Timer, fresh bool) error {
	if !fresh {
		if err := db.dropOtherTimers(ctx, tx, c, ts); err != nil {
			return err
		}
	}
	for _, t := range ts {
		t.CaseID, t.OrgID = c.ID, c.OrgID
		if _, err := tx.ExecContext(ctx, db.q.Get("upsert-timer"), t.CaseID, t.OrgID, string(t.Kind), us(t.DueAt), us(t.FireAt)); err != nil {
			return fmt.Errorf("insert timer: %w", err)
		}
	}
	return nil
}

// dropOtherTimers deletes a case's pending timers that ts does not keep.
// A case keeps few timers pending (see desk's nextTimers), so one
// statement usually does it, without reading the timers first.
func (db *DB) dropOtherTimers(ctx context.Context, tx *Tx, c *desk.Case, ts []*desk.Timer) error {
	if len(ts) <= 3 {
		args := []any{c.ID, "", int64(0), "", int64(0), "", int64(0)}
		for i, t := range ts {
			args[1+2*i], args[2+2*i] = string(t.Kind), us(t.DueAt)
		}
		if _, err := tx.ExecContext(ctx, db.q.Get("delete-other-timers"), args...); err != nil {
			return fmt.Errorf("delete timers: %w", err)
		}
		return nil
	}
	type key struct {
		kind desk.TimerKind
		due  int64
	}
	keep := make(map[key]bool, len(ts))
	for _, t := range ts {
		keep[key{t.Kind, us(t.DueAt)}] = true
	}
	rows, err := tx.QueryContext(ctx, db.q.Get("list-pending-timers"), c.ID)
	if err != nil {
		return fmt.Errorf("list timers: %w", err)
	}
	var drop []int64
	for rows.Next() {
		var id, due int64
		var kind string
		if err := rows.Scan(&id, &kind, &due); err != nil {
			rows.Close()
			return err
		}
		if !keep[key{desk.TimerKind(kind), due}] {
			drop = append(drop, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range drop {
		if _, err := tx.ExecContext(ctx, db.q.Get("delete-timer"), id); err != nil {
			return fmt.Errorf("delete timer: %w", err)
		}
	}
	return nil
}

func scanTimer(s scanner) (*desk.Timer, error) {
	t := &desk.Timer{}
	var kind string
	var due, fire int64
	err := s.Scan(&t.ID, &t.CaseID, &t.OrgID, &kind, &due, &fire, &t.Attempts)
	t.Kind, t.DueAt, t.FireAt = desk.TimerKind(kind), fromUS(due), fromUS(fire)
	return t, err
}

// ClaimTimers leases due timers to owner.
func (db *DB) ClaimTimers(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*desk.Timer, error) {
	var ts []*desk.Timer
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		ts = ts[:0]
		rows, err := tx.QueryContext(ctx, db.q.Get("claim-timers"), owner, us(now.Add(lease)), us(now), limit)
		if err != nil {
			return fmt.Errorf("claim timers: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanTimer(rows)
			if err != nil {
				return err
			}
			ts = append(ts, t)
		}
		return rows.Err()
	})
	return ts, err
}

// FireTimer marks a timer fired and applies what firing writes.
func (db *DB) FireTimer(ctx context.Context, t *desk.Timer, firedAt time.Time, outcome string, ch *desk.CaseChange, notes []*desk.Notification) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, db.q.Get("mark-timer-fired"), t.ID, us(firedAt), outcome)
		if err != nil {
			return fmt.Errorf("mark timer fired: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return &desk.Error{Kind: desk.ECONFLICT, Code: "timer_fired", Message: "the timer has fired already"}
		}
		if ch != nil {
			if err := db.updateCase(ctx, tx, ch); err != nil {
				return err
			}
		}
		for _, n := range notes {
			if err := tx.QueryRowContext(ctx, db.q.Get("insert-notification"), n.UserID, n.CaseID, nid(n.TimerID),
				n.Kind, n.Body, us(n.CreatedAt)).Scan(&n.ID); err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("insert notification: %w", err)
			}
		}
		return nil
	})
}

// Timers lists a case's timers.
func (db *DB) Timers(ctx context.Context, caseID int64) ([]*desk.Timer, error) {
	return many(ctx, db, scanTimer, db.q.Get("list-timers"), caseID)
}

// Notifications lists a user's notifications, newest first.
func (db *DB) Notifications(ctx context.Context, userID int64, limit int) ([]*desk.Notification, error) {
	if limit <= 0 {
		limit = 100
	}
	return many(ctx, db, func(s scanner) (*desk.Notification, error) {
		n := &desk.Notification{}
		var timer sql.NullInt64
		var created int64
		err := s.Scan(&n.ID, &n.UserID, &n.CaseID, &timer, &n.Kind, &n.Body, &created)
		n.TimerID, n.CreatedAt = timer.Int64, fromUS(created)
		return n, err
	}, db.q.Get("list-notifications"), userID, limit)
}

// TimerCounts counts the timers of each kind that took effect since a time.
func (db *DB) TimerCounts(ctx context.Context, since time.Time) (map[desk.TimerKind]int, error) {
	type row struct {
		kind string
		n    int
	}
	rows, err := many(ctx, db, func(s scanner) (row, error) {
		var r row
		return r, s.Scan(&r.kind, &r.n)
	}, db.q.Get("count-fired-timers"), us(since))
	if err != nil {
		return nil, err
	}
	out := make(map[desk.TimerKind]int, len(rows))
	for _, r := range rows {
		out[desk.TimerKind(r.kind)] = r.n
	}
	return out, nil
}
