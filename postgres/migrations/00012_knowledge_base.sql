-- +goose Up
-- The knowledge base: help articles in several languages, their revisions,
-- "was this helpful?" votes and the events of the "Need help?" box.

-- An article is one language of a translation group (key). title_doc and
-- body_doc hold the search terms of the title and body as the desk makes
-- them (textsearch.Document: stemmed and folded in Go); the tsvector of
-- them uses the 'simple' configuration, which adds no stemming, so SQLite
-- and PostgreSQL match the same terms.
-- Products are a comma-separated list with a comma at each end, so that
-- one product is found with LIKE '%,code,%'. Times are microseconds.
CREATE TABLE articles (
	id           BIGSERIAL PRIMARY KEY,
	key          TEXT NOT NULL,
	lang         TEXT NOT NULL,
	title        TEXT NOT NULL,
	body         TEXT NOT NULL,
	category     TEXT NOT NULL,
	products     TEXT NOT NULL DEFAULT ',',
	state        TEXT NOT NULL,
	visibility   TEXT NOT NULL,
	version      INTEGER NOT NULL,
	author_id    BIGINT REFERENCES users(id),
	created_at   BIGINT NOT NULL,
	updated_at   BIGINT NOT NULL,
	published_at BIGINT,
	helpful_yes  INTEGER NOT NULL DEFAULT 0,
	helpful_no   INTEGER NOT NULL DEFAULT 0,
	title_doc    TEXT NOT NULL,
	body_doc     TEXT NOT NULL,
	-- The terms without positions (strip): the desk ranks, so only
	-- whether a term is there counts, and small vectors stay in the row
	-- instead of being fetched and decompressed from TOAST for every
	-- match checked.
	search       tsvector GENERATED ALWAYS AS (
		strip(to_tsvector('simple'::regconfig, title_doc || ' ' || body_doc))) STORED,
	title_search tsvector GENERATED ALWAYS AS (strip(to_tsvector('simple'::regconfig, title_doc))) STORED,
	UNIQUE (key, lang)
);
CREATE INDEX articles_list ON articles (lang, category, key);
CREATE INDEX articles_search ON articles USING GIN (search);
CREATE INDEX articles_title_search ON articles USING GIN (title_search);

-- The text of every version an edit left.
CREATE TABLE article_revisions (
	article_id BIGINT NOT NULL REFERENCES articles(id),
	version    INTEGER NOT NULL,
	title      TEXT NOT NULL,
	body       TEXT NOT NULL,
	author_id  BIGINT REFERENCES users(id),
	created_at BIGINT NOT NULL,
	PRIMARY KEY (article_id, version)
);

-- Votes, with the optional comment; the counts are kept on the article.
CREATE TABLE article_votes (
	id         BIGSERIAL PRIMARY KEY,
	article_id BIGINT NOT NULL REFERENCES articles(id),
	helpful    BOOLEAN NOT NULL,
	comment    TEXT NOT NULL DEFAULT '',
	user_id    BIGINT REFERENCES users(id),
	org_id     BIGINT REFERENCES orgs(id),
	created_at BIGINT NOT NULL
);
CREATE INDEX article_votes_article ON article_votes (article_id, id);

-- What happened in "Need help?" sessions, for the deflection report.
CREATE TABLE help_events (
	id         BIGSERIAL PRIMARY KEY,
	session    TEXT NOT NULL,
	kind       TEXT NOT NULL,
	article_id BIGINT,
	product    TEXT NOT NULL DEFAULT '',
	lang       TEXT NOT NULL,
	org_id     BIGINT REFERENCES orgs(id),
	at         BIGINT NOT NULL
);
CREATE INDEX help_events_at ON help_events (at);
CREATE INDEX help_events_session ON help_events (session);

-- +goose Down
DROP TABLE help_events;
DROP TABLE article_votes;
DROP TABLE article_revisions;
DROP TABLE articles;
