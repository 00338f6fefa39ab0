//! Remote members' top-level posts to a local community, taken together:
//! the inbox hands over a batch of them at a time. What [`receive_post`]
//! does for one, for many, with the standings read together and the posts
//! stored, welcomed and passed on in one transaction
//! ([`store::create_remote_top_level`]).
//!
//! [`receive_post`]: super::remote::receive_post

use super::{
    remote::RemotePost,
    standing,
    store::{self, Draft, RemoteTopLevel},
};
use crate::{
    db::{self, community::CommunityRow, person::PersonRow},
    domain::markdown,
    error::{AppError, AppResult},
    services::AppState,
};
use chrono::Utc;
use diesel_async::AsyncPgConnection;

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
    store::create_remote_top_level(conn, state, community, &posts).await?;
    Ok(outcomes)
}
