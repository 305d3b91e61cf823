-- name: insert-outbox
INSERT INTO outbox (message_id, kind, org_id, case_id, user_id, to_addr, to_name, language, reply_to,
	in_reply_to, refs, auto, data, status, next_attempt_at, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'pending', $14, $15)
RETURNING id;

-- name: claim-outbox
UPDATE outbox SET lease_owner = $1, lease_until = $2
WHERE id IN (
	SELECT id FROM outbox
	WHERE status = 'pending' AND next_attempt_at <= $3 AND lease_until < $3
	ORDER BY next_attempt_at, id LIMIT $4
)
RETURNING id, message_id, kind, org_id, case_id, user_id, to_addr, to_name, language, reply_to,
	in_reply_to, refs, auto, data, status, attempts, next_attempt_at, last_error, sent_at, created_at;

-- name: finish-outbox
UPDATE outbox SET status = $2, attempts = $3, next_attempt_at = $4, last_error = $5, sent_at = $6,
	lease_owner = '', lease_until = 0
WHERE id = $1;

-- name: list-outbox
-- $1 status ('' for all), $2 case (0 for all), $3 before id (0 for none).
SELECT id, message_id, kind, org_id, case_id, user_id, to_addr, to_name, language, reply_to,
	in_reply_to, refs, auto, data, status, attempts, next_attempt_at, last_error, sent_at, created_at
FROM outbox
WHERE ($1 = '' OR status = $1) AND ($2 = 0 OR case_id = $2) AND ($3 = 0 OR id < $3)
ORDER BY id DESC LIMIT $4;

-- name: get-outbox
SELECT id, message_id, kind, org_id, case_id, user_id, to_addr, to_name, language, reply_to,
	in_reply_to, refs, auto, data, status, attempts, next_attempt_at, last_error, sent_at, created_at
FROM outbox WHERE id = $1;

-- name: case-of-message-id
SELECT case_id FROM outbox WHERE message_id = $1 AND case_id IS NOT NULL;

-- name: count-auto-mail
SELECT count(*) FROM outbox WHERE to_addr = $1 AND auto AND sent_at >= $2;

-- name: insert-inbound-mail
INSERT INTO inbound_mail (message_id, from_addr, from_name, to_addrs, subject, auto, raw, raw_sha256, size,
	status, reason, received_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (message_id) DO NOTHING
RETURNING id;

-- name: get-inbound-mail-by-message-id
SELECT id, message_id, from_addr, from_name, to_addrs, subject, auto, raw, raw_sha256, size, status, reason,
	case_id, received_at
FROM inbound_mail WHERE message_id = $1;

-- name: get-inbound-mail
SELECT id, message_id, from_addr, from_name, to_addrs, subject, auto, raw, raw_sha256, size, status, reason,
	case_id, received_at
FROM inbound_mail WHERE id = $1;

-- name: list-inbound-mail
-- Without the raw message, which the list does not show.
SELECT id, message_id, from_addr, from_name, to_addrs, subject, auto, '', raw_sha256, size, status, reason,
	case_id, received_at
FROM inbound_mail WHERE ($1 = '' OR status = $1) ORDER BY id DESC LIMIT $2;

-- name: set-inbound-mail
UPDATE inbound_mail SET status = $2, reason = $3, case_id = $4, from_addr = $5, from_name = $6,
	subject = $7, auto = $8
WHERE id = $1;

-- name: finish-inbound-mail
-- Only a mail nobody has processed yet: two processes racing over one mail
-- add it once.
UPDATE inbound_mail SET status = $2, reason = $3, case_id = $4 WHERE id = $1 AND status = 'received';

-- name: mark-address-failing
INSERT INTO mail_addresses (address, failing_since, reason) VALUES ($1, $2, $3)
ON CONFLICT (address) DO UPDATE SET reason = excluded.reason;

-- name: clear-address-failing
DELETE FROM mail_addresses WHERE address = $1;

-- name: get-address-failing
SELECT reason FROM mail_addresses WHERE address = $1;
