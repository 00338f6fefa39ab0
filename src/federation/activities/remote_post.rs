//! Reading a post object off the wire into what services need
//! ([`RemotePost`]): its content warning, its media as references, the
//! mentions a derived title leaves out, and when it was edited. The inbox
//! checks the media of embedded posts with [`check_media`] before storing.

use crate::{
    domain::{
        FieldError, markdown,
        media::{self, Attachments, MediaAttachment, MediaKind},
    },
    protocol::{
        activity::{Announced, AnyActivity, AnyObject},
        lenient::{IdOrObject, PUBLIC},
        note::{AttachmentKind, PostKind, PostObject, Tag},
    },
    services::post::remote::RemotePost,
};
use chrono::Utc;

/// What services need of `object`; `allow_http` (dev mode) lets media
/// references use plain `http`.
pub fn read(object: &PostObject, allow_http: bool) -> Result<RemotePost, FieldError> {
    Ok(RemotePost {
        ap_id: object.id.to_string(),
        title: object.name.clone(),
        content: object.content.clone(),
        in_reply_to: object.in_reply_to.as_ref().map(ToString::to_string),
        published: object.published.map(|p| p.with_timezone(&Utc)),
        public: object
            .to
            .iter()
            .chain(&object.cc)
            .any(|a| a.as_str() == PUBLIC),
        content_warning: content_warning(object),
        sensitive: object.sensitive == Some(true),
        attachments: attachments(object, allow_http)?,
        mentions: object
            .tag
            .iter()
            .filter_map(|tag| match tag {
                Tag::Mention(mention) => mention.name.clone(),
                Tag::Hashtag(_) => None,
            })
            .collect(),
        updated: object.updated.map(|u| u.with_timezone(&Utc)),
        kudos: None,
    })
}

/// The content warning: the `summary` of a `Note` (or poll), which
/// Mastodon shows as its CW, as plain text. On titled kinds (`Page`,
/// `Article`) `summary` is an excerpt (ours, Lemmy's), and a warning only
/// when the object is `sensitive`; it is HTML there (Mastodon puts a
/// `Page`'s summary into its text), so its text is taken.
fn content_warning(object: &PostObject) -> Option<String> {
    let summary = object.summary.as_deref()?;
    let text = match object.kind {
        PostKind::Note | PostKind::Question => summary.to_string(),
        PostKind::Page | PostKind::Article if object.sensitive == Some(true) => {
            markdown::plain_text(summary)
        }
        _ => return None,
    };
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

/// The media of `object` (links are not media), checked: at most
/// [`media::MAX_ATTACHMENTS`] attachments, each an `https` reference
/// (`http` too when `allow_http`). Media without a URL show nothing and
/// are left out.
fn attachments(object: &PostObject, allow_http: bool) -> Result<Attachments, FieldError> {
    media::check_count(object.attachment.len())?;
    let mut kept = Vec::new();
    for (n, attachment) in object.attachment.iter().enumerate() {
        let kind = match attachment.kind {
            AttachmentKind::Link => continue,
            AttachmentKind::Image => MediaKind::Image,
            AttachmentKind::Document => MediaKind::Document,
            AttachmentKind::Video => MediaKind::Video,
            AttachmentKind::Audio => MediaKind::Audio,
        };
        let Some(url) = &attachment.url else {
            continue;
        };
        let field = format!("attachment[{n}]");
        let mut media = MediaAttachment::new(&field, kind, url.as_str(), allow_http)?.described(
            attachment.name.as_deref(),
            attachment.media_type.as_deref(),
            attachment.blurhash.as_deref(),
        );
        media.width = attachment.width;
        media.height = attachment.height;
        kept.push(media);
    }
    Ok(Attachments(kept))
}

/// Checks the media of every post `activity` embeds (a `Create` or
/// `Update`, or one inside an `Announce`).
pub fn check_media(activity: &AnyActivity, allow_http: bool) -> Result<(), FieldError> {
    let object = match activity {
        AnyActivity::Create(a) | AnyActivity::Update(a) => &a.object,
        AnyActivity::Announce(a) => match &a.object {
            IdOrObject::Object(announced) => match announced.as_ref() {
                Announced::Object(object) => object,
                Announced::Activity(inner) => return check_media(inner, allow_http),
            },
            IdOrObject::Id(_) => return Ok(()),
        },
        _ => return Ok(()),
    };
    match object {
        AnyObject::Post(post) => attachments(post, allow_http).map(|_| ()),
        AnyObject::Event(_) | AnyObject::Actor(_) => Ok(()),
    }
}
