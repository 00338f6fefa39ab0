//! Posts and replies: what local people do (`local`, `edit`), what arrives
//! from other servers (`remote`), and who may post or reply (`standing`).

pub mod edit;
pub mod local;
pub mod remote;
pub mod remote_many;
pub mod standing;
pub mod store;

use super::{AppState, community};
use crate::{
    db::{
        self, DbConn, community::CommunityRow, kudos::KudosRow, person::PersonRow, post::PostRow,
        proposal::ProposalRow,
    },
    error::{AppError, AppResult},
};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use std::sync::Arc;

/// A post with its community, author and like count, as readers see it.
#[derive(Clone, Debug)]
pub struct PostView {
    pub row: PostRow,
    /// Shared by the views of one list (a page holds many).
    pub community: Arc<CommunityRow>,
    /// Who wrote it; `None` when the community itself did (a milestone).
    pub author: Option<PersonRow>,
    pub likes: i64,
    /// The kudos it carries, if it is one.
    pub thanks: Option<Thanks>,
    /// The charter proposal it is the poll of, if it is one.
    pub poll: Option<Poll>,
}

/// The charter proposal a post by the community is the poll of, with
/// its proposer.
#[derive(Clone, Debug)]
pub struct Poll {
    pub proposal: ProposalRow,
    pub proposer: Option<PersonRow>,
}

/// A kudos a post carries, with its recipient.
#[derive(Clone, Debug)]
pub struct Thanks {
    pub kudos: KudosRow,
    pub recipient: PersonRow,
}

impl PostView {
    /// The author's handle, or the community's for its own posts.
    pub fn author_handle(&self) -> String {
        match &self.author {
            Some(author) => author.handle(),
            None if self.community.local => self.community.name.clone(),
            None => format!("{}@{}", self.community.name, self.community.domain),
        }
    }

    /// The author's shown name, or the community's title.
    pub fn author_name(&self) -> String {
        match &self.author {
            Some(author) => author.shown_name(),
            None => self.community.title.clone(),
        }
    }

    /// The author's actor id, or the community's.
    pub fn author_ap_id(&self) -> &str {
        match &self.author {
            Some(author) => &author.ap_id,
            None => &self.community.ap_id,
        }
    }
}

/// Loads the view of a post row (404 when its community or author is gone).
pub async fn view(conn: &mut AsyncPgConnection, row: PostRow) -> AppResult<PostView> {
    Ok(load_view(conn, row).await?)
}

/// Loads the view of a post row; `NotFound` when its community or author
/// is gone.
pub async fn load_view(conn: &mut AsyncPgConnection, row: PostRow) -> QueryResult<PostView> {
    load_views(conn, vec![row], None)
        .await?
        .pop()
        .ok_or(diesel::result::Error::NotFound)
}

/// A visible post by id (404 when unknown, deleted or removed).
pub async fn get_post(state: &AppState, id: i64) -> AppResult<PostView> {
    let mut conn = state.pool.get().await?;
    let row = visible(&mut conn, id).await?;
    view(&mut conn, row).await
}

/// Top-level posts of a community (local name or `name@host` we know).
pub async fn list_posts(
    state: &AppState,
    community: &CommunityRow,
    before: Option<i64>,
    limit: i64,
) -> AppResult<(Vec<PostView>, Option<String>)> {
    let mut conn = state.pool.get().await?;
    let rows = db::post::list_top(&mut conn, community.id, before, limit + 1).await?;
    let next = (rows.len() as i64 > limit)
        .then(|| rows.get(limit as usize - 1).map(|r| r.id.to_string()))
        .flatten();
    let rows: Vec<PostRow> = rows.into_iter().take(limit as usize).collect();
    Ok((load_views(&mut conn, rows, Some(community)).await?, next))
}

