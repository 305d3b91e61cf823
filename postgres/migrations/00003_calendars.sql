-- +goose Up
-- Business-hours calendars become stored data, and SLA targets may be
-- business days, each target on a calendar of its own.

-- A calendar by name. definition is the JSON of a bizhours.Calendar: the
-- IANA time zone, the week's open intervals ("09:00-17:00") and the
-- holidays. updated_at is in microseconds.
CREATE TABLE calendars (
	name       TEXT PRIMARY KEY,
	definition TEXT NOT NULL,
	updated_at BIGINT NOT NULL
);

-- A target is minutes of open time or a number of business days ("1
-- business day": the same clock time on the next business day). A
-- target's calendar, when empty, is the policy's calendar.
ALTER TABLE sla_policies ADD COLUMN first_response_business_days BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sla_policies ADD COLUMN next_response_business_days BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sla_policies ADD COLUMN resolution_business_days BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sla_policies ADD COLUMN first_response_calendar TEXT NOT NULL DEFAULT '';
ALTER TABLE sla_policies ADD COLUMN next_response_calendar TEXT NOT NULL DEFAULT '';
ALTER TABLE sla_policies ADD COLUMN resolution_calendar TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sla_policies DROP COLUMN resolution_calendar;
ALTER TABLE sla_policies DROP COLUMN next_response_calendar;
ALTER TABLE sla_policies DROP COLUMN first_response_calendar;
ALTER TABLE sla_policies DROP COLUMN resolution_business_days;
ALTER TABLE sla_policies DROP COLUMN next_response_business_days;
ALTER TABLE sla_policies DROP COLUMN first_response_business_days;
DROP TABLE calendars;
