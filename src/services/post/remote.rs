//! Posts arriving from other servers: new posts and replies, edits,
//! deletions and likes. This module reads what the other server sent and
//! who may change what; the change itself goes through the shared write
//! path (`store`) with the incoming activity as its origin, the same rules
//! as our people's, and in a local community it is passed on.

use super::store::{self, CommunityPost, Draft, Origin};
use crate::{
    db::{
        self,
        community::CommunityRow,
        person::PersonRow,
        post::{PostContent, PostRow},
    },
    domain::{markdown, media::Attachments, milestone::MilestoneKind, post::derive_title},
    error::{AppError, AppResult},
    services::{AppState, kudos::KudosDraft},
};
use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;

/// A post as another server sent it, read off its wire object.
#[derive(Clone, Debug)]
pub struct RemotePost {
    pub ap_id: String,
    /// The title (`name`), if any.
    pub title: Option<String>,
    /// HTML, not sanitised yet.
    pub content: Option<String>,
    pub in_reply_to: Option<String>,
    pub published: Option<DateTime<Utc>>,
    /// Addressed to the public (not followers-only or direct).
    pub public: bool,
    /// The content warning, as plain text.
    pub content_warning: Option<String>,
    pub sensitive: bool,
    /// Media, as references to where they live.
    pub attachments: Attachments,
    /// The names of its `Mention` tags (`@secguild@guild.example`), which a
    /// derived title leaves out.
    pub mentions: Vec<String>,
    /// When its author last edited it.
    pub updated: Option<DateTime<Utc>>,
    /// The kudos it carries, if it is one (a `kudos` extension, or a
    /// Mastodon toot with `#kudos` that mentions a person).
    pub kudos: Option<RemoteKudos>,
}

/// A kudos as another server sent it, its recipient already known.
#[derive(Clone, Debug)]
pub struct RemoteKudos {
    pub recipient: PersonRow,
    /// What the giver thanks for, as plain text.
    pub message: String,
    pub category: Option<String>,
    /// The id of the post or event it thanks for.
    pub thanks_for: Option<String>,
}

impl RemoteKudos {
    /// The kudos as `community` takes it from `giver`: refused when it goes
    /// to the giver or to someone the community banned; a category the
    /// community does not have, or a link to something not of the
    /// community, is left out.
    pub async fn draft<'a>(
        &'a self,
        conn: &mut AsyncPgConnection,
        community: &CommunityRow,
        giver: &PersonRow,
    ) -> AppResult<KudosDraft<'a>> {
        if self.recipient.id == giver.id {
            return Err(refuse("a kudos to oneself is not counted"));
        }
        if db::community::is_banned(conn, community.id, self.recipient.id).await? {
            return Err(refuse("the kudos' recipient is banned from this community"));
        }
        let category = self
            .category
            .as_deref()
            .filter(|c| community.kudos_categories().contains(c));
        let mut thanks_for = None;
        if let Some(link) = self.thanks_for.as_deref() {
            let post = db::post::find_by_ap_id(conn, link).await?;
            let event = db::event::find_by_ap_id(conn, link).await?;
            if post.is_some_and(|p| p.community_id == community.id)
                || event.is_some_and(|e| e.community_id == community.id)
            {
                thanks_for = Some(link);
            }
        }
        Ok(KudosDraft {
            recipient: &self.recipient,
            message: &self.message,
            category,
            thanks_for,
        })
    }
}

impl RemotePost {
    /// Its content, with `title` (and whether it was derived).
    pub(super) fn content<'a>(
        &'a self,
        html: &'a str,
        title: Option<&'a str>,
        derived: bool,
    ) -> PostContent<'a> {
        PostContent {
            title,
            title_derived: derived,
            content: html,
            source: None,
            content_warning: self.content_warning.as_deref(),
            sensitive: self.sensitive,
            attachments: &self.attachments,
            updated: self.updated,
        }
    }

    /// The title it gives (`name`).
    fn given_title(&self) -> Option<&str> {
        self.title
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
    }

    /// The title it gives, else one derived from its text (see
    /// [`derive_title`]); true when derived.
    pub(super) fn title(&self, html: &str) -> (Option<String>, bool) {
        match self.given_title() {
            Some(name) => (Some(name.to_string()), false),
            None => {
                let mentions: Vec<&str> = self.mentions.iter().map(String::as_str).collect();
                let warning = self.content_warning.as_deref();
                (derive_title(html, warning, &mentions), true)
            }
        }
    }
}

fn refuse(reason: impl Into<String>) -> AppError {
    AppError::forbidden(reason)
}

/// Stores a post a remote community wrote itself (a milestone it
/// celebrates), as it announced it: public and top-level only.
pub async fn receive_community_post(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community: &CommunityRow,
    object: &RemotePost,
    kind: MilestoneKind,
) -> AppResult<PostRow> {
    if community.local {
        return Err(refuse("our communities write their own posts"));
    }
    if !object.public || object.in_reply_to.is_some() {
        return Err(refuse(
            "a community's own post is taken when public and top-level",
        ));
    }
    let html = markdown::sanitize_html(object.content.as_deref().unwrap_or_default());
    let (title, _) = object.title(&html);
    let title = title.unwrap_or_else(|| kind.as_str().replace('_', " "));
    let post = CommunityPost {
        ap_id: Some(&object.ap_id),
        title: &title,
        html: &html,
        milestone: Some(kind),
        published: object.published.unwrap_or_else(Utc::now),
    };
    Ok(store::create_by_community(conn, state, community, post).await?)
}

