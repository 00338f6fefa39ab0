//! Remote members' top-level posts to a local community, taken together:
//! the inbox hands over a batch of them at a time. What [`receive_post`]
//! does for one, for many, with the standings read together and the posts
//! stored, welcomed and passed on in one transaction of a few statements
//! however many there are (the same steps as [`store::create`](super::store::create)).
//!
//! [`receive_post`]: super::remote::receive_post

use super::{remote::RemotePost, standing, store::Draft};
use crate::{
    db::{self, community::CommunityRow, person::PersonRow},
    domain::{
        markdown,
        milestone::{Milestone, MilestoneKind},
    },
    error::{AppError, AppResult},
    services::{
        AppState, milestone,
        outgoing::{Forward, Outgoing},
    },
};
use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};

/// A top-level post (not a kudos) a remote person sent, with the stored
/// incoming activity that carried it.
pub struct SentPost<'a> {
    pub author: &'a PersonRow,
    pub post: &'a RemotePost,
    pub activity: &'a str,
}

/// Each of `sent`'s outcome, in order: `Ok` when it is stored now or was
/// before, else why it was refused. A post that is a reply or a kudos is
/// not for this path (an internal error).
pub async fn receive_posts(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community: &CommunityRow,
    sent: &[SentPost<'_>],
) -> AppResult<Vec<AppResult<()>>> {
    if sent
        .iter()
        .any(|s| s.post.in_reply_to.is_some() || s.post.kudos.is_some())
    {
        return Err(AppError::internal(anyhow::anyhow!(
            "replies and kudos are received one by one"
        )));
    }
    let ap_ids: Vec<&str> = sent.iter().map(|s| s.post.ap_id.as_str()).collect();
    let mut author_ids: Vec<i64> = sent.iter().map(|s| s.author.id).collect();
    author_ids.sort_unstable();
    author_ids.dedup();
    // Sent together on the one connection (pipelined): one round trip.
    let shared: &AsyncPgConnection = conn;
    let (known, verdicts) = futures_util::try_join!(
        async { Ok(db::post::find_by_ap_ids(shared, &ap_ids).await?) },
        standing::check_remote_posts(shared, community, &author_ids),
    )?;
    let mut outcomes = Vec::with_capacity(sent.len());
    let mut taken = Vec::new();
    for s in sent {
        let outcome = if known.iter().any(|k| k.ap_id == s.post.ap_id) {
            Ok(())
        } else if !s.post.public {
            Err(AppError::forbidden(
                "only public posts are published (this one is followers-only or direct)",
            ))
        } else {
            match verdicts.get(&s.author.id) {
                Some(Ok(())) => {
                    taken.push(s);
                    Ok(())
                }
                Some(Err(refusal)) => Err(AppError::forbidden(refusal.message.clone())),
                None => Err(AppError::internal(anyhow::anyhow!("no standing read"))),
            }
        };
        outcomes.push(outcome);
    }
    let htmls: Vec<String> = taken
        .iter()
        .map(|s| markdown::sanitize_html(s.post.content.as_deref().unwrap_or_default()))
        .collect();
    let titles: Vec<(Option<String>, bool)> = taken
        .iter()
        .zip(&htmls)
        .map(|(s, html)| s.post.title(html))
        .collect();
    let posts: Vec<RemoteTopLevel> = taken
        .iter()
        .zip(htmls.iter().zip(&titles))
        .map(|(s, (html, (title, derived)))| RemoteTopLevel {
            author: s.author,
            draft: Draft {
                ap_id: Some(&s.post.ap_id),
                content: s.post.content(html, title.as_deref(), *derived),
                published: s.post.published.unwrap_or_else(Utc::now),
                kudos: None,
            },
            activity: s.activity,
        })
        .collect();
    create_remote_top_level(conn, state, community, &posts).await?;
    Ok(outcomes)
}

/// A remote member's new top-level post (not a kudos) for a local
/// community, its author's standing checked: its draft and the stored
/// incoming activity that carried it.
struct RemoteTopLevel<'a> {
    author: &'a PersonRow,
    draft: Draft<'a>,
    activity: &'a str,
}

/// What [`store::create`](super::store::create) does for each of `posts`, together, in one transaction
/// of a few statements however many posts there are: the posts whose ids
/// are new, each author's welcome on a first post, and passing them on.
/// Returns the stored activities whose posts were new.
async fn create_remote_top_level<'a>(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community: &CommunityRow,
    posts: &[RemoteTopLevel<'a>],
) -> diesel::QueryResult<Vec<&'a str>> {
    conn.transaction(async |conn| {
        let rows = posts
            .iter()
            .map(|post| {
                let new = db::post::NewPost {
                    ap_id: post.draft.ap_id.unwrap_or_default(),
                    community_id: community.id,
                    author_id: Some(post.author.id),
                    parent_id: None,
                    root_id: None,
                    local: false,
                    published: post.draft.published,
                    milestone: None,
                };
                (new, post.draft.content.clone())
            })
            .collect();
        let mut stored = db::post::insert_remote_many(conn, rows).await?;
        // In the order they came; an id sent twice is stored (and passed on) once.
        let mut new = Vec::new();
        for post in posts {
            let ap_id = post.draft.ap_id.unwrap_or_default();
            if let Some(at) = stored.iter().position(|row| row.ap_id == ap_id) {
                stored.swap_remove(at);
                new.push(post);
            }
        }
        let welcomes: Vec<Milestone> = new
            .iter()
            .map(|post| Milestone::FirstPost {
                person: post.author.shown_name(),
                key: post.author.ap_id.clone(),
            })
            .collect();
        milestone::celebrate_all(conn, state, community, MilestoneKind::FirstPost, &welcomes)
            .await?;
        let forwards: Vec<Forward> = new
            .iter()
            .map(|post| Forward {
                activity_id: post.activity.to_owned(),
                boost: post.draft.ap_id.map(str::to_owned),
            })
            .collect();
        if community.local && !forwards.is_empty() {
            let event = Outgoing::Forwarded {
                community_id: community.id,
                activities: forwards,
            };
            state.emit(conn, event).await?;
        }
        Ok(new.iter().map(|post| post.activity).collect())
    })
    .await
}
