ALTER TABLE people DROP COLUMN disabled_at;
