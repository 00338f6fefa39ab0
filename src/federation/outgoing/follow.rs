//! Membership as activities: a local person's `Follow` of a remote
//! community and its `Undo`, and a local community's `Accept` or `Reject`
//! of a remote person's follow (the `Follow` embedded as `{id, type, actor,
//! object}` only: Lemmy refuses more).

use super::{Translator, bad, deliver::publish};
use crate::{
    db::{self, community::CommunityRow, person::PersonRow},
    protocol::{
        activity::{Activity, ActivityKind, AnyActivity, Reference},
        lenient::IdOrObject,
    },
};
use diesel::{QueryResult, result::Error::NotFound};
use diesel_async::AsyncPgConnection;
use url::Url;

async fn load(
    conn: &mut AsyncPgConnection,
    community_id: i64,
    person_id: i64,
) -> QueryResult<(CommunityRow, PersonRow)> {
    let community = db::community::find(conn, community_id)
        .await?
        .ok_or(NotFound)?;
    let person = db::person::find(conn, person_id).await?.ok_or(NotFound)?;
    Ok((community, person))
}

fn follow(
    follow_id: &str,
    person: &PersonRow,
    community: &CommunityRow,
) -> QueryResult<Activity<Reference>> {
    Ok(Activity::new(
        ActivityKind::Follow,
        Url::parse(follow_id).map_err(bad)?,
        Url::parse(&person.ap_id).map_err(bad)?,
        Reference(Url::parse(&community.ap_id).map_err(bad)?),
    ))
}

/// A local person's `Follow` (`undo`: its `Undo`), to the community's inbox.
pub async fn followed(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    community_id: i64,
    person_id: i64,
    follow_id: &str,
    undo: bool,
) -> QueryResult<()> {
    let (community, person) = load(conn, community_id, person_id).await?;
    let mut follow = follow(follow_id, &person, &community)?;
    let to = vec![Url::parse(&community.ap_id).map_err(bad)?];
    let inbox = std::slice::from_ref(&community.inbox);
    if undo {
        let mut undo = Activity::new(
            ActivityKind::Undo,
            out.urls.activity_id("Undo"),
            follow.actor.clone(),
            IdOrObject::Object(Box::new(AnyActivity::Follow(follow))),
        );
        undo.to = to;
        publish(conn, undo, inbox).await
    } else {
        follow.to = to;
        publish(conn, follow, inbox).await
    }
}

/// A local community's `Accept` or `Reject` of a remote person's follow.
pub async fn answered(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    community_id: i64,
    follower_id: i64,
    follow_id: &str,
    accepted: bool,
) -> QueryResult<()> {
    let (community, follower) = load(conn, community_id, follower_id).await?;
    let kind = if accepted {
        ActivityKind::Accept
    } else {
        ActivityKind::Reject
    };
    let mut answer = Activity::new(
        kind,
        out.urls.activity_id(&format!("{kind:?}")),
        Url::parse(&community.ap_id).map_err(bad)?,
        IdOrObject::Object(Box::new(AnyActivity::Follow(follow(
            follow_id, &follower, &community,
        )?))),
    );
    answer.to = vec![Url::parse(&follower.ap_id).map_err(bad)?];
    publish(conn, answer, std::slice::from_ref(&follower.inbox)).await
}
