-- PostgreSQL's article search: the tsvectors of the stored terms instead
-- of FTS5. $1 is rendered by textsearch (TSQuery, AnyTSQuery) and always
-- passed as a bind parameter. The newest matches are picked by id alone,
-- and only those rows' terms are read.

-- name: search-articles
SELECT a.id, a.key, a.category, a.title_doc, a.body_doc FROM articles a
WHERE a.id IN (
	SELECT b.id FROM articles b
	WHERE b.search @@ to_tsquery('simple', $1)
		AND b.lang = $2 AND ($3 = '' OR b.category = $3) AND ($4 = '' OR b.products LIKE '%,' || $4 || ',%')
		AND b.state IN ($5, $6, $7) AND b.visibility IN ($8, $9)
	ORDER BY b.id DESC
	LIMIT $10)
ORDER BY a.id DESC;

-- name: search-articles-title
SELECT a.id, a.key, a.category, a.title_doc, a.body_doc FROM articles a
WHERE a.id IN (
	SELECT b.id FROM articles b
	WHERE b.title_search @@ to_tsquery('simple', $1)
		AND b.lang = $2 AND ($3 = '' OR b.category = $3) AND ($4 = '' OR b.products LIKE '%,' || $4 || ',%')
		AND b.state IN ($5, $6, $7) AND b.visibility IN ($8, $9)
	ORDER BY b.id DESC
	LIMIT $10)
ORDER BY a.id DESC;

-- name: list-articles-by-id
SELECT id, key, lang, title, body, category, products, state, visibility, version, author_id, created_at,
	updated_at, published_at, helpful_yes, helpful_no
FROM articles WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint);

-- name: article-vocabulary
-- ts_stat counts the articles per term of the stored vectors (the same
-- terms FTS5 indexes on SQLite) in the database, so only the terms cross
-- the network. It takes its query as text: format's %L quotes the
-- parameters as literals.
SELECT word, ndoc FROM ts_stat(format(
	'SELECT search FROM articles WHERE lang = %L AND state = %L AND visibility IN (%L, %L)',
	$1::text, 'published', $2::text, $3::text));
