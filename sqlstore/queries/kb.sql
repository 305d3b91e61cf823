-- Help articles, revisions, votes and help events. search-articles is
-- SQLite's (FTS5); postgres/queries/kb.sql has PostgreSQL's.

-- name: insert-article
INSERT INTO articles (key, lang, title, body, category, products, state, visibility, version, author_id,
	created_at, updated_at, published_at, title_doc, body_doc)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
RETURNING id;

-- name: update-article
UPDATE articles SET title = $3, body = $4, category = $5, products = $6, state = $7, visibility = $8,
	version = $9, updated_at = $10, published_at = $11, title_doc = $12, body_doc = $13
WHERE id = $1 AND version = $2;

-- name: insert-article-revision
INSERT INTO article_revisions (article_id, version, title, body, author_id, created_at)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: get-article
SELECT id, key, lang, title, body, category, products, state, visibility, version, author_id, created_at,
	updated_at, published_at, helpful_yes, helpful_no
FROM articles WHERE id = $1;

-- name: get-article-by-key
SELECT id, key, lang, title, body, category, products, state, visibility, version, author_id, created_at,
	updated_at, published_at, helpful_yes, helpful_no
FROM articles WHERE key = $1 AND lang = $2;

-- name: list-articles-by-id
-- $1 is a JSON array of ids; postgres/queries/kb.sql reads it its way.
SELECT id, key, lang, title, body, category, products, state, visibility, version, author_id, created_at,
	updated_at, published_at, helpful_yes, helpful_no
FROM articles WHERE id IN (SELECT value FROM json_each($1));

-- name: list-articles-by-key
SELECT id, key, lang, title, body, category, products, state, visibility, version, author_id, created_at,
	updated_at, published_at, helpful_yes, helpful_no
FROM articles WHERE key = $1 ORDER BY lang;

-- name: list-articles
SELECT id, key, lang, title, body, category, products, state, visibility, version, author_id, created_at,
	updated_at, published_at, helpful_yes, helpful_no
FROM articles
WHERE ($1 = '' OR lang = $1) AND ($2 = '' OR category = $2) AND ($3 = '' OR products LIKE '%,' || $3 || ',%')
	AND state IN ($4, $5, $6) AND visibility IN ($7, $8)
ORDER BY category, key, lang
LIMIT $9;

-- name: list-article-revisions
SELECT article_id, version, title, body, author_id, created_at
FROM article_revisions WHERE article_id = $1 ORDER BY version DESC;

-- name: search-articles
-- The newest matches first: the desk ranks what it gets, so the engines
-- need not, and the same rows come back from both. Each language has an
-- index of its own: the store puts the searched language's table
-- (article_search_en…) in place of article_search_lang.
SELECT a.id, a.key, a.category, a.title_doc, a.body_doc
FROM article_search_lang s JOIN articles a ON a.id = s.rowid
WHERE article_search_lang MATCH $1
	AND a.lang = $2 AND ($3 = '' OR a.category = $3) AND ($4 = '' OR a.products LIKE '%,' || $4 || ',%')
	AND a.state IN ($5, $6, $7) AND a.visibility IN ($8, $9)
ORDER BY s.rowid DESC
LIMIT $10;

-- name: search-articles-title
-- The same: on SQLite the MATCH expression names the title column.
SELECT a.id, a.key, a.category, a.title_doc, a.body_doc
FROM article_search_lang s JOIN articles a ON a.id = s.rowid
WHERE article_search_lang MATCH $1
	AND a.lang = $2 AND ($3 = '' OR a.category = $3) AND ($4 = '' OR a.products LIKE '%,' || $4 || ',%')
	AND a.state IN ($5, $6, $7) AND a.visibility IN ($8, $9)
ORDER BY s.rowid DESC
LIMIT $10;

-- name: insert-article-vote
INSERT INTO article_votes (article_id, helpful, comment, user_id, org_id, created_at)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id;

-- name: list-article-votes
-- Newest first by id, which article_votes_article (article_id, id) reads
-- backwards; $2 is the page cursor (0: from the newest), $3 = 1 leaves
-- out the votes without a comment.
SELECT id, article_id, helpful, comment, user_id, org_id, created_at
FROM article_votes
WHERE article_id = $1 AND (CAST($2 AS BIGINT) = 0 OR id < $2) AND ($3 = 0 OR comment <> '')
ORDER BY id DESC
LIMIT $4;

-- name: article-vocabulary
-- The terms of the published articles of a language ($1) with one of two
-- visibilities ($2, $3), as rows of (terms, articles): here one row per
-- article with all its terms and 1, which the store counts per term.
-- postgres/queries/kb.sql counts in the database instead (ts_stat), one
-- row per term. An fts5vocab table over the language's index would be cheaper
-- to read but counts every row of the index, drafts, archived articles
-- and other languages included, and a correction must not propose a word
-- only those contain.
SELECT title_doc || ' ' || body_doc, 1 FROM articles
WHERE lang = $1 AND state = 'published' AND visibility IN ($2, $3);

-- name: count-article-vote
UPDATE articles SET helpful_yes = helpful_yes + $2, helpful_no = helpful_no + $3 WHERE id = $1;

-- name: insert-help-event
INSERT INTO help_events (session, kind, article_id, product, lang, org_id, at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: deflection
-- A session counts in the period it began in; its later events (such as
-- the case opened the next day) still count for it.
SELECT product, lang, COUNT(*), SUM(suggested), SUM(opened), SUM(helpful), SUM(cased),
	SUM(CASE WHEN suggested = 1 AND (opened = 1 OR helpful = 1) AND cased = 0 THEN 1 ELSE 0 END)
FROM (
	SELECT session, MAX(product) AS product, MIN(lang) AS lang,
		MAX(CASE WHEN kind = 'suggested' THEN 1 ELSE 0 END) AS suggested,
		MAX(CASE WHEN kind = 'opened' THEN 1 ELSE 0 END) AS opened,
		MAX(CASE WHEN kind = 'helpful' THEN 1 ELSE 0 END) AS helpful,
		MAX(CASE WHEN kind = 'case_opened' THEN 1 ELSE 0 END) AS cased
	FROM help_events WHERE at >= $1
	GROUP BY session
	HAVING MIN(at) < $2
) s
GROUP BY product, lang
ORDER BY product, lang;
