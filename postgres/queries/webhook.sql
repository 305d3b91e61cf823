-- name: lock-org-webhooks
-- Two admins creating webhooks at once wait for each other here, so that
-- neither can pass the per-organisation limit on a count the other is
-- about to change.
SELECT id FROM orgs WHERE id = $1 FOR UPDATE;

-- name: claim-webhook-deliveries
-- SKIP LOCKED lets several nodes claim at once without waiting on each
-- other or claiming the same delivery.
UPDATE webhook_deliveries SET lease_owner = $1, lease_until = $2
WHERE id IN (
	SELECT id FROM webhook_deliveries
	WHERE status = 'pending' AND next_attempt_at <= $3 AND lease_until < $3
	ORDER BY next_attempt_at, id LIMIT $4
	FOR UPDATE SKIP LOCKED
)
RETURNING id, webhook_id, org_id, incident_id, event_id, event_type, payload, status, attempts, next_attempt_at,
	last_status, last_error, delivered_at, created_at;
