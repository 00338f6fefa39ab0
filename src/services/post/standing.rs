//! The one place that decides whether a person may post or reply in a
//! community, for local people (API, pages) and remote ones (the inbox)
//! alike: it loads the person's standing (`db::standing`, one query) and
//! applies `domain::rules`.

use super::store::Origin;
use crate::{
    db::{self, community::CommunityRow, person::PersonRow, post::PostRow},
    domain::rules::{self, Standing},
    error::{AppError, AppResult},
};
use diesel_async::AsyncPgConnection;
use std::collections::HashMap;

/// Checks that `author` may start a post in `community` (`parent` = `None`)
/// or answer `parent`; a refusal is 403 with the rule's reason.
pub async fn check(
    conn: &mut AsyncPgConnection,
    community: &CommunityRow,
    author: &PersonRow,
    parent: Option<&PostRow>,
    origin: Origin<'_>,
) -> AppResult<()> {
    let standing = db::standing::find(conn, community.id, author.id).await?;
    let verdict = match parent {
        Some(parent) => {
            let root = db::post::find(conn, parent.root_id.unwrap_or(parent.id)).await?;
            let locked = parent.locked || root.is_some_and(|r| r.locked);
            rules::may_reply(standing, locked)
        }
        None => return may_start(community, standing, origin == Origin::Local),
    };
    verdict.map_err(|refusal| AppError::forbidden(refusal.message()))
}

/// [`check`] for top-level posts several remote people sent to
/// `community` at once, their standings read together: each author's
/// verdict, by person id.
pub async fn check_remote_posts(
    conn: &AsyncPgConnection,
    community: &CommunityRow,
    author_ids: &[i64],
) -> AppResult<HashMap<i64, AppResult<()>>> {
    let standings = db::standing::find_many(conn, community.id, author_ids).await?;
    Ok(standings
        .into_iter()
        .map(|(id, standing)| (id, may_start(community, standing, false)))
        .collect())
}

/// Whether someone of `standing` may start a post in `community` (`local`:
/// one of our people). A remote community decided on its own members'
/// posts before it announced them; ours, and our people's posts, are
/// decided here.
fn may_start(community: &CommunityRow, standing: Standing, local: bool) -> AppResult<()> {
    rules::may_post(community.posting_policy, standing, community.local || local)
        .map_err(|refusal| AppError::forbidden(refusal.message()))
}
