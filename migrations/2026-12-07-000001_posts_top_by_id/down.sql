DROP INDEX posts_community_top;
CREATE INDEX posts_community_top ON posts (community_id, published DESC) WHERE parent_id IS NULL;
