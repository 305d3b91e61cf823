-- +goose Up
-- One help-article index per language instead of one for all with the
-- language as a column. A search matched "lang : en" AND its words, and
-- FTS5 stepped through the language's doclist (every article of it) to
-- intersect it with the words': a quarter of a search's time. Each
-- language's search now reads its own table only. Languages are fixed
-- (desk.Languages); a new one needs a table here. The triggers index a
-- row in the table of its language, also when an update changes it.
DROP TRIGGER articles_search_update;
DROP TRIGGER articles_search_delete;
DROP TRIGGER articles_search_insert;
DROP TABLE article_search;
CREATE VIRTUAL TABLE article_search_en USING fts5(
	title_doc, body_doc, content = 'articles', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 0', detail = column
);
INSERT INTO article_search_en (rowid, title_doc, body_doc) SELECT id, title_doc, body_doc FROM articles WHERE lang = 'en';
CREATE VIRTUAL TABLE article_search_nl USING fts5(
	title_doc, body_doc, content = 'articles', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 0', detail = column
);
INSERT INTO article_search_nl (rowid, title_doc, body_doc) SELECT id, title_doc, body_doc FROM articles WHERE lang = 'nl';
CREATE VIRTUAL TABLE article_search_de USING fts5(
	title_doc, body_doc, content = 'articles', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 0', detail = column
);
INSERT INTO article_search_de (rowid, title_doc, body_doc) SELECT id, title_doc, body_doc FROM articles WHERE lang = 'de';
CREATE VIRTUAL TABLE article_search_sv USING fts5(
	title_doc, body_doc, content = 'articles', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 0', detail = column
);
INSERT INTO article_search_sv (rowid, title_doc, body_doc) SELECT id, title_doc, body_doc FROM articles WHERE lang = 'sv';
CREATE VIRTUAL TABLE article_search_nb USING fts5(
	title_doc, body_doc, content = 'articles', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 0', detail = column
);
INSERT INTO article_search_nb (rowid, title_doc, body_doc) SELECT id, title_doc, body_doc FROM articles WHERE lang = 'nb';
-- +goose StatementBegin
CREATE TRIGGER articles_search_insert AFTER INSERT ON articles BEGIN
	INSERT INTO article_search_en (rowid, title_doc, body_doc) SELECT new.id, new.title_doc, new.body_doc WHERE new.lang = 'en';
	INSERT INTO article_search_nl (rowid, title_doc, body_doc) SELECT new.id, new.title_doc, new.body_doc WHERE new.lang = 'nl';
	INSERT INTO article_search_de (rowid, title_doc, body_doc) SELECT new.id, new.title_doc, new.body_doc WHERE new.lang = 'de';
	INSERT INTO article_search_sv (rowid, title_doc, body_doc) SELECT new.id, new.title_doc, new.body_doc WHERE new.lang = 'sv';
	INSERT INTO article_search_nb (rowid, title_doc, body_doc) SELECT new.id, new.title_doc, new.body_doc WHERE new.lang = 'nb';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
	INSERT INTO article_search_en (article_search_en, rowid, title_doc, body_doc) SELECT 'delete', old.id, old.title_doc, old.body_doc WHERE old.lang = 'en';
	INSERT INTO article_search_nl (article_search_nl, rowid, title_doc, body_doc) SELECT 'delete', old.id, old.title_doc, old.body_doc WHERE old.lang = 'nl';
	INSERT INTO article_search_de (article_search_de, rowid, title_doc, body_doc) SELECT 'delete', old.id, old.title_doc, old.body_doc WHERE old.lang = 'de';
	INSERT INTO article_search_sv (article_search_sv, rowid, title_doc, body_doc) SELECT 'delete', old.id, old.title_doc, old.body_doc WHERE old.lang = 'sv';
	INSERT INTO article_search_nb (article_search_nb, rowid, title_doc, body_doc) SELECT 'delete', old.id, old.title_doc, old.body_doc WHERE old.lang = 'nb';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER articles_search_update AFTER UPDATE OF title_doc, body_doc, lang ON articles BEGIN
	INSERT INTO article_search_en (article_search_en, rowid, title_doc, body_doc) SELECT 'delete', old.id, old.title_doc, old.body_doc WHERE old.lang = 'en';
	INSERT INTO article_search_nl (article_search_nl, rowid, title_doc, body_doc) SELECT 'delete', old.id, old.title_doc, old.body_doc WHERE old.lang = 'nl';
	INSERT INTO article_search_de (article_search_de, rowid, title_doc, body_doc) SELECT 'delete', old.id, old.title_doc, old.body_doc WHERE old.lang = 'de';
	INSERT INTO article_search_sv (article_search_sv, rowid, title_doc, body_doc) SELECT 'delete', old.id, old.title_doc, old.body_doc WHERE old.lang = 'sv';
	INSERT INTO article_search_nb (article_search_nb, rowid, title_doc, body_doc) SELECT 'delete', old.id, old.title_doc, old.body_doc WHERE old.lang = 'nb';
	INSERT INTO article_search_en (rowid, title_doc, body_doc) SELECT new.id, new.title_doc, new.body_doc WHERE new.lang = 'en';
	INSERT INTO article_search_nl (rowid, title_doc, body_doc) SELECT new.id, new.title_doc, new.body_doc WHERE new.lang = 'nl';
	INSERT INTO article_search_de (rowid, title_doc, body_doc) SELECT new.id, new.title_doc, new.body_doc WHERE new.lang = 'de';
	INSERT INTO article_search_sv (rowid, title_doc, body_doc) SELECT new.id, new.title_doc, new.body_doc WHERE new.lang = 'sv';
	INSERT INTO article_search_nb (rowid, title_doc, body_doc) SELECT new.id, new.title_doc, new.body_doc WHERE new.lang = 'nb';
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER articles_search_update;
DROP TRIGGER articles_search_delete;
DROP TRIGGER articles_search_insert;
DROP TABLE article_search_en;
DROP TABLE article_search_nl;
DROP TABLE article_search_de;
DROP TABLE article_search_sv;
DROP TABLE article_search_nb;
CREATE VIRTUAL TABLE article_search USING fts5(
	title_doc, body_doc, lang, content = 'articles', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 0', detail = column
);
INSERT INTO article_search (article_search) VALUES ('rebuild');
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
