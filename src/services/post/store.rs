//! The one write path for posts, whoever wrote them: the rules, the row
//! change and what goes out, in one transaction. `local` and `edit` (our
//! people, through the API and the pages) and `remote` (the inbox) only
//! prepare the change and say where it comes from ([`Origin`]): a local
//! change goes out as what happened, a remote one accepted into one of
//! our communities is passed on as it arrived.

use super::standing;
use crate::{
    db::{
        self,
        community::CommunityRow,
        person::PersonRow,
        post::{PostContent, PostRow},
    },
    domain::{
        media::Attachments,
        milestone::{KUDOS_RECEIVED, Milestone, MilestoneKind},
    },
    error::AppResult,
    services::{
        AppState,
        kudos::KudosDraft,
        milestone,
        outgoing::{Forward, Outgoing},
    },
};
use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

/// Where a change comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin<'a> {
    /// A local person, through the API or the pages.
    Local,
    /// Another server: the stored incoming activity `activity` carried it.
    Remote { activity: &'a str },
}

/// A new post or reply, ready to store.
pub struct Draft<'a> {
    /// The id a remote post already has; local posts get theirs here.
    pub ap_id: Option<&'a str>,
    /// What it says (sanitised HTML, title, warning, attachments).
    pub content: PostContent<'a>,
    pub published: DateTime<Utc>,
    /// The kudos it carries, if it is one.
    pub kudos: Option<KudosDraft<'a>>,
}

/// Stores a post (`parent`: the post it answers) if the rules allow it.
pub async fn create(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community: &CommunityRow,
    author: &PersonRow,
    parent: Option<&PostRow>,
    draft: Draft<'_>,
    origin: Origin<'_>,
) -> AppResult<PostRow> {
    standing::check(conn, community, author, parent, origin).await?;
    let row = conn
        .transaction(async |conn| {
            let mut new = db::post::NewPost {
                ap_id: "",
                community_id: community.id,
                author_id: Some(author.id),
                parent_id: parent.map(|p| p.id),
                root_id: parent.map(|p| p.root_id.unwrap_or(p.id)),
                local: origin == Origin::Local,
                published: draft.published,
                milestone: None,
            };
            let row = match draft.ap_id {
                Some(ap_id) => {
                    new.ap_id = ap_id;
                    db::post::insert_remote(conn, &new, draft.content).await?
                }
                None => {
                    let id = db::post::next_id(conn).await?;
                    let ap_id = state.urls.post(id).to_string();
                    new.ap_id = &ap_id;
                    db::post::insert_with_id(conn, id, &new, draft.content).await?
                }
            };
            match &draft.kudos {
                Some(kudos) => record_kudos(conn, state, community, author, &row, kudos).await?,
                None if parent.is_none() => {
                    let welcome = Milestone::FirstPost {
                        person: author.shown_name(),
                        key: author.ap_id.clone(),
                    };
                    milestone::celebrate(conn, state, community, welcome).await?;
                }
                None => {}
            }
            let boost = parent.is_none().then(|| row.ap_id.clone());
            let happened = Outgoing::PostCreated { post_id: row.id };
            tell(conn, state, community, origin, happened, boost).await?;
            Ok::<_, diesel::result::Error>(row)
        })
        .await?;
    if draft.kudos.is_some() {
        state.rankings.forget(community.id);
    }
    Ok(row)
}

/// Stores the kudos a new post carries, and celebrates the recipient's
/// tenth kudos in the community.
async fn record_kudos(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community: &CommunityRow,
    giver: &PersonRow,
    post: &PostRow,
    kudos: &KudosDraft<'_>,
) -> diesel::QueryResult<()> {
    let new = db::kudos::NewKudos {
        ap_id: &post.ap_id,
        community_id: community.id,
        giver_id: giver.id,
        recipient_id: kudos.recipient.id,
        post_id: Some(post.id),
        message: kudos.message,
        category: kudos.category,
        thanks_for: kudos.thanks_for,
        local: post.local,
        published: post.published,
    };
    if db::kudos::insert(conn, &new).await?.is_none() {
        // Kept before for its recipient here; now its post is here too.
        db::kudos::attach_post(conn, &post.ap_id, post.id).await?;
    }
    let received = db::kudos::count_received(conn, community.id, kudos.recipient.id).await?;
    if received >= KUDOS_RECEIVED {
        let tenth = Milestone::KudosReceived {
            person: kudos.recipient.shown_name(),
            key: kudos.recipient.ap_id.clone(),
        };
        milestone::celebrate(conn, state, community, tenth).await?;
    }
    Ok(())
}

/// A post by a community itself: a milestone it celebrates, or the poll
/// of a charter proposal (`milestone` = `None`).
pub struct CommunityPost<'a> {
    /// The id a remote community's post already has; ours get theirs here.
    pub ap_id: Option<&'a str>,
    pub title: &'a str,
    /// Sanitised HTML.
    pub html: &'a str,
    pub milestone: Option<MilestoneKind>,
    pub published: DateTime<Utc>,
}

