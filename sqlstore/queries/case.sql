-- name: insert-case
INSERT INTO cases (org_id, product, category, severity, status, title, description, language,
	business_impact, contact_method, contact_name, contact_phone, contact_email, plan, created_by,
	assignee_id, team, third_party, outcome, source, created_at, updated_at, first_response_at,
	resolved_at, closed_at, first_response_due_at, next_response_due_at, resolution_due_at, version, pauses, awaiting_since, next_due_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
	$21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32)
RETURNING id;

-- name: update-case
-- The version check makes the update a compare-and-set: a writer that
-- computed its change from an older state updates nothing.
UPDATE cases SET product = $3, category = $4, severity = $5, status = $6, title = $7,
	description = $8, language = $9, business_impact = $10, contact_method = $11,
	contact_name = $12, contact_phone = $13, contact_email = $14, plan = $15, assignee_id = $16,
	team = $17, third_party = $18, outcome = $19, updated_at = $20, first_response_at = $21,
	resolved_at = $22, closed_at = $23, first_response_due_at = $24, next_response_due_at = $25,
	resolution_due_at = $26, version = $27, pauses = $28, awaiting_since = $29,
	next_due_at = $30, incident_id = $31
WHERE id = $1 AND version = $2;

-- name: case-columns
id, org_id, product, category, severity, status, title, description, language, business_impact,
	contact_method, contact_name, contact_phone, contact_email, plan, created_by, assignee_id, team,
	third_party, outcome, source, created_at, updated_at, first_response_at, resolved_at, closed_at,
	first_response_due_at, next_response_due_at, resolution_due_at, version, pauses, awaiting_since,
	merged_into, incident_id

-- name: insert-message
INSERT INTO messages (case_id, org_id, kind, author_id, from_staff, body, channel, attachment_id, created_at, mail_id, full_body)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id;

-- name: list-messages
-- Internal notes only when $3 allows them; the organisation check comes
-- from the scope in $2 (0 for all).
SELECT m.id, m.case_id, m.org_id, m.kind, m.author_id, m.from_staff, m.body, m.channel, m.attachment_id, m.created_at,
	m.mail_id, m.full_body
FROM messages m
WHERE m.case_id = $1 AND ($2 = 0 OR m.org_id = $2) AND ($3 OR m.kind <> 'internal')
ORDER BY m.id;

-- name: insert-attachment
INSERT INTO attachments (id, case_id, org_id, name, content_type, size, sha256, uploaded_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: get-attachment
SELECT id, case_id, org_id, name, content_type, size, sha256, uploaded_by, created_at
FROM attachments WHERE id = $1 AND ($2 = 0 OR org_id = $2);

-- name: list-attachments
SELECT id, case_id, org_id, name, content_type, size, sha256, uploaded_by, created_at
FROM attachments WHERE case_id = $1 AND ($2 = 0 OR org_id = $2) ORDER BY created_at, id;

-- name: claim-idempotency-key
INSERT INTO idempotency_keys (user_id, key, fingerprint, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (user_id, key) DO NOTHING
RETURNING user_id;

-- name: get-idempotency-key
SELECT fingerprint, case_id FROM idempotency_keys WHERE user_id = $1 AND key = $2;

-- name: set-idempotency-case
UPDATE idempotency_keys SET case_id = $3 WHERE user_id = $1 AND key = $2;

-- name: refresh-case-sla
-- Only the SLA columns: a recompute of many cases then touches only the
-- due-time index, not every index of the table.
UPDATE cases SET first_response_due_at = $3, next_response_due_at = $4, resolution_due_at = $5,
	next_due_at = $6, version = $7
WHERE id = $1 AND version = $2;
