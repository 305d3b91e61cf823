-- name: set-merged-into
-- Runs in the transaction that closes the duplicate, after its
-- compare-and-set update; a case is merged at most once.
UPDATE cases SET merged_into = $2 WHERE id = $1 AND merged_into IS NULL;
