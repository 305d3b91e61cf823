-- name: get-status-subscription
SELECT id, email, language, components, confirmed_at, pending_language, pending_components, token_hash,
	token_expires_at, confirm_mail_at, created_at, updated_at, version
FROM status_subscriptions WHERE id = $1;

-- name: get-status-subscription-by-email
SELECT id, email, language, components, confirmed_at, pending_language, pending_components, token_hash,
	token_expires_at, confirm_mail_at, created_at, updated_at, version
FROM status_subscriptions WHERE email = $1;

-- name: get-status-subscription-by-token
SELECT id, email, language, components, confirmed_at, pending_language, pending_components, token_hash,
	token_expires_at, confirm_mail_at, created_at, updated_at, version
FROM status_subscriptions WHERE token_hash = $1 AND token_hash <> '';

-- name: insert-status-subscription
INSERT INTO status_subscriptions (email, language, components, confirmed_at, pending_language, pending_components,
	token_hash, token_expires_at, confirm_mail_at, created_at, updated_at, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
RETURNING id;

-- name: update-status-subscription
-- Compare-and-set on the version: of two requests for one address that
-- raced, the second is retried on the first's result.
UPDATE status_subscriptions SET language = $3, components = $4, confirmed_at = $5, pending_language = $6,
	pending_components = $7, token_hash = $8, token_expires_at = $9, confirm_mail_at = $10, created_at = $11,
	updated_at = $12, version = $13
WHERE id = $1 AND version = $2;

-- name: delete-status-subscription
DELETE FROM status_subscriptions WHERE id = $1;

-- name: list-active-status-subscriptions
SELECT id, email, language, components, confirmed_at, pending_language, pending_components, token_hash,
	token_expires_at, confirm_mail_at, created_at, updated_at, version
FROM status_subscriptions WHERE confirmed_at IS NOT NULL AND id > $1
ORDER BY id LIMIT $2;

-- name: purge-status-subscriptions
DELETE FROM status_subscriptions WHERE confirmed_at IS NULL AND token_expires_at < $1;

-- name: insert-status-notice
-- One notice per incident version: the version is compare-and-set, so a
-- version is stored once.
INSERT INTO status_notices (incident_id, version, post_count, changed_at, next_attempt_at, created_at)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: claim-status-notices
UPDATE status_notices SET lease_owner = $1, lease_until = $2
WHERE id IN (
	SELECT id FROM status_notices
	WHERE status = 'pending' AND next_attempt_at <= $3 AND lease_until < $3
	ORDER BY next_attempt_at, id LIMIT $4
)
RETURNING id, incident_id, version, post_count, changed_at, attempts, next_attempt_at, created_at;

-- name: finish-status-notice
-- Only while the owner holds the notice: a claim by another worker since
-- has replaced the owner, and then this changes nothing.
UPDATE status_notices SET status = 'done', lease_owner = '', lease_until = 0
WHERE id = $1 AND status = 'pending' AND lease_owner = $2;

-- name: retry-status-notice
UPDATE status_notices SET attempts = $3, next_attempt_at = $4, lease_owner = '', lease_until = 0
WHERE id = $1 AND status = 'pending' AND lease_owner = $2;
