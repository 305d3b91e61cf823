-- +goose Up
-- Case search: every case's title and description and every timeline
-- entry with text (public replies, internal notes, attachments; not
-- events) is one entry. The desk computes each entry's terms in Go
-- (textsearch.Document: stemmed in the case's language, accents folded);
-- the tsvector is built from them with the 'simple' configuration, which
-- adds no stemming, so both engines index the same terms.
--
-- An entry's id is (case id << 22) + its number within the case (0 for
-- the title and description, then the timeline entries in order): the
-- entries of one case lie together and cases follow each other by id, so
-- a page cursor is just a case id, and a reindex gives every entry the
-- same id again.
CREATE TABLE case_search_entries (
	id         BIGINT PRIMARY KEY,
	case_id    BIGINT NOT NULL,
	message_id BIGINT,
	-- internal entries (internal notes) are matched for staff only.
	internal   BOOLEAN NOT NULL DEFAULT FALSE
);

-- The terms, apart from the entries as in SQLite's FTS5 table, so that
-- the two engines share the queries that write entries.
CREATE TABLE case_search (
	id  BIGINT PRIMARY KEY,
	tsv TSVECTOR NOT NULL
);
CREATE INDEX case_search_tsv ON case_search USING GIN (tsv);

-- +goose Down
DROP TABLE case_search;
DROP TABLE case_search_entries;
