-- Content fidelity: what remote members write arrives as they wrote it.

-- ActivityPub does not require `preferredUsername`: remote people may have
-- no user name (local people always have one).
ALTER TABLE people ALTER COLUMN username DROP NOT NULL;
ALTER TABLE people ADD CONSTRAINT people_local_have_username CHECK (NOT local OR username IS NOT NULL);
