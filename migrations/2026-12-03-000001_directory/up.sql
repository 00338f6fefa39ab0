-- The charter directory: partner links between instance actors, and the
-- searchable entries of our own listed communities and our partners'.

-- A partner link, kept with the partner itself (one concept: the
-- `partner` policy is the allowlist; these columns say how far the link
-- between the two instance actors has got).
ALTER TABLE instances
    -- The partner's instance actor and where to deliver to it.
    ADD COLUMN instance_actor text,
    ADD COLUMN instance_inbox text,
    -- Our instance actor's `Follow` of theirs: its id and `pending` / `accepted`.
    ADD COLUMN follow_ap_id text,
    ADD COLUMN follow_state text,
    -- Their instance actor's `Follow` of ours: its id and `pending` / `accepted`.
    ADD COLUMN follower_ap_id text,
    ADD COLUMN follower_state text,
    -- When the partner last sent us anything for the directory (staleness).
    ADD COLUMN directory_seen_at timestamptz;

CREATE INDEX instances_follow_ap_id ON instances (follow_ap_id);
CREATE INDEX instances_follower_ap_id ON instances (follower_ap_id);

CREATE TABLE directory_entries (
    -- The community's actor id.
    ap_id text PRIMARY KEY,
    -- The host it lives on (no port): ours, or a partner's.
    host text NOT NULL,
    local boolean NOT NULL,
    -- `name@domain`: what to paste into Mastodon's search.
    handle text NOT NULL,
    title text NOT NULL,
    summary text NOT NULL,
    charter jsonb NOT NULL,
    charter_version integer NOT NULL,
    charter_changed_at timestamptz NOT NULL,
    -- Normalised filter values: {"topics": [..], "orgs": [..], "langs": [..],
    -- "stage": [..], "cadence": [..]}, matched with `@>`.
    facets jsonb NOT NULL,
    -- The text search configuration the charter was indexed with.
    search_config text NOT NULL,
    search tsvector NOT NULL,
    member_count bigint NOT NULL DEFAULT 0,
    next_event_at timestamptz,
    last_activity_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- Second-hand: the partner (host) that shared a community of one of its
    -- own partners; NULL for ours and first-hand entries.
    via text
);

CREATE INDEX directory_entries_search ON directory_entries USING gin (search);
CREATE INDEX directory_entries_facets ON directory_entries USING gin (facets jsonb_path_ops);
CREATE INDEX directory_entries_host ON directory_entries (host);
CREATE INDEX directory_entries_via ON directory_entries (via);
-- The listing without words: most members first.
CREATE INDEX directory_entries_order ON directory_entries (member_count DESC, title, ap_id);
