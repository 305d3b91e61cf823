-- name: put-calendar
INSERT INTO calendars (name, definition, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at;

-- name: get-calendar
SELECT definition FROM calendars WHERE name = $1;

-- name: list-calendars
SELECT definition FROM calendars ORDER BY name;
