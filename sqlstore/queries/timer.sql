-- name: list-pending-timers
SELECT id, kind, due_at FROM timers WHERE case_id = $1 AND fired_at IS NULL;

-- name: delete-other-timers
-- A case's pending timers but up to three kept ones (kind, due); unused
-- pairs are ('', 0), which match no timer.
DELETE FROM timers WHERE case_id = $1 AND fired_at IS NULL
AND NOT ((kind = $2 AND due_at = $3) OR (kind = $4 AND due_at = $5) OR (kind = $6 AND due_at = $7));

-- name: delete-timer
DELETE FROM timers WHERE id = $1 AND fired_at IS NULL;

-- name: upsert-timer
-- A timer that has fired keeps its (case, kind, due) row, so recomputing a
-- case's timers never creates it again; a pending one keeps its row (and
-- any lease on it) and takes the new fire time.
INSERT INTO timers (case_id, org_id, kind, due_at, fire_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (case_id, kind, due_at) DO UPDATE SET fire_at = excluded.fire_at
WHERE timers.fired_at IS NULL;

-- name: claim-timers
UPDATE timers SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
WHERE id IN (
	SELECT id FROM timers
	WHERE fired_at IS NULL AND fire_at <= $3 AND lease_until < $3
	ORDER BY fire_at LIMIT $4
)
RETURNING id, case_id, org_id, kind, due_at, fire_at, attempts;

-- name: mark-timer-fired
UPDATE timers SET fired_at = $2, outcome = $3 WHERE id = $1 AND fired_at IS NULL;

-- name: list-timers
SELECT id, case_id, org_id, kind, due_at, fire_at, attempts FROM timers WHERE case_id = $1 ORDER BY fire_at, id;

-- name: insert-notification
INSERT INTO notifications (user_id, case_id, timer_id, kind, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (timer_id, user_id) DO NOTHING
RETURNING id;

-- name: list-notifications
SELECT id, user_id, case_id, timer_id, kind, body, created_at FROM notifications
WHERE user_id = $1 ORDER BY id DESC LIMIT $2;

-- name: count-fired-timers
-- Timers that took effect (not the stale ones a change made moot).
SELECT kind, count(*) FROM timers
WHERE fired_at >= $1 AND outcome IN ('fired', 'downgraded', 'closed')
GROUP BY kind;
