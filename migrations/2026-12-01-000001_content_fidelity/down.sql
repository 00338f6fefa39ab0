DROP INDEX post_likes_ap_id;
DROP INDEX community_follows_follow_ap_id;
ALTER TABLE people DROP CONSTRAINT people_local_have_username;
UPDATE people SET username = '' WHERE username IS NULL;
ALTER TABLE people ALTER COLUMN username SET NOT NULL;
