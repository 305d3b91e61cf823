-- Case search (sqlstore/casesearch.go). The statements here are SQLite's
-- where the engines differ; postgres/queries/casesearch.sql overrides
-- them. The search itself is composed in Go from its filters.

-- name: insert-search-entry
INSERT INTO case_search_entries (id, case_id, message_id, internal) VALUES ($1, $2, $3, $4);

-- name: insert-search-doc
-- $2 is textsearch.Document text: terms separated by spaces.
INSERT INTO case_search (rowid, doc) VALUES ($1, $2);

-- name: last-search-entry
-- The highest entry id of one case, whose entries are [$1, $2); $1 when
-- the case has none.
SELECT COALESCE(MAX(id), $1) FROM case_search_entries WHERE id >= $1 AND id < $2;

-- name: clear-search-entries
DELETE FROM case_search_entries;

-- name: clear-search-docs
-- The way to empty a contentless FTS5 table.
INSERT INTO case_search (case_search) VALUES ('delete-all');

-- name: delete-search-docs
DELETE FROM case_search WHERE rowid >= $1 AND rowid < $2;

-- name: delete-search-entries
DELETE FROM case_search_entries WHERE id >= $1 AND id < $2;

-- name: count-reindex-range
-- What a reindex batch read, counted again in its write transaction:
-- the cases with ids in [$1, $2] and their indexed timeline entries.
SELECT (SELECT COUNT(*) FROM cases WHERE id >= $1 AND id <= $2),
	(SELECT COUNT(*) FROM messages WHERE case_id >= $1 AND case_id <= $2 AND kind <> 'event');

-- name: lock-reindex-range
-- SQLite's single writer serialises the reindex with case changes;
-- PostgreSQL locks the batch's cases.
SELECT COUNT(*) FROM cases WHERE id >= $1 AND id <= $2;

-- name: reindex-cases
SELECT id, org_id, language, title, description FROM cases WHERE id > $1 ORDER BY id LIMIT $2;

-- name: reindex-messages
SELECT id, case_id, kind, body FROM messages
WHERE case_id >= $1 AND case_id <= $2 AND kind <> 'event'
ORDER BY case_id, id;

-- name: case-id-range
-- The ids of the cases made in [$1, $2), for a search by date: their
-- count (up to $3, which bounds the read), the lowest and the highest.
SELECT count(*), min(id), max(id) FROM (
	SELECT id FROM cases WHERE created_at >= $1 AND created_at < $2 LIMIT $3
) r;

-- name: last-case-id
SELECT max(id) FROM cases;

-- name: tidy-case-index
-- After bulk writes (a reindex): FTS5 merges the index's segments into
-- one, which a search then reads instead of seeking in each (PostgreSQL
-- analyzes instead; postgres/queries).
INSERT INTO case_search (case_search) VALUES ('optimize');

-- name: tidy-article-index
-- Run for each language's index (see search-articles).
INSERT INTO article_search_lang (article_search_lang) VALUES ('optimize');

-- name: case-import-epoch
-- The epoch of imports and the newest case's creation time.
SELECT (SELECT value FROM change_epochs WHERE name = 'case_import'), (SELECT max(created_at) FROM cases);

-- name: bump-case-import-epoch
UPDATE change_epochs SET value = value + 1 WHERE name = 'case_import';

-- name: case-id-days
-- The lowest and highest case id of each UTC day (microseconds / 86,400
-- seconds) of [$1, $2), for the per-day summary of a date search.
SELECT created_at / 86400000000, min(id), max(id) FROM cases
WHERE created_at >= $1 AND created_at < $2
GROUP BY created_at / 86400000000;
