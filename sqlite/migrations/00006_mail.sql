-- +goose Up
-- The e-mail channel: the outbox, received mail and failing addresses.

-- Outgoing mail, written in the same transaction as the event that causes
-- it. Its Message-ID is fixed here, so that a resend after a crash is a
-- duplicate mail clients recognise. Times are in microseconds.
CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	message_id      TEXT NOT NULL UNIQUE,
	kind            TEXT NOT NULL,
	org_id          INTEGER REFERENCES orgs(id),
	case_id         INTEGER REFERENCES cases(id),
	user_id         INTEGER REFERENCES users(id),
	to_addr         TEXT NOT NULL,
	to_name         TEXT NOT NULL DEFAULT '',
	language        TEXT NOT NULL,
	reply_to        TEXT NOT NULL DEFAULT '',
	in_reply_to     TEXT NOT NULL DEFAULT '',
	refs            TEXT NOT NULL DEFAULT '',
	auto            BOOLEAN NOT NULL DEFAULT FALSE,
	data            TEXT NOT NULL,
	status          TEXT NOT NULL DEFAULT 'pending',
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	lease_owner     TEXT NOT NULL DEFAULT '',
	lease_until     INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT '',
	sent_at         INTEGER,
	created_at      INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_case ON outbox (case_id, id);
CREATE INDEX outbox_auto_sent ON outbox (to_addr, sent_at) WHERE auto;

-- Received mail, stored raw before it is processed, once per Message-ID.
CREATE TABLE inbound_mail (
	id          INTEGER PRIMARY KEY,
	message_id  TEXT NOT NULL UNIQUE,
	from_addr   TEXT NOT NULL DEFAULT '',
	from_name   TEXT NOT NULL DEFAULT '',
	to_addrs    TEXT NOT NULL DEFAULT '',
	subject     TEXT NOT NULL DEFAULT '',
	auto        TEXT NOT NULL DEFAULT '',
	raw         BLOB NOT NULL,
	raw_sha256  TEXT NOT NULL,
	size        INTEGER NOT NULL,
	status      TEXT NOT NULL,
	reason      TEXT NOT NULL DEFAULT '',
	case_id     INTEGER REFERENCES cases(id),
	received_at INTEGER NOT NULL
);
CREATE INDEX inbound_mail_status ON inbound_mail (status, id);

-- Addresses whose mail bounced; nothing automatic is sent to them.
CREATE TABLE mail_addresses (
	address       TEXT PRIMARY KEY,
	failing_since INTEGER NOT NULL,
	reason        TEXT NOT NULL DEFAULT ''
);

-- A timeline entry that came by mail keeps the mail it came from and its
-- full text; its body is the text without quoted history.
ALTER TABLE messages ADD COLUMN mail_id INTEGER REFERENCES inbound_mail(id);
ALTER TABLE messages ADD COLUMN full_body TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE messages DROP COLUMN full_body;
ALTER TABLE messages DROP COLUMN mail_id;
DROP TABLE mail_addresses;
DROP TABLE inbound_mail;
DROP TABLE outbox;
