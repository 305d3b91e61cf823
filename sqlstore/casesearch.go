package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"desk"
	"desk/textsearch"
)

// Case search entries. An entry's id is the case's id shifted left by
// entryBits plus the entry's number within the case: 0 for the title and
// description, then the indexed timeline entries in order. The entries of
// a case therefore lie together and cases follow each other by id, so
// that reading the index by id downwards meets each case once, newest
// first, and the next page starts below the last case's entries.
const entryBits = 22

func entryID(caseID int64, n int64) int64 { return caseID<<entryBits | n }

// orgTerm is a term every entry of an organisation's cases carries besides
// its text's. A search within one organisation (every customer's) asks for
// it too, so that the full-text index itself keeps to that organisation's
// entries instead of the search reading every organisation's newer
// matches first; the SQL still checks the organisation. Words of letters
// and digits are stemmed to themselves, so a user who types one finds
// only what the scope allows anyway.
func orgTerm(orgID int64) string { return "zzorg" + strconv.FormatInt(orgID, 10) }

// entryDoc is the indexed text of an entry: its terms and its
// organisation's.
func entryDoc(orgID int64, terms string) string { return terms + " " + orgTerm(orgID) }

// indexCase indexes a new case's title and description and the timeline
// entries it starts with.
func (db *DB) indexCase(ctx context.Context, tx *Tx, c *desk.Case, ms []*desk.Message) error {
	if err := db.insertEntry(ctx, tx, entryID(c.ID, 0), c.ID, nil, false, entryDoc(c.OrgID, desk.CaseSearchDocument(c))); err != nil {
		return err
	}
	return db.indexMessages(ctx, tx, c, ms, entryID(c.ID, 0))
}

