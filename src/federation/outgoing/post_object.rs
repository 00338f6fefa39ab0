//! A local post as an ActivityPub object: a `Page` when it has a title
//! (with a plain excerpt in `summary`, which Mastodon shows), else a `Note`;
//! a content warning goes out as Mastodon expects it (`summary` and
//! `sensitive: true`, instead of the excerpt on a `Page`);
//! addressed to the community and the public, naming the community in
//! `audience` and in a `Mention` tag, with `inReplyTo` and `context`. A
//! milestone is by the community itself. A kudos also mentions (and is
//! addressed to) its recipient, so Mastodon notifies them, and carries the
//! `#kudos` hashtag and our `kudos` extension. A charter proposal's poll
//! is a `Question` by the community with the options Accept, Reject and
//! Abstain, their counts, `endTime` (and `closed`), and our `proposal`
//! extension.

use crate::{
    domain::{kudos, markdown, proposal::VoteOption},
    protocol::{
        actor::Source,
        collection::CollectionKind,
        kudos::KudosExtension,
        lenient::PUBLIC,
        note::{Hashtag, Mention, PollOption, PostKind, PostObject, Tag, VoteCount},
        proposal::ProposalExtension,
    },
    services::post::{Poll, PostView, Thanks},
};
use url::Url;

/// The object of a post; `parent` and `root` are the ids of the post it
/// answers and of its thread's first post.
pub fn post_object(view: &PostView, parent: Option<&str>, root: Option<&str>) -> PostObject {
    let row = &view.row;
    let url = |s: &str| Url::parse(s).ok();
    let kind = if view.poll.is_some() {
        PostKind::Question
    } else if row.title.is_some() {
        PostKind::Page
    } else {
        PostKind::Note
    };
    let Some(id) = url(&row.ap_id) else {
        return PostObject::new(kind, Url::parse(PUBLIC).expect("constant URL"));
    };
    let mut object = PostObject::new(kind, id.clone());
    let group = url(&view.community.ap_id);
    object.attributed_to = url(view.author_ap_id());
    object.to = group.iter().cloned().chain(url(PUBLIC)).collect();
    object.cc = view
        .community
        .followers_url
        .as_deref()
        .and_then(url)
        .into_iter()
        .collect();
    object.audience = group.clone();
    object.name = row.title.clone();
    object.content = Some(row.content.clone());
    object.media_type = Some("text/html".into());
    object.source = row.source.as_ref().map(|s| Source {
        content: s.clone(),
        media_type: "text/markdown".into(),
    });
    object.summary = match (&row.content_warning, kind) {
        // Mastodon shows a `Note`'s summary as its content warning, as text.
        (Some(warning), PostKind::Note) => Some(warning.clone()),
        // It shows a `Page` as name, summary and link, the summary inside
        // HTML: escaped (a post about `<script>` must read as text), and
        // the warning instead of an excerpt, which would give the text away.
        (Some(warning), _) => Some(maud::html! { (warning) }.into_string()),
        (None, PostKind::Page) => {
            let excerpt = markdown::excerpt(&row.content, 300);
            Some(maud::html! { (excerpt) }.into_string())
        }
        (None, _) => None,
    };
    object.sensitive = Some(row.sensitive);
    object.in_reply_to = parent.and_then(url);
    object.thread = root.and_then(url).or_else(|| Some(id.clone()));
    object.published = Some(row.published.fixed_offset());
    object.updated = row.updated.map(|u| u.fixed_offset());
    object.url = Some(id);
    if let Some(group) = group.clone() {
        object.tag.push(Tag::Mention(Mention {
            href: group,
            name: Some(format!(
                "@{}@{}",
                view.community.name, view.community.domain
            )),
        }));
    }
    object.milestone = row.milestone;
    if let Some(thanks) = &view.thanks {
        add_kudos(&mut object, thanks, group);
    }
    if let Some(poll) = &view.poll {
        add_poll(&mut object, poll);
    }
    object
}

/// What makes a community's post a charter proposal's poll: the options
/// with their counts, when voting ends or ended, and our extension.
fn add_poll(object: &mut PostObject, poll: &Poll) {
    let proposal = &poll.proposal;
    let tally = proposal.tally();
    object.one_of = VoteOption::ALL
        .into_iter()
        .map(|option| PollOption {
            kind: PostKind::Note,
            name: option.poll_name().to_string(),
            replies: Some(VoteCount {
                kind: CollectionKind::Collection,
                total_items: u64::try_from(tally.of(option)).unwrap_or(0),
            }),
        })
        .collect();
    object.voters_count = Some(u64::try_from(tally.voters()).unwrap_or(0));
    let ends = proposal.closed_at.unwrap_or(proposal.closes_at);
    object.end_time = Some(ends.fixed_offset());
    object.closed = proposal.closed_at.map(|at| at.fixed_offset());
    object.proposal = Some(ProposalExtension {
        charter: serde_json::to_value(&proposal.charter).unwrap_or_default(),
        rationale: proposal.rationale.clone(),
        base_version: proposal.base_version,
        proposer: poll
            .proposer
            .as_ref()
            .and_then(|p| Url::parse(&p.ap_id).ok()),
        status: proposal.status,
        quorum: proposal.quorum,
        charter_version: proposal.charter_version,
    });
}

/// What makes a post a kudos on the wire.
fn add_kudos(object: &mut PostObject, thanks: &Thanks, group: Option<Url>) {
    let Ok(recipient) = Url::parse(&thanks.recipient.ap_id) else {
        return;
    };
    object.cc.push(recipient.clone());
    object.tag.push(Tag::Mention(Mention {
        href: recipient.clone(),
        name: thanks
            .recipient
            .username
            .as_ref()
            .map(|name| format!("@{name}@{}", thanks.recipient.domain)),
    }));
    let mut wall = group;
    if let Some(wall) = &mut wall {
        wall.set_fragment(Some(kudos::HASHTAG));
    }
    object.tag.push(Tag::Hashtag(Hashtag {
        href: wall,
        name: format!("#{}", kudos::HASHTAG),
    }));
    object.kudos = Some(KudosExtension {
        recipient,
        category: thanks.kudos.category.clone(),
        thanks_for: thanks
            .kudos
            .thanks_for
            .as_deref()
            .and_then(|link| Url::parse(link).ok()),
        message: Some(thanks.kudos.message.clone()),
    });
}