/// Stores a post by a community itself: a local community's milestone
/// (call it inside the transaction that reached the milestone; it goes
/// out), or one a followed remote community announced (kept as it is).
pub async fn create_by_community(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community: &CommunityRow,
    post: CommunityPost<'_>,
) -> diesel::QueryResult<PostRow> {
    let local = post.ap_id.is_none();
    let row = insert_by_community(conn, state, community, post).await?;
    if local {
        state
            .emit(conn, Outgoing::PostCreated { post_id: row.id })
            .await?;
    }
    Ok(row)
}

/// Stores a post by a community itself without telling anyone yet: the
/// caller adds what the post carries (a proposal), then emits
/// `PostCreated` for a local one.
pub async fn insert_by_community(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community: &CommunityRow,
    post: CommunityPost<'_>,
) -> diesel::QueryResult<PostRow> {
    let mut new = db::post::NewPost {
        ap_id: "",
        community_id: community.id,
        author_id: None,
        parent_id: None,
        root_id: None,
        local: community.local,
        published: post.published,
        milestone: post.milestone.map(MilestoneKind::as_str),
    };
    let nothing = Attachments::default();
    let content = PostContent {
        title: Some(post.title),
        title_derived: false,
        content: post.html,
        source: None,
        content_warning: None,
        sensitive: false,
        attachments: &nothing,
        updated: None,
    };
    if let Some(ap_id) = post.ap_id {
        new.ap_id = ap_id;
        return db::post::insert_remote(conn, &new, content).await;
    }
    let id = db::post::next_id(conn).await?;
    let ap_id = state.urls.post(id).to_string();
    new.ap_id = &ap_id;
    db::post::insert_with_id(conn, id, &new, content).await
}

/// Replaces what a post says.
pub async fn edit(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    post: &PostRow,
    content: PostContent<'_>,
    origin: Origin<'_>,
) -> AppResult<PostRow> {
    let community = community_of(conn, post).await?;
    let row = conn
        .transaction(async |conn| {
            let row = db::post::update_content(conn, post.id, content).await?;
            let happened = Outgoing::PostEdited { post_id: row.id };
            tell(conn, state, &community, origin, happened, None).await?;
            Ok::<_, diesel::result::Error>(row)
        })
        .await?;
    Ok(row)
}

/// Deletes a post (`deleted = false`: its author restores it).
pub async fn set_deleted(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    post: &PostRow,
    deleted: bool,
    origin: Origin<'_>,
) -> AppResult<()> {
    let community = community_of(conn, post).await?;
    conn.transaction(async |conn| {
        db::post::set_deleted(conn, post.id, deleted).await?;
        // Our people have no restore yet; only a remote author's is passed on.
        if deleted || origin != Origin::Local {
            let happened = Outgoing::PostDeleted { post_id: post.id };
            tell(conn, state, &community, origin, happened, None).await?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .await?;
    // A deleted post (a kudos among them) no longer counts in the rankings.
    state.rankings.forget(community.id);
    Ok(())
}

/// A like by `person` (`like_id`: its `Like`'s id), or with `None` its
/// withdrawal; nothing goes out when nothing changed.
pub async fn vote(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    post: &PostRow,
    person: &PersonRow,
    like_id: Option<&str>,
    origin: Origin<'_>,
) -> AppResult<()> {
    let community = community_of(conn, post).await?;
    conn.transaction(async |conn| {
        let happened = match like_id {
            Some(like_id) => db::post::like(conn, post.id, person.id, Some(like_id))
                .await?
                .then(|| Outgoing::Liked {
                    post_id: post.id,
                    person_id: person.id,
                    like_id: like_id.to_owned(),
                }),
            None => match db::post::unlike(conn, post.id, person.id).await? {
                // A local like we cannot name cannot be taken back elsewhere.
                Some(None) if origin == Origin::Local => None,
                Some(stored) => Some(Outgoing::Unliked {
                    post_id: post.id,
                    person_id: person.id,
                    like_id: stored.unwrap_or_default(),
                }),
                None => None,
            },
        };
        if let Some(happened) = happened {
            tell(conn, state, &community, origin, happened, None).await?;
        }
        Ok::<_, diesel::result::Error>(())
    })
    .await?;
    Ok(())
}

async fn community_of(conn: &mut AsyncPgConnection, post: &PostRow) -> AppResult<CommunityRow> {
    db::community::find(conn, post.community_id)
        .await?
        .ok_or_else(|| crate::error::AppError::not_found("the post's community is gone"))
}

/// Says what happened: a local change as itself; a remote one accepted
/// into a local community by passing on the activity that carried it
/// (`boost`: a new top-level post, boosted to non-group software).
async fn tell(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community: &CommunityRow,
    origin: Origin<'_>,
    happened: Outgoing,
    boost: Option<String>,
) -> diesel::QueryResult<()> {
    match origin {
        Origin::Local => state.emit(conn, happened).await,
        Origin::Remote { activity } if community.local => {
            let event = Outgoing::Forwarded {
                community_id: community.id,
                activities: vec![Forward {
                    activity_id: activity.to_owned(),
                    boost,
                }],
            };
            state.emit(conn, event).await
        }
        Origin::Remote { .. } => Ok(()),
    }
}
