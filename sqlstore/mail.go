package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"desk"
)

var _ desk.MailStore = (*DB)(nil)

func (db *DB) insertOutMail(ctx context.Context, tx *Tx, m *desk.OutMail) error {
	data, err := json.Marshal(m.Data)
	if err != nil {
		return fmt.Errorf("encode mail data: %w", err)
	}
	if m.Status == "" {
		m.Status = desk.OutPending
	}
	if m.NextAttemptAt.IsZero() {
		m.NextAttemptAt = m.CreatedAt
	}
	if err := tx.QueryRowContext(ctx, db.q.Get("insert-outbox"), m.MessageID, string(m.Kind), nid(m.OrgID),
		nid(m.CaseID), nid(m.UserID), m.To, m.ToName, m.Language, m.ReplyTo, m.InReplyTo,
		strings.Join(m.References, " "), m.Auto, string(data), us(m.NextAttemptAt), us(m.CreatedAt)).Scan(&m.ID); err != nil {
		return fmt.Errorf("queue mail: %w", err)
	}
	return nil
}

func scanOutMail(s scanner) (*desk.OutMail, error) {
	m := &desk.OutMail{}
	var org, cs, user, sent sql.NullInt64
	var kind, refs, data, status string
	var next, created int64
	err := s.Scan(&m.ID, &m.MessageID, &kind, &org, &cs, &user, &m.To, &m.ToName, &m.Language, &m.ReplyTo,
		&m.InReplyTo, &refs, &m.Auto, &data, &status, &m.Attempts, &next, &m.LastError, &sent, &created)
	if err != nil {
		return nil, err
	}
	m.Kind, m.Status = desk.MailKind(kind), desk.OutStatus(status)
	m.OrgID, m.CaseID, m.UserID = org.Int64, cs.Int64, user.Int64
	m.References = strings.Fields(refs)
	m.NextAttemptAt, m.CreatedAt, m.SentAt = fromUS(next), fromUS(created), fromNUS(sent)
	if err := json.Unmarshal([]byte(data), &m.Data); err != nil {
		return nil, fmt.Errorf("decode mail %d: %w", m.ID, err)
	}
	return m, nil
}

// ClaimOutbox leases due pending mails.
func (db *DB) ClaimOutbox(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*desk.OutMail, error) {
	var ms []*desk.OutMail
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		ms = ms[:0]
		rows, err := tx.QueryContext(ctx, db.q.Get("claim-outbox"), owner, us(now.Add(lease)), us(now), limit)
		if err != nil {
			return fmt.Errorf("claim outbox: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanOutMail(rows)
			if err != nil {
				return err
			}
			ms = append(ms, m)
		}
		return rows.Err()
	})
	return ms, err
}

// FinishOutbox records the results of sending.
func (db *DB) FinishOutbox(ctx context.Context, ms []*desk.OutMail) error {
	if len(ms) == 0 {
		return nil
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		for _, m := range ms {
			if _, err := tx.ExecContext(ctx, db.q.Get("finish-outbox"), m.ID, string(m.Status), m.Attempts,
				us(m.NextAttemptAt), m.LastError, nus(m.SentAt)); err != nil {
				return fmt.Errorf("finish mail %d: %w", m.ID, err)
			}
		}
		return nil
	})
}

// Outbox lists outgoing mails, newest first.
func (db *DB) Outbox(ctx context.Context, f desk.OutboxFilter) ([]*desk.OutMail, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	return many(ctx, db, scanOutMail, db.q.Get("list-outbox"), string(f.Status), f.CaseID, f.BeforeID, f.Limit)
}

// OutMail returns one outgoing mail.
func (db *DB) OutMail(ctx context.Context, id int64) (*desk.OutMail, error) {
	var m *desk.OutMail
	err := db.one(ctx, "mail", func(s scanner) (err error) { m, err = scanOutMail(s); return err }, db.q.Get("get-outbox"), id)
	return m, err
}

// CaseOfMessageID returns the case of a mail we sent.
func (db *DB) CaseOfMessageID(ctx context.Context, messageID string) (int64, error) {
	var id int64
	err := db.one(ctx, "mail", func(s scanner) error { return s.Scan(&id) }, db.q.Get("case-of-message-id"), messageID)
	return id, err
}

