//! What happened, as services tell it. A service that changes something
//! others must hear about emits an [`Outgoing`] value through the
//! [`Publisher`] port, inside its own transaction; `federation::outgoing`
//! turns it into ActivityPub activities and delivery rows in that same
//! transaction (the transactional outbox). Services never build or send
//! activities themselves.

use diesel_async::AsyncPgConnection;

/// Something that happened that other servers must hear about. Rows are
/// named by id; the publisher reads what it needs in the same transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outgoing {
    /// A local person's new post or reply.
    PostCreated { post_id: i64 },
    /// A local person edited their post.
    PostEdited { post_id: i64 },
    /// A local person deleted their post.
    PostDeleted { post_id: i64 },
    /// A local person liked a post; `like_id` is the `Like`'s id.
    Liked {
        post_id: i64,
        person_id: i64,
        like_id: String,
    },
    /// A local person took back the like `like_id`.
    Unliked {
        post_id: i64,
        person_id: i64,
        like_id: String,
    },
    /// A local person asked to follow a remote community with `follow_id`.
    Followed {
        community_id: i64,
        person_id: i64,
        follow_id: String,
    },
    /// A local person left a remote community they followed with `follow_id`.
    Unfollowed {
        community_id: i64,
        person_id: i64,
        follow_id: String,
    },
    /// A local community answered a remote person's follow `follow_id`.
    FollowAnswered {
        community_id: i64,
        follower_id: i64,
        follow_id: String,
        accepted: bool,
    },
    /// A moderator of a local community acted (or undid an action) on
    /// `target` (a post's or person's id).
    Moderated {
        community_id: i64,
        moderator_id: i64,
        action: Moderation,
        target: String,
        reason: Option<String>,
        undo: bool,
    },
    /// A local event (or occurrence of a series) was created.
    EventPublished { event_id: i64 },
    /// A local event changed (or was cancelled).
    EventChanged { event_id: i64 },
    /// The answers to a local event changed (its counts go out again,
    /// without notifying anyone).
    AttendanceChanged { event_id: i64 },
    /// A local person answered a remote event with `activity_id`: `Join`
    /// (going), `TentativeAccept` (interested) or `Leave` (not going).
    RsvpSent {
        event_id: i64,
        person_id: i64,
        activity_id: String,
        status: crate::domain::event::RsvpStatus,
    },
    /// A local event was deleted (the row is gone: what the `Delete` needs).
    EventDeleted {
        community_id: i64,
        organiser_id: i64,
        ap_id: String,
    },
    /// A local event's organiser answered a remote person's RSVP, the
    /// activity `activity_id` (`Join` or `TentativeAccept`, or, with
    /// `by_mention`, a reply to the event from software that cannot join).
    RsvpAnswered {
        event_id: i64,
        person_id: i64,
        activity_id: String,
        accepted: bool,
        by_mention: bool,
    },
    /// Our instance actor asks `domain`'s instance actor to follow it (a
    /// partner link); the link row holds the `Follow`'s id and the inbox.
    PartnerFollowed { domain: String },
    /// Our instance actor takes back its follow `follow_id` of `actor`
    /// (delivered to `inbox`): the partnership ended.
    PartnerUnfollowed {
        actor: String,
        inbox: String,
        follow_id: String,
    },
    /// Our instance actor answered another instance actor's (`actor`)
    /// follow `follow_id` (a `Reject` also ends an accepted one).
    PartnerFollowAnswered {
        actor: String,
        inbox: String,
        follow_id: String,
        accepted: bool,
    },
    /// A local community's profile or charter changed: its followers get
    /// `Update{Group}`.
    ProfileChanged { community_id: i64 },
    /// The counts or the outcome of a local community's proposal changed:
    /// `Update{Question}` to its followers.
    PollChanged { proposal_id: i64 },
    /// A local person voted on a remote community's proposal: the vote
    /// goes to the community as Mastodon sends one (`Create{Note}` named
    /// after the option, in reply to the poll).
    VoteCast { proposal_id: i64, person_id: i64 },
    /// A remote person's vote on a local proposal was not counted: the
    /// community tells them why in a direct note.
    VoteRefused {
        proposal_id: i64,
        person_id: i64,
        reason: String,
    },
    /// A local community is in the directory: `new` when it just entered
    /// (`Create{Group}` to partners), else it changed (`Update{Group}`).
    Listed { community_id: i64, new: bool },
    /// A local community left the directory (`Delete` to partners).
    Unlisted { ap_id: String },
    /// The community `ap_id` of our partner `from` (a host) changed or left
    /// its directory: our other partners are told to check it at its origin
    /// (`directory_share_partners`).
    Shared { ap_id: String, from: String },
    /// A local community accepted remote members' activities and passes
    /// them on to its followers, in this order.
    Forwarded {
        community_id: i64,
        activities: Vec<Forward>,
    },
}

/// One accepted activity a community passes on: the stored incoming
/// activity `activity_id`; `boost` names a new top-level post to boost to
/// non-group software.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forward {
    pub activity_id: String,
    pub boost: Option<String>,
}

/// What a moderator did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moderation {
    /// Removed a post.
    Remove,
    /// Locked a thread.
    Lock,
    /// Banned a person from the community.
    Ban,
}

/// The port services emit through.
#[async_trait::async_trait]
pub trait Publisher: Send + Sync {
    /// Records what `event` causes to be sent, in the caller's transaction.
    async fn publish(
        &self,
        conn: &mut AsyncPgConnection,
        event: Outgoing,
    ) -> diesel::QueryResult<()>;
}
