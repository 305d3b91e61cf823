-- +goose Up
-- Service credits and incident report requests from outage cases.

-- A plan's monthly uptime commitment in percent (0: none) and its credit
-- tiers as JSON ([{"below": 99.9, "percent": 10}, ...]); a subscription's
-- monthly fee in cents of its currency, which credits are a share of.
ALTER TABLE plans ADD COLUMN uptime_commitment REAL NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN credit_tiers TEXT NOT NULL DEFAULT '';
ALTER TABLE subscriptions ADD COLUMN monthly_fee INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscriptions ADD COLUMN currency TEXT NOT NULL DEFAULT '';

-- One request per organisation and incident. Working is the computation
-- shown to the admin and to staff (JSON), fixed when the request is made.
-- Times are in microseconds.
CREATE TABLE credit_requests (
	id           INTEGER PRIMARY KEY,
	org_id       INTEGER NOT NULL REFERENCES orgs(id),
	case_id      INTEGER NOT NULL REFERENCES cases(id),
	incident_id  INTEGER NOT NULL REFERENCES incidents(id),
	state        TEXT NOT NULL,
	working      TEXT NOT NULL,
	amount       INTEGER NOT NULL,
	currency     TEXT NOT NULL,
	requested_by INTEGER NOT NULL REFERENCES users(id),
	requested_at INTEGER NOT NULL,
	decided_by   INTEGER REFERENCES users(id),
	decided_at   INTEGER,
	reason       TEXT NOT NULL DEFAULT '',
	UNIQUE (org_id, incident_id)
);
CREATE INDEX credit_requests_state ON credit_requests (state, id);
CREATE INDEX credit_requests_case ON credit_requests (case_id);

-- A request for the report of an incident that had none yet, answered on
-- the case once the report is published (notified_at set in the same
-- transaction as the case's message).
CREATE TABLE report_requests (
	case_id      INTEGER NOT NULL REFERENCES cases(id),
	incident_id  INTEGER NOT NULL REFERENCES incidents(id),
	org_id       INTEGER NOT NULL REFERENCES orgs(id),
	requested_by INTEGER NOT NULL REFERENCES users(id),
	requested_at INTEGER NOT NULL,
	notified_at  INTEGER,
	PRIMARY KEY (case_id, incident_id)
);
CREATE INDEX report_requests_pending ON report_requests (incident_id) WHERE notified_at IS NULL;

-- +goose Down
DROP TABLE report_requests;
DROP TABLE credit_requests;
ALTER TABLE subscriptions DROP COLUMN currency;
ALTER TABLE subscriptions DROP COLUMN monthly_fee;
ALTER TABLE plans DROP COLUMN credit_tiers;
ALTER TABLE plans DROP COLUMN uptime_commitment;
