//! Kudos on the way in. A post is a kudos when it carries our `kudos`
//! extension (another Guildhall), or when it is a toot to a community with
//! `#kudos` that mentions a person (Mastodon): [`read`] finds its
//! recipient for the post's write path. A kudos may also reach us only
//! because its recipient lives here ([`for_local_recipient`]): it is then
//! kept under the kudos they received, even if nobody here follows the
//! community.

use super::{person, refused};
use crate::{
    db::{self, community::CommunityRow},
    domain::{kudos, markdown},
    error::AppResult,
    federation::{
        context::Federation,
        fetch::FetchBudget,
        resolve::{self, KnownActor},
    },
    protocol::{lenient::PUBLIC, note::PostObject},
    services::{kudos::KudosDraft, post::remote::RemoteKudos},
};
use chrono::Utc;
use url::Url;

/// The kudos `object` (a top-level post in `community`) carries, with its
/// recipient known; `None` for an ordinary post, or when the one it thanks
/// is not a person.
pub(super) async fn read(
    fed: &Federation,
    object: &PostObject,
    community: &CommunityRow,
    budget: &FetchBudget,
) -> AppResult<Option<RemoteKudos>> {
    if object.in_reply_to.is_some() {
        return Ok(None);
    }
    let Some(recipient) = recipient(object, &community.ap_id) else {
        return Ok(None);
    };
    let recipient = match resolve::actor(fed, &recipient, budget, false).await {
        Ok(KnownActor::Person(person)) if person.deleted_at.is_none() => *person,
        _ => return Ok(None),
    };
    let extension = object.kudos.as_ref();
    Ok(Some(RemoteKudos {
        recipient,
        message: message(object),
        category: extension.and_then(|k| k.category.clone()),
        thanks_for: extension
            .and_then(|k| k.thanks_for.as_ref())
            .map(Url::to_string),
    }))
}

/// Whether `object`, a top-level post to `community`, is a kudos (it
/// names someone to thank).
pub(super) fn is_kudos(object: &PostObject, community: &str) -> bool {
    recipient(object, community).is_some()
}

/// Who a kudos thanks: the extension's recipient, else (a toot tagged
/// `#kudos`) the first person it mentions other than the community and
/// its author.
fn recipient(object: &PostObject, community: &str) -> Option<Url> {
    if let Some(extension) = &object.kudos {
        return Some(extension.recipient.clone());
    }
    let tagged = object.hashtags().any(|h| {
        h.trim_start_matches('#')
            .eq_ignore_ascii_case(kudos::HASHTAG)
    });
    if !tagged {
        return None;
    }
    object
        .mentions()
        .find(|m| m.as_str() != community && Some(*m) != object.attributed_to.as_ref())
        .cloned()
}

/// What the giver says, as plain text within the message limit: our
/// extension's `message`, else the text of the post.
fn message(object: &PostObject) -> String {
    let text = match object.kudos.as_ref().and_then(|k| k.message.clone()) {
        Some(message) => message,
        None => markdown::plain_text(object.content.as_deref().unwrap_or_default()),
    };
    text.trim().chars().take(kudos::MESSAGE_MAX).collect()
}

/// Whether `object` is a kudos for one of our people (our extension naming
/// a local recipient).
pub(super) fn is_for_local_recipient(fed: &Federation, object: &PostObject) -> bool {
    object
        .kudos
        .as_ref()
        .is_some_and(|k| fed.is_local(&k.recipient))
}

/// Keeps a kudos sent to one of our people in a community we do not hold:
/// by `actor` (its author, checked), public, naming its community in
/// `audience`.
pub(super) async fn for_local_recipient(
    fed: &Federation,
    actor: &Url,
    object: &PostObject,
    budget: &FetchBudget,
) -> AppResult<()> {
    let Some(extension) = &object.kudos else {
        return Err(refused("not a kudos"));
    };
    let public = object
        .to
        .iter()
        .chain(&object.cc)
        .any(|a| a.as_str() == PUBLIC);
    if !public {
        return Err(refused("only public kudos are kept"));
    }
    let group = object
        .audience
        .as_ref()
        .ok_or_else(|| refused("the kudos names no community (`audience`)"))?;
    let community = match resolve::actor(fed, group, budget, false).await {
        Ok(KnownActor::Community(community)) => *community,
        _ => return Err(refused("the kudos' `audience` is not a community")),
    };
    let giver = person(fed, actor, budget).await?;
    let mut conn = fed.state.pool.get().await?;
    let recipient = db::person::find_by_ap_id(&mut conn, extension.recipient.as_str())
        .await?
        .filter(|p| p.local && p.deleted_at.is_none())
        .ok_or_else(|| refused("the kudos' recipient has no account here"))?;
    let message = message(object);
    let thanks_for = extension.thanks_for.as_ref().map(Url::to_string);
    let draft = KudosDraft {
        recipient: &recipient,
        message: &message,
        category: extension.category.as_deref(),
        thanks_for: thanks_for.as_deref(),
    };
    let published = object
        .published
        .map(|p| p.with_timezone(&Utc))
        .unwrap_or_else(Utc::now);
    crate::services::kudos::receive_for_recipient(
        &mut conn,
        &community,
        &giver,
        &draft,
        object.id.as_str(),
        published,
    )
    .await
}
