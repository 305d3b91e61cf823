package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"desk"
)

func caseArgs(c *desk.Case) []any {
	return []any{c.OrgID, c.Product, string(c.Category), string(c.Severity), string(c.Status), c.Title,
		c.Description, c.Language, c.BusinessImpact, string(c.ContactMethod), c.ContactName,
		c.ContactPhone, c.ContactEmail, c.Plan, c.CreatedBy, nid(c.AssigneeID), c.Team, c.ThirdParty,
		string(c.Outcome), c.Source, us(c.CreatedAt), us(c.UpdatedAt), nus(c.FirstResponseAt),
		nus(c.ResolvedAt), nus(c.ClosedAt), nus(c.FirstResponseDueAt), nus(c.NextResponseDueAt),
		nus(c.ResolutionDueAt), c.Version, encodePauses(c.Pauses), nus(c.AwaitingSince), nus(c.NextDueAt())}
}

// encodePauses and decodePauses keep a case's pauses as JSON
// [[from, to], ...] in microseconds, to = 0 for a pause that lasts.
func encodePauses(ps []desk.Pause) string {
	if len(ps) == 0 {
		return ""
	}
	out := make([][2]int64, len(ps))
	for i, p := range ps {
		out[i][0] = us(p.From)
		if p.To != nil {
			out[i][1] = us(*p.To)
		}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func decodePauses(s string) ([]desk.Pause, error) {
	if s == "" {
		return nil, nil
	}
	var in [][2]int64
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("case pauses: %w", err)
	}
	ps := make([]desk.Pause, len(in))
	for i, p := range in {
		ps[i].From = fromUS(p[0])
		if p[1] != 0 {
			t := fromUS(p[1])
			ps[i].To = &t
		}
	}
	return ps, nil
}

func scanCase(s scanner) (*desk.Case, error) {
	c := &desk.Case{}
	var cat, sev, st, cm, outcome string
	var assignee, firstResp, resolved, closed, frDue, nrDue, resDue, awaiting, mergedInto, incident sql.NullInt64
	var created, updated int64
	var pauses string
	err := s.Scan(&c.ID, &c.OrgID, &c.Product, &cat, &sev, &st, &c.Title, &c.Description, &c.Language,
		&c.BusinessImpact, &cm, &c.ContactName, &c.ContactPhone, &c.ContactEmail, &c.Plan, &c.CreatedBy,
		&assignee, &c.Team, &c.ThirdParty, &outcome, &c.Source, &created, &updated, &firstResp,
		&resolved, &closed, &frDue, &nrDue, &resDue, &c.Version, &pauses, &awaiting, &mergedInto, &incident)
	if err != nil {
		return nil, err
	}
	c.AwaitingSince, c.MergedInto, c.IncidentID = fromNUS(awaiting), mergedInto.Int64, incident.Int64
	if c.Pauses, err = decodePauses(pauses); err != nil {
		return nil, err
	}
	c.Category, c.Severity, c.Status = desk.Category(cat), desk.Severity(sev), desk.Status(st)
	c.ContactMethod, c.Outcome, c.AssigneeID = desk.ContactMethod(cm), desk.Outcome(outcome), assignee.Int64
	c.CreatedAt, c.UpdatedAt = fromUS(created), fromUS(updated)
	c.FirstResponseAt, c.ResolvedAt, c.ClosedAt = fromNUS(firstResp), fromNUS(resolved), fromNUS(closed)
	c.FirstResponseDueAt, c.NextResponseDueAt, c.ResolutionDueAt = fromNUS(frDue), fromNUS(nrDue), fromNUS(resDue)
	return c, nil
}

// insertCase writes a new case with its timeline, attachment and audit.
func (db *DB) insertCase(ctx context.Context, tx *Tx, ch *desk.CaseChange) error {
	c := ch.Case
	if err := tx.QueryRowContext(ctx, db.q.Get("insert-case"), caseArgs(c)...).Scan(&c.ID); err != nil {
		return fmt.Errorf("insert case: %w", err)
	}
	for _, a := range ch.Audit {
		if a.ObjectID == "" {
			a.ObjectID = fmt.Sprint(c.ID)
		}
	}
	if err := db.insertRest(ctx, tx, ch); err != nil {
		return err
	}
	return db.indexCase(ctx, tx, c, ch.Messages)
}

// insertRest writes what a change adds besides the case row.
func (db *DB) insertRest(ctx context.Context, tx *Tx, ch *desk.CaseChange) error {
	c := ch.Case
	if in := ch.InMail; in != nil {
		res, err := tx.ExecContext(ctx, db.q.Get("finish-inbound-mail"), in.ID, string(ch.InMailStatus), in.Reason, c.ID)
		if err != nil {
			return fmt.Errorf("record received mail: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return &desk.Error{Kind: desk.ECONFLICT, Code: "mail_processed", Message: "the mail has been processed already"}
		}
		in.Status, in.CaseID = ch.InMailStatus, c.ID
	}
	atts := ch.Attachments
	if ch.Attachment != nil {
		atts = append([]*desk.Attachment{ch.Attachment}, atts...)
	}
	for _, a := range atts {
		a.CaseID, a.OrgID = c.ID, c.OrgID
		if _, err := tx.ExecContext(ctx, db.q.Get("insert-attachment"), a.ID, a.CaseID, a.OrgID, a.Name,
			a.ContentType, a.Size, a.SHA256, a.UploadedBy, us(a.CreatedAt)); err != nil {
			return fmt.Errorf("insert attachment: %w", err)
		}
	}
	for _, m := range ch.Messages {
		m.CaseID, m.OrgID = c.ID, c.OrgID
		if err := tx.QueryRowContext(ctx, db.q.Get("insert-message"), m.CaseID, m.OrgID, string(m.Kind),
			nid(m.AuthorID), m.FromStaff, m.Body, m.Channel, m.AttachmentID, us(m.CreatedAt), nid(m.MailID), m.FullBody).Scan(&m.ID); err != nil {
			return fmt.Errorf("insert message: %w", err)
		}
	}
	for _, m := range ch.Mails {
		if m.CaseID == 0 {
			m.CaseID = c.ID
		}
		if m.OrgID == 0 {
			m.OrgID = c.OrgID
		}
		if err := db.insertOutMail(ctx, tx, m); err != nil {
			return err
		}
	}
	for _, a := range ch.Audit {
		if err := db.insertAudit(ctx, tx, a); err != nil {
			return fmt.Errorf("insert audit: %w", err)
		}
	}
	if ch.ReplaceTimers {
		if err := db.replaceTimers(ctx, tx, c, ch.Timers, ch.PrevVersion == 0); err != nil {
			return err
		}
	}
	return nil
}

// CreateCase stores a new case, honouring an idempotency key.
func (db *DB) CreateCase(ctx context.Context, ch *desk.CaseChange, idem *desk.Idempotency) (created bool, err error) {
	var existing int64
	err = db.write(ctx, func(ctx context.Context, tx *Tx) error {
		existing = 0
		if idem != nil {
			// Claiming the key first makes a concurrent retry wait for
			// this transaction and then find the case it created.
			var uid int64
			err := tx.QueryRowContext(ctx, db.q.Get("claim-idempotency-key"), idem.UserID, idem.Key,
				idem.Fingerprint, us(ch.Case.CreatedAt)).Scan(&uid)
			if errors.Is(err, sql.ErrNoRows) {
				var fp string
				var id sql.NullInt64
				if err := tx.QueryRowContext(ctx, db.q.Get("get-idempotency-key"), idem.UserID, idem.Key).Scan(&fp, &id); err != nil {
					return fmt.Errorf("read idempotency key: %w", err)
				}
				if fp != idem.Fingerprint || !id.Valid {
					return &desk.Error{Kind: desk.ECONFLICT, Code: "idempotency_key_reused", Field: "Idempotency-Key",
						Message: "this Idempotency-Key was used with a different request"}
				}
				existing = id.Int64
				return nil
			} else if err != nil {
				return fmt.Errorf("claim idempotency key: %w", err)
			}
		}
		if err := db.insertCase(ctx, tx, ch); err != nil {
			return err
		}
		if idem != nil {
			if _, err := tx.ExecContext(ctx, db.q.Get("set-idempotency-case"), idem.UserID, idem.Key, ch.Case.ID); err != nil {
				return fmt.Errorf("record idempotency key: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	if existing != 0 {
		c, err := db.Case(ctx, desk.Scope{OrgID: ch.Case.OrgID}, existing)
		if err != nil {
			return false, err
		}
		*ch.Case = *c
		return false, nil
	}
	return true, nil
}

// ImportCases stores several new cases in one transaction.
func (db *DB) ImportCases(ctx context.Context, chs []*desk.CaseChange) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		for _, ch := range chs {
			if err := db.insertCase(ctx, tx, ch); err != nil {
				return err
			}
		}
		// Imported cases may belong to days gone by, which every node's
		// summary of case ids per day (casedays.go) takes as settled.
		if _, err := tx.ExecContext(ctx, db.q.Get("bump-case-import-epoch")); err != nil {
			return fmt.Errorf("import cases: %w", err)
		}
		return nil
	})
}

// RefreshCases stores recomputed due times and timers, skipping cases
// changed meanwhile. Only SLA fields change; the rest of ch.Case is not
// written.
func (db *DB) RefreshCases(ctx context.Context, chs []*desk.CaseChange) (int, error) {
	n := 0
	err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		n = 0
		var stored []*desk.CaseChange
		for _, ch := range chs {
			c := ch.Case
			res, err := tx.ExecContext(ctx, db.q.Get("refresh-case-sla"), c.ID, ch.PrevVersion,
				nus(c.FirstResponseDueAt), nus(c.NextResponseDueAt), nus(c.ResolutionDueAt), nus(c.NextDueAt()), c.Version)
			if err != nil {
				return fmt.Errorf("refresh case: %w", err)
			}
			if k, err := res.RowsAffected(); err != nil {
				return err
			} else if k == 0 {
				continue // changed meanwhile; that change recomputed it
			}
			stored = append(stored, ch)
		}
		n = len(stored)
		for _, ch := range stored {
			if err := db.replaceTimers(ctx, tx, ch.Case, ch.Timers, false); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// UpdateCase stores a case's new state if nobody changed it in between.
func (db *DB) UpdateCase(ctx context.Context, ch *desk.CaseChange) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error { return db.updateCase(ctx, tx, ch) })
}

func (db *DB) updateCase(ctx context.Context, tx *Tx, ch *desk.CaseChange) error {
	c := ch.Case
	res, err := tx.ExecContext(ctx, db.q.Get("update-case"), c.ID, ch.PrevVersion, c.Product,
		string(c.Category), string(c.Severity), string(c.Status), c.Title, c.Description, c.Language,
		c.BusinessImpact, string(c.ContactMethod), c.ContactName, c.ContactPhone, c.ContactEmail,
		c.Plan, nid(c.AssigneeID), c.Team, c.ThirdParty, string(c.Outcome), us(c.UpdatedAt),
		nus(c.FirstResponseAt), nus(c.ResolvedAt), nus(c.ClosedAt), nus(c.FirstResponseDueAt),
		nus(c.NextResponseDueAt), nus(c.ResolutionDueAt), c.Version, encodePauses(c.Pauses),
		nus(c.AwaitingSince), nus(c.NextDueAt()), nid(c.IncidentID))
	if err != nil {
		return fmt.Errorf("update case: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return &desk.Error{Kind: desk.ECONFLICT, Code: "case_changed", Message: "the case was changed by someone else; try again"}
	}
	if err := db.insertRest(ctx, tx, ch); err != nil {
		return err
	}
	return db.indexMessages(ctx, tx, c, ch.Messages, 0)
}

// scopeOrg returns the organisation a scope limits reads to, 0 for all. A
// customer scope without an organisation matches nothing.
func scopeOrg(s desk.Scope) int64 {
	if s.AllOrgs {
		return 0
	}
	if s.OrgID == 0 {
		return -1
	}
	return s.OrgID
}

// Case returns one case within the scope.
func (db *DB) Case(ctx context.Context, scope desk.Scope, id int64) (*desk.Case, error) {
	var c *desk.Case
	q := "SELECT " + db.q.Get("case-columns") + " FROM cases WHERE id = $1 AND ($2 = 0 OR org_id = $2)"
	err := db.one(ctx, "case", func(s scanner) (err error) {
		c, err = scanCase(s)
		return err
	}, q, id, scopeOrg(scope))
	return c, err
}

// Cases lists cases within the scope, newest first by creation time. The filter is compiled
// from a fixed set of clauses; values only ever travel as parameters.
func (db *DB) Cases(ctx context.Context, scope desk.Scope, f desk.CaseFilter) ([]*desk.Case, error) {
	if f.Sort == desk.SortDue {
		return db.casesByDue(ctx, scope, f)
	}
	where, arg, args := caseWhere(scope, f)
	order := " ORDER BY created_at DESC, id DESC"
	if f.Sort == desk.SortID {
		order = " ORDER BY id"
	}
	if a := f.After; a != nil {
		id := arg(a.ID)
		if f.Sort == desk.SortID {
			where = append(where, "id > "+id)
		} else {
			at := arg(us(a.At))
			where = append(where, "(created_at < "+at+" OR (created_at = "+at+" AND id < "+id+"))")
		}
	}
	return many(ctx, db, scanCase, casesQuery(db, where, order, arg(f.Limit)), *args...)
}

func casesQuery(db *DB, where []string, order, limit string) string {
	q := "SELECT " + db.q.Get("case-columns") + " FROM cases"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	return q + order + " LIMIT " + limit
}

// casesByDue lists cases by due time, those without one last. It asks in
// two parts, the cases with a due time and then the rest by id, because
// an ORDER BY that puts NULLs last ("next_due_at IS NULL, next_due_at")
// cannot follow the (next_due_at, id) index in SQLite: the database would
// sort every matching case for each page of a queue.
func (db *DB) casesByDue(ctx context.Context, scope desk.Scope, f desk.CaseFilter) ([]*desk.Case, error) {
	var out []*desk.Case
	a := f.After
	if a == nil || !a.NoDue {
		where, arg, args := dueWhere(scope, f)
		where = append(where, "next_due_at IS NOT NULL")
		if a != nil {
			at, id := arg(us(a.At)), arg(a.ID)
			where = append(where, "(next_due_at > "+at+" OR (next_due_at = "+at+" AND id > "+id+"))")
		}
		cs, err := many(ctx, db, scanCase, casesQuery(db, where, " ORDER BY next_due_at, id", arg(f.Limit)), *args...)
		if err != nil {
			return nil, err
		}
		out = cs
		// A due-time filter excludes the cases without one anyway.
		if len(out) >= f.Limit || f.DueBefore != nil {
			return out, nil
		}
	}
	where, arg, args := dueWhere(scope, f)
	where = append(where, "next_due_at IS NULL")
	if a != nil && a.NoDue {
		where = append(where, "id > "+arg(a.ID))
	}
	rest, err := many(ctx, db, scanCase, casesQuery(db, where, " ORDER BY id", arg(f.Limit-len(out))), *args...)
	if err != nil {
		return nil, err
	}
	return append(out, rest...), nil
}

// dueWhere is caseWhere for lists by due time. Its status condition
// compares status with an empty string appended, an expression which no
// index serves: otherwise SQLite picks the status index for a queue of all open
// cases, reads every one of them and sorts them, instead of walking the
// due-time index and stopping after a page. Most cases of a queue match
// its statuses, so filtering them on the way costs little.
func dueWhere(scope desk.Scope, f desk.CaseFilter) ([]string, func(v any) string, *[]any) {
	where, arg, args := caseWhere(scope, f)
	for i, w := range where {
		if rest, ok := strings.CutPrefix(w, "status IN ("); ok {
			where[i] = "(status || '') IN (" + rest
		}
	}
	return where, arg, args
}

// caseWhere compiles the scope and the selecting part of a filter (not
// its order, cursor or limit) into WHERE conditions. arg adds an argument
// and returns its placeholder; args holds the arguments added so far.
func caseWhere(scope desk.Scope, f desk.CaseFilter) (where []string, arg func(v any) string, args *[]any) {
	args = new([]any)
	arg = func(v any) string {
		*args = append(*args, v)
		return fmt.Sprintf("$%d", len(*args))
	}
	if org := scopeOrg(scope); org != 0 {
		where = append(where, "org_id = "+arg(org))
	}
	if len(f.Statuses) > 0 {
		where = append(where, "status IN ("+argList(arg, f.Statuses)+")")
	}
	if len(f.Severities) > 0 {
		where = append(where, "severity IN ("+argList(arg, f.Severities)+")")
	}
	if f.Product != "" {
		where = append(where, "product = "+arg(f.Product))
	}
	if f.CreatedBy != 0 {
		where = append(where, "created_by = "+arg(f.CreatedBy))
	}
	switch {
	case f.AssigneeID != 0:
		where = append(where, "assignee_id = "+arg(f.AssigneeID))
	case f.Unassigned:
		where = append(where, "assignee_id IS NULL")
	}
	if f.Language != "" {
		where = append(where, "language = "+arg(f.Language))
	}
	if f.IncidentID != 0 {
		where = append(where, "incident_id = "+arg(f.IncidentID))
	}
	if f.Team != "" {
		where = append(where, "team = "+arg(f.Team))
	}
	if f.Query != "" {
		p := arg("%" + likeEscape(strings.ToLower(f.Query)) + "%")
		where = append(where, "(lower(title) LIKE "+p+" ESCAPE '\\' OR lower(description) LIKE "+p+" ESCAPE '\\')")
	}
	if f.DueBefore != nil {
		where = append(where, "next_due_at < "+arg(us(*f.DueBefore)))
	}
	return where, arg, args
}

// countColumns are the columns a count may be grouped by; the name comes
// from this map, never from the caller, so that it can be written into
// the SQL.
var countColumns = map[string]string{
	"": "''", desk.CountBySeverity: "severity", desk.CountByStatus: "status",
	desk.CountByLanguage: "language", desk.CountByProduct: "product", desk.CountByTeam: "team",
}

// CountCases counts the cases within the scope that the filter selects,
// grouped by one column (by) or, with by empty, all together. The filter's
// order, cursor and limit are ignored.
func (db *DB) CountCases(ctx context.Context, scope desk.Scope, f desk.CaseFilter, by string) ([]desk.CaseCount, error) {
	col, ok := countColumns[by]
	if !ok {
		return nil, fmt.Errorf("count cases: cannot group by %q", by)
	}
	where, _, args := caseWhere(scope, f)
	q := "SELECT " + col + ", COUNT(*) FROM cases"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	if by != "" {
		q += " GROUP BY " + col + " ORDER BY " + col
	}
	out, err := many(ctx, db, func(s scanner) (desk.CaseCount, error) {
		var c desk.CaseCount
		err := s.Scan(&c.Value, &c.N)
		return c, err
	}, q, *args...)
	if err != nil {
		return nil, fmt.Errorf("count cases: %w", err)
	}
	return out, nil
}

// argList adds each value as an argument through arg and returns their
// placeholders, comma-separated, for an IN list.
func argList[T ~string](arg func(v any) string, vs []T) string {
	ph := make([]string, len(vs))
	for i, v := range vs {
		ph[i] = arg(string(v))
	}
	return strings.Join(ph, ", ")
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func scanMessage(s scanner) (*desk.Message, error) {
	m := &desk.Message{}
	var kind string
	var author sql.NullInt64
	var created int64
	var mailID sql.NullInt64
	err := s.Scan(&m.ID, &m.CaseID, &m.OrgID, &kind, &author, &m.FromStaff, &m.Body, &m.Channel, &m.AttachmentID, &created,
		&mailID, &m.FullBody)
	m.Kind, m.AuthorID, m.CreatedAt, m.MailID = desk.MessageKind(kind), author.Int64, fromUS(created), mailID.Int64
	return m, err
}

// Messages returns a case's timeline within the scope. A case outside the
// scope is not found, rather than merely empty.
func (db *DB) Messages(ctx context.Context, scope desk.Scope, caseID int64) ([]*desk.Message, error) {
	if _, err := db.Case(ctx, scope, caseID); err != nil {
		return nil, err
	}
	return many(ctx, db, scanMessage, db.q.Get("list-messages"), caseID, scopeOrg(scope), scope.Internal)
}

func scanAttachment(s scanner) (*desk.Attachment, error) {
	a := &desk.Attachment{}
	var created int64
	err := s.Scan(&a.ID, &a.CaseID, &a.OrgID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.UploadedBy, &created)
	a.CreatedAt = fromUS(created)
	return a, err
}

// Attachment returns an attachment within the scope.
func (db *DB) Attachment(ctx context.Context, scope desk.Scope, id string) (*desk.Attachment, error) {
	var a *desk.Attachment
	err := db.one(ctx, "attachment", func(s scanner) (err error) {
		a, err = scanAttachment(s)
		return err
	}, db.q.Get("get-attachment"), id, scopeOrg(scope))
	return a, err
}

// Attachments lists a case's attachments within the scope.
func (db *DB) Attachments(ctx context.Context, scope desk.Scope, caseID int64) ([]*desk.Attachment, error) {
	if _, err := db.Case(ctx, scope, caseID); err != nil {
		return nil, err
	}
	return many(ctx, db, scanAttachment, db.q.Get("list-attachments"), caseID, scopeOrg(scope))
}
