-- name: create-user
INSERT INTO users (org_id, email, name, role, support_privilege, languages, language, time_zone, password_hash, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id;

-- name: get-user
SELECT id, org_id, email, name, role, support_privilege, languages, language, time_zone, password_hash, created_at
FROM users WHERE id = $1;

-- name: get-user-by-email
SELECT id, org_id, email, name, role, support_privilege, languages, language, time_zone, password_hash, created_at
FROM users WHERE email = $1;

-- name: list-org-users
SELECT id, org_id, email, name, role, support_privilege, languages, language, time_zone, password_hash, created_at
FROM users WHERE org_id = $1 ORDER BY id;

-- name: list-staff
SELECT id, org_id, email, name, role, support_privilege, languages, language, time_zone, password_hash, created_at
FROM users WHERE org_id IS NULL ORDER BY id;

-- name: create-token
INSERT INTO api_tokens (hash, user_id, created_at) VALUES ($1, $2, $3);

-- name: get-user-by-token
SELECT u.id, u.org_id, u.email, u.name, u.role, u.support_privilege, u.languages, u.language, u.time_zone, u.password_hash, u.created_at
FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = $1;
