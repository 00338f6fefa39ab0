ALTER TABLE people DROP COLUMN calendar_token_hash;
