package sqlstore

import (
	"context"
	"fmt"

	"desk"
)

// MergeCases stores both halves of a merge in one transaction: the
// duplicate closed and pointing at the survivor, and the survivor with its
// new timeline entry. Each half is a compare-and-set on its case's version,
// so a merge computed from a state that has since moved on stores nothing.
func (db *DB) MergeCases(ctx context.Context, dup, survivor *desk.CaseChange) error {
	if dup.Case.MergedInto != survivor.Case.ID || dup.Case.ID == survivor.Case.ID {
		return fmt.Errorf("merge cases: the duplicate %d does not point at the survivor %d", dup.Case.ID, survivor.Case.ID)
	}
	return db.write(ctx, func(ctx context.Context, tx *Tx) error {
		// Rows are written in id order whichever way round the merge goes,
		// so that two merges of the same pair wait for each other on
		// PostgreSQL instead of deadlocking.
		first, second := dup, survivor
		if second.Case.ID < first.Case.ID {
			first, second = second, first
		}
		if err := db.updateCase(ctx, tx, first); err != nil {
			return err
		}
		if err := db.updateCase(ctx, tx, second); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, db.q.Get("set-merged-into"), dup.Case.ID, dup.Case.MergedInto)
		if err != nil {
			return fmt.Errorf("merge cases: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return &desk.Error{Kind: desk.ECONFLICT, Code: "case_changed", Message: "the case was merged by someone else"}
		}
		return nil
	})
}

// Duplicates lists the cases merged into a case, within the scope, oldest
// first.
func (db *DB) Duplicates(ctx context.Context, scope desk.Scope, caseID int64) ([]*desk.Case, error) {
	q := "SELECT " + db.q.Get("case-columns") + " FROM cases WHERE merged_into = $1 AND ($2 = 0 OR org_id = $2) ORDER BY id"
	return many(ctx, db, scanCase, q, caseID, scopeOrg(scope))
}
