//! A community's direct note to one person: a `Create{Note}` addressed to
//! them alone with a `Mention`, so Mastodon notifies them (answers to RSVPs
//! that came as replies, changes to events they answered).

use super::{Translator, bad, deliver};
use crate::{
    db::{community::CommunityRow, person::PersonRow},
    protocol::{
        activity::{Activity, ActivityKind, AnyObject},
        note::{Mention, PostKind, PostObject, Tag},
    },
};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use url::Url;

/// Sends `text` from `community` to `person`, mentioning them first
/// (`in_reply_to`: what it answers, to thread it there).
pub async fn direct_note(
    conn: &mut AsyncPgConnection,
    out: &Translator,
    community: &CommunityRow,
    person: &PersonRow,
    text: &str,
    in_reply_to: Option<Url>,
) -> QueryResult<()> {
    let who = Url::parse(&person.ap_id).map_err(bad)?;
    let group = Url::parse(&community.ap_id).map_err(bad)?;
    let handle = match &person.username {
        Some(name) => format!("@{name}@{}", person.domain),
        None => format!("@{}", person.shown_name()),
    };
    let mut note = PostObject::new(PostKind::Note, out.urls.activity_id("Note"));
    note.content = Some(
        maud::html! {
            p {
                span class="h-card" { a href=(who.as_str()) class="u-url mention" { (handle) } }
                " " (text)
            }
        }
        .into_string(),
    );
    note.attributed_to = Some(group.clone());
    note.in_reply_to = in_reply_to;
    note.to = vec![who.clone()];
    note.tag = vec![Tag::Mention(Mention {
        href: who.clone(),
        name: Some(handle),
    })];
    note.published = Some(chrono::Utc::now().fixed_offset());
    let mut create = Activity::new(
        ActivityKind::Create,
        out.urls.activity_id("Create"),
        group,
        AnyObject::Post(Box::new(note)),
    );
    create.to = vec![who];
    let inbox = person.shared_inbox.clone().unwrap_or(person.inbox.clone());
    deliver::publish(conn, create, &[inbox]).await
}
