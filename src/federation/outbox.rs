//! A community's outbox: its 20 newest top-level posts, as the community's
//! `Announce`s (Lemmy reads a community's outbox to show recent posts when
//! someone first follows it). Our own posts are announced as the author's
//! `Create` with the post embedded; posts from elsewhere by id.

use super::outgoing::post_object::post_object;
use crate::{
    db::community::CommunityRow,
    error::{AppError, AppResult},
    protocol::{
        activity::{Activity, ActivityKind, Announced, AnyActivity, AnyObject},
        collection::Collection,
        lenient::{IdOrObject, PUBLIC},
    },
    services::{AppState, post},
};
use url::Url;

/// How many posts the outbox shows.
const OUTBOX_SIZE: i64 = 20;

/// The outbox collection of `community`.
pub async fn community_outbox(
    state: &AppState,
    community: &CommunityRow,
) -> AppResult<Collection<Activity<IdOrObject<Box<Announced>>>>> {
    let group = Url::parse(&community.ap_id).map_err(AppError::internal)?;
    let (posts, _) = post::list_posts(state, community, None, OUTBOX_SIZE).await?;
    let mut items = Vec::with_capacity(posts.len());
    for view in posts {
        let id = Url::parse(&view.row.ap_id).map_err(AppError::internal)?;
        let object = if view.row.local {
            let object = post_object(&view, None, None);
            let mut create = Activity::new(
                ActivityKind::Create,
                with_fragment(&id, "create"),
                object
                    .attributed_to
                    .clone()
                    .unwrap_or_else(|| group.clone()),
                AnyObject::Post(Box::new(object.clone())),
            );
            create.to = object.to.clone();
            create.cc = object.cc.clone();
            create.audience = Some(group.clone());
            IdOrObject::Object(Box::new(Announced::Activity(Box::new(
                AnyActivity::Create(create),
            ))))
        } else {
            IdOrObject::Id(id.clone())
        };
        let mut announce = Activity::new(
            ActivityKind::Announce,
            with_fragment(&group, &format!("announce-{}", view.row.id)),
            group.clone(),
            object,
        );
        announce.to = vec![Url::parse(PUBLIC).map_err(AppError::internal)?];
        announce.cc = community
            .followers_url
            .as_deref()
            .and_then(|f| Url::parse(f).ok())
            .into_iter()
            .collect();
        announce.audience = Some(group.clone());
        items.push(announce);
    }
    let outbox = Url::parse(&format!("{}/outbox", community.ap_id)).map_err(AppError::internal)?;
    Ok(Collection::ordered(outbox, items))
}

fn with_fragment(url: &Url, fragment: &str) -> Url {
    let mut url = url.clone();
    url.set_fragment(Some(fragment));
    url
}
