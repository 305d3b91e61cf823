-- name: insert-search-doc
-- $2 is textsearch.Document text: terms separated by spaces, which the
-- 'simple' configuration takes as they are.
INSERT INTO case_search (id, tsv) VALUES ($1, to_tsvector('simple', $2));

-- name: clear-search-docs
TRUNCATE case_search;

-- name: delete-search-docs
DELETE FROM case_search WHERE id >= $1 AND id < $2;

-- name: lock-reindex-range
-- A case change holds its case's row from its compare-and-set update to
-- commit, so with these rows locked the reindex counts and writes a
-- batch that no change adds to meanwhile.
SELECT id FROM cases WHERE id >= $1 AND id <= $2 FOR UPDATE;

-- name: tidy-case-index
-- After bulk writes: fresh statistics let the planner tell common words
-- from rare ones instead of guessing, and a fresh visibility map lets a
-- date range be counted from the cases_created index alone.
VACUUM (ANALYZE) case_search, case_search_entries, cases;

-- name: tidy-article-index
VACUUM (ANALYZE) articles;

-- name: case-search-rows
SELECT reltuples::float8 FROM pg_class WHERE oid = 'case_search'::regclass;

-- name: case-search-term-stats
-- The most common terms of the index and the share of entries each is
-- in. most_common_elem_freqs has three more values than there are
-- elements (the least and greatest frequency, and the share of empty
-- vectors); unnest pairs them with no term, and they are left out.
SELECT e.term, e.freq FROM pg_stats s,
	unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(term, freq)
WHERE s.schemaname = current_schema() AND s.tablename = 'case_search' AND s.attname = 'tsv'
	AND e.term IS NOT NULL;
