DROP INDEX incoming_processed;
ALTER TABLE incoming_activities DROP COLUMN dead_at;
UPDATE incoming_activities SET body = '' WHERE body IS NULL;
ALTER TABLE incoming_activities ALTER COLUMN body SET NOT NULL;
ALTER TABLE instances DROP COLUMN software_retry_at;
ALTER TABLE communities DROP COLUMN key_id;
ALTER TABLE people DROP COLUMN key_id;
