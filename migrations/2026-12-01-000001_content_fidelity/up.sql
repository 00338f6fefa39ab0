-- Content fidelity: what remote members write arrives as they wrote it.

-- ActivityPub does not require `preferredUsername`: remote people may have
-- no user name (local people always have one).
ALTER TABLE people ALTER COLUMN username DROP NOT NULL;
ALTER TABLE people ADD CONSTRAINT people_local_have_username CHECK (NOT local OR username IS NOT NULL);

-- `Undo{object: "<id>"}` (bovine) names the Follow or Like it takes back.
CREATE INDEX community_follows_follow_ap_id ON community_follows (follow_ap_id);
CREATE INDEX post_likes_ap_id ON post_likes (ap_id);
