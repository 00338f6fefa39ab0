-- Recognition: kudos between people in a community, and the milestones a
-- community celebrates with posts of its own.

-- A post by the community itself (a milestone) has no person as author.
ALTER TABLE posts ALTER COLUMN author_id DROP NOT NULL;
ALTER TABLE posts ADD COLUMN milestone TEXT;
ALTER TABLE posts ADD CONSTRAINT posts_author_or_milestone
    CHECK ((author_id IS NULL) = (milestone IS NOT NULL));
-- Top contributors count posts and replies per author in a time window.
CREATE INDEX posts_community_published ON posts (community_id, published)
    INCLUDE (author_id, parent_id) WHERE NOT deleted AND NOT removed;
CREATE INDEX events_community_published ON events (community_id, published)
    INCLUDE (organiser_id) WHERE series_id IS NULL;

-- Thanks from a giver to a recipient in a community. `post_id` is the
-- post that carries it where the community is held here (ours, or a
-- remote one followed from here); a kudos that only reached us because
-- its recipient lives here has none.
CREATE TABLE kudos (
    id BIGSERIAL PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    giver_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    recipient_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    post_id BIGINT UNIQUE REFERENCES posts (id) ON DELETE CASCADE,
    message TEXT NOT NULL,
    category TEXT,
    thanks_for TEXT,
    local BOOLEAN NOT NULL,
    published TIMESTAMPTZ NOT NULL,
    removed BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT kudos_not_to_oneself CHECK (giver_id <> recipient_id)
);
CREATE INDEX kudos_community_published ON kudos (community_id, published)
    INCLUDE (recipient_id) WHERE NOT removed;
CREATE INDEX kudos_recipient ON kudos (recipient_id, published DESC);
CREATE INDEX kudos_giver ON kudos (giver_id, published DESC);

-- Each milestone fires once: the primary key decides who celebrates.
CREATE TABLE milestones (
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    post_id BIGINT REFERENCES posts (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (community_id, kind, subject)
);

-- Per community: its kudos categories (NULL: the defaults) and the
-- milestone kinds its moderators switched off.
ALTER TABLE communities ADD COLUMN kudos_categories JSONB;
ALTER TABLE communities ADD COLUMN milestones_off JSONB NOT NULL DEFAULT '[]';

-- What existing communities already reached counts as celebrated: the
-- first posts and events, and the member counts passed, fire no post now.
INSERT INTO milestones (community_id, kind, subject)
SELECT DISTINCT p.community_id, 'first_post', a.ap_id
  FROM posts p JOIN people a ON a.id = p.author_id
  JOIN communities c ON c.id = p.community_id AND c.local
 WHERE p.parent_id IS NULL;
INSERT INTO milestones (community_id, kind, subject)
SELECT DISTINCT e.community_id, 'first_event', ''
  FROM events e JOIN communities c ON c.id = e.community_id AND c.local;
INSERT INTO milestones (community_id, kind, subject)
SELECT c.id, 'members', t::text
  FROM communities c,
       unnest(ARRAY[3, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]) AS t
 WHERE c.local AND t <= (SELECT count(*) FROM community_follows f
                          WHERE f.community_id = c.id AND f.state = 'accepted');
INSERT INTO milestones (community_id, kind, subject)
SELECT c.id, 'stage', c.charter ->> 'stage'
  FROM communities c
 WHERE c.local AND c.charter ->> 'stage' IN ('active', 'established');
