-- Content fidelity: what remote members write arrives as they wrote it.

-- ActivityPub does not require `preferredUsername`: remote people may have
-- no user name (local people always have one).
ALTER TABLE people ALTER COLUMN username DROP NOT NULL;
ALTER TABLE people ADD CONSTRAINT people_local_have_username CHECK (NOT local OR username IS NOT NULL);

-- `Undo{object: "<id>"}` (bovine) names the Follow or Like it takes back.
CREATE INDEX community_follows_follow_ap_id ON community_follows (follow_ap_id);
CREATE INDEX post_likes_ap_id ON post_likes (ap_id);

-- A content warning (Mastodon's `summary` on a Note, or on any object
-- marked `sensitive`) shows before the text, which stays behind it.
ALTER TABLE posts ADD COLUMN content_warning text;
ALTER TABLE posts ADD COLUMN sensitive boolean NOT NULL DEFAULT false;
-- A title derived from the text (a toot has none): an edit derives it again.
ALTER TABLE posts ADD COLUMN title_derived boolean NOT NULL DEFAULT false;
-- Media as references to where they live (never downloaded or proxied).
ALTER TABLE posts ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]';

-- When a remote account deleted itself (`Delete{Person}`): its posts are
-- tombstones, its memberships gone, and nothing more is taken from it.
ALTER TABLE people ADD COLUMN deleted_at timestamptz;
