//! The way out: turns what services say happened ([`Outgoing`]) into
//! ActivityPub activities and delivery rows, in the caller's transaction.
//! `Translator` is the [`Publisher`] that `startup` gives every service.
//! Builders per concern (`post`, `follow`, `moderation`, `event`, the instance actor's `partner` links and directory news, co-design's polls, votes and profile updates in `proposal`), a post's
//! and an event's object (`post_object`, `event_object`), and queuing with FEP-1b12's announces (`deliver`).

pub mod deliver;
mod event;
pub mod event_object;
mod follow;
mod followers;
mod mention;
mod moderation;
mod partner;
mod post;
pub mod post_object;
mod proposal;

use crate::{
    protocol::activity::ActivityKind,
    services::outgoing::{Outgoing, Publisher},
    urls::Urls,
};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;

/// The publisher that speaks ActivityPub.
pub struct Translator {
    urls: Urls,
    /// Each local community's follower inboxes, kept with their version.
    followers: followers::FollowerInboxes,
}

impl Translator {
    /// A translator minting ids with `urls`.
    pub fn new(urls: Urls) -> Self {
        Translator {
            urls,
            followers: followers::FollowerInboxes::default(),
        }
    }
}

#[async_trait::async_trait]
impl Publisher for Translator {
    async fn publish(&self, conn: &mut AsyncPgConnection, event: Outgoing) -> QueryResult<()> {
        match event {
            Outgoing::PostCreated { post_id } => post::created(conn, self, post_id).await,
            Outgoing::PostEdited { post_id } => post::edited(conn, self, post_id).await,
            Outgoing::PostDeleted { post_id } => post::deleted(conn, self, post_id).await,
            Outgoing::Liked {
                post_id,
                person_id,
                like_id,
            } => post::vote(conn, self, post_id, person_id, &like_id, false).await,
            Outgoing::Unliked {
                post_id,
                person_id,
                like_id,
            } => post::vote(conn, self, post_id, person_id, &like_id, true).await,
            Outgoing::Followed {
                community_id,
                person_id,
                follow_id,
            } => follow::followed(conn, self, community_id, person_id, &follow_id, false).await,
            Outgoing::Unfollowed {
                community_id,
                person_id,
                follow_id,
            } => follow::followed(conn, self, community_id, person_id, &follow_id, true).await,
            Outgoing::FollowAnswered {
                community_id,
                follower_id,
                follow_id,
                accepted,
            } => {
                follow::answered(conn, self, community_id, follower_id, &follow_id, accepted).await
            }
            Outgoing::Moderated {
                community_id,
                moderator_id,
                action,
                target,
                reason,
                undo,
            } => {
                moderation::moderated(
                    conn,
                    self,
                    community_id,
                    moderator_id,
                    action,
                    &target,
                    reason.as_deref(),
                    undo,
                )
                .await
            }
            Outgoing::Forwarded {
                community_id,
                activities,
            } => deliver::forwarded(conn, self, community_id, &activities).await,
            Outgoing::EventPublished { event_id } => {
                event::published(conn, self, event_id, ActivityKind::Create).await
            }
            Outgoing::EventChanged { event_id } => {
                event::published(conn, self, event_id, ActivityKind::Update).await
            }
            Outgoing::AttendanceChanged { event_id } => {
                event::attendance_changed(conn, self, event_id).await
            }
            Outgoing::RsvpSent {
                event_id,
                person_id,
                activity_id,
                status,
            } => event::rsvp_sent(conn, event_id, person_id, &activity_id, status).await,
            Outgoing::EventDeleted {
                community_id,
                organiser_id,
                ap_id,
            } => event::deleted(conn, self, community_id, organiser_id, &ap_id).await,
            Outgoing::RsvpAnswered {
                event_id,
                person_id,
                activity_id,
                accepted,
                by_mention: false,
            } => event::answered(conn, self, event_id, person_id, &activity_id, accepted).await,
            Outgoing::RsvpAnswered {
                event_id,
                person_id,
                activity_id,
                accepted,
                by_mention: true,
            } => event::confirmed(conn, self, event_id, person_id, &activity_id, accepted).await,
            Outgoing::PartnerFollowed { domain } => partner::followed(conn, self, &domain).await,
            Outgoing::PartnerUnfollowed {
                actor,
                inbox,
                follow_id,
            } => partner::unfollowed(conn, self, &actor, &inbox, &follow_id).await,
            Outgoing::PartnerFollowAnswered {
                actor,
                inbox,
                follow_id,
                accepted,
            } => partner::answered(conn, self, &actor, &inbox, &follow_id, accepted).await,
            Outgoing::ProfileChanged { community_id } => {
                proposal::profile_changed(conn, self, community_id).await
            }
            Outgoing::PollChanged { proposal_id } => {
                proposal::poll_changed(conn, self, proposal_id).await
            }
            Outgoing::VoteCast {
                proposal_id,
                person_id,
            } => proposal::vote_cast(conn, self, proposal_id, person_id).await,
            Outgoing::VoteRefused {
                proposal_id,
                person_id,
                reason,
            } => proposal::vote_refused(conn, self, proposal_id, person_id, &reason).await,
            Outgoing::Listed { community_id, new } => {
                partner::listed(conn, self, community_id, new).await
            }
            Outgoing::Unlisted { ap_id } => partner::unlisted(conn, self, &ap_id).await,
            Outgoing::Shared { ap_id, from } => partner::shared(conn, self, &ap_id, &from).await,
        }
    }
}

/// A value we could not turn into an activity (a stored URL that does not
/// parse, JSON that does not serialise): the transaction fails.
fn bad(err: impl std::fmt::Display) -> diesel::result::Error {
    diesel::result::Error::SerializationError(err.to_string().into())
}
