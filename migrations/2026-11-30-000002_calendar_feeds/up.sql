-- A person's private calendar feed (the events they answered): the hash of
-- its secret token; a new token replaces the old one.
ALTER TABLE people ADD COLUMN calendar_token_hash TEXT UNIQUE;