// indexMessages indexes timeline entries added to a case whose last entry
// so far has id last (0 to look it up).
func (db *DB) indexMessages(ctx context.Context, tx *Tx, c *desk.Case, ms []*desk.Message, last int64) error {
	for _, m := range ms {
		if !m.Indexed() {
			continue
		}
		if last == 0 {
			if err := tx.QueryRowContext(ctx, db.q.Get("last-search-entry"), entryID(c.ID, 0), entryID(c.ID+1, 0)).Scan(&last); err != nil {
				return fmt.Errorf("index message: %w", err)
			}
		}
		last++
		if err := db.insertEntry(ctx, tx, last, c.ID, m.ID, m.Kind == desk.MessageInternal, entryDoc(c.OrgID, textsearch.Document(c.Language, m.Body))); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) insertEntry(ctx context.Context, tx *Tx, id, caseID int64, msgID any, internal bool, doc string) error {
	if _, err := tx.ExecContext(ctx, db.q.Get("insert-search-entry"), id, caseID, msgID, internal); err != nil {
		return fmt.Errorf("index case: %w", err)
	}
	if _, err := tx.ExecContext(ctx, db.q.Get("insert-search-doc"), id, doc); err != nil {
		return fmt.Errorf("index case: %w", err)
	}
	return nil
}

// SearchCases finds cases by text; see desk.CaseSearchStore. The queries
// are rendered by textsearch (terms of letters and digits only, quoted
// for FTS5) and passed as a parameter, like every filter value.
func (db *DB) SearchCases(ctx context.Context, scope desk.Scope, qs []textsearch.Query, f desk.CaseSearch) ([]*desk.CaseHit, error) {
	if f.Limit <= 0 {
		return nil, nil
	}
	// The readings in several languages are mostly the same; each
	// different one is an alternative.
	var fts, tsq []string
	for _, q := range qs {
		if q.Empty() {
			return nil, fmt.Errorf("search cases: empty query")
		}
		if e := "(" + q.FTS5() + ")"; !slices.Contains(fts, e) {
			fts = append(fts, e)
		}
		if e := "(" + q.TSQuery() + ")"; !slices.Contains(tsq, e) {
			tsq = append(tsq, e)
		}
	}
	if len(fts) == 0 {
		return nil, nil
	}
	ftsExpr, tsExpr := strings.Join(fts, " OR "), strings.Join(tsq, " | ")
	org := scopeOrg(scope)
	if org == 0 {
		org = f.OrgID
	}
	if org > 0 {
		ftsExpr = "(" + ftsExpr + `) AND "` + orgTerm(org) + `"`
		tsExpr = "(" + tsExpr + ") & " + orgTerm(org)
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	var sel, walk string
	if db.dialect.Name == "postgres" {
		tsq := "to_tsquery('simple', " + arg(tsExpr) + ")"
		bounds := " AND s.id < " + arg(int64(0)) + " AND s.id >= " + arg(int64(0))
		sel = " WHERE s.tsv @@ " + tsq + bounds
		// The first window is walked down by id: ts_match_vq is what @@
		// calls, but as a function it cannot use the GIN index, whose
		// reading of the posting lists of two or three common words
		// (20 ms) cost more than walking the window (4 ms), and the
		// planner chose it for them.
		walk = " WHERE ts_match_vq(s.tsv, " + tsq + ")" + bounds
	} else {
		// CROSS JOIN keeps the full-text table the outer loop, read by
		// rowid downwards: the ORDER BY then needs no sort and the page
		// stops the scan early.
		sel = "SELECT e.id, e.case_id, e.message_id FROM case_search s" +
			" CROSS JOIN case_search_entries e ON e.id = s.rowid CROSS JOIN cases c ON c.id = e.case_id" +
			" WHERE case_search MATCH " + arg(ftsExpr) + " AND s.rowid < " + arg(int64(0)) + " AND s.rowid >= " + arg(int64(0))
	}
	boundArg, floorArg := len(args)-2, len(args)-1
	var where []string
	if org := scopeOrg(scope); org != 0 {
		where = append(where, "c.org_id = "+arg(org))
	}
	if !scope.Internal {
		where = append(where, "NOT e.internal")
	}
	if f.OrgID != 0 {
		where = append(where, "c.org_id = "+arg(f.OrgID))
	}
	if len(f.Statuses) > 0 {
		where = append(where, "c.status IN ("+argList(arg, f.Statuses)+")")
	}
	if len(f.Severities) > 0 {
		where = append(where, "c.severity IN ("+argList(arg, f.Severities)+")")
	}
	if f.Product != "" {
		where = append(where, "c.product = "+arg(f.Product))
	}
	if f.CreatedBy != 0 {
		where = append(where, "c.created_by = "+arg(f.CreatedBy))
	}
	if !f.From.IsZero() {
		where = append(where, "c.created_at >= "+arg(us(f.From)))
	}
	if !f.To.IsZero() {
		where = append(where, "c.created_at < "+arg(us(f.To)))
	}
	// Rows come an entry at a time and a case may have several matching
	// entries: a case whose entries fill a chunk goes on into the next,
	// and a page short of cases asks for another chunk, sized by how many
	// entries each case took so far (nextChunk). The first is a quarter
	// larger than the page: words found once in a case (most searches)
	// then fill the page in one query that reads no more of the index
	// than the page needs. (Twice the page, as before, read twice the
	// entries for them.)
	chunk := int64(f.Limit + f.Limit/4 + 2)
	limitArg := len(args)
	limit := arg(chunk)
	filter := ""
	for _, w := range where {
		filter += " AND " + w
	}
	// bare is set when nothing but the text decides: staff searching
	// every organisation without filters. The entries' and cases' rows
	// are then not read per match (two lookups each, a quarter of such a
	// search's time), since an entry's id holds its case's; the matched
	// entries' messages are looked up for the page's hits alone.
	bare := len(where) == 0
	// entries is set when the entries' rows must be read per match: for
	// whether an entry is an internal note, which only staff may find.
	// Otherwise an entry's case is its id's high bits, and which message
	// it is (if any) is looked up for the page's hits alone, which saves
	// a lookup per match of a search with case filters.
	entries := !scope.Internal
	caseOf := "CROSS JOIN cases c ON c.id = s.rowid >> " + strconv.Itoa(entryBits)
	if db.dialect.Name == "postgres" {
		caseOf = "JOIN cases c ON c.id = s.id >> " + strconv.Itoa(entryBits)
	}
	// On PostgreSQL the way depends on how common the words are
	// (termStats): a rare text is found through the GIN index at once;
	// common words are walked down by id, all organisations' entries in
	// windows (see below), one organisation's case by case.
	rare := false
	if db.dialect.Name == "postgres" {
		switch db.caseWay.Load() {
		case wayGIN:
			rare = true
		case wayWalk:
		default:
			rare = db.caseTermStats(ctx).rare(qs)
		}
	}
	// wide is the statement for the windows after the first on
	// PostgreSQL (see below); sel serves every other.
	var wide string
	bits := strconv.Itoa(entryBits)
	switch {
	case db.dialect.Name == "sqlite" && bare:
		sel = "SELECT s.rowid, s.rowid >> " + bits + ", NULL FROM case_search s" +
			sel[strings.Index(sel, " WHERE "):] + " ORDER BY s.rowid DESC LIMIT " + limit
	case db.dialect.Name == "sqlite" && !entries:
		sel = "SELECT s.rowid, s.rowid >> " + bits + ", NULL FROM case_search s " + caseOf +
			sel[strings.Index(sel, " WHERE "):] + filter + " ORDER BY s.rowid DESC LIMIT " + limit
	case db.dialect.Name == "sqlite":
		sel += filter + " ORDER BY s.rowid DESC LIMIT " + limit
	case org != 0 && !rare:
		// Common words within one organisation: its cases newest first
		// (cases_org_id), each one's entries checked by id range, so
		// that a page is found among the organisation's newest cases
		// instead of the GIN index reading the words' posting lists
		// whole to intersect them with the organisation's term.
		inner, outer := "", ""
		for _, w := range where {
			if strings.HasPrefix(w, "NOT e.") {
				inner += " AND " + w
			} else {
				outer += " AND " + w
			}
		}
		// The cases' bounds are written as (org_id, id) pairs, which only
		// cases_org_id can read as a range: given "c.id <= bound" the
		// planner walked every newer case of every organisation by the
		// primary key instead (30 ms against 3).
		bound, floor, o := fmt.Sprintf("$%d", boundArg+1), fmt.Sprintf("$%d", floorArg+1), arg(org)
		entry := "SELECT e.id, e.message_id FROM case_search s JOIN case_search_entries e ON e.id = s.id"
		if !entries {
			entry = "SELECT s.id, NULL::bigint AS message_id FROM case_search s"
		}
		sel = "SELECT x.id, c.id, x.message_id FROM cases c CROSS JOIN LATERAL (" + entry +
			" WHERE s.id >= c.id << " + bits + " AND s.id < (c.id + 1) << " + bits + " AND" +
			strings.TrimPrefix(walk, " WHERE") + inner + " OFFSET 0) x" +
			" WHERE (c.org_id, c.id) <= (" + o + ", (" + bound + " - 1) >> " + bits + ")" +
			" AND (c.org_id, c.id) >= (" + o + ", " + floor + " >> " + bits + ")" + outer +
			" ORDER BY c.org_id DESC, c.id DESC, x.id DESC LIMIT " + limit
	case bare:
		// The first window, walked down by id; the wider ones, or all at
		// once for a rare text, through the GIN index: every match of
		// the window (the materialized CTE), newest first.
		wide = "WITH s AS MATERIALIZED (SELECT s.id FROM case_search s" + sel + ")" +
			" SELECT id, id >> " + bits + ", NULL FROM s ORDER BY id DESC LIMIT " + limit
		sel = "SELECT s.id, s.id >> " + bits + ", NULL FROM case_search s" + walk + " ORDER BY s.id DESC LIMIT " + limit
	case !entries:
		// As for bare, each match then joined to its case by key (OFFSET 0
		// keeps the planner from making that a merge join that walks
		// every case from the newest down).
		wide = "WITH s AS MATERIALIZED (SELECT s.id FROM case_search s" + sel + ")" +
			" SELECT s.id, s.id >> " + bits + ", NULL FROM s CROSS JOIN LATERAL (" +
			"SELECT 1 FROM cases c WHERE c.id = s.id >> " + bits + filter + " OFFSET 0) c ORDER BY s.id DESC LIMIT " + limit
		sel = "SELECT s.id, s.id >> " + bits + ", NULL FROM case_search s " + caseOf +
			walk + filter + " ORDER BY s.id DESC LIMIT " + limit
	default:
		// As for bare, each match then joined to its entry and case by
		// key (OFFSET 0 keeps the planner from making that a merge join
		// that walks every entry from the newest down, as it otherwise
		// did).
		wide = "WITH s AS MATERIALIZED (SELECT s.id FROM case_search s" + sel + ")" +
			" SELECT e.id, e.case_id, e.message_id FROM s CROSS JOIN LATERAL (" +
			"SELECT e.id, e.case_id, e.message_id FROM case_search_entries e JOIN cases c ON c.id = e.case_id" +
			" WHERE e.id = s.id" + filter + " OFFSET 0) e ORDER BY e.id DESC LIMIT " + limit
		sel = "SELECT e.id, e.case_id, e.message_id FROM case_search s" +
			" JOIN case_search_entries e ON e.id = s.id JOIN cases c ON c.id = e.case_id" +
			walk + filter + " ORDER BY s.id DESC LIMIT " + limit
	}
	if rare {
		sel = wide // no windows (below)
	}

	type found struct{ entryID, caseID, msgID int64 }
	var hits []found
	bound, floor := int64(math.MaxInt64), int64(0)
	if f.After > 0 {
		bound = entryID(f.After, 0)
	}
	if !f.From.IsZero() || !f.To.IsZero() {
		// A date range is a range of case ids, where cases were made in
		// order: the search then starts at the range's newest case
		// instead of reading every newer match first and stops at its
		// oldest. Imported cases may break the order, so the dates are
		// still checked; the ids only narrow what is read.
		lo, hi, ok, err := db.caseIDRange(ctx, f.From, f.To)
		if err != nil {
			return nil, fmt.Errorf("search cases: %w", err)
		}
		if !ok {
			return nil, nil // no case was made in the range
		}
		if lo > 0 {
			bound, floor = min(bound, entryID(hi+1, 0)), entryID(lo, 0)
		}
	}
	// Common words across all organisations on PostgreSQL: the search
	// walks the entries of the newest cases down by id first (a page is
	// usually found there), then asks the GIN index for windows eight
	// times wider each, the last one reaching the floor (the words are
	// rare in older cases, or the filters leave few). Each read is
	// bounded by its window; left to itself the planner walked every
	// entry for a rare word (half a second over a million) or read and
	// sorted every match of common ones. FTS5 reads its index in id
	// order and stops by itself, so SQLite needs no windows.
	window, first := int64(0), int64(0)
	// top is where the first window ends when the search starts at the
	// newest case: the window is open above, so cases newer than top
	// are read in it too.
	top := int64(0)
	if db.dialect.Name == "postgres" && org == 0 && !rare {
		cases := int64(searchWindow)
		if n := db.caseWindow.Load(); n > 0 {
			cases = n
		}
		window = cases << entryBits
		first = window
		if bound == math.MaxInt64 {
			last, err := db.newestCase(ctx)
			if err != nil {
				return nil, fmt.Errorf("search cases: %w", err)
			}
			top = entryID(last+1, 0)
		}
	}
	lastCase := int64(0)
	for len(hits) < f.Limit {
		before := len(hits)
		lo, end := floor, bound
		if end == math.MaxInt64 && top > 0 {
			end = top
		}
		if window > 0 && end-floor > window {
			lo = end - window
		}
		args[boundArg], args[floorArg] = bound, lo
		q := sel
		if wide != "" && window != first {
			q = wide
		}
		// Planned each time: a plan cached for one window and word (walk
		// the ids down) read the whole table for another, a kept plan of
		// a walk with a date range hashed every match of the range (9 s)
		// where the planner, given the values, walks, and kept plans of
		// the bare walk made the benchmark six times slower.
		var rows *sql.Rows
		var err error
		if len(db.dialect.PlanEachTime) > 0 {
			rows, err = db.read.QueryContext(ctx, q, append(slices.Clip(db.dialect.PlanEachTime), args...)...)
		} else {
			rows, err = db.query(ctx, q, args...)
		}
		if err != nil {
			return nil, fmt.Errorf("search cases: %w", err)
		}
		n := int64(0)
		for rows.Next() {
			n++
			var id, caseID int64
			var msgID sql.NullInt64
			if err := rows.Scan(&id, &caseID, &msgID); err != nil {
				rows.Close()
				return nil, fmt.Errorf("search cases: %w", err)
			}
			bound = id
			if caseID == lastCase {
				continue // an older entry of a case found already
			}
			lastCase = caseID
			hits = append(hits, found{id, caseID, msgID.Int64})
			if len(hits) == f.Limit {
				break
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("search cases: %w", err)
		}
		if full := n == chunk; full {
			if len(hits) < f.Limit {
				chunk = nextChunk(chunk, n, int64(len(hits)-before), int64(f.Limit-len(hits)))
				args[limitArg] = chunk
			}
		} else {
			if lo <= floor {
				break
			}
			// The window is read out: on to the next, wider one.
			bound = lo
			if window < math.MaxInt64/8 {
				window *= 8
			} else {
				window = 0 // the rest at once
			}
		}
	}
	if len(hits) == 0 {
		return nil, nil
	}

	// The hits' cases, and the messages of the entries that matched: for
	// a search that read no entries' rows, which entries are messages is
	// learnt here (an entry without one is its case's own text).
	// PostgreSQL gets the ids as arrays, so that both statements are
	// always the same and run on plans it keeps; SQLite as lists.
	caseIDs := make([]int64, len(hits))
	var entryIDs []int64
	for i, h := range hits {
		caseIDs[i] = h.caseID
		if !entries || h.msgID != 0 {
			entryIDs = append(entryIDs, h.entryID)
		}
	}
	pg := db.dialect.Name == "postgres"
	idsIn := func(ids []int64, first int) (string, []any) {
		if pg {
			return fmt.Sprintf("= ANY($%d)", first), []any{ids}
		}
		ph, args := inList(ids, first)
		return "IN (" + ph + ")", args
	}
	cases := map[int64]*desk.Case{}
	in, inArgs := idsIn(caseIDs, 2)
	cs, err := many(ctx, db, scanCase, "SELECT "+db.q.Get("case-columns")+" FROM cases WHERE ($1 = 0 OR org_id = $1) AND id "+in,
		append([]any{scopeOrg(scope)}, inArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("search cases: %w", err)
	}
	for _, c := range cs {
		cases[c.ID] = c
	}
	msgs := map[int64]*desk.Message{} // by entry id
	if len(entryIDs) > 0 {
		in, inArgs := idsIn(entryIDs, 3)
		var entry int64
		_, err := many(ctx, db, func(s scanner) (struct{}, error) {
			m, err := scanMessage(leading{s, &entry})
			msgs[entry] = m
			return struct{}{}, err
		}, "SELECT e.id, m.id, m.case_id, m.org_id, m.kind, m.author_id, m.from_staff, m.body, m.channel, m.attachment_id, m.created_at, m.mail_id, m.full_body"+
			" FROM case_search_entries e JOIN messages m ON m.id = e.message_id"+
			" WHERE ($1 = 0 OR m.org_id = $1) AND ($2 OR m.kind <> 'internal') AND e.id "+in,
			append([]any{scopeOrg(scope), scope.Internal}, inArgs...)...)
		if err != nil {
			return nil, fmt.Errorf("search cases: %w", err)
		}
	}
	out := make([]*desk.CaseHit, 0, len(hits))
	for _, h := range hits {
		c := cases[h.caseID]
		if c == nil {
			continue // the scope rules it out; the search did already
		}
		hit := &desk.CaseHit{Case: c, Message: msgs[h.entryID]}
		if hit.Message == nil && h.msgID != 0 {
			continue // the scope rules the message out; the search did already
		}
		out = append(out, hit)
	}
	return out, nil
}

// leading is a scanner whose rows have one more column first, scanned
// into first: it lets a scan function read rows that carry a key before
// its own columns.
type leading struct {
	s     scanner
	first any
}

func (l leading) Scan(dest ...any) error {
	return l.s.Scan(append([]any{l.first}, dest...)...)
}

// newestCaseTTL is how long a node uses the newest case id it read for
// the first window of a case search. Cases made since then are still
// found, since that window is open above (see SearchCases); reading it for
// every search was one more round trip each.
const newestCaseTTL = time.Second

// newestCase returns the newest case id (0 without cases), as read at
// most newestCaseTTL ago.
func (db *DB) newestCase(ctx context.Context) (int64, error) {
	now := time.Now().UnixNano()
	if at := db.newestAt.Load(); at != 0 && now-at < int64(newestCaseTTL) {
		return db.newest.Load(), nil
	}
	var last sql.NullInt64
	if err := db.queryRow(ctx, db.q.Get("last-case-id")).Scan(&last); err != nil {
		return 0, err
	}
	db.newest.Store(last.Int64)
	db.newestAt.Store(now)
	return last.Int64, nil
}

// maxChunk bounds how many entries one query of a case search reads.
const maxChunk = 4096

// nextChunk returns the size of the next chunk of a case search whose
// last chunk of size chunk gave rows entries with found new cases, when
// need more cases are wanted: as many entries as the cases found so far
// took each, and a quarter more; four times the last chunk when it found
// none (every entry was of one case). Growing fourfold regardless read
// six thousand entries where a few dozen gave the page's last cases.
func nextChunk(chunk, rows, found, need int64) int64 {
	if found == 0 {
		return min(chunk*4, maxChunk)
	}
	return min(max(need*rows/found*5/4+2, 8), maxChunk)
}

// searchWindow is how many cases' entries the first window of a
// search on PostgreSQL covers (see SearchCases).
const searchWindow = 1000

// The ways a case search can be made to take on PostgreSQL
// (SetCaseSearchWay); by default the term statistics decide.
const (
	wayAuto int32 = iota
	wayGIN
	wayWalk
)

// SetCaseSearchWay makes case searches on PostgreSQL take one way: "gin"
// (every match through the GIN index), "walk" (down by id), or "" for the
// term statistics to decide. The conformance suite runs every search
// both ways.
func (db *DB) SetCaseSearchWay(way string) {
	switch way {
	case "gin":
		db.caseWay.Store(wayGIN)
	case "walk":
		db.caseWay.Store(wayWalk)
	default:
		db.caseWay.Store(wayAuto)
	}
}

// SetCaseSearchWindow sets how many cases the first window of a case
// search covers on PostgreSQL, 0 for the default. The conformance suite
// sets windows of one case so that every search goes through them all.
func (db *DB) SetCaseSearchWindow(cases int) { db.caseWindow.Store(int64(cases)) }

// caseIDRange returns the lowest and highest id of the cases made in
// [from, to) (a zero time leaves that side open), with ok false when
// there are none. Reading more than maxRangeCases of them to find out
// would cost more than it saves; it then returns lo = 0, no narrowing.
func (db *DB) caseIDRange(ctx context.Context, from, to time.Time) (lo, hi int64, ok bool, err error) {
	if !from.IsZero() && !to.IsZero() {
		return db.caseIDRangeByDays(ctx, us(from), us(to), time.Now())
	}
	f, t := int64(math.MinInt64), int64(math.MaxInt64)
	if !from.IsZero() {
		f = us(from)
	}
	if !to.IsZero() {
		t = us(to)
	}
	return db.countCaseIDRange(ctx, f, t)
}

// countCaseIDRange counts the cases made in [f, t) (microseconds) and
// returns their lowest and highest id; lo = 0 with ok set when they are
// too many to narrow a search by.
func (db *DB) countCaseIDRange(ctx context.Context, f, t int64) (lo, hi int64, ok bool, err error) {
	const maxRangeCases = 50000
	var n int64
	var l, h sql.NullInt64
	if err := db.queryRow(ctx, db.q.Get("case-id-range"), f, t, maxRangeCases+1).Scan(&n, &l, &h); err != nil {
		return 0, 0, false, err
	}
	switch {
	case n == 0:
		return 0, 0, false, nil
	case n > maxRangeCases:
		return 0, 0, true, nil
	}
	return l.Int64, h.Int64, true, nil
}

// inList returns placeholders for ids from $first on, padded to a power
// of two with repeats of the last id so that a few statement shapes serve
// every page size, and the arguments.
func inList(ids []int64, first int) (string, []any) {
	n := 1
	for n < len(ids) {
		n *= 2
	}
	ph := make([]string, n)
	args := make([]any, n)
	for i := range n {
		ph[i] = fmt.Sprintf("$%d", first+i)
		args[i] = ids[min(i, len(ids)-1)]
	}
	return strings.Join(ph, ", "), args
}

// reindexBatch is one batch of a reindex: the cases with ids in (after,
// last] and the documents of their entries, computed before the write
// transaction so that the single SQLite writer waits on no stemming.
type reindexBatch struct {
	after, last int64
	cases, msgs int
	entries     []reindexEntry
}

type reindexEntry struct {
	id, caseID int64
	msgID      any
	internal   bool
	doc        string
}

// entriesPerInsert is how many entries one statement of a reindex
// inserts: one statement per entry would make PostgreSQL's round trips
// and every statement's fixed cost in SQLite the bulk of the work.
const entriesPerInsert = 100

// insertEntries inserts a reindex batch's entries, entriesPerInsert rows
// a statement and the rest one by one.
func (db *DB) insertEntries(ctx context.Context, tx *Tx, es []reindexEntry) error {
	entryQ := multiRow(db.q.Get("insert-search-entry"), entriesPerInsert)
	docQ := multiRow(db.q.Get("insert-search-doc"), entriesPerInsert)
	for len(es) >= entriesPerInsert {
		chunk := es[:entriesPerInsert]
		es = es[entriesPerInsert:]
		args := make([]any, 0, 4*entriesPerInsert)
		for _, e := range chunk {
			args = append(args, e.id, e.caseID, e.msgID, e.internal)
		}
		if _, err := tx.ExecContext(ctx, entryQ, args...); err != nil {
			return fmt.Errorf("index case: %w", err)
		}
		args = args[:0]
		for _, e := range chunk {
			args = append(args, e.id, e.doc)
		}
		if _, err := tx.ExecContext(ctx, docQ, args...); err != nil {
			return fmt.Errorf("index case: %w", err)
		}
	}
	for _, e := range es {
		if err := db.insertEntry(ctx, tx, e.id, e.caseID, e.msgID, e.internal, e.doc); err != nil {
			return err
		}
	}
	return nil
}

var multiRows sync.Map // query text and row count → the statement

// multiRow turns a one-row "INSERT ... VALUES (...)" into one inserting n
// rows, numbering the placeholders of each row on from the last.
func multiRow(q string, n int) string {
	type key struct {
		q string
		n int
	}
	if v, ok := multiRows.Load(key{q, n}); ok {
		return v.(string)
	}
	i := strings.LastIndex(q, "VALUES")
	head, tuple := q[:i+len("VALUES")], strings.TrimSpace(q[i+len("VALUES"):])
	k := strings.Count(tuple, "$")
	var b strings.Builder
	b.WriteString(head)
	for r := range n {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteByte(' ')
		t := tuple
		// Renumber from the highest placeholder down, so that $1 does
		// not match the start of $10.
		for j := k; j >= 1; j-- {
			t = strings.ReplaceAll(t, fmt.Sprintf("$%d", j), fmt.Sprintf("$#%d", r*k+j))
		}
		b.WriteString(strings.ReplaceAll(t, "$#", "$"))
	}
	out := b.String()
	multiRows.Store(key{q, n}, out)
	return out
}

// queryFunc runs a read query: DB.query, or a transaction's QueryContext.
type queryFunc func(ctx context.Context, query string, args ...any) (*sql.Rows, error)

// ReindexCases empties the case search index and indexes every case again;
// see desk.CaseSearchStore. Reading and stemming the next batch overlaps
// writing the previous one. Case changes may go on meanwhile: each batch
// is counted again in its write transaction, and one that a change added
// to after it was read is read again there, its entries replaced.
func (db *DB) ReindexCases(ctx context.Context, batch int, progress func(cases, entries int)) (int, error) {
	if batch <= 0 {
		batch = 500
	}
	if err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := tx.ExecContext(ctx, db.q.Get("clear-search-docs")); err != nil {
			return fmt.Errorf("clear case index: %w", err)
		}
		if _, err := tx.ExecContext(ctx, db.q.Get("clear-search-entries")); err != nil {
			return fmt.Errorf("clear case index: %w", err)
		}
		return nil
	}); err != nil {
		return 0, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan *reindexBatch, 2)
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		after := int64(0)
		for {
			b, err := db.readReindexBatch(ctx, db.query, after, batch, 0)
			if err != nil {
				readErr <- err
				return
			}
			if b.cases == 0 {
				readErr <- nil
				return
			}
			select {
			case batches <- b:
			case <-ctx.Done():
				readErr <- ctx.Err()
				return
			}
			after = b.last
		}
	}()
	cases, entries := 0, 0
	for b := range batches {
		err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
			if _, err := tx.ExecContext(ctx, db.q.Get("lock-reindex-range"), b.after+1, b.last); err != nil {
				return err
			}
			var nc, nm int
			if err := tx.QueryRowContext(ctx, db.q.Get("count-reindex-range"), b.after+1, b.last).Scan(&nc, &nm); err != nil {
				return err
			}
			if nc != b.cases || nm != b.msgs {
				// Changed since it was read: read it again here and
				// replace what the changes indexed.
				lo, hi := entryID(b.after+1, 0), entryID(b.last+1, 0)
				if _, err := tx.ExecContext(ctx, db.q.Get("delete-search-docs"), lo, hi); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, db.q.Get("delete-search-entries"), lo, hi); err != nil {
					return err
				}
				var err error
				if b, err = db.readReindexBatch(ctx, tx.QueryContext, b.after, 0, b.last); err != nil {
					return err
				}
			}
			return db.insertEntries(ctx, tx, b.entries)
		})
		if err != nil {
			return entries, fmt.Errorf("reindex cases: %w", err)
		}
		cases += b.cases
		entries += len(b.entries)
		if progress != nil {
			progress(cases, entries)
		}
	}
	if err := <-readErr; err != nil {
		return entries, fmt.Errorf("reindex cases: %w", err)
	}
	// The index was replaced wholesale, in many small segments (SQLite)
	// or with statistics that autovacuum would refresh only later
	// (PostgreSQL).
	if err := db.tidyIndex(ctx, "tidy-case-index"); err != nil {
		return entries, fmt.Errorf("reindex cases: %w", err)
	}
	return entries, nil
}

