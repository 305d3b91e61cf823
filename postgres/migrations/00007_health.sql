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
	id                  BIGSERIAL PRIMARY KEY,
	kind                TEXT NOT NULL,
	title               TEXT NOT NULL,
	impact              TEXT NOT NULL,
	status              TEXT NOT NULL,
	affected            TEXT NOT NULL,
	regions             TEXT NOT NULL DEFAULT '[]',
	public              BOOLEAN NOT NULL,
	org_ids             TEXT NOT NULL DEFAULT '[]',
	started_at          BIGINT NOT NULL,
	ended_at            BIGINT,
	scheduled_end       BIGINT,
	next_update_at      BIGINT,
	posts               TEXT NOT NULL,
	report              TEXT NOT NULL DEFAULT '',
	report_published_at BIGINT,
	created_by          BIGINT REFERENCES users(id),
	created_at          BIGINT NOT NULL,
	updated_at          BIGINT NOT NULL,
	version             INTEGER NOT NULL
);
CREATE INDEX incidents_ended ON incidents (ended_at);

-- +goose Down
DROP TABLE incidents;
DROP TABLE components;
