//! A local person's posts, edits, deletions and likes as activities:
//! `Create`, `Update`, `Delete`, `Like` and `Undo{Like}` by the author, sent
//! to a remote community's inbox or announced by a local one; a reply to a
//! remote author on non-group software (Mastodon) also goes to that author.

use super::{Translator, bad, deliver, post_object::post_object};
use crate::{
    db::{self, person::PersonRow, post::PostRow},
    protocol::{
        activity::{Activity, ActivityKind, AnyActivity, AnyObject, Reference},
        lenient::{IdOrObject, PUBLIC},
        note::PostObject,
    },
    services::post::{self, PostView},
};
use diesel::{QueryResult, result::Error::NotFound};
use diesel_async::AsyncPgConnection;
use url::Url;

/// A post with its community and author, and the ids of its parent and root.
struct Loaded {
    view: PostView,
    parent: Option<PostRow>,
    root_ap_id: Option<String>,
}

async fn load(conn: &mut AsyncPgConnection, post_id: i64) -> QueryResult<Loaded> {
    let row = db::post::find(conn, post_id).await?.ok_or(NotFound)?;
    let parent = match row.parent_id {
        Some(id) => db::post::find(conn, id).await?,
        None => None,
    };
    let root_ap_id = match row.root_id {
        Some(id) => db::post::find(conn, id).await?.map(|r| r.ap_id),
        None => None,
    };
    Ok(Loaded {
        view: post::load_view(conn, row).await?,
        parent,
        root_ap_id,
    })
}

impl Loaded {
    fn object(&self) -> PostObject {
        post_object(
            &self.view,
            self.parent.as_ref().map(|p| p.ap_id.as_str()),
            self.root_ap_id.as_deref(),
        )
    }
}

/// The author's `Create` or `Update` of the object.
fn carrying(out: &Translator, kind: ActivityKind, object: &PostObject) -> Activity<AnyObject> {
    let mut activity = Activity::new(
        kind,
        out.urls.activity_id(&format!("{kind:?}")),
        object
            .attributed_to
            .clone()
            .unwrap_or_else(|| object.id.clone()),
        AnyObject::Post(Box::new(object.clone())),
    );
    activity.to = object.to.clone();
    activity.cc = object.cc.clone();
    activity.audience = object.audience.clone();
    activity
}

/// A new post or reply.
pub async fn created(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    post_id: i64,
) -> QueryResult<()> {
    let loaded = load(conn, post_id).await?;
    let object = loaded.object();
    let create = carrying(out, ActivityKind::Create, &object);
    let boost = loaded.parent.is_none().then(|| object.id.clone());
    let community = &loaded.view.community;
    let recipient: Vec<String> = recipient_inbox(&loaded.view).into_iter().collect();
    let create = AnyActivity::Create(create);
    deliver::member_activity_also(conn, out, community, create, boost, &recipient).await?;
    if let Some(parent) = &loaded.parent
        && let Some(author_id) = parent.author_id
    {
        let parent_author = db::person::find(conn, author_id).await?;
        if let Some(parent_author) = parent_author.filter(|p| !p.local) {
            notify_participant(conn, out, &parent_author, &object).await?;
        }
    }
    Ok(())
}

/// A kudos also goes straight to a remote recipient's server, which may
/// not follow the community: Mastodon notifies them, and a Guildhall there
/// lists it under the kudos they received.
fn recipient_inbox(view: &PostView) -> Option<String> {
    let recipient = &view.thanks.as_ref()?.recipient;
    (!recipient.local).then(|| {
        recipient
            .shared_inbox
            .clone()
            .unwrap_or_else(|| recipient.inbox.clone())
    })
}

/// An edited post.
pub async fn edited(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    post_id: i64,
) -> QueryResult<()> {
    let loaded = load(conn, post_id).await?;
    let update = carrying(out, ActivityKind::Update, &loaded.object());
    let community = &loaded.view.community;
    deliver::member_activity(conn, out, community, AnyActivity::Update(update), None).await
}

/// A post its author deleted.
pub async fn deleted(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    post_id: i64,
) -> QueryResult<()> {
    let loaded = load(conn, post_id).await?;
    let view = &loaded.view;
    let mut delete = Activity::new(
        ActivityKind::Delete,
        out.urls.activity_id("Delete"),
        Url::parse(view.author_ap_id()).map_err(bad)?,
        Reference(Url::parse(&view.row.ap_id).map_err(bad)?),
    );
    delete.audience = Url::parse(&view.community.ap_id).ok();
    delete.to = [Url::parse(PUBLIC).map_err(bad)?]
        .into_iter()
        .chain(delete.audience.clone())
        .collect();
    let recipient: Vec<String> = recipient_inbox(view).into_iter().collect();
    let delete = AnyActivity::Delete(delete);
    deliver::member_activity_also(conn, out, &view.community, delete, None, &recipient).await
}

/// A like (`undo`: its withdrawal) by `person_id` of `post_id`.
pub async fn vote(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    post_id: i64,
    person_id: i64,
    like_id: &str,
    undo: bool,
) -> QueryResult<()> {
    let post = db::post::find(conn, post_id).await?.ok_or(NotFound)?;
    let community = db::community::find(conn, post.community_id)
        .await?
        .ok_or(NotFound)?;
    let person = db::person::find(conn, person_id).await?.ok_or(NotFound)?;
    let actor = Url::parse(&person.ap_id).map_err(bad)?;
    let audience = Url::parse(&community.ap_id).ok();
    let mut like = Activity::new(
        ActivityKind::Like,
        Url::parse(like_id).map_err(bad)?,
        actor.clone(),
        Reference(Url::parse(&post.ap_id).map_err(bad)?),
    );
    let activity = if undo {
        let mut undo = Activity::new(
            ActivityKind::Undo,
            out.urls.activity_id("Undo"),
            actor,
            IdOrObject::Object(Box::new(AnyActivity::Like(like))),
        );
        undo.audience = audience;
        undo.to = undo.audience.iter().cloned().collect();
        AnyActivity::Undo(undo)
    } else {
        like.audience = audience;
        like.to = like.audience.iter().cloned().collect();
        AnyActivity::Like(like)
    };
    deliver::member_activity(conn, out, &community, activity, None).await
}

/// Sends a reply's `Create` straight to the remote author it answers, when
/// their software does not follow groups (Mastodon): they take part, so they
/// see it; other followers there do not get it boosted.
async fn notify_participant(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    participant: &PersonRow,
    object: &PostObject,
) -> QueryResult<()> {
    let software = db::peer::software(conn, &participant.domain).await?;
    if deliver::is_group_aware(software.as_deref()) {
        return Ok(());
    }
    let mut object = object.clone();
    if let Ok(who) = Url::parse(&participant.ap_id) {
        object.cc.push(who);
    }
    let mut create = carrying(out, ActivityKind::Create, &object);
    create.audience = None;
    let inbox = participant
        .shared_inbox
        .clone()
        .unwrap_or_else(|| participant.inbox.clone());
    deliver::publish(conn, create, &[inbox]).await
}
