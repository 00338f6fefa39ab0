ALTER TABLE communities DROP COLUMN proposal_quorum;
ALTER TABLE communities DROP COLUMN proposal_days;
ALTER TABLE charter_versions DROP COLUMN proposal_id;
DROP TABLE proposal_votes;
DROP TABLE proposals;
DELETE FROM posts WHERE author_id IS NULL AND milestone IS NULL;
ALTER TABLE posts DROP CONSTRAINT posts_milestone_by_community;
ALTER TABLE posts ADD CONSTRAINT posts_author_or_milestone
    CHECK ((author_id IS NULL) = (milestone IS NOT NULL));
