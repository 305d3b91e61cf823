-- +goose Up
-- SLA clocks: pauses, durable timers for warnings, breaches, downgrades and automatic close,
-- and the notifications they cause.

-- The pauses of a case's SLA clock (while it waits on the customer), as
-- JSON [[from, to], ...] in microseconds; the last has to = 0 while it lasts.
ALTER TABLE cases ADD COLUMN pauses TEXT NOT NULL DEFAULT '';
-- Since when a customer's reply waits for the next staff response.
ALTER TABLE cases ADD COLUMN awaiting_since INTEGER;
-- The earliest pending due time, for queues sorted by due time.
ALTER TABLE cases ADD COLUMN next_due_at INTEGER;
CREATE INDEX cases_next_due ON cases (next_due_at, id);
CREATE INDEX cases_org_next_due ON cases (org_id, next_due_at, id);

-- A timer fires once: a node claims it with a lease, and marks it fired in
-- the same transaction as what firing writes. A timer whose lease ran out
-- (its node died) is claimed again.
CREATE TABLE timers (
	id          INTEGER PRIMARY KEY,
	case_id     INTEGER NOT NULL REFERENCES cases(id),
	org_id      INTEGER NOT NULL REFERENCES orgs(id),
	kind        TEXT NOT NULL,
	due_at      INTEGER NOT NULL,
	fire_at     INTEGER NOT NULL,
	lease_owner TEXT NOT NULL DEFAULT '',
	lease_until INTEGER NOT NULL DEFAULT 0,
	attempts    INTEGER NOT NULL DEFAULT 0,
	fired_at    INTEGER,
	outcome     TEXT NOT NULL DEFAULT '',
	UNIQUE (case_id, kind, due_at)
);
CREATE INDEX timers_pending ON timers (fire_at) WHERE fired_at IS NULL;

CREATE TABLE notifications (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	case_id    INTEGER NOT NULL REFERENCES cases(id),
	timer_id   INTEGER REFERENCES timers(id),
	kind       TEXT NOT NULL,
	body       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	UNIQUE (timer_id, user_id)
);
CREATE INDEX notifications_user ON notifications (user_id, id);

-- +goose Down
DROP TABLE notifications;
DROP TABLE timers;
DROP INDEX cases_org_next_due;
DROP INDEX cases_next_due;
ALTER TABLE cases DROP COLUMN next_due_at;
ALTER TABLE cases DROP COLUMN awaiting_since;
ALTER TABLE cases DROP COLUMN pauses;
