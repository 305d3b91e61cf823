-- name: lock-org-webhooks
-- Serialises the creates of one organisation's webhooks, so that the
-- count below holds until the insert. SQLite has one writer already;
-- PostgreSQL overrides this with FOR UPDATE.
SELECT id FROM orgs WHERE id = $1;

-- name: count-webhooks
SELECT count(*) FROM webhooks WHERE org_id = $1;

-- name: insert-webhook
INSERT INTO webhooks (org_id, url, format, secret, components, active, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
RETURNING id;

-- name: list-webhooks
SELECT id, org_id, url, format, secret, components, active, created_by, created_at
FROM webhooks WHERE org_id = $1 ORDER BY id;

-- name: get-webhook
SELECT id, org_id, url, format, secret, components, active, created_by, created_at
FROM webhooks WHERE id = $1 AND org_id = $2;

-- name: list-active-webhooks
SELECT id, org_id, url, format, secret, components, active, created_by, created_at
FROM webhooks WHERE active ORDER BY id;

-- name: list-active-webhooks-of-org
SELECT id, org_id, url, format, secret, components, active, created_by, created_at
FROM webhooks WHERE active AND org_id = $1 ORDER BY id;

-- name: delete-webhook-deliveries
DELETE FROM webhook_deliveries WHERE webhook_id = $1 AND org_id = $2;

-- name: delete-webhook
DELETE FROM webhooks WHERE id = $1 AND org_id = $2;

-- name: set-webhook-active
UPDATE webhooks SET active = $3 WHERE id = $1 AND org_id = $2;

-- name: insert-webhook-delivery
-- Inserts only while the webhook exists in the delivery's organisation: a
-- webhook deleted after the service read it gets nothing, and no delivery
-- can name another organisation's webhook. The casts give PostgreSQL the
-- types of parameters that only appear in the select list.
INSERT INTO webhook_deliveries (webhook_id, org_id, incident_id, event_id, event_type, payload, status,
	next_attempt_at, created_at)
SELECT id, org_id, CAST($3 AS BIGINT), CAST($4 AS TEXT), CAST($5 AS TEXT), CAST($6 AS TEXT), 'pending',
	CAST($7 AS BIGINT), CAST($8 AS BIGINT)
FROM webhooks WHERE id = $1 AND org_id = $2
RETURNING id;

-- name: claim-webhook-deliveries
UPDATE webhook_deliveries SET lease_owner = $1, lease_until = $2
WHERE id IN (
	SELECT id FROM webhook_deliveries
	WHERE status = 'pending' AND next_attempt_at <= $3 AND lease_until < $3
	ORDER BY next_attempt_at, id LIMIT $4
)
RETURNING id, webhook_id, org_id, incident_id, event_id, event_type, payload, status, attempts, next_attempt_at,
	last_status, last_error, delivered_at, created_at;

-- name: finish-webhook-delivery
-- Only a pending delivery: a worker that outlived its lease cannot undo
-- what another worker recorded since.
UPDATE webhook_deliveries SET status = $2, attempts = $3, next_attempt_at = $4, last_status = $5,
	last_error = $6, delivered_at = $7, lease_owner = '', lease_until = 0
WHERE id = $1 AND status = 'pending';

-- name: list-webhook-deliveries
SELECT id, webhook_id, org_id, incident_id, event_id, event_type, payload, status, attempts, next_attempt_at,
	last_status, last_error, delivered_at, created_at
FROM webhook_deliveries WHERE webhook_id = $1 AND org_id = $2
ORDER BY id DESC LIMIT $3;
