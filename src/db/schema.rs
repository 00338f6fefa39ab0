// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::query_builder::QueryId, Clone, diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "tsvector", schema = "pg_catalog"))]
    pub struct Tsvector;
}

diesel::table! {
    charter_versions (community_id, version) {
        community_id -> Int8,
        version -> Int4,
        charter -> Jsonb,
        author_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        proposal_id -> Nullable<Int8>,
    }
}

diesel::table! {
    communities (id) {
        id -> Int8,
        ap_id -> Text,
        name -> Text,
        domain -> Text,
        local -> Bool,
        title -> Text,
        summary -> Text,
        visibility -> Text,
        posting_policy -> Text,
        inbox -> Text,
        shared_inbox -> Nullable<Text>,
        followers_url -> Nullable<Text>,
        public_key -> Text,
        private_key -> Nullable<Text>,
        charter -> Nullable<Jsonb>,
        charter_version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        refreshed_at -> Timestamptz,
        key_id -> Nullable<Text>,
        kudos_categories -> Nullable<Jsonb>,
        milestones_off -> Jsonb,
        proposal_days -> Int4,
        proposal_quorum -> Int4,
        follower_count -> Int8,
        followers_version -> Int8,
    }
}

diesel::table! {
    community_bans (community_id, person_id) {
        community_id -> Int8,
        person_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    community_follows (community_id, person_id) {
        community_id -> Int8,
        person_id -> Int8,
        state -> Text,
        follow_ap_id -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    community_moderators (community_id, person_id) {
        community_id -> Int8,
        person_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    deliveries (id) {
        id -> Int8,
        activity_id -> Int8,
        inbox -> Text,
        domain -> Text,
        signer -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        locked_until -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    directory_entries (ap_id) {
        ap_id -> Text,
        host -> Text,
        local -> Bool,
        handle -> Text,
        title -> Text,
        summary -> Text,
        charter -> Jsonb,
        charter_version -> Int4,
        charter_changed_at -> Timestamptz,
        facets -> Jsonb,
        search_config -> Text,
        search -> Tsvector,
        member_count -> Int8,
        next_event_at -> Nullable<Timestamptz>,
        last_activity_at -> Nullable<Timestamptz>,
        updated_at -> Timestamptz,
        via -> Nullable<Text>,
    }
}

diesel::table! {
    directory_neighbours (entry, neighbour) {
        entry -> Text,
        neighbour -> Text,
        score -> Float4,
    }
}

diesel::table! {
    directory_terms (ap_id) {
        ap_id -> Text,
        purpose_terms -> Array<Nullable<Int4>>,
        topic_terms -> Array<Nullable<Int4>>,
        neighbour_floor -> Float4,
        neighbour_count -> Int4,
    }
}

diesel::table! {
    event_rsvps (event_id, person_id) {
        event_id -> Int8,
        person_id -> Int8,
        status -> Text,
        state -> Text,
        activity_id -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    events (id) {
        id -> Int8,
        ap_id -> Text,
        community_id -> Int8,
        organiser_id -> Int8,
        series_id -> Nullable<Int8>,
        occurrence_start -> Nullable<Timestamp>,
        title -> Text,
        description -> Text,
        source -> Nullable<Text>,
        starts_local -> Timestamp,
        ends_local -> Timestamp,
        timezone -> Text,
        starts_at -> Timestamptz,
        ends_at -> Timestamptz,
        place -> Nullable<Jsonb>,
        online_url -> Nullable<Text>,
        capacity -> Nullable<Int4>,
        join_mode -> Text,
        status -> Text,
        practice -> Nullable<Text>,
        rrule -> Nullable<Text>,
        sequence -> Int4,
        local -> Bool,
        remote_going -> Nullable<Int4>,
        published -> Timestamptz,
        updated -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    incoming_activities (ap_id) {
        ap_id -> Text,
        actor -> Text,
        kind -> Text,
        body -> Nullable<Text>,
        received_at -> Timestamptz,
        attempts -> Int4,
        locked_until -> Nullable<Timestamptz>,
        processed_at -> Nullable<Timestamptz>,
        error -> Nullable<Text>,
        dead_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    instance (id) {
        id -> Int2,
        domain -> Text,
        public_key -> Text,
        private_key -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    instances (domain) {
        domain -> Text,
        policy -> Text,
        software -> Nullable<Text>,
        last_success_at -> Nullable<Timestamptz>,
        last_failure_at -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        delivered_count -> Int8,
        failed_count -> Int8,
        created_at -> Timestamptz,
        software_retry_at -> Nullable<Timestamptz>,
        instance_actor -> Nullable<Text>,
        instance_inbox -> Nullable<Text>,
        follow_ap_id -> Nullable<Text>,
        follow_state -> Nullable<Text>,
        follower_ap_id -> Nullable<Text>,
        follower_state -> Nullable<Text>,
        directory_seen_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    kudos (id) {
        id -> Int8,
        ap_id -> Text,
        community_id -> Int8,
        giver_id -> Int8,
        recipient_id -> Int8,
        post_id -> Nullable<Int8>,
        message -> Text,
        category -> Nullable<Text>,
        thanks_for -> Nullable<Text>,
        local -> Bool,
        published -> Timestamptz,
        removed -> Bool,
    }
}

diesel::table! {
    local_handles (name) {
        name -> Text,
        kind -> Text,
    }
}

diesel::table! {
    milestones (community_id, kind, subject) {
        community_id -> Int8,
        kind -> Text,
        subject -> Text,
        post_id -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    moderation_log (id) {
        id -> Int8,
        community_id -> Int8,
        moderator_id -> Nullable<Int8>,
        action -> Text,
        target -> Text,
        reason -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    outgoing_activities (id) {
        id -> Int8,
        ap_id -> Text,
        kind -> Text,
        actor -> Text,
        body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    people (id) {
        id -> Int8,
        ap_id -> Text,
        username -> Nullable<Text>,
        domain -> Text,
        local -> Bool,
        display_name -> Nullable<Text>,
        bio -> Nullable<Text>,
        inbox -> Text,
        shared_inbox -> Nullable<Text>,
        public_key -> Text,
        private_key -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        is_admin -> Bool,
        created_at -> Timestamptz,
        refreshed_at -> Timestamptz,
        key_id -> Nullable<Text>,
        calendar_token_hash -> Nullable<Text>,
        deleted_at -> Nullable<Timestamptz>,
        disabled_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    post_likes (post_id, person_id) {
        post_id -> Int8,
        person_id -> Int8,
        ap_id -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    posts (id) {
        id -> Int8,
        ap_id -> Text,
        community_id -> Int8,
        author_id -> Nullable<Int8>,
        parent_id -> Nullable<Int8>,
        root_id -> Nullable<Int8>,
        local -> Bool,
        title -> Nullable<Text>,
        content -> Text,
        source -> Nullable<Text>,
        published -> Timestamptz,
        updated -> Nullable<Timestamptz>,
        deleted -> Bool,
        removed -> Bool,
        locked -> Bool,
        content_warning -> Nullable<Text>,
        sensitive -> Bool,
        title_derived -> Bool,
        attachments -> Jsonb,
        milestone -> Nullable<Text>,
    }
}

diesel::table! {
    proposal_votes (proposal_id, person_id) {
        proposal_id -> Int8,
        person_id -> Int8,
        option -> Text,
        ap_id -> Nullable<Text>,
        voted_at -> Timestamptz,
    }
}

diesel::table! {
    proposals (id) {
        id -> Int8,
        post_id -> Int8,
        community_id -> Int8,
        proposer_id -> Nullable<Int8>,
        charter -> Jsonb,
        base_version -> Int4,
        rationale -> Text,
        status -> Text,
        quorum -> Int4,
        closes_at -> Timestamptz,
        closed_at -> Nullable<Timestamptz>,
        accept_count -> Int4,
        reject_count -> Int4,
        abstain_count -> Int4,
        counts_pending -> Bool,
        charter_version -> Nullable<Int4>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        person_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(charter_versions -> communities (community_id));
diesel::joinable!(charter_versions -> people (author_id));
diesel::joinable!(charter_versions -> proposals (proposal_id));
diesel::joinable!(community_bans -> communities (community_id));
diesel::joinable!(community_bans -> people (person_id));
diesel::joinable!(community_follows -> communities (community_id));
diesel::joinable!(community_follows -> people (person_id));
diesel::joinable!(community_moderators -> communities (community_id));
diesel::joinable!(community_moderators -> people (person_id));
diesel::joinable!(deliveries -> outgoing_activities (activity_id));
diesel::joinable!(directory_terms -> directory_entries (ap_id));
diesel::joinable!(event_rsvps -> events (event_id));
diesel::joinable!(event_rsvps -> people (person_id));
diesel::joinable!(events -> communities (community_id));
diesel::joinable!(events -> people (organiser_id));
diesel::joinable!(kudos -> communities (community_id));
diesel::joinable!(kudos -> posts (post_id));
diesel::joinable!(milestones -> communities (community_id));
diesel::joinable!(milestones -> posts (post_id));
diesel::joinable!(moderation_log -> communities (community_id));
diesel::joinable!(moderation_log -> people (moderator_id));
diesel::joinable!(post_likes -> people (person_id));
diesel::joinable!(post_likes -> posts (post_id));
diesel::joinable!(posts -> communities (community_id));
diesel::joinable!(posts -> people (author_id));
diesel::joinable!(proposal_votes -> people (person_id));
diesel::joinable!(proposal_votes -> proposals (proposal_id));
diesel::joinable!(proposals -> communities (community_id));
diesel::joinable!(proposals -> people (proposer_id));
diesel::joinable!(proposals -> posts (post_id));
diesel::joinable!(sessions -> people (person_id));

diesel::allow_tables_to_appear_in_same_query!(
    charter_versions,
    communities,
    community_bans,
    community_follows,
    community_moderators,
    deliveries,
    directory_entries,
    directory_neighbours,
    directory_terms,
    event_rsvps,
    events,
    incoming_activities,
    instance,
    instances,
    kudos,
    local_handles,
    milestones,
    moderation_log,
    outgoing_activities,
    people,
    post_likes,
    posts,
    proposal_votes,
    proposals,
    sessions,
);
