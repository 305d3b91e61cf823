-- +goose Up
-- Case search: every case's title and description and every timeline
-- entry with text (public replies, internal notes, attachments; not
-- events) is one entry. The desk computes each entry's terms in Go
-- (textsearch.Document: stemmed in the case's language, accents folded),
-- so the full-text table only splits them on spaces again; both engines
-- index the same terms.
--
-- An entry's id is (case id << 22) + its number within the case (0 for
-- the title and description, then the timeline entries in order): the
-- entries of one case lie together and cases follow each other by id, so
-- the index, read by id downwards, yields newest cases first, each once,
-- and a page cursor is just a case id. A reindex gives every entry the
-- same id again.
CREATE TABLE case_search_entries (
	id         INTEGER PRIMARY KEY,
	case_id    INTEGER NOT NULL,
	message_id INTEGER,
	-- internal entries (internal notes) are matched for staff only.
	internal   BOOLEAN NOT NULL DEFAULT FALSE
);

-- Contentless: the terms are not stored twice; the entries table holds
-- what the search returns. Deletes are allowed for a reindex that meets
-- entries written while it ran.
CREATE VIRTUAL TABLE case_search USING fts5(doc, content = '', contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 0');

-- +goose Down
DROP TABLE case_search;
DROP TABLE case_search_entries;
