-- name: claim-outbox
-- SKIP LOCKED lets several nodes claim at once without waiting on each
-- other or claiming the same mail.
UPDATE outbox SET lease_owner = $1, lease_until = $2
WHERE id IN (
	SELECT id FROM outbox
	WHERE status = 'pending' AND next_attempt_at <= $3 AND lease_until < $3
	ORDER BY next_attempt_at, id LIMIT $4
	FOR UPDATE SKIP LOCKED
)
RETURNING id, message_id, kind, org_id, case_id, user_id, to_addr, to_name, language, reply_to,
	in_reply_to, refs, auto, data, status, attempts, next_attempt_at, last_error, sent_at, created_at;
