-- +goose Up
-- Browser sessions of the web pages, and customers' satisfaction ratings.

-- A signed-in browser, by the SHA-256 (hex) of its cookie's token; the
-- token itself is never stored. Times are in microseconds.
CREATE TABLE sessions (
	hash       TEXT PRIMARY KEY,
	user_id    BIGINT NOT NULL REFERENCES users(id),
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- One rating per case; rating again replaces it.
CREATE TABLE ratings (
	case_id    BIGINT PRIMARY KEY REFERENCES cases(id),
	org_id     BIGINT NOT NULL REFERENCES orgs(id),
	user_id    BIGINT NOT NULL REFERENCES users(id),
	score      INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
	comment    TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE ratings;
DROP TABLE sessions;
