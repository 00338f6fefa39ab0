DROP TRIGGER community_follows_counted ON community_follows;
DROP FUNCTION count_community_followers();
ALTER TABLE communities DROP COLUMN follower_count;
