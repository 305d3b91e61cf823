-- +goose Up
-- Service health: the services and feature groups of the status page, and
-- incidents, advisories and planned maintenance.

CREATE TABLE components (
	code     TEXT PRIMARY KEY,
	name     TEXT NOT NULL,
	parent   TEXT NOT NULL DEFAULT '',
	product  TEXT NOT NULL DEFAULT '',
	position INTEGER NOT NULL DEFAULT 0
);

-- An incident keeps its posts, affected services, regions and
-- organisations as JSON in its row: a status page is then built from one
-- query, and an incident never has more than a few dozen posts.
CREATE TABLE incidents (
	id                  INTEGER PRIMARY KEY,
	kind                TEXT NOT NULL,
	title               TEXT NOT NULL,
	impact              TEXT NOT NULL,
	status              TEXT NOT NULL,
	affected            TEXT NOT NULL,
	regions             TEXT NOT NULL DEFAULT '[]',
	public              BOOLEAN NOT NULL,
	org_ids             TEXT NOT NULL DEFAULT '[]',
	started_at          INTEGER NOT NULL,
	ended_at            INTEGER,
	scheduled_end       INTEGER,
	next_update_at      INTEGER,
	posts               TEXT NOT NULL,
	report              TEXT NOT NULL DEFAULT '',
	report_published_at INTEGER,
	created_by          INTEGER REFERENCES users(id),
	created_at          INTEGER NOT NULL,
	updated_at          INTEGER NOT NULL,
	version             INTEGER NOT NULL
);
CREATE INDEX incidents_ended ON incidents (ended_at);

-- +goose Down
DROP TABLE incidents;
DROP TABLE components;
