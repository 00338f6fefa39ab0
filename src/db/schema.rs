// @generated-style table definitions mirroring `migrations/`; keep in sync.

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
    local_handles (name) {
        name -> Text,
        kind -> Text,
    }
}

diesel::table! {
    people (id) {
        id -> Int8,
        ap_id -> Text,
        username -> Text,
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
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        person_id -> Int8,
        created_at -> Timestamptz,
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
    charter_versions (community_id, version) {
        community_id -> Int8,
        version -> Int4,
        charter -> Jsonb,
        author_id -> Nullable<Int8>,
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

diesel::joinable!(sessions -> people (person_id));
diesel::joinable!(community_moderators -> communities (community_id));
diesel::joinable!(community_moderators -> people (person_id));
diesel::joinable!(community_follows -> communities (community_id));
diesel::joinable!(community_follows -> people (person_id));
diesel::joinable!(charter_versions -> communities (community_id));
diesel::joinable!(charter_versions -> people (author_id));

diesel::allow_tables_to_appear_in_same_query!(
    instance,
    local_handles,
    people,
    sessions,
    communities,
    community_moderators,
    charter_versions,
    community_follows,
);
