-- name: claim-status-notices
-- SKIP LOCKED lets several nodes claim at once without waiting on each
-- other or claiming the same notice.
UPDATE status_notices SET lease_owner = $1, lease_until = $2
WHERE id IN (
	SELECT id FROM status_notices
	WHERE status = 'pending' AND next_attempt_at <= $3 AND lease_until < $3
	ORDER BY next_attempt_at, id LIMIT $4
	FOR UPDATE SKIP LOCKED
)
RETURNING id, incident_id, version, post_count, changed_at, attempts, next_attempt_at, created_at;
