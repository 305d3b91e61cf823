-- name: create-session
INSERT INTO sessions (hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4);

-- name: get-session
-- The session with its user, in one read: every page asks it.
SELECT s.created_at, s.expires_at, u.id, u.org_id, u.email, u.name, u.role, u.support_privilege, u.languages,
	u.language, u.time_zone, u.password_hash, u.created_at
FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = $1 AND s.expires_at > $2;

-- name: touch-session
-- Extends a live session, never past its maximum age ($4 is the largest
-- allowed created_at for the new expiry to stand: expires - max).
UPDATE sessions SET expires_at = CASE WHEN $3 - created_at > $4 THEN created_at + $4 ELSE $3 END
WHERE hash = $1 AND expires_at > $2
RETURNING user_id;

-- name: delete-session
DELETE FROM sessions WHERE hash = $1;

-- name: delete-user-sessions
DELETE FROM sessions WHERE user_id = $1;

-- name: delete-expired-user-sessions
DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2;

-- name: put-rating
INSERT INTO ratings (case_id, org_id, user_id, score, comment, created_at) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (case_id) DO UPDATE SET user_id = excluded.user_id, score = excluded.score,
	comment = excluded.comment, created_at = excluded.created_at;

-- name: get-rating
SELECT case_id, org_id, user_id, score, comment, created_at FROM ratings
WHERE case_id = $1 AND ($2 = 0 OR org_id = $2);
