//! Plain posts, taken a batch at a time: the inbox worker's fast lane for
//! most of what arrives, a remote member's new top-level post (a toot
//! mentioning a community, a Lemmy or Guildhall post) sent to one of our
//! communities. [`read`] recognises one without the database; [`receive`]
//! reads what a whole batch needs in one round trip (the communities and
//! the authors), then, per community, stores the posts, passes them on and
//! marks their activities processed in one transaction
//! (`services::post::remote_many`). Whatever is not plainly such a post
//! (a reply, a vote, a kudos, an author to fetch first, a community not
//! ours, a host we no longer federate with, a failed transaction) goes
//! back to be processed one by one, under the same rules.

use super::{create, kudos, proposal, read_post};
use crate::{
    db::{self, community::CommunityRow, incoming::IncomingRow, person::PersonRow},
    error::{AppError, AppResult},
    federation::{context::Federation, policy, resolve},
    protocol::{
        activity::{AnyActivity, AnyObject},
        note::PostObject,
    },
    services::post::remote::RemotePost,
    services::post::remote_many::{self, SentPost},
};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use std::collections::HashMap;
use url::Url;

/// A stored activity that is plainly a new top-level post by its actor.
pub struct Plain {
    pub row: IncomingRow,
    actor: Url,
    object: Box<PostObject>,
    post: RemotePost,
}

/// `row` as a plain post, or back when it is something else.
pub fn read(fed: &Federation, row: IncomingRow) -> Result<Plain, IncomingRow> {
    let Some(Ok(AnyActivity::Create(create))) =
        row.body.as_deref().map(serde_json::from_str::<AnyActivity>)
    else {
        return Err(row);
    };
    let AnyObject::Post(object) = create.object else {
        return Err(row);
    };
    let plain = object.in_reply_to.is_none()
        && object.proposal.is_none()
        && object.milestone.is_none()
        && !proposal::is_vote(&object)
        && create::check_authorship(&create.actor, &object).is_ok();
    match read_post(fed, &object) {
        Ok(post) if plain => Ok(Plain {
            row,
            actor: create.actor,
            object,
            post,
        }),
        _ => Err(row),
    }
}

/// What became of a batch of plain posts.
#[derive(Default)]
pub struct Taken {
    /// Rows taken, with their outcome; those `Ok` are marked processed.
    pub done: Vec<(IncomingRow, AppResult<()>)>,
    /// Rows to process one by one.
    pub back: Vec<IncomingRow>,
}

/// Takes `groups` of plain posts (each group the rows that must keep their
/// order: one actor's) together. A group with a post that is not plainly
/// for this lane goes back whole, before anything is written.
pub async fn receive(fed: &Federation, groups: Vec<Vec<Plain>>) -> Taken {
    let mut taken = Taken::default();
    let Ok(mut conn) = fed.state.pool.get().await else {
        taken.back = groups.into_iter().flatten().map(|p| p.row).collect();
        return taken;
    };
    let known = match Known::read(fed, &conn, &groups).await {
        Ok(known) => known,
        Err(err) => {
            tracing::warn!(error = %err, "cannot read what a batch of posts needs; one by one");
            taken.back = groups.into_iter().flatten().map(|p| p.row).collect();
            return taken;
        }
    };
    let mut by_community: Vec<(&CommunityRow, Vec<(Plain, &PersonRow)>)> = Vec::new();
    for group in groups {
        let placed: Option<Vec<_>> = group.iter().map(|p| known.place(p)).collect();
        let Some(placed) = placed else {
            taken.back.extend(group.into_iter().map(|p| p.row));
            continue;
        };
        for (plain, (community, author)) in group.into_iter().zip(placed) {
            match by_community.iter_mut().find(|(c, _)| c.id == community.id) {
                Some((_, posts)) => posts.push((plain, author)),
                None => by_community.push((community, vec![(plain, author)])),
            }
        }
    }
    for (community, posts) in by_community {
        match store(fed, &mut conn, community, &posts).await {
            Ok(outcomes) => {
                let rows = posts.into_iter().map(|(p, _)| p.row);
                taken.done.extend(rows.zip(outcomes));
            }
            Err(err) => {
                tracing::warn!(error = %err, community = %community.ap_id, "a batch of posts failed; one by one");
                taken.back.extend(posts.into_iter().map(|(p, _)| p.row));
            }
        }
    }
    taken
}

