-- name: put-component
INSERT INTO components (code, name, parent, product, position) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent = excluded.parent,
	product = excluded.product, position = excluded.position;

-- name: list-components
SELECT code, name, parent, product, position FROM components ORDER BY position, code;

-- name: insert-incident
INSERT INTO incidents (kind, title, impact, status, affected, regions, public, org_ids, started_at, ended_at,
	scheduled_end, next_update_at, posts, report, report_published_at, created_by, created_at, updated_at, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
RETURNING id;

-- name: update-incident
UPDATE incidents SET kind = $3, title = $4, impact = $5, status = $6, affected = $7, regions = $8, public = $9,
	org_ids = $10, started_at = $11, ended_at = $12, scheduled_end = $13, next_update_at = $14, posts = $15,
	report = $16, report_published_at = $17, updated_at = $18, version = $19
WHERE id = $1 AND version = $2;

-- name: get-incident
SELECT id, kind, title, impact, status, affected, regions, public, org_ids, started_at, ended_at, scheduled_end,
	next_update_at, posts, report, report_published_at, created_by, created_at, updated_at, version
FROM incidents WHERE id = $1;

-- name: list-incidents
SELECT id, kind, title, impact, status, affected, regions, public, org_ids, started_at, ended_at, scheduled_end,
	next_update_at, posts, report, report_published_at, created_by, created_at, updated_at, version
FROM incidents WHERE ended_at IS NULL OR ended_at >= $1
ORDER BY started_at DESC, id DESC;
