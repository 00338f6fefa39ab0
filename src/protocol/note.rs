//! Post-like objects on the wire: `Note`, `Page`, `Article`, `Question` and
//! the `Tombstone` a deleted post leaves, with their tags and attachments.

use super::{
    actor::Source,
    collection::CollectionKind,
    jsonld::Context,
    kudos::KudosExtension,
    lenient::{addressees, default_if_invalid, drop_invalid, first_id, text_or_map},
    proposal::ProposalExtension,
};
use crate::domain::milestone::MilestoneKind;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use url::Url;

/// The post-like object types we understand.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub enum PostKind {
    /// A comment, a toot, a kudos; Mastodon shows it in full.
    Note,
    /// A titled post (Lemmy); Mastodon shows `name`, `summary` and a link.
    Page,
    /// A titled post (Friendica, WordPress, NodeBB); shown like a `Page`.
    Article,
    /// A poll (FEP-9967); Mastodon shows it in full.
    Question,
    /// What is left of a deleted object.
    Tombstone,
}

/// A post, comment, article, poll or tombstone.
///
/// For Mastodon, send a `Note` with HTML `content`, or a `Page` with `name`
/// and a plain-text `summary` (Mastodon shows no `content` for a `Page`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PostObject {
    #[serde(rename = "@context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    #[serde(rename = "type")]
    pub kind: PostKind,
    pub id: Url,
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub attributed_to: Option<Url>,
    #[serde(
        default,
        deserialize_with = "addressees",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub to: Vec<Url>,
    #[serde(
        default,
        deserialize_with = "addressees",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub cc: Vec<Url>,
    /// FEP-1b12: the group the object was posted in.
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub audience: Option<Url>,
    /// The title.
    #[serde(
        default,
        deserialize_with = "text_or_map",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// The body, usually HTML (see `media_type`).
    #[serde(
        default,
        deserialize_with = "text_or_map",
        skip_serializing_if = "Option::is_none"
    )]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// The Markdown source of `content`; a source that is not an object
    /// with `content` and `mediaType` (Pleroma sends a bare string) is dropped.
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub source: Option<Source>,
    /// A plain-text excerpt (titled posts) or a content warning (`Note`).
    #[serde(
        default,
        deserialize_with = "text_or_map",
        skip_serializing_if = "Option::is_none"
    )]
    pub summary: Option<String>,
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub in_reply_to: Option<Url>,
    /// FEP-7888 `context`: the thread (conversation) the object belongs to.
    #[serde(
        rename = "context",
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub thread: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<FixedOffset>>,
    /// The human-readable page (or, for link posts, the linked page).
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub url: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive: Option<bool>,
    /// Mentions and hashtags; emoji and other tags are dropped.
    #[serde(
        default,
        deserialize_with = "drop_invalid",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tag: Vec<Tag>,
    /// Links and media; entries of other kinds are dropped.
    #[serde(
        default,
        deserialize_with = "drop_invalid",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub attachment: Vec<Attachment>,
    /// `Question`: the answers of a single-choice poll.
    #[serde(
        default,
        deserialize_with = "drop_invalid",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub one_of: Vec<PollOption>,
    /// `Question`: the answers of a multiple-choice poll.
    #[serde(
        default,
        deserialize_with = "drop_invalid",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub any_of: Vec<PollOption>,
    /// `Question`: when voting closes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voters_count: Option<u64>,
    /// `Question`: when voting closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<DateTime<FixedOffset>>,
    /// Our extension on a kudos `Note` (a malformed one is left out).
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub kudos: Option<KudosExtension>,
    /// Our extension on a post by a community itself: the milestone it
    /// celebrates.
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub milestone: Option<MilestoneKind>,
    /// Our extension on a community's `Question`: the charter proposal it
    /// decides (a malformed one is left out).
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub proposal: Option<ProposalExtension>,
}

impl PostObject {
    /// An object with only its type and id; fill in the rest by field.
    pub fn new(kind: PostKind, id: Url) -> Self {
        PostObject {
            context: None,
            kind,
            id,
            attributed_to: None,
            to: Vec::new(),
            cc: Vec::new(),
            audience: None,
            name: None,
            content: None,
            media_type: None,
            source: None,
            summary: None,
            in_reply_to: None,
            thread: None,
            published: None,
            updated: None,
            url: None,
            sensitive: None,
            tag: Vec::new(),
            attachment: Vec::new(),
            one_of: Vec::new(),
            any_of: Vec::new(),
            end_time: None,
            voters_count: None,
            closed: None,
            kudos: None,
            milestone: None,
            proposal: None,
        }
    }

    /// The actors mentioned in `tag`.
    pub fn mentions(&self) -> impl Iterator<Item = &Url> {
        self.tag.iter().filter_map(|tag| match tag {
            Tag::Mention(mention) => Some(&mention.href),
            Tag::Hashtag(_) => None,
        })
    }

    /// The hashtag names in `tag`, as sent (usually with the leading `#`).
    pub fn hashtags(&self) -> impl Iterator<Item = &str> {
        self.tag.iter().filter_map(|tag| match tag {
            Tag::Hashtag(hashtag) => Some(hashtag.name.as_str()),
            Tag::Mention(_) => None,
        })
    }
}

/// An entry of `tag` that we keep.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type")]
pub enum Tag {
    Mention(Mention),
    Hashtag(Hashtag),
}

/// A `Mention` tag: Mastodon notifies `href` when it is also addressed.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Mention {
    pub href: Url,
    /// `@name@host`; Smithereen leaves it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A `Hashtag` tag.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Hashtag {
    /// The tag's page on the sender's server.
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub href: Option<Url>,
    /// `#name`.
    pub name: String,
}

/// The attachment types we keep.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub enum AttachmentKind {
    Link,
    Image,
    Document,
    Video,
    Audio,
}

/// A link (Lemmy link posts, Mobilizon event links) or a media file.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    #[serde(rename = "type")]
    pub kind: AttachmentKind,
    /// Where a `Link` points.
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub href: Option<Url>,
    /// Where a media file is.
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub url: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// A link's title or a media file's description (alt text).
    #[serde(
        default,
        deserialize_with = "text_or_map",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// Mastodon's placeholder while the media loads.
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub blurhash: Option<String>,
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub width: Option<u32>,
    #[serde(
        default,
        deserialize_with = "default_if_invalid",
        skip_serializing_if = "Option::is_none"
    )]
    pub height: Option<u32>,
}

impl Attachment {
    /// The URL the attachment points to: `href` for links, `url` for media.
    pub fn target(&self) -> Option<&Url> {
        self.href.as_ref().or(self.url.as_ref())
    }
}

/// A poll answer (`oneOf`/`anyOf` entry): a named `Note` with a vote count.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PollOption {
    #[serde(rename = "type")]
    pub kind: PostKind,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replies: Option<VoteCount>,
}

/// The `replies` of a poll answer, of which only the count matters.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct VoteCount {
    #[serde(rename = "type", default)]
    pub kind: CollectionKind,
    pub total_items: u64,
}
