-- +goose Up
-- Cases by creation time across organisations: a case search with a date
-- range turns the range into the ids of its cases (case-id-range).
CREATE INDEX cases_created ON cases (created_at, id);

-- +goose Down
DROP INDEX cases_created;
