-- +goose Up
-- Webhooks that organisation admins set for service health, and the queue
-- of their deliveries.

-- The secret is kept as it is, not hashed: every delivery is signed with
-- it. Components is a comma list of service codes; empty means all.
CREATE TABLE webhooks (
	id         BIGSERIAL PRIMARY KEY,
	org_id     BIGINT NOT NULL REFERENCES orgs(id),
	url        TEXT NOT NULL,
	format     TEXT NOT NULL,
	secret     TEXT NOT NULL DEFAULT '',
	components TEXT NOT NULL DEFAULT '',
	active     BOOLEAN NOT NULL DEFAULT TRUE,
	created_by BIGINT REFERENCES users(id),
	created_at BIGINT NOT NULL
);
CREATE INDEX webhooks_org ON webhooks (org_id, id);

-- A delivery is written in the same transaction as the incident change it
-- tells of, with its payload and event id fixed then. Times are in
-- microseconds.
CREATE TABLE webhook_deliveries (
	id              BIGSERIAL PRIMARY KEY,
	webhook_id      BIGINT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
	org_id          BIGINT NOT NULL REFERENCES orgs(id),
	incident_id     BIGINT REFERENCES incidents(id),
	event_id        TEXT NOT NULL UNIQUE,
	event_type      TEXT NOT NULL,
	payload         TEXT NOT NULL,
	status          TEXT NOT NULL DEFAULT 'pending',
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at BIGINT NOT NULL,
	lease_owner     TEXT NOT NULL DEFAULT '',
	lease_until     BIGINT NOT NULL DEFAULT 0,
	last_status     INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT NOT NULL DEFAULT '',
	delivered_at    BIGINT,
	created_at      BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);

-- +goose Down
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
