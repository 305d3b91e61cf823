-- +goose Up
-- Counters the desk bumps in the transaction of a change that other
-- nodes' caches must notice. case_import: cases imported with past
-- creation times, which a case search's summary of case ids per day
-- (sqlstore/casedays.go) does not otherwise expect in days gone by.
CREATE TABLE change_epochs (
	name  TEXT PRIMARY KEY,
	value BIGINT NOT NULL
);
INSERT INTO change_epochs (name, value) VALUES ('case_import', 0);

-- +goose Down
DROP TABLE change_epochs;
