//! Our actors as ActivityPub documents: communities as `Group`s (with the
//! charter extension and Mastodon profile fields), people as `Person`s, and
//! the instance as an `Application` (FEP-2677).

use crate::{
    db::{community::CommunityRow, instance::InstanceRow, person::PersonRow},
    domain::{
        community::{PostingPolicy, Visibility},
        markdown,
    },
    protocol::{
        actor::{Actor, ActorKind, Endpoints, PublicKey, Source},
        charter::{CharterJson, property_values},
        jsonld::Context,
    },
    urls::Urls,
};
use url::Url;

fn public_key(owner: &Url, pem: &str) -> PublicKey {
    PublicKey {
        id: format!("{owner}#main-key"),
        owner: owner.clone(),
        public_key_pem: pem.to_string(),
    }
}

fn base(kind: ActorKind, id: Url, username: &str, inbox: Url, urls: &Urls, pem: &str) -> Actor {
    Actor {
        context: Some(Context),
        kind,
        public_key: Some(public_key(&id, pem)),
        preferred_username: Some(username.to_string()),
        inbox: Some(inbox),
        endpoints: Some(Endpoints {
            shared_inbox: Some(urls.shared_inbox()),
        }),
        url: Some(id.clone()),
        id,
        name: None,
        summary: None,
        source: None,
        outbox: None,
        followers: None,
        following: None,
        featured: None,
        attributed_to: None,
        manually_approves_followers: None,
        discoverable: None,
        indexable: None,
        posting_restricted_to_mods: None,
        icon: Vec::new(),
        published: None,
        updated: None,
        attachment: Vec::new(),
        webfinger: None,
        charter: None,
        listing: None,
        directory: None,
    }
}

/// A local community as a `Group`.
pub fn group(urls: &Urls, domain: &str, row: &CommunityRow) -> Actor {
    let name = row.name.as_str();
    let part = |p: &str| urls.community_part(name, p);
    let mut actor = base(
        ActorKind::Group,
        urls.community(name),
        name,
        part("inbox"),
        urls,
        &row.public_key,
    );
    actor.name = Some(row.title.clone());
    actor.summary = Some(markdown::to_html(&row.summary));
    actor.source = Some(Source {
        content: row.summary.clone(),
        media_type: "text/markdown".into(),
    });
    actor.outbox = Some(part("outbox"));
    actor.followers = Some(part("followers"));
    actor.featured = Some(part("featured"));
    actor.attributed_to = Some(part("moderators"));
    actor.manually_approves_followers = Some(row.visibility == Visibility::ApprovalRequired);
    actor.discoverable = Some(row.visibility != Visibility::Unlisted);
    actor.indexable = Some(row.visibility != Visibility::Unlisted);
    actor.posting_restricted_to_mods = Some(row.posting_policy == PostingPolicy::Moderators);
    actor.published = Some(row.created_at.fixed_offset());
    actor.updated = Some(row.updated_at.fixed_offset());
    actor.webfinger = Some(format!("{name}@{domain}"));
    if let Some(charter) = &row.charter {
        actor.attachment = property_values(charter);
        actor.charter = Some(CharterJson::from(charter));
    }
    actor
}

/// A local person as a `Person`.
pub fn person(urls: &Urls, domain: &str, row: &PersonRow) -> Actor {
    let handle = row.handle();
    let name = handle.as_str();
    let part = |p: &str| urls.person_part(name, p);
    let mut actor = base(
        ActorKind::Person,
        urls.person(name),
        name,
        part("inbox"),
        urls,
        &row.public_key,
    );
    actor.name = row.display_name.clone();
    actor.summary = row.bio.as_deref().map(markdown::to_html);
    actor.outbox = Some(part("outbox"));
    actor.followers = Some(part("followers"));
    actor.following = Some(part("following"));
    actor.manually_approves_followers = Some(false);
    actor.discoverable = Some(true);
    actor.published = Some(row.created_at.fixed_offset());
    actor.webfinger = Some(format!("{name}@{domain}"));
    actor
}

/// The instance actor as an `Application` (FEP-2677); it signs our fetches.
pub fn instance(urls: &Urls, instance_name: &str, row: &InstanceRow) -> Actor {
    let id = urls.instance_actor();
    let mut actor = base(
        ActorKind::Application,
        id.clone(),
        &row.domain,
        urls.path("/actor/inbox"),
        urls,
        &row.public_key,
    );
    actor.name = Some(instance_name.to_string());
    actor.outbox = Some(urls.path("/actor/outbox"));
    actor.url = Some(urls.home());
    actor.manually_approves_followers = Some(false);
    actor.discoverable = Some(false);
    actor.directory = Some(urls.directory());
    actor
}