// CountAutoMail counts automatic mails sent to an address since a time.
func (db *DB) CountAutoMail(ctx context.Context, address string, since time.Time) (int, error) {
	var n int
	err := db.queryRow(ctx, db.q.Get("count-auto-mail"), address, us(since)).Scan(&n)
	return n, err
}

func scanInMail(s scanner) (*desk.InMail, error) {
	m := &desk.InMail{}
	var to, auto, status string
	var cs sql.NullInt64
	var received int64
	err := s.Scan(&m.ID, &m.MessageID, &m.From, &m.FromName, &to, &m.Subject, &auto, &m.Raw, &m.RawSHA256,
		&m.Size, &status, &m.Reason, &cs, &received)
	if err != nil {
		return nil, err
	}
	m.To, m.Auto, m.Status, m.CaseID, m.ReceivedAt = split(to), desk.AutoKind(auto), desk.InStatus(status), cs.Int64, fromUS(received)
	if len(m.Raw) == 0 {
		m.Raw = nil
	}
	return m, nil
}

// SaveInMail stores a received mail once per Message-ID.
func (db *DB) SaveInMail(ctx context.Context, m *desk.InMail) (*desk.InMail, bool, error) {
	if m.RawSHA256 == "" {
		sum := sha256.Sum256(m.Raw)
		m.RawSHA256 = hex.EncodeToString(sum[:])
	}
	if m.Size == 0 {
		m.Size = int64(len(m.Raw))
	}
	if m.Status == "" {
		m.Status = desk.InReceived
	}
	var dup bool
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		dup = false
		err := tx.QueryRowContext(ctx, db.q.Get("insert-inbound-mail"), m.MessageID, m.From, m.FromName,
			join(m.To), m.Subject, string(m.Auto), m.Raw, m.RawSHA256, m.Size, string(m.Status), m.Reason,
			us(m.ReceivedAt)).Scan(&m.ID)
		if errors.Is(err, sql.ErrNoRows) {
			dup = true
			return nil
		}
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("store received mail: %w", err)
	}
	if !dup {
		return m, false, nil
	}
	var stored *desk.InMail
	err = db.one(ctx, "mail", func(s scanner) (err error) { stored, err = scanInMail(s); return err },
		db.q.Get("get-inbound-mail-by-message-id"), m.MessageID)
	return stored, true, err
}

// SetInMail records what became of a received mail.
func (db *DB) SetInMail(ctx context.Context, m *desk.InMail) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, db.q.Get("set-inbound-mail"), m.ID, string(m.Status), m.Reason, nid(m.CaseID),
			m.From, m.FromName, m.Subject, string(m.Auto))
		if err != nil {
			return fmt.Errorf("record received mail: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return desk.NotFound("mail")
		}
		return nil
	})
}

// InMails lists received mails by status, newest first.
func (db *DB) InMails(ctx context.Context, status desk.InStatus, limit int) ([]*desk.InMail, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return many(ctx, db, scanInMail, db.q.Get("list-inbound-mail"), string(status), limit)
}

// InMail returns one received mail with its raw text.
func (db *DB) InMail(ctx context.Context, id int64) (*desk.InMail, error) {
	var m *desk.InMail
	err := db.one(ctx, "mail", func(s scanner) (err error) { m, err = scanInMail(s); return err }, db.q.Get("get-inbound-mail"), id)
	return m, err
}

// MarkAddressFailing records a bounce.
func (db *DB) MarkAddressFailing(ctx context.Context, address, reason string, at time.Time) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, db.q.Get("mark-address-failing"), strings.ToLower(address), us(at), reason)
		return err
	})
}

// ClearAddressFailing forgets a bounce.
func (db *DB) ClearAddressFailing(ctx context.Context, address string) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, db.q.Get("clear-address-failing"), strings.ToLower(address))
		return err
	})
}

// AddressFailing reports whether mail to an address bounced.
func (db *DB) AddressFailing(ctx context.Context, address string) (bool, string, error) {
	var reason string
	err := db.queryRow(ctx, db.q.Get("get-address-failing"), strings.ToLower(address)).Scan(&reason)
	if errors.Is(err, sql.ErrNoRows) {
		return false, "", nil
	}
	if err != nil {
		return false, "", err
	}
	return true, reason, nil
}
