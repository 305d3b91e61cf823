-- name: insert-credit-request
-- An organisation asks once per incident: a second request inserts
-- nothing and returns no row.
INSERT INTO credit_requests (org_id, case_id, incident_id, state, working, amount, currency,
	requested_by, requested_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (org_id, incident_id) DO NOTHING
RETURNING id;

-- name: decide-credit-request
-- Only a request still waiting is decided, so that two supervisors
-- deciding at once cannot both win.
UPDATE credit_requests SET state = $2, decided_by = $3, decided_at = $4, reason = $5
WHERE id = $1 AND state = 'requested';

-- name: credit-request-columns
id, org_id, case_id, incident_id, state, working, amount, currency, requested_by, requested_at,
	decided_by, decided_at, reason

-- name: insert-report-request
INSERT INTO report_requests (case_id, incident_id, org_id, requested_by, requested_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (case_id, incident_id) DO NOTHING;

-- name: get-report-request
SELECT case_id, incident_id, org_id, requested_by, requested_at, notified_at
FROM report_requests WHERE case_id = $1 AND incident_id = $2;

-- name: pending-report-requests
SELECT case_id, incident_id, org_id, requested_by, requested_at, notified_at
FROM report_requests WHERE incident_id = $1 AND notified_at IS NULL ORDER BY case_id;

-- name: finish-report-request
UPDATE report_requests SET notified_at = $3
WHERE case_id = $1 AND incident_id = $2 AND notified_at IS NULL;