/// Stores a remote post or reply in `community`; `activity` is the stored
/// incoming activity that carried it. A post we already have is returned
/// as it is.
pub async fn receive_post(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community: &CommunityRow,
    author: &PersonRow,
    object: &RemotePost,
    activity: &str,
) -> AppResult<PostRow> {
    if let Some(existing) = db::post::find_by_ap_id(conn, &object.ap_id).await? {
        return Ok(existing);
    }
    if !object.public {
        return Err(refuse(
            "only public posts are published (this one is followers-only or direct)",
        ));
    }
    let parent = match &object.in_reply_to {
        Some(parent) => Some(
            db::post::find_by_ap_id(conn, parent)
                .await?
                .ok_or_else(|| refuse("a reply to a post we do not know"))?,
        ),
        None => None,
    };
    if parent
        .as_ref()
        .is_some_and(|parent| parent.community_id != community.id)
    {
        return Err(refuse("the post answers a post of another community"));
    }
    let html = markdown::sanitize_html(object.content.as_deref().unwrap_or_default());
    let (title, derived) = match parent {
        Some(_) => (None, false),
        None => object.title(&html),
    };
    let kudos = match (&object.kudos, &parent) {
        (Some(kudos), None) => Some(kudos.draft(conn, community, author).await?),
        _ => None,
    };
    let draft = Draft {
        ap_id: Some(&object.ap_id),
        content: object.content(&html, title.as_deref(), derived),
        published: object.published.unwrap_or_else(Utc::now),
        kudos,
    };
    let origin = Origin::Remote { activity };
    store::create(
        conn,
        state,
        community,
        author,
        parent.as_ref(),
        draft,
        origin,
    )
    .await
}

/// Applies an author's edit of a remote post.
pub async fn receive_update(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    author: &PersonRow,
    object: &RemotePost,
    activity: &str,
) -> AppResult<()> {
    let post = db::post::find_by_ap_id(conn, &object.ap_id)
        .await?
        .ok_or_else(|| refuse("an update of a post we do not know"))?;
    if post.author_id != Some(author.id) {
        return Err(refuse("only the author may edit a post"));
    }
    let html = markdown::sanitize_html(object.content.as_deref().unwrap_or_default());
    let (title, derived) = if post.parent_id.is_some() {
        (None, false)
    } else if object.given_title().is_none() && post.title.is_some() && !post.title_derived {
        // A title given before stays when the edit leaves it out.
        (post.title.clone(), false)
    } else {
        // A derived title follows the text.
        object.title(&html)
    };
    let mut content = object.content(&html, title.as_deref(), derived);
    content.updated = Some(object.updated.unwrap_or_else(Utc::now));
    store::edit(conn, state, &post, content, Origin::Remote { activity }).await?;
    Ok(())
}

/// Applies a deletion of a post by its author (or a moderator of its community).
pub async fn receive_delete(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    actor: &PersonRow,
    object_id: &str,
    activity: &str,
) -> AppResult<()> {
    let Some(post) = db::post::find_by_ap_id(conn, object_id).await? else {
        // A kudos kept here only for its recipient: its giver takes it back.
        if let Some(kudos) = db::kudos::find_by_ap_id(conn, object_id).await?
            && kudos.giver_id == actor.id
        {
            db::kudos::set_removed(conn, kudos.id, true).await?;
        }
        return Ok(());
    };
    let moderator = db::moderator::moderator_ids(conn, post.community_id)
        .await?
        .contains(&actor.id);
    if post.author_id != Some(actor.id) && !moderator {
        return Err(refuse("only the author may delete a post"));
    }
    store::set_deleted(conn, state, &post, true, Origin::Remote { activity }).await
}

/// Restores a post its author deleted (`Undo{Delete}` by the author; a
/// moderator's removal stays).
pub async fn receive_restore(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    author: &PersonRow,
    object_id: &str,
    activity: &str,
) -> AppResult<()> {
    let Some(post) = db::post::find_by_ap_id(conn, object_id).await? else {
        return Ok(());
    };
    if post.author_id != Some(author.id) {
        return Err(refuse("only the author may restore a post they deleted"));
    }
    if !post.deleted {
        return Ok(());
    }
    store::set_deleted(conn, state, &post, false, Origin::Remote { activity }).await
}

/// Counts a like (`like_id` is the Like activity's id).
pub async fn receive_like(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    person: &PersonRow,
    object_id: &str,
    like_id: &str,
    activity: &str,
) -> AppResult<()> {
    let post = db::post::find_by_ap_id(conn, object_id)
        .await?
        .ok_or_else(|| refuse("a like of a post we do not know"))?;
    store::vote(
        conn,
        state,
        &post,
        person,
        Some(like_id),
        Origin::Remote { activity },
    )
    .await
}

/// Takes back a like given by `person` on `object_id`.
pub async fn receive_unlike(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    person: &PersonRow,
    object_id: &str,
    activity: &str,
) -> AppResult<()> {
    let Some(post) = db::post::find_by_ap_id(conn, object_id).await? else {
        return Ok(());
    };
    store::vote(
        conn,
        state,
        &post,
        person,
        None,
        Origin::Remote { activity },
    )
    .await
}
