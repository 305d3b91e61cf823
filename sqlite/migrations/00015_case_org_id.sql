-- +goose Up
-- An organisation's cases newest first: a case search for common words
-- within one organisation walks them (PostgreSQL), as does nothing else
-- yet on SQLite, where the index is kept so that both engines' schemas
-- stay the same.
CREATE INDEX cases_org_id ON cases (org_id, id);

-- +goose Down
DROP INDEX cases_org_id;
