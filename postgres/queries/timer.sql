-- name: claim-timers
-- SKIP LOCKED lets several nodes claim at once without waiting on each
-- other or claiming the same timer.
UPDATE timers SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
WHERE id IN (
	SELECT id FROM timers
	WHERE fired_at IS NULL AND fire_at <= $3 AND lease_until < $3
	ORDER BY fire_at LIMIT $4
	FOR UPDATE SKIP LOCKED
)
RETURNING id, case_id, org_id, kind, due_at, fire_at, attempts;
