-- The federation core: posts and likes, the stores of incoming and outgoing
-- activities, the delivery queue, and what we know of other instances.

-- Other instances: policy (blocked / partner), software, delivery health.
CREATE TABLE instances (
    domain text PRIMARY KEY,
    policy text NOT NULL DEFAULT 'none' CHECK (policy IN ('none', 'blocked', 'partner')),
    software text,
    last_success_at timestamptz,
    last_failure_at timestamptz,
    last_error text,
    delivered_count bigint NOT NULL DEFAULT 0,
    failed_count bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE posts (
    id bigserial PRIMARY KEY,
    ap_id text NOT NULL UNIQUE,
    community_id bigint NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    author_id bigint NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    parent_id bigint REFERENCES posts (id) ON DELETE CASCADE,
    root_id bigint REFERENCES posts (id) ON DELETE CASCADE,
    local boolean NOT NULL,
    title text,
    content text NOT NULL,
    source text,
    published timestamptz NOT NULL DEFAULT now(),
    updated timestamptz,
    deleted boolean NOT NULL DEFAULT false,
    removed boolean NOT NULL DEFAULT false,
    locked boolean NOT NULL DEFAULT false
);
CREATE INDEX posts_community_top ON posts (community_id, published DESC) WHERE parent_id IS NULL;
CREATE INDEX posts_parent ON posts (parent_id, published);

CREATE TABLE post_likes (
    post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    person_id bigint NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    ap_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (post_id, person_id)
);

CREATE TABLE community_bans (
    community_id bigint NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    person_id bigint NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (community_id, person_id)
);

CREATE TABLE moderation_log (
    id bigserial PRIMARY KEY,
    community_id bigint NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    moderator_id bigint REFERENCES people (id) ON DELETE SET NULL,
    action text NOT NULL,
    target text NOT NULL,
    reason text,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Every activity we publish, kept so its id can be dereferenced.
CREATE TABLE outgoing_activities (
    id bigserial PRIMARY KEY,
    ap_id text NOT NULL UNIQUE,
    kind text NOT NULL,
    actor text NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- One delivery of one activity to one inbox; deleted once delivered or given up.
CREATE TABLE deliveries (
    id bigserial PRIMARY KEY,
    activity_id bigint NOT NULL REFERENCES outgoing_activities (id) ON DELETE CASCADE,
    inbox text NOT NULL,
    domain text NOT NULL,
    signer text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    locked_until timestamptz,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (activity_id, inbox)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at);
CREATE INDEX deliveries_domain ON deliveries (domain);

-- Activities received and acknowledged (2xx), processed in the background.
CREATE TABLE incoming_activities (
    ap_id text PRIMARY KEY,
    actor text NOT NULL,
    kind text NOT NULL,
    body text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    attempts integer NOT NULL DEFAULT 0,
    locked_until timestamptz,
    processed_at timestamptz,
    error text
);
CREATE INDEX incoming_pending ON incoming_activities (received_at) WHERE processed_at IS NULL;
