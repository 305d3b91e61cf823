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
