//! The `community_follows` table: members of communities (followers), local
//! or remote on either side, pending or accepted.

use super::schema::{community_follows, people};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// State of a follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowState {
    Pending,
    Accepted,
}

impl FollowState {
    /// The stored and API value.
    pub fn as_str(self) -> &'static str {
        match self {
            FollowState::Pending => "pending",
            FollowState::Accepted => "accepted",
        }
    }
}

impl From<FollowState> for crate::domain::community::Membership {
    fn from(state: FollowState) -> Self {
        match state {
            FollowState::Pending => Self::Pending,
            FollowState::Accepted => Self::Accepted,
        }
    }
}

/// Creates or updates a follow.
pub async fn upsert(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    person_id: i64,
    state: FollowState,
    follow_ap_id: Option<&str>,
) -> QueryResult<()> {
    diesel::insert_into(community_follows::table)
        .values((
            community_follows::community_id.eq(community_id),
            community_follows::person_id.eq(person_id),
            community_follows::state.eq(state.as_str()),
            community_follows::follow_ap_id.eq(follow_ap_id),
        ))
        .on_conflict((
            community_follows::community_id,
            community_follows::person_id,
        ))
        .do_update()
        .set((
            community_follows::state.eq(state.as_str()),
            community_follows::follow_ap_id.eq(follow_ap_id),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Marks a follow accepted; false when there was none.
pub async fn accept(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    person_id: i64,
) -> QueryResult<bool> {
    diesel::update(community_follows::table.find((community_id, person_id)))
        .set(community_follows::state.eq("accepted"))
        .execute(conn)
        .await
        .map(|n| n > 0)
}

/// Removes a follow; false when there was none.
pub async fn remove(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    person_id: i64,
) -> QueryResult<bool> {
    diesel::delete(community_follows::table.find((community_id, person_id)))
        .execute(conn)
        .await
        .map(|n| n > 0)
}

/// The state of a person's follow of a community, with the Follow's id.
pub async fn find(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    person_id: i64,
) -> QueryResult<Option<(FollowState, Option<String>)>> {
    let row: Option<(String, Option<String>)> = community_follows::table
        .find((community_id, person_id))
        .select((community_follows::state, community_follows::follow_ap_id))
        .first(conn)
        .await
        .optional()?;
    Ok(row.map(|(state, id)| {
        let state = if state == "accepted" {
            FollowState::Accepted
        } else {
            FollowState::Pending
        };
        (state, id)
    }))
}

/// A delivery inbox of a community's remote followers.
#[derive(Clone, Debug, QueryableByName)]
pub struct FollowerInbox {
    /// The shared inbox when the follower has one, else their inbox.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub inbox: String,
    /// The NodeInfo software name of the follower's instance, when known.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub software: Option<String>,
}

/// Delivery inboxes of a community's accepted remote followers, each once,
/// with the software their instance runs.
pub async fn follower_inboxes(
    conn: &mut AsyncPgConnection,
    community_id: i64,
) -> QueryResult<Vec<FollowerInbox>> {
    diesel::sql_query(
        "SELECT DISTINCT coalesce(p.shared_inbox, p.inbox) AS inbox, i.software
         FROM community_follows f
         JOIN people p ON p.id = f.person_id
         LEFT JOIN instances i ON i.domain = p.domain
         WHERE f.community_id = $1 AND f.state = 'accepted' AND NOT p.local",
    )
    .bind::<diesel::sql_types::BigInt, _>(community_id)
    .load(conn)
    .await
}

/// Pending follow requests of a community: (person id, actor id, Follow id).
pub async fn pending(
    conn: &mut AsyncPgConnection,
    community_id: i64,
) -> QueryResult<Vec<(i64, String, Option<String>)>> {
    community_follows::table
        .inner_join(people::table)
        .filter(community_follows::community_id.eq(community_id))
        .filter(community_follows::state.eq("pending"))
        .select((people::id, people::ap_id, community_follows::follow_ap_id))
        .load(conn)
        .await
}

/// True when any local person follows (or asked to follow) the community.
pub async fn has_local_followers(
    conn: &mut AsyncPgConnection,
    community_id: i64,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        community_follows::table
            .inner_join(people::table)
            .filter(community_follows::community_id.eq(community_id))
            .filter(people::local.eq(true)),
    ))
    .get_result(conn)
    .await
}

/// The person whose follow of a community had the Follow id `follow_ap_id`.
pub async fn person_by_follow_id(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    follow_ap_id: &str,
) -> QueryResult<Option<super::person::PersonRow>> {
    community_follows::table
        .inner_join(people::table)
        .filter(community_follows::community_id.eq(community_id))
        .filter(community_follows::follow_ap_id.eq(follow_ap_id))
        .select(super::person::PersonRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// The follows stored with the Follow id `follow_ap_id`: their community
/// and follower (for `Undo{object: "<id>"}`).
pub async fn by_follow_id(
    conn: &mut AsyncPgConnection,
    follow_ap_id: &str,
) -> QueryResult<Vec<(i64, super::person::PersonRow)>> {
    community_follows::table
        .inner_join(people::table)
        .filter(community_follows::follow_ap_id.eq(follow_ap_id))
        .select((
            community_follows::community_id,
            super::person::PersonRow::as_select(),
        ))
        .load(conn)
        .await
}

/// Ends every follow of a person; returns the communities they followed.
pub async fn remove_person(conn: &mut AsyncPgConnection, person_id: i64) -> QueryResult<Vec<i64>> {
    diesel::delete(community_follows::table.filter(community_follows::person_id.eq(person_id)))
        .returning(community_follows::community_id)
        .get_results(conn)
        .await
}

/// The communities, local or remote, that a person moderates or is an
/// accepted member of, with whether they moderate each, by title; unlisted
/// ones only when `include_unlisted`. One query.
pub async fn communities_of(
    conn: &mut AsyncPgConnection,
    person_id: i64,
    include_unlisted: bool,
) -> QueryResult<Vec<(super::community::CommunityRow, bool)>> {
    use super::schema::{communities, community_moderators};
    let moderated = community_moderators::table
        .filter(community_moderators::person_id.eq(person_id))
        .select(community_moderators::community_id);
    let member = community_follows::table
        .filter(community_follows::person_id.eq(person_id))
        .filter(community_follows::state.eq(FollowState::Accepted.as_str()))
        .select(community_follows::community_id);
    let mut query = communities::table
        .filter(
            communities::id
                .eq_any(moderated)
                .or(communities::id.eq_any(member)),
        )
        .select((
            super::community::CommunityRow::as_select(),
            diesel::dsl::exists(
                community_moderators::table
                    .filter(community_moderators::community_id.eq(communities::id))
                    .filter(community_moderators::person_id.eq(person_id)),
            ),
        ))
        .order((communities::title.asc(), communities::id.asc()))
        .into_boxed();
    if !include_unlisted {
        query = query.filter(communities::visibility.ne("unlisted"));
    }
    query.load(conn).await
}
