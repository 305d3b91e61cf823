-- +goose Up
-- The agent console: merged duplicates, and the queues by assignee,
-- language and team.

-- The case a duplicate was merged into. The duplicate is closed and keeps
-- its own timeline and files, so that nothing is lost by merging.
ALTER TABLE cases ADD COLUMN merged_into BIGINT REFERENCES cases(id);
CREATE INDEX cases_merged_into ON cases (merged_into) WHERE merged_into IS NOT NULL;
-- "My cases" and "unassigned" run by due time, like the other queues.
CREATE INDEX cases_assignee_next_due ON cases (assignee_id, next_due_at, id);

-- +goose Down
DROP INDEX cases_assignee_next_due;
DROP INDEX cases_merged_into;
ALTER TABLE cases DROP COLUMN merged_into;