/// The views of several post rows, read together: their communities,
/// authors, like counts, kudos and polls in a few queries for the whole
/// list instead of a few per post (`known`: their community, when the
/// caller holds it); a post whose community or author is gone is left out.
async fn load_views(
    conn: &mut AsyncPgConnection,
    rows: Vec<PostRow>,
    known: Option<&CommunityRow>,
) -> QueryResult<Vec<PostView>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let community_ids: Vec<i64> = rows.iter().map(|r| r.community_id).collect();
    let communities = community::shared_rows(conn, &community_ids, known).await?;
    // Only a community's own posts that celebrate nothing are polls.
    let poll_ids: Vec<i64> = rows
        .iter()
        .filter(|r| r.author_id.is_none() && r.milestone.is_none())
        .map(|r| r.id)
        .collect();
    // Sent together on the one connection (pipelined): one round trip.
    let shared: &AsyncPgConnection = conn;
    let (kudos, proposals, likes) = futures_util::try_join!(
        db::kudos::find_by_posts(shared, &ids),
        async {
            if poll_ids.is_empty() {
                Ok(Vec::new())
            } else {
                db::proposal::find_by_posts(shared, &poll_ids).await
            }
        },
        db::post::like_counts(shared, &ids),
    )?;
    let mut people_ids: Vec<i64> = rows.iter().filter_map(|r| r.author_id).collect();
    people_ids.extend(kudos.iter().map(|k| k.recipient_id));
    people_ids.extend(proposals.iter().filter_map(|p| p.proposer_id));
    let people = db::person::find_many(conn, &people_ids).await?;
    let person = |id: i64| people.iter().find(|p| p.id == id).cloned();
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(community) = communities.iter().find(|c| c.id == row.community_id) else {
            continue;
        };
        let author = match row.author_id {
            Some(id) => match person(id) {
                Some(author) => Some(author),
                None => continue,
            },
            None => None,
        };
        let thanks = kudos
            .iter()
            .find(|k| k.post_id == Some(row.id))
            .and_then(|k| {
                person(k.recipient_id).map(|recipient| Thanks {
                    kudos: k.clone(),
                    recipient,
                })
            });
        let poll = proposals
            .iter()
            .find(|p| p.post_id == row.id)
            .map(|proposal| Poll {
                proposer: proposal.proposer_id.and_then(person),
                proposal: proposal.clone(),
            });
        views.push(PostView {
            likes: likes
                .iter()
                .find(|(post, _)| *post == row.id)
                .map_or(0, |(_, n)| *n),
            community: community.clone(),
            author,
            thanks,
            poll,
            row,
        });
    }
    Ok(views)
}

/// A post in its thread (visible, or a deleted tombstone that keeps the
/// replies under it in place; 404 when unknown or removed) with its direct
/// replies, oldest first, all read together.
pub async fn thread(state: &AppState, id: i64) -> AppResult<(PostView, Vec<PostView>)> {
    let mut conn = state.pool.get().await?;
    let post = in_thread(&mut conn, id).await?;
    let mut rows = vec![post];
    rows.extend(db::post::replies(&mut conn, id).await?);
    let mut views = load_views(&mut conn, rows, None).await?.into_iter();
    match views.next() {
        Some(post) if post.row.id == id => Ok((post, views.collect())),
        _ => Err(AppError::not_found(format!("no post {id}"))),
    }
}

/// Direct replies to a post (a tombstone too), oldest first; deleted
/// replies show as tombstones when replies hang under them.
pub async fn list_replies(state: &AppState, id: i64) -> AppResult<Vec<PostView>> {
    let mut conn = state.pool.get().await?;
    let parent = in_thread(&mut conn, id).await?;
    let replies = db::post::replies(&mut conn, parent.id).await?;
    Ok(load_views(&mut conn, replies, None).await?)
}

async fn in_thread(conn: &mut DbConn, id: i64) -> AppResult<PostRow> {
    db::post::find(conn, id)
        .await?
        .filter(|p| !p.removed)
        .ok_or_else(|| AppError::not_found(format!("no post {id}")))
}

/// A post that is neither deleted nor removed.
pub(crate) async fn visible(conn: &mut DbConn, id: i64) -> AppResult<PostRow> {
    db::post::find(conn, id)
        .await?
        .filter(|p| !p.deleted && !p.removed)
        .ok_or_else(|| AppError::not_found(format!("no post {id}")))
}
