-- A community's top-level posts are listed newest first by id (the page,
-- the outbox, the feed; the cursor is an id), so their index is by id:
-- the one by `published` made every listing read and sort all of a
-- community's top-level posts (0.33 ms at 200 posts, and growing).
DROP INDEX posts_community_top;
CREATE INDEX posts_community_top ON posts (community_id, id DESC) WHERE parent_id IS NULL;