// TidySearchIndexes readies both full-text indexes after bulk writes;
// see desk.CaseSearchStore.
func (db *DB) TidySearchIndexes(ctx context.Context) error {
	for _, q := range []string{"tidy-case-index", "tidy-article-index"} {
		if err := db.tidyIndex(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) tidyIndex(ctx context.Context, name string) error {
	if db.dialect.Name == "postgres" {
		// VACUUM runs outside a transaction.
		if _, err := db.read.ExecContext(ctx, db.q.Get(name)); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	}
	if err := db.write(ctx, func(ctx context.Context, tx *Tx) error {
		// The help articles have an index per language.
		for _, q := range articleIndexes(db.q.Get(name)) {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// readReindexBatch reads the next n cases after id after (or, with n
// zero, those up to id last) with their indexed timeline entries, and
// computes their documents.
func (db *DB) readReindexBatch(ctx context.Context, query queryFunc, after int64, n int, last int64) (*reindexBatch, error) {
	type caseDoc struct {
		id, org    int64
		lang, text string
	}
	var cs []caseDoc
	if n == 0 {
		n = int(last - after)
	}
	rows, err := query(ctx, db.q.Get("reindex-cases"), after, n)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c caseDoc
		var title, desc string
		if err := rows.Scan(&c.id, &c.org, &c.lang, &title, &desc); err != nil {
			rows.Close()
			return nil, err
		}
		if last != 0 && c.id > last {
			break
		}
		c.text = title + "\n" + desc
		cs = append(cs, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	b := &reindexBatch{after: after, last: last, cases: len(cs)}
	if len(cs) == 0 {
		return b, nil
	}
	if last == 0 {
		b.last = cs[len(cs)-1].id
	}
	lang := make(map[int64]string, len(cs))
	org := make(map[int64]int64, len(cs))
	next := make(map[int64]int64, len(cs))
	for _, c := range cs {
		lang[c.id], org[c.id] = c.lang, c.org
		next[c.id] = 1
		// The same text as desk.CaseSearchDocument indexes.
		b.entries = append(b.entries, reindexEntry{id: entryID(c.id, 0), caseID: c.id, doc: entryDoc(c.org, textsearch.Document(c.lang, c.text))})
	}
	rows, err = query(ctx, db.q.Get("reindex-messages"), after+1, b.last)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		m := &desk.Message{}
		var kind string
		if err := rows.Scan(&m.ID, &m.CaseID, &kind, &m.Body); err != nil {
			return nil, err
		}
		b.msgs++
		m.Kind = desk.MessageKind(kind)
		if _, ok := lang[m.CaseID]; !ok || !m.Indexed() {
			continue
		}
		k := next[m.CaseID]
		next[m.CaseID] = k + 1
		b.entries = append(b.entries, reindexEntry{id: entryID(m.CaseID, k), caseID: m.CaseID, msgID: m.ID,
			internal: m.Kind == desk.MessageInternal, doc: entryDoc(org[m.CaseID], textsearch.Document(lang[m.CaseID], m.Body))})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// FTS5 and the B-trees take rows in id order fastest.
	slices.SortFunc(b.entries, func(x, y reindexEntry) int { return cmp.Compare(x.id, y.id) })
	return b, nil
}
