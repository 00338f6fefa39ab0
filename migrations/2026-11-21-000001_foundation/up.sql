-- The foundation: the instance actor, people, sessions, communities, charters.

CREATE TABLE instance (
    id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    domain text NOT NULL,
    public_key text NOT NULL,
    private_key text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- People and communities share one namespace of local handles.
CREATE TABLE local_handles (
    name text PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('person', 'community'))
);

CREATE TABLE people (
    id bigserial PRIMARY KEY,
    ap_id text NOT NULL UNIQUE,
    username text NOT NULL,
    domain text NOT NULL,
    local boolean NOT NULL,
    display_name text,
    bio text,
    inbox text NOT NULL,
    shared_inbox text,
    public_key text NOT NULL,
    private_key text,
    password_hash text,
    is_admin boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    refreshed_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX people_local_username ON people (username) WHERE local;

CREATE TABLE sessions (
    token_hash text PRIMARY KEY,
    person_id bigint NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_person ON sessions (person_id);

CREATE TABLE communities (
    id bigserial PRIMARY KEY,
    ap_id text NOT NULL UNIQUE,
    name text NOT NULL,
    domain text NOT NULL,
    local boolean NOT NULL,
    title text NOT NULL,
    summary text NOT NULL DEFAULT '',
    visibility text NOT NULL DEFAULT 'public'
        CHECK (visibility IN ('public', 'unlisted', 'approval_required')),
    posting_policy text NOT NULL DEFAULT 'members'
        CHECK (posting_policy IN ('members', 'moderators')),
    inbox text NOT NULL,
    shared_inbox text,
    followers_url text,
    public_key text NOT NULL,
    private_key text,
    -- The current charter (the latest row of charter_versions), for reads.
    charter jsonb,
    charter_version integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    refreshed_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX communities_local_name ON communities (name) WHERE local;

CREATE TABLE community_moderators (
    community_id bigint NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    person_id bigint NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (community_id, person_id)
);

CREATE TABLE charter_versions (
    community_id bigint NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    version integer NOT NULL,
    charter jsonb NOT NULL,
    author_id bigint REFERENCES people (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (community_id, version)
);

-- Followers (= members) of communities, local or remote on either side.
CREATE TABLE community_follows (
    community_id bigint NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    person_id bigint NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    state text NOT NULL CHECK (state IN ('pending', 'accepted')),
    follow_ap_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (community_id, person_id)
);
CREATE INDEX community_follows_person ON community_follows (person_id);
