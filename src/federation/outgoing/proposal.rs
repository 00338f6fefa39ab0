//! Co-design on the wire: a local community's `Update{Question}` when a
//! poll's counts or outcome change, and `Update{Group}` when its charter or
//! profile changes; a local person's vote on a remote community's poll, as
//! Mastodon sends one (`Create{Note}` named after the option, in reply to
//! the poll, to the community); and the community's direct note to a
//! remote voter whose vote was not counted.

use super::{Translator, bad, deliver, mention::direct_note, post_object::post_object};
use crate::{
    db::{self, community::CommunityRow, post::PostRow, proposal::ProposalRow},
    federation::{actors, context::url_authority},
    protocol::{
        activity::{Activity, ActivityKind, AnyActivity, AnyObject},
        lenient::PUBLIC,
        note::{PostKind, PostObject},
    },
    services::post,
};
use diesel::{QueryResult, result::Error::NotFound};
use diesel_async::AsyncPgConnection;
use url::Url;

/// `Update{Group}` of a local community, to its followers.
pub async fn profile_changed(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    community_id: i64,
) -> QueryResult<()> {
    let row = db::community::find(conn, community_id)
        .await?
        .ok_or(NotFound)?;
    let inboxes: Vec<String> = out
        .followers
        .of(conn, &row)
        .await?
        .iter()
        .map(|f| f.inbox.clone())
        .collect();
    if inboxes.is_empty() {
        return Ok(());
    }
    let group = actors::group(&out.urls, &url_authority(&out.urls.home()), &row);
    let mut update = Activity::new(
        ActivityKind::Update,
        out.urls.activity_id("Update"),
        group.id.clone(),
        AnyObject::Actor(Box::new(group)),
    );
    update.to = vec![Url::parse(PUBLIC).map_err(bad)?];
    update.cc = row
        .followers_url
        .iter()
        .filter_map(|f| Url::parse(f).ok())
        .collect();
    deliver::publish(conn, update, &inboxes).await
}

/// `Update{Question}` of a local proposal's poll, with its counts now.
pub async fn poll_changed(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    proposal_id: i64,
) -> QueryResult<()> {
    let (_, row, _) = load(conn, proposal_id).await?;
    if row.deleted || row.removed {
        return Ok(());
    }
    let view = post::load_view(conn, row).await?;
    let mut question = post_object(&view, None, None);
    question.updated = Some(chrono::Utc::now().fixed_offset());
    let mut update = Activity::new(
        ActivityKind::Update,
        out.urls.activity_id("Update"),
        question.attributed_to.clone().ok_or(NotFound)?,
        AnyObject::Post(Box::new(question.clone())),
    );
    update.to = question.to.clone();
    update.cc = question.cc.clone();
    update.audience = question.audience.clone();
    deliver::own_update(conn, out, &view.community, AnyActivity::Update(update)).await
}

/// A proposal with its poll and its community.
async fn load(
    conn: &mut AsyncPgConnection,
    proposal_id: i64,
) -> QueryResult<(ProposalRow, PostRow, CommunityRow)> {
    let proposal = db::proposal::find(conn, proposal_id)
        .await?
        .ok_or(NotFound)?;
    let poll = db::post::find(conn, proposal.post_id)
        .await?
        .ok_or(NotFound)?;
    let community = db::community::find(conn, proposal.community_id)
        .await?
        .ok_or(NotFound)?;
    Ok((proposal, poll, community))
}

/// A local person's vote on a remote community's poll, to the community.
pub async fn vote_cast(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    proposal_id: i64,
    person_id: i64,
) -> QueryResult<()> {
    let (_, poll, community) = load(conn, proposal_id).await?;
    let vote = db::proposal::vote_of(conn, proposal_id, person_id)
        .await?
        .ok_or(NotFound)?;
    let person = db::person::find(conn, person_id).await?.ok_or(NotFound)?;
    let voter = Url::parse(&person.ap_id).map_err(bad)?;
    let group = Url::parse(&community.ap_id).map_err(bad)?;
    let vote_id = vote.ap_id.as_deref().ok_or(NotFound)?;
    let mut note = PostObject::new(PostKind::Note, Url::parse(vote_id).map_err(bad)?);
    note.name = Some(vote.option.poll_name().to_string());
    note.attributed_to = Some(voter.clone());
    note.in_reply_to = Some(Url::parse(&poll.ap_id).map_err(bad)?);
    note.to = vec![group.clone()];
    let mut create = Activity::new(
        ActivityKind::Create,
        out.urls.activity_id("Create"),
        voter,
        AnyObject::Post(Box::new(note)),
    );
    create.to = vec![group];
    let inbox = community.shared_inbox.unwrap_or(community.inbox);
    deliver::publish(conn, create, &[inbox]).await
}

/// The community's direct note to a remote voter whose vote on a local
/// poll was not counted, in reply to the poll.
pub async fn vote_refused(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    proposal_id: i64,
    person_id: i64,
    reason: &str,
) -> QueryResult<()> {
    let (_, poll, community) = load(conn, proposal_id).await?;
    let person = db::person::find(conn, person_id).await?.ok_or(NotFound)?;
    let answers = Url::parse(&poll.ap_id).ok();
    direct_note(conn, out, &community, &person, reason, answers).await
}
