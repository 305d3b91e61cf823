-- +goose Up
-- A case may be linked to the service incident it is about.
ALTER TABLE cases ADD COLUMN incident_id BIGINT REFERENCES incidents(id);
CREATE INDEX cases_incident ON cases (incident_id) WHERE incident_id IS NOT NULL;

-- +goose Down
DROP INDEX cases_incident;
ALTER TABLE cases DROP COLUMN incident_id;
