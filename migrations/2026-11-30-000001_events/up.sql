-- Events of communities, local or remote. A recurring event is a series
-- (with `rrule`) whose next occurrences are rows of their own (`series_id`,
-- `occurrence_start`): each federates as its own Event and takes its own
-- RSVPs, and can be moved or cancelled alone.
CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    community_id BIGINT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    organiser_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    series_id BIGINT REFERENCES events (id) ON DELETE CASCADE,
    -- For an occurrence: its start by the rule, in local time (RECURRENCE-ID).
    occurrence_start TIMESTAMP,
    title TEXT NOT NULL,
    -- Sanitised HTML, and the Markdown it came from (local events).
    description TEXT NOT NULL,
    source TEXT,
    starts_local TIMESTAMP NOT NULL,
    ends_local TIMESTAMP NOT NULL,
    timezone TEXT NOT NULL,
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ NOT NULL,
    place JSONB,
    online_url TEXT,
    capacity INTEGER CHECK (capacity >= 0),
    join_mode TEXT NOT NULL DEFAULT 'free',
    status TEXT NOT NULL DEFAULT 'confirmed',
    practice TEXT,
    rrule TEXT,
    -- iCalendar SEQUENCE: raised on every change.
    sequence INTEGER NOT NULL DEFAULT 0,
    local BOOLEAN NOT NULL,
    -- Remote events: the counts their organiser publishes.
    remote_going INTEGER,
    published TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated TIMESTAMPTZ,
    UNIQUE (series_id, occurrence_start)
);
CREATE INDEX events_community_starts ON events (community_id, starts_at);
CREATE INDEX events_series ON events (series_id) WHERE series_id IS NOT NULL;

-- Who comes: `going`, `interested` or `not_going`; `state` is the
-- organiser's answer (`accepted`, `pending` for approval, `rejected`).
CREATE TABLE event_rsvps (
    event_id BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'accepted',
    -- The Join / TentativeAccept (or Mastodon reply) that asked, when remote,
    -- or the one we sent for a local person to a remote event.
    activity_id TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, person_id)
);
CREATE INDEX event_rsvps_person ON event_rsvps (person_id);
