-- +goose Up
-- Times are integer microseconds since 1970 UTC in both engines, so that
-- the queries are shared and comparisons are plain integer comparisons.

CREATE TABLE products (
	code TEXT PRIMARY KEY,
	name TEXT NOT NULL
);

CREATE TABLE plans (
	code             TEXT PRIMARY KEY,
	name             TEXT NOT NULL,
	support_included BOOLEAN NOT NULL,
	channels         TEXT NOT NULL,
	max_severity     TEXT NOT NULL,
	upgrade_to       TEXT NOT NULL DEFAULT ''
);

CREATE TABLE sla_policies (
	plan                   TEXT NOT NULL REFERENCES plans(code),
	severity               TEXT NOT NULL,
	calendar               TEXT NOT NULL,
	first_response_minutes INTEGER NOT NULL DEFAULT 0,
	next_response_minutes  INTEGER NOT NULL DEFAULT 0,
	resolution_minutes     INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (plan, severity)
);

CREATE TABLE partners (
	id    INTEGER PRIMARY KEY,
	name  TEXT NOT NULL,
	email TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	url   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE orgs (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	time_zone  TEXT NOT NULL,
	language   TEXT NOT NULL,
	phones     TEXT NOT NULL DEFAULT '',
	emails     TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);

CREATE TABLE subscriptions (
	org_id           INTEGER NOT NULL REFERENCES orgs(id),
	product          TEXT NOT NULL REFERENCES products(code),
	plan             TEXT NOT NULL REFERENCES plans(code),
	extended_support BOOLEAN NOT NULL DEFAULT FALSE,
	partner_id       INTEGER REFERENCES partners(id),
	PRIMARY KEY (org_id, product)
);

CREATE TABLE users (
	id                INTEGER PRIMARY KEY,
	org_id            INTEGER REFERENCES orgs(id),
	email             TEXT NOT NULL UNIQUE,
	name              TEXT NOT NULL,
	role              TEXT NOT NULL,
	support_privilege BOOLEAN NOT NULL DEFAULT FALSE,
	languages         TEXT NOT NULL DEFAULT '',
	language          TEXT NOT NULL,
	time_zone         TEXT NOT NULL,
	password_hash     TEXT NOT NULL DEFAULT '',
	created_at        INTEGER NOT NULL
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE api_tokens (
	hash       TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL
);

-- Case numbers start at 1000 so that they read as case numbers.
CREATE TABLE cases (
	id                    INTEGER PRIMARY KEY AUTOINCREMENT,
	org_id                INTEGER NOT NULL REFERENCES orgs(id),
	product               TEXT NOT NULL REFERENCES products(code),
	category              TEXT NOT NULL,
	severity              TEXT NOT NULL,
	status                TEXT NOT NULL,
	title                 TEXT NOT NULL,
	description           TEXT NOT NULL,
	language              TEXT NOT NULL,
	business_impact       TEXT NOT NULL DEFAULT '',
	contact_method        TEXT NOT NULL,
	contact_name          TEXT NOT NULL DEFAULT '',
	contact_phone         TEXT NOT NULL DEFAULT '',
	contact_email         TEXT NOT NULL DEFAULT '',
	plan                  TEXT NOT NULL,
	created_by            INTEGER NOT NULL REFERENCES users(id),
	assignee_id           INTEGER,
	team                  TEXT NOT NULL DEFAULT '',
	third_party           TEXT NOT NULL DEFAULT '',
	outcome               TEXT NOT NULL DEFAULT '',
	source                TEXT NOT NULL,
	created_at            INTEGER NOT NULL,
	updated_at            INTEGER NOT NULL,
	first_response_at     INTEGER,
	resolved_at           INTEGER,
	closed_at             INTEGER,
	first_response_due_at INTEGER,
	next_response_due_at  INTEGER,
	resolution_due_at     INTEGER,
	version               INTEGER NOT NULL
);
INSERT INTO sqlite_sequence (name, seq) VALUES ('cases', 999);
CREATE INDEX cases_org ON cases (org_id, created_at, id);
CREATE INDEX cases_org_status ON cases (org_id, status, created_at, id);
CREATE INDEX cases_status ON cases (status, created_at, id);

CREATE TABLE messages (
	id            INTEGER PRIMARY KEY,
	case_id       INTEGER NOT NULL REFERENCES cases(id),
	org_id        INTEGER NOT NULL REFERENCES orgs(id),
	kind          TEXT NOT NULL,
	author_id     INTEGER,
	from_staff    BOOLEAN NOT NULL DEFAULT FALSE,
	body          TEXT NOT NULL,
	channel       TEXT NOT NULL,
	attachment_id TEXT NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL
);
CREATE INDEX messages_case ON messages (case_id, id);

CREATE TABLE attachments (
	id           TEXT PRIMARY KEY,
	case_id      INTEGER NOT NULL REFERENCES cases(id),
	org_id       INTEGER NOT NULL REFERENCES orgs(id),
	name         TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size         INTEGER NOT NULL,
	sha256       TEXT NOT NULL,
	uploaded_by  INTEGER NOT NULL REFERENCES users(id),
	created_at   INTEGER NOT NULL
);
CREATE INDEX attachments_case ON attachments (case_id);

-- The primary key makes concurrent retries with one key create one case.
CREATE TABLE idempotency_keys (
	user_id     INTEGER NOT NULL REFERENCES users(id),
	key         TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	case_id     INTEGER REFERENCES cases(id),
	created_at  INTEGER NOT NULL,
	PRIMARY KEY (user_id, key)
);

CREATE TABLE audit_log (
	id          INTEGER PRIMARY KEY,
	at          INTEGER NOT NULL,
	actor_id    INTEGER,
	org_id      INTEGER,
	action      TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id   TEXT NOT NULL,
	remote_addr TEXT NOT NULL DEFAULT '',
	detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_org ON audit_log (org_id, id);

-- The audit log is append-only: the database itself refuses changes.
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_log;
DROP TABLE idempotency_keys;
DROP TABLE attachments;
DROP TABLE messages;
DROP TABLE cases;
DROP TABLE api_tokens;
DROP TABLE users;
DROP TABLE subscriptions;
DROP TABLE orgs;
DROP TABLE partners;
DROP TABLE sla_policies;
DROP TABLE plans;
DROP TABLE products;
