-- +goose Up
-- E-mail subscriptions to the public status page, and the queue of
-- incident changes to mail them about.

-- One row per address. Components and pending_components are comma lists
-- of service codes; empty means every service. token_hash is the SHA-256
-- of the confirmation link's token, never the token. Times are in
-- microseconds.
CREATE TABLE status_subscriptions (
	id                 INTEGER PRIMARY KEY,
	email              TEXT NOT NULL UNIQUE,
	language           TEXT NOT NULL,
	components         TEXT NOT NULL DEFAULT '',
	confirmed_at       INTEGER,
	pending_language   TEXT NOT NULL DEFAULT '',
	pending_components TEXT NOT NULL DEFAULT '',
	token_hash         TEXT NOT NULL DEFAULT '',
	token_expires_at   INTEGER,
	confirm_mail_at    INTEGER,
	created_at         INTEGER NOT NULL,
	updated_at         INTEGER NOT NULL,
	version            INTEGER NOT NULL
);
CREATE UNIQUE INDEX status_subscriptions_token ON status_subscriptions (token_hash) WHERE token_hash <> '';
CREATE INDEX status_subscriptions_active ON status_subscriptions (id) WHERE confirmed_at IS NOT NULL;
CREATE INDEX status_subscriptions_expiry ON status_subscriptions (token_expires_at) WHERE confirmed_at IS NULL;

-- One row per incident change, written in the change's transaction; a
-- worker expands it into outbox rows and marks it done in one transaction.
CREATE TABLE status_notices (
	id              INTEGER PRIMARY KEY,
	incident_id     INTEGER NOT NULL REFERENCES incidents(id),
	version         INTEGER NOT NULL,
	post_count      INTEGER NOT NULL,
	changed_at      INTEGER NOT NULL,
	status          TEXT NOT NULL DEFAULT 'pending',
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	lease_owner     TEXT NOT NULL DEFAULT '',
	lease_until     INTEGER NOT NULL DEFAULT 0,
	created_at      INTEGER NOT NULL,
	UNIQUE (incident_id, version)
);
CREATE INDEX status_notices_due ON status_notices (next_attempt_at, id) WHERE status = 'pending';

-- +goose Down
DROP TABLE status_notices;
DROP TABLE status_subscriptions;
