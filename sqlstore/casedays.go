package sqlstore

import (
	"context"
	"database/sql"
	"math"
	"sync"
	"time"
)

// A case search with a date range reads only the entries of the cases
// made in it, between the lowest and the highest of their ids
// (SearchCases). Counting them from cases_created cost more than the rest
// of such a search (6 ms for a month of 43,000 cases on PostgreSQL), so
// each node keeps, for every day gone by, the lowest and highest id of
// the cases made that day. A past day is settled: new cases are made now,
// and the only way to add cases to the past, an import, bumps the
// case_import epoch in its transaction, which empties every node's
// summary at its next search. The last settleDays days, where cases are
// still being made (and on PostgreSQL commit out of id order), are
// counted each time.

// dayUS is a day in microseconds, the unit of stored times.
const dayUS = int64(24 * time.Hour / time.Microsecond)

// settleDays is how many of the latest days are counted each time rather
// than summarised.
const settleDays = 2

type caseDays struct {
	mu    sync.Mutex
	epoch int64
	// ids maps a day (microseconds since the epoch / dayUS) to the
	// lowest and highest id of its cases; a day without cases maps to
	// {0, 0}.
	ids map[int64][2]int64
}

// caseIDRangeByDays is caseIDRange for a range with both ends set: the
// settled days from the summary, the latest ones counted.
func (db *DB) caseIDRangeByDays(ctx context.Context, f, t int64, now time.Time) (lo, hi int64, ok bool, err error) {
	settled := (now.UnixMicro()/dayUS - settleDays) * dayUS // start of the first unsettled day
	lo, hi = math.MaxInt64, 0
	add := func(l, h int64) {
		if h > 0 {
			lo, hi = min(lo, l), max(hi, h)
		}
	}
	if f < settled {
		var epoch int64
		var newest sql.NullInt64
		if err := db.queryRow(ctx, db.q.Get("case-import-epoch")).Scan(&epoch, &newest); err != nil {
			return 0, 0, false, err
		}
		// Days are settled counting back from the newest case too, where
		// that is earlier: a clock set back (a test's) makes cases in
		// what the wall clock calls the past.
		if newest.Valid {
			settled = min(settled, (newest.Int64/dayUS-settleDays)*dayUS)
		}
		last := min(t, settled)
		first, end := f/dayUS, (last+dayUS-1)/dayUS // days [first, end)
		db.days.mu.Lock()
		if db.days.ids == nil || db.days.epoch != epoch {
			db.days.ids, db.days.epoch = map[int64][2]int64{}, epoch
		}
		missingFrom, missingTo := int64(-1), int64(-1)
		for d := first; d < end; d++ {
			if _, ok := db.days.ids[d]; !ok {
				if missingFrom < 0 {
					missingFrom = d
				}
				missingTo = d + 1
			}
		}
		db.days.mu.Unlock()
		if missingFrom >= 0 {
			got, err := db.readCaseDays(ctx, missingFrom, missingTo)
			if err != nil {
				return 0, 0, false, err
			}
			db.days.mu.Lock()
			if db.days.epoch == epoch {
				for d := missingFrom; d < missingTo; d++ {
					db.days.ids[d] = got[d] // {0, 0} for a day without cases
				}
			}
			db.days.mu.Unlock()
			for _, r := range got {
				add(r[0], r[1])
			}
		}
		db.days.mu.Lock()
		for d := first; d < end; d++ {
			if r, ok := db.days.ids[d]; ok {
				add(r[0], r[1])
			}
		}
		db.days.mu.Unlock()
	}
	if t > settled {
		l, h, found, err := db.countCaseIDRange(ctx, max(f, settled), t)
		if err != nil {
			return 0, 0, false, err
		}
		if found && l == 0 {
			return 0, 0, true, nil // too many to narrow by
		}
		if found {
			add(l, h)
		}
	}
	if hi == 0 {
		return 0, 0, false, nil
	}
	return lo, hi, true, nil
}

// readCaseDays reads the summary of the days [from, to).
func (db *DB) readCaseDays(ctx context.Context, from, to int64) (map[int64][2]int64, error) {
	rows, err := db.query(ctx, db.q.Get("case-id-days"), from*dayUS, to*dayUS)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	got := map[int64][2]int64{}
	for rows.Next() {
		var d int64
		var l, h sql.NullInt64
		if err := rows.Scan(&d, &l, &h); err != nil {
			return nil, err
		}
		got[d] = [2]int64{l.Int64, h.Int64}
	}
	return got, rows.Err()
}
