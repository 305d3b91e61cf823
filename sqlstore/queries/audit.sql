-- name: insert-audit
INSERT INTO audit_log (at, actor_id, org_id, action, object_type, object_id, remote_addr, detail)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: list-audit
SELECT id, at, actor_id, org_id, action, object_type, object_id, remote_addr, detail
FROM audit_log WHERE ($1 = 0 OR org_id = $1) ORDER BY id DESC LIMIT $2;
