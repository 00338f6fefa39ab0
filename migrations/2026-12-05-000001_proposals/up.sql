-- Co-design: members propose changes to their community's charter, and
-- the members vote on each proposal as on a poll.

-- A proposal's poll is a post by the community itself, like a milestone,
-- but it celebrates nothing: a milestone post is the community's, not
-- every post of the community's is a milestone.
ALTER TABLE posts DROP CONSTRAINT posts_author_or_milestone;
ALTER TABLE posts ADD CONSTRAINT posts_milestone_by_community
    CHECK (milestone IS NULL OR author_id IS NULL);

-- A proposed charter (the whole of it, against version `base_version`),
-- its poll (`post_id`) and its outcome. The counts are kept here so that
-- reading a proposal never counts votes; `counts_pending` says they
-- changed since the last `Update{Question}` went out. For a remote
-- community's proposal, everything is as its home server last said.
CREATE TABLE proposals (
    id BIGSERIAL PRIMARY KEY,
    post_id BIGINT NOT NULL UNIQUE REFERENCES posts (id) ON DELETE CASCADE,
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    proposer_id BIGINT REFERENCES people (id) ON DELETE SET NULL,
    charter JSONB NOT NULL,
    base_version INT NOT NULL,
    rationale TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'accepted', 'rejected', 'withdrawn')),
    quorum INT NOT NULL CHECK (quorum >= 0),
    closes_at TIMESTAMPTZ NOT NULL,
    closed_at TIMESTAMPTZ,
    accept_count INT NOT NULL DEFAULT 0 CHECK (accept_count >= 0),
    reject_count INT NOT NULL DEFAULT 0 CHECK (reject_count >= 0),
    abstain_count INT NOT NULL DEFAULT 0 CHECK (abstain_count >= 0),
    counts_pending BOOLEAN NOT NULL DEFAULT false,
    charter_version INT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX proposals_community ON proposals (community_id, id DESC);
CREATE INDEX proposals_open_closes_at ON proposals (closes_at) WHERE status = 'open';
CREATE INDEX proposals_counts_pending ON proposals (id) WHERE counts_pending;

-- One vote per person and proposal; a later vote replaces it. `ap_id` is
-- the vote's `Note` (a remote vote, or ours on a remote proposal), so the
-- same vote is never counted twice.
CREATE TABLE proposal_votes (
    proposal_id BIGINT NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    option TEXT NOT NULL CHECK (option IN ('accept', 'reject', 'abstain')),
    ap_id TEXT UNIQUE,
    voted_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (proposal_id, person_id)
);

-- A charter version an accepted proposal wrote links back to it.
ALTER TABLE charter_versions
    ADD COLUMN proposal_id BIGINT REFERENCES proposals (id) ON DELETE SET NULL;

-- Per community: how long voting stays open, and how many must vote.
ALTER TABLE communities
    ADD COLUMN proposal_days INT NOT NULL DEFAULT 7 CHECK (proposal_days BETWEEN 1 AND 60);
ALTER TABLE communities
    ADD COLUMN proposal_quorum INT NOT NULL DEFAULT 1 CHECK (proposal_quorum BETWEEN 0 AND 100000);
