package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"desk"
)

// CreateCreditRequest stores a new credit request and the change to its
// case in one transaction. The request is inserted first: a second one of
// the organisation for the incident is refused before the case is touched.
func (db *DB) CreateCreditRequest(ctx context.Context, cr *desk.CreditRequest, ch *desk.CaseChange) error {
	working, err := json.Marshal(cr.Working)
	if err != nil {
		return fmt.Errorf("create credit request: %w", err)
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		err := tx.QueryRowContext(ctx, db.q.Get("insert-credit-request"), cr.OrgID, cr.CaseID, cr.IncidentID,
			string(cr.State), string(working), cr.Amount, cr.Currency, cr.RequestedBy, us(cr.RequestedAt)).Scan(&cr.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return &desk.Error{Kind: desk.ECONFLICT, Code: "credit_already_requested",
				Message: "your organisation has asked for a credit for this incident already"}
		}
		if err != nil {
			return fmt.Errorf("insert credit request: %w", err)
		}
		return db.updateCase(ctx, tx, ch)
	})
}

// DecideCreditRequest stores a supervisor's decision and the change to the
// request's case in one transaction, if the request still waits.
func (db *DB) DecideCreditRequest(ctx context.Context, cr *desk.CreditRequest, ch *desk.CaseChange) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, db.q.Get("decide-credit-request"), cr.ID, string(cr.State), nid(cr.DecidedBy),
			nus(cr.DecidedAt), cr.Reason)
		if err != nil {
			return fmt.Errorf("decide credit request: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return &desk.Error{Kind: desk.ECONFLICT, Code: "credit_decided", Message: "the credit request was decided already"}
		}
		return db.updateCase(ctx, tx, ch)
	})
}

func scanCreditRequest(s scanner) (*desk.CreditRequest, error) {
	cr := &desk.CreditRequest{}
	var state, working string
	var requested int64
	var decidedBy, decidedAt sql.NullInt64
	if err := s.Scan(&cr.ID, &cr.OrgID, &cr.CaseID, &cr.IncidentID, &state, &working, &cr.Amount, &cr.Currency,
		&cr.RequestedBy, &requested, &decidedBy, &decidedAt, &cr.Reason); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(working), &cr.Working); err != nil {
		return nil, fmt.Errorf("credit request %d: working: %w", cr.ID, err)
	}
	cr.State, cr.RequestedAt, cr.DecidedBy, cr.DecidedAt = desk.CreditState(state), fromUS(requested), decidedBy.Int64, fromNUS(decidedAt)
	return cr, nil
}

// CreditRequest returns one request within the scope.
func (db *DB) CreditRequest(ctx context.Context, scope desk.Scope, id int64) (*desk.CreditRequest, error) {
	var cr *desk.CreditRequest
	q := "SELECT " + db.q.Get("credit-request-columns") + " FROM credit_requests WHERE id = $1 AND ($2 = 0 OR org_id = $2)"
	err := db.one(ctx, "credit_request", func(s scanner) (err error) {
		cr, err = scanCreditRequest(s)
		return err
	}, q, id, scopeOrg(scope))
	return cr, err
}

// CreditRequestFor returns an organisation's request for an incident.
func (db *DB) CreditRequestFor(ctx context.Context, orgID, incidentID int64) (*desk.CreditRequest, error) {
	var cr *desk.CreditRequest
	q := "SELECT " + db.q.Get("credit-request-columns") + " FROM credit_requests WHERE org_id = $1 AND incident_id = $2"
	err := db.one(ctx, "credit_request", func(s scanner) (err error) {
		cr, err = scanCreditRequest(s)
		return err
	}, q, orgID, incidentID)
	return cr, err
}

// CreditRequests lists the requests within the scope, waiting ones first,
// then newest first.
func (db *DB) CreditRequests(ctx context.Context, scope desk.Scope, limit int) ([]*desk.CreditRequest, error) {
	q := "SELECT " + db.q.Get("credit-request-columns") + " FROM credit_requests WHERE ($1 = 0 OR org_id = $1)" +
		" ORDER BY CASE WHEN state = 'requested' THEN 0 ELSE 1 END, id DESC LIMIT $2"
	return many(ctx, db, scanCreditRequest, q, scopeOrg(scope), limit)
}

// CreateReportRequest stores a report request and the change to its case
// in one transaction.
func (db *DB) CreateReportRequest(ctx context.Context, rr *desk.ReportRequest, ch *desk.CaseChange) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, db.q.Get("insert-report-request"), rr.CaseID, rr.IncidentID, rr.OrgID,
			rr.RequestedBy, us(rr.RequestedAt))
		if err != nil {
			return fmt.Errorf("insert report request: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return &desk.Error{Kind: desk.ECONFLICT, Code: "report_already_requested",
				Message: "the report was asked for from this case already; the case will hear when it is published"}
		}
		return db.updateCase(ctx, tx, ch)
	})
}

func scanReportRequest(s scanner) (*desk.ReportRequest, error) {
	rr := &desk.ReportRequest{}
	var requested int64
	var notified sql.NullInt64
	if err := s.Scan(&rr.CaseID, &rr.IncidentID, &rr.OrgID, &rr.RequestedBy, &requested, &notified); err != nil {
		return nil, err
	}
	rr.RequestedAt, rr.NotifiedAt = fromUS(requested), fromNUS(notified)
	return rr, nil
}

// ReportRequest returns a case's request for an incident's report.
func (db *DB) ReportRequest(ctx context.Context, caseID, incidentID int64) (*desk.ReportRequest, error) {
	var rr *desk.ReportRequest
	err := db.one(ctx, "report_request", func(s scanner) (err error) {
		rr, err = scanReportRequest(s)
		return err
	}, db.q.Get("get-report-request"), caseID, incidentID)
	return rr, err
}

// PendingReportRequests lists an incident's unanswered report requests.
func (db *DB) PendingReportRequests(ctx context.Context, incidentID int64) ([]*desk.ReportRequest, error) {
	return many(ctx, db, scanReportRequest, db.q.Get("pending-report-requests"), incidentID)
}

// FinishReportRequest marks a report request answered and stores the
// change to its case in one transaction, once.
func (db *DB) FinishReportRequest(ctx context.Context, rr *desk.ReportRequest, ch *desk.CaseChange) error {
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, db.q.Get("finish-report-request"), rr.CaseID, rr.IncidentID, nus(rr.NotifiedAt))
		if err != nil {
			return fmt.Errorf("finish report request: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return &desk.Error{Kind: desk.ECONFLICT, Code: "report_request_answered", Message: "the report request was answered already"}
		}
		return db.updateCase(ctx, tx, ch)
	})
}
