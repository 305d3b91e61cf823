package sqlstore

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"desk/textsearch"
)

// termStats are PostgreSQL's own statistics of the case search index:
// how many entries there are and, for its most common terms (up to a
// thousand with the default statistics target), in what share of them
// each appears. A term that is not listed is rarer than every listed one.
// The case search reads them to tell a rare text (ask the GIN index for
// every match at once) from a common one (walk the newest entries),
// which the planner gets wrong both ways: it rates the GIN index cheap
// for common words, whose posting lists it reads whole.
type termStats struct {
	at      time.Time
	rows    float64
	freq    map[string]float64
	minFreq float64
}

// termStatsTTL is how long a node keeps the statistics; they change only
// when the table is analyzed (autovacuum, or a reindex).
const termStatsTTL = 10 * time.Minute

// rareLimit is the most matches a text may be estimated to have and
// still be searched through the GIN index at once: reading that many
// entries costs about as much as walking the first window.
const rareLimit = 5000

type termStatsCache struct {
	mu sync.Mutex
	s  *termStats
}

// caseTermStats returns the statistics, loading them when stale. When
// the table has none yet (never analyzed) or they cannot be read they are
// empty, and every text counts as common; that too is kept for the TTL,
// so that searches do not each try again.
func (db *DB) caseTermStats(ctx context.Context) *termStats {
	db.stats.mu.Lock()
	defer db.stats.mu.Unlock()
	if s := db.stats.s; s != nil && time.Since(s.at) < termStatsTTL {
		return s
	}
	s := &termStats{at: time.Now(), freq: map[string]float64{}}
	if err := db.queryRow(ctx, db.q.Get("case-search-rows")).Scan(&s.rows); err != nil {
		s.rows = 0
	}
	rows, err := db.query(ctx, db.q.Get("case-search-term-stats"))
	if err == nil {
		for rows.Next() {
			var term string
			var f sql.NullFloat64
			if rows.Scan(&term, &f) == nil && f.Valid {
				s.freq[term] = f.Float64
				if s.minFreq == 0 || f.Float64 < s.minFreq {
					s.minFreq = f.Float64
				}
			}
		}
		rows.Close()
	}
	if len(s.freq) == 0 {
		s.rows = 0
	}
	db.stats.s = s
	return s
}

// rare reports whether the queries (readings OR-ed) are estimated to
// match fewer than rareLimit entries: each reading matches at most as
// many entries as its rarest included term, and an unlisted term at most
// half as many as the rarest listed one (PostgreSQL's own guess). A
// prefix term's matches are not known; a reading with nothing else counts
// as common.
func (s *termStats) rare(qs []textsearch.Query) bool {
	if s.rows <= 0 {
		return false
	}
	total := 0.0
	for _, q := range qs {
		least := -1.0
		for _, t := range q.Terms {
			if t.Exclude || t.Prefix {
				continue
			}
			f, ok := s.freq[t.Text]
			if !ok {
				f = s.minFreq / 2
			}
			if least < 0 || f < least {
				least = f
			}
		}
		if least < 0 {
			return false
		}
		total += least * s.rows
	}
	return total < rareLimit
}
