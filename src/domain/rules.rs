//! Who may post and reply in a community: the rules, once, on typed
//! values. The API, the pages and the inbox all reach them through
//! `services::post::standing`, so a local and a remote person meet the same
//! rule and read the same refusal.

use super::community::PostingPolicy;

/// A person's standing in a community, as the rules need it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    pub banned: bool,
    /// An accepted member (follower).
    pub member: bool,
    pub moderator: bool,
}

impl Standing {
    /// Takes part in the community: an accepted member or a moderator.
    pub fn takes_part(self) -> bool {
        self.member || self.moderator
    }
}

/// Why a post or reply is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    Banned,
    ModeratorsOnly,
    MembersOnly,
    ThreadLocked,
}

impl Refusal {
    /// The reason, for people.
    pub fn message(self) -> &'static str {
        match self {
            Refusal::Banned => "the author is banned from this community",
            Refusal::ModeratorsOnly => "only moderators may post in this community",
            Refusal::MembersOnly => "only members may post in this community",
            Refusal::ThreadLocked => "the thread is locked",
        }
    }
}

/// May someone of `standing` start a post under `policy`? Membership is
/// asked only when `membership_counts` (not for a remote community's own
/// announce of a post it took).
pub fn may_post(
    policy: PostingPolicy,
    standing: Standing,
    membership_counts: bool,
) -> Result<(), Refusal> {
    if standing.banned {
        return Err(Refusal::Banned);
    }
    if !membership_counts {
        return Ok(());
    }
    if policy == PostingPolicy::Moderators && !standing.moderator {
        return Err(Refusal::ModeratorsOnly);
    }
    if !standing.takes_part() {
        return Err(Refusal::MembersOnly);
    }
    Ok(())
}

/// May someone of `standing` reply in a thread (`locked`: the post or its
/// thread is locked)?
pub fn may_reply(standing: Standing, locked: bool) -> Result<(), Refusal> {
    if standing.banned {
        Err(Refusal::Banned)
    } else if locked {
        Err(Refusal::ThreadLocked)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEMBER: Standing = Standing {
        banned: false,
        member: true,
        moderator: false,
    };

    #[test]
    fn posting_needs_membership_and_the_policy() {
        assert_eq!(may_post(PostingPolicy::Members, MEMBER, true), Ok(()));
        assert_eq!(
            may_post(PostingPolicy::Moderators, MEMBER, true),
            Err(Refusal::ModeratorsOnly)
        );
        assert_eq!(
            may_post(PostingPolicy::Members, Standing::default(), true),
            Err(Refusal::MembersOnly)
        );
        assert_eq!(
            may_post(PostingPolicy::Members, Standing::default(), false),
            Ok(())
        );
        let banned = Standing {
            banned: true,
            ..MEMBER
        };
        assert_eq!(
            may_post(PostingPolicy::Members, banned, false),
            Err(Refusal::Banned)
        );
        assert_eq!(may_reply(banned, false), Err(Refusal::Banned));
        assert_eq!(may_reply(MEMBER, true), Err(Refusal::ThreadLocked));
        assert_eq!(may_reply(Standing::default(), false), Ok(()));
    }
}
