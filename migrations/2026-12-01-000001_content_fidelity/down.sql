ALTER TABLE posts DROP COLUMN attachments;
ALTER TABLE posts DROP COLUMN title_derived;
ALTER TABLE posts DROP COLUMN sensitive;
ALTER TABLE posts DROP COLUMN content_warning;
DROP INDEX post_likes_ap_id;
DROP INDEX community_follows_follow_ap_id;
ALTER TABLE people DROP CONSTRAINT people_local_have_username;
UPDATE people SET username = '' WHERE username IS NULL;
ALTER TABLE people ALTER COLUMN username SET NOT NULL;