/// Stores one community's posts and marks those taken processed, in one
/// transaction; each post's outcome, in order.
async fn store(
    fed: &Federation,
    conn: &mut AsyncPgConnection,
    community: &CommunityRow,
    posts: &[(Plain, &PersonRow)],
) -> AppResult<Vec<AppResult<()>>> {
    let sent: Vec<SentPost> = posts
        .iter()
        .map(|(plain, author)| SentPost {
            author,
            post: &plain.post,
            activity: &plain.row.ap_id,
        })
        .collect();
    conn.transaction(async |conn| {
        let outcomes = remote_many::receive_posts(conn, &fed.state, community, &sent).await?;
        let finished: Vec<&str> = posts
            .iter()
            .zip(&outcomes)
            .filter(|(_, outcome)| outcome.is_ok())
            .map(|((plain, _), _)| plain.row.ap_id.as_str())
            .collect();
        db::incoming::finish_many(conn, &finished).await?;
        Ok::<_, AppError>(outcomes)
    })
    .await
}

/// What a batch's posts need, read together.
struct Known {
    /// Our communities among everyone the posts address.
    communities: Vec<CommunityRow>,
    /// The posts' authors we know, by actor id.
    people: HashMap<String, PersonRow>,
    /// Whether we federate with each author's host.
    hosts: HashMap<String, bool>,
}

impl Known {
    async fn read(
        fed: &Federation,
        conn: &AsyncPgConnection,
        groups: &[Vec<Plain>],
    ) -> AppResult<Known> {
        let plains = || groups.iter().flatten();
        let mut addressed: Vec<&str> = plains()
            .flat_map(|p| create::addressees(&p.object).map(Url::as_str))
            .collect();
        addressed.sort_unstable();
        addressed.dedup();
        let mut actors: Vec<&str> = plains().map(|p| p.actor.as_str()).collect();
        actors.sort_unstable();
        actors.dedup();
        // Sent together on the one connection (pipelined): one round trip.
        let (communities, people) = futures_util::try_join!(
            db::community::find_by_ap_ids(conn, &addressed),
            db::person::find_by_ap_ids(conn, &actors),
        )?;
        let mut hosts = HashMap::new();
        for plain in plains() {
            let host = plain.actor.host_str().unwrap_or_default();
            if !hosts.contains_key(host) {
                hosts.insert(host.to_owned(), policy::allows(fed, host).await?);
            }
        }
        Ok(Known {
            communities: communities.into_iter().filter(|c| c.local).collect(),
            people: people.into_iter().map(|p| (p.ap_id.clone(), p)).collect(),
            hosts,
        })
    }

    /// The community of ours `plain` is for (the first it addresses) and
    /// its author, when it is plainly for this lane.
    fn place(&self, plain: &Plain) -> Option<(&CommunityRow, &PersonRow)> {
        let host = plain.actor.host_str().unwrap_or_default();
        if self.hosts.get(host) != Some(&true) {
            return None;
        }
        let community = create::addressees(&plain.object)
            .find_map(|a| self.communities.iter().find(|c| c.ap_id == a.as_str()))?;
        if kudos::is_kudos(&plain.object, &community.ap_id) {
            return None;
        }
        let author = self.people.get(plain.actor.as_str())?;
        let usable = author.deleted_at.is_none()
            && (author.local || !resolve::refreshed_long_ago(author.refreshed_at));
        usable.then_some((community, author))
    }
}
