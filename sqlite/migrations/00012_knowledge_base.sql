-- +goose Up
-- The knowledge base: help articles in several languages, their revisions,
-- "was this helpful?" votes and the events of the "Need help?" box.

-- An article is one language of a translation group (key). title_doc and
-- body_doc hold the search terms of the title and body as the desk makes
-- them (textsearch.Document: stemmed and folded in Go), which the FTS5
-- index below indexes, so that SQLite and PostgreSQL match the same
-- terms. Products are a comma-separated list with a comma at each end, so
-- that one product is found with LIKE '%,code,%'. Times are microseconds.
CREATE TABLE articles (
	id           INTEGER PRIMARY KEY,
	key          TEXT NOT NULL,
	lang         TEXT NOT NULL,
	title        TEXT NOT NULL,
	body         TEXT NOT NULL,
	category     TEXT NOT NULL,
	products     TEXT NOT NULL DEFAULT ',',
	state        TEXT NOT NULL,
	visibility   TEXT NOT NULL,
	version      INTEGER NOT NULL,
	author_id    INTEGER REFERENCES users(id),
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	published_at INTEGER,
	helpful_yes  INTEGER NOT NULL DEFAULT 0,
	helpful_no   INTEGER NOT NULL DEFAULT 0,
	title_doc    TEXT NOT NULL,
	body_doc     TEXT NOT NULL,
	UNIQUE (key, lang)
);
CREATE INDEX articles_list ON articles (lang, category, key);

-- The search index, over the stored terms (external content: the text
-- lives once, in articles). The triggers keep it in the transaction of
-- every article write. The terms are already folded, so the tokenizer
-- only splits on spaces. The language is indexed too, so that a search
-- in one language never reads the rows of the others; detail=column keeps
-- which column a term is in but not where, since the desk ranks and
-- searches no phrases, which makes the index and prefix searches several
-- times cheaper.
CREATE VIRTUAL TABLE article_search USING fts5(
	title_doc, body_doc, lang, content = 'articles', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 0', detail = column
);
-- +goose StatementBegin
CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN
	INSERT INTO article_search (rowid, title_doc, body_doc, lang) VALUES (new.id, new.title_doc, new.body_doc, new.lang);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
	INSERT INTO article_search (article_search, rowid, title_doc, body_doc, lang)
	VALUES ('delete', old.id, old.title_doc, old.body_doc, old.lang);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER articles_search_update AFTER UPDATE OF title_doc, body_doc ON articles BEGIN
	INSERT INTO article_search (article_search, rowid, title_doc, body_doc, lang)
	VALUES ('delete', old.id, old.title_doc, old.body_doc, old.lang);
	INSERT INTO article_search (rowid, title_doc, body_doc, lang) VALUES (new.id, new.title_doc, new.body_doc, new.lang);
END;
-- +goose StatementEnd

-- The text of every version an edit left.
CREATE TABLE article_revisions (
	article_id INTEGER NOT NULL REFERENCES articles(id),
	version    INTEGER NOT NULL,
	title      TEXT NOT NULL,
	body       TEXT NOT NULL,
	author_id  INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL,
	PRIMARY KEY (article_id, version)
);

-- Votes, with the optional comment; the counts are kept on the article.
CREATE TABLE article_votes (
	id         INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES articles(id),
	helpful    BOOLEAN NOT NULL,
	comment    TEXT NOT NULL DEFAULT '',
	user_id    INTEGER REFERENCES users(id),
	org_id     INTEGER REFERENCES orgs(id),
	created_at INTEGER NOT NULL
);
CREATE INDEX article_votes_article ON article_votes (article_id, id);

-- What happened in "Need help?" sessions, for the deflection report.
CREATE TABLE help_events (
	id         INTEGER PRIMARY KEY,
	session    TEXT NOT NULL,
	kind       TEXT NOT NULL,
	article_id INTEGER,
	product    TEXT NOT NULL DEFAULT '',
	lang       TEXT NOT NULL,
	org_id     INTEGER REFERENCES orgs(id),
	at         INTEGER NOT NULL
);
CREATE INDEX help_events_at ON help_events (at);
CREATE INDEX help_events_session ON help_events (session);

-- +goose Down
DROP TABLE help_events;
DROP TABLE article_votes;
DROP TABLE article_revisions;
DROP TRIGGER articles_search_update;
DROP TRIGGER articles_search_delete;
DROP TRIGGER articles_search_insert;
DROP TABLE article_search;
DROP TABLE articles;
