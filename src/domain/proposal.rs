//! Co-design: a member's proposed change to the charter, the poll that
//! decides it, and the rules — who may propose and vote, and how the votes
//! decide. What a proposal changes, and how it lands, is `charter_change`.

use super::{FieldError, rules::Standing};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// The longest rationale, in characters.
pub const MAX_RATIONALE: usize = 5_000;
/// The voting windows moderators may choose, in days.
pub const WINDOW_DAYS: std::ops::RangeInclusive<i32> = 1..=60;
/// The largest quorum moderators may set (votes cast).
pub const MAX_QUORUM: i32 = 100_000;

/// An answer to a proposal's poll.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VoteOption {
    Accept,
    Reject,
    Abstain,
}

impl VoteOption {
    /// Every option, in the order the poll shows them.
    pub const ALL: [VoteOption; 3] = [VoteOption::Accept, VoteOption::Reject, VoteOption::Abstain];

    /// The stored and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            VoteOption::Accept => "accept",
            VoteOption::Reject => "reject",
            VoteOption::Abstain => "abstain",
        }
    }

    /// The option's name in the poll (`oneOf[].name`): what Mastodon shows
    /// and sends back as the vote's `name`.
    pub fn poll_name(self) -> &'static str {
        match self {
            VoteOption::Accept => "Accept",
            VoteOption::Reject => "Reject",
            VoteOption::Abstain => "Abstain",
        }
    }

    /// The option a vote names: its poll name or its API name, in any case.
    pub fn parse(name: &str) -> Option<VoteOption> {
        let name = name.trim();
        VoteOption::ALL
            .into_iter()
            .find(|o| o.as_str().eq_ignore_ascii_case(name))
    }
}

/// Where a proposal stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProposalStatus {
    /// Voting is open.
    Open,
    /// Closed, and the votes carried it: the charter changed.
    Accepted,
    /// Closed without carrying: nothing changed.
    Rejected,
    /// Taken back by its proposer or a moderator before the end.
    Withdrawn,
}

impl ProposalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalStatus::Open => "open",
            ProposalStatus::Accepted => "accepted",
            ProposalStatus::Rejected => "rejected",
            ProposalStatus::Withdrawn => "withdrawn",
        }
    }
}

impl std::str::FromStr for ProposalStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            ProposalStatus::Open,
            ProposalStatus::Accepted,
            ProposalStatus::Rejected,
            ProposalStatus::Withdrawn,
        ]
        .into_iter()
        .find(|status| status.as_str() == s)
        .ok_or_else(|| format!("unknown proposal status `{s}`"))
    }
}

impl std::str::FromStr for VoteOption {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        VoteOption::ALL
            .into_iter()
            .find(|o| o.as_str() == s)
            .ok_or_else(|| format!("unknown vote option `{s}`"))
    }
}

/// The votes cast so far, per option.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub accept: i32,
    pub reject: i32,
    pub abstain: i32,
}

impl Tally {
    /// Everyone who voted (each person counts once).
    pub fn voters(&self) -> i32 {
        self.accept + self.reject + self.abstain
    }

    /// The votes for `option`.
    pub fn of(&self, option: VoteOption) -> i32 {
        match option {
            VoteOption::Accept => self.accept,
            VoteOption::Reject => self.reject,
            VoteOption::Abstain => self.abstain,
        }
    }

    /// The tally after one person's vote moves from `before` (if they had
    /// voted) to `after`.
    pub fn moved(mut self, before: Option<VoteOption>, after: VoteOption) -> Tally {
        if let Some(before) = before {
            *self.slot(before) -= 1;
        }
        *self.slot(after) += 1;
        self
    }

    fn slot(&mut self, option: VoteOption) -> &mut i32 {
        match option {
            VoteOption::Accept => &mut self.accept,
            VoteOption::Reject => &mut self.reject,
            VoteOption::Abstain => &mut self.abstain,
        }
    }
}

/// The decision rule: a simple majority of the votes cast (more accepts
/// than rejects; abstentions count towards the quorum only), once at least
/// `quorum` people voted.
pub fn carries(tally: Tally, quorum: i32) -> bool {
    tally.voters() >= quorum && tally.accept > tally.reject
}

/// Why a vote is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteRefusal {
    Banned,
    NotMember,
    Closed,
    SameAgain,
}

impl VoteRefusal {
    /// The reason, for people (a Mastodon voter reads it in a direct note).
    pub fn message(self) -> &'static str {
        match self {
            VoteRefusal::Banned => {
                "you are banned from this community, so your vote was not counted"
            }
            VoteRefusal::NotMember => {
                "only members whose follow the community accepted may vote; your vote was not counted"
            }
            VoteRefusal::Closed => "voting on this proposal has closed; your vote was not counted",
            VoteRefusal::SameAgain => "you already voted this way; nothing changed",
        }
    }
}

/// May someone of `standing` vote `option` on a proposal (`open`: voting
/// is open; `earlier`: their vote so far)? Only accepted members (and
/// moderators) who are not banned; a new vote replaces an earlier
/// different one.
pub fn may_vote(
    standing: Standing,
    open: bool,
    earlier: Option<VoteOption>,
    option: VoteOption,
) -> Result<(), VoteRefusal> {
    if standing.banned {
        Err(VoteRefusal::Banned)
    } else if !standing.takes_part() {
        Err(VoteRefusal::NotMember)
    } else if !open {
        Err(VoteRefusal::Closed)
    } else if earlier == Some(option) {
        Err(VoteRefusal::SameAgain)
    } else {
        Ok(())
    }
}

/// May someone of `standing` propose a change? Accepted members and
/// moderators who are not banned.
pub fn may_propose(standing: Standing) -> Result<(), &'static str> {
    if standing.banned {
        Err("you are banned from this community")
    } else if !standing.takes_part() {
        Err("only members may propose changes to the charter")
    } else {
        Ok(())
    }
}

/// Checks a rationale: said, and not too long.
pub fn check_rationale(rationale: &str) -> Result<(), FieldError> {
    if rationale.trim().is_empty() {
        return Err(FieldError::new(
            "rationale",
            "say why the charter should change",
        ));
    }
    if rationale.chars().count() > MAX_RATIONALE {
        return Err(FieldError::new(
            "rationale",
            format!("must be at most {MAX_RATIONALE} characters"),
        ));
    }
    Ok(())
}

/// Checks a community's proposal settings, where given: the voting window
/// in days and the quorum in votes.
pub fn check_settings(days: Option<i32>, quorum: Option<i32>) -> Result<(), FieldError> {
    if let Some(days) = days
        && !WINDOW_DAYS.contains(&days)
    {
        return Err(FieldError::new(
            "proposal_days",
            format!(
                "must be between {} and {} days",
                WINDOW_DAYS.start(),
                WINDOW_DAYS.end()
            ),
        ));
    }
    if let Some(quorum) = quorum
        && !(0..=MAX_QUORUM).contains(&quorum)
    {
        return Err(FieldError::new(
            "proposal_quorum",
            format!("must be between 0 and {MAX_QUORUM} votes"),
        ));
    }
    Ok(())
}

/// When voting closes for a proposal opened at `opened` with a window of
/// `days`.
pub fn closes_at(opened: DateTime<Utc>, days: i32) -> DateTime<Utc> {
    opened + Duration::days(i64::from(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_simple_majority_of_votes_cast_carries_once_the_quorum_is_met() {
        let tally = Tally {
            accept: 2,
            reject: 1,
            abstain: 5,
        };
        assert!(carries(tally, 8));
        assert!(!carries(tally, 9));
        let tie = Tally {
            accept: 2,
            reject: 2,
            abstain: 0,
        };
        assert!(!carries(tie, 0));
        assert!(!carries(Tally::default(), 0));
    }

    #[test]
    fn a_changed_vote_moves_between_options() {
        let tally = Tally::default().moved(None, VoteOption::Accept);
        let tally = tally.moved(Some(VoteOption::Accept), VoteOption::Reject);
        assert_eq!(
            tally,
            Tally {
                accept: 0,
                reject: 1,
                abstain: 0
            }
        );
        assert_eq!(tally.voters(), 1);
    }

    #[test]
    fn options_are_read_in_any_case_and_nothing_else() {
        assert_eq!(VoteOption::parse("Accept"), Some(VoteOption::Accept));
        assert_eq!(VoteOption::parse(" abstain "), Some(VoteOption::Abstain));
        assert_eq!(VoteOption::parse("maybe"), None);
    }

    #[test]
    fn only_members_in_good_standing_vote_while_open() {
        let member = Standing {
            member: true,
            ..Standing::default()
        };
        let yes = VoteOption::Accept;
        assert_eq!(may_vote(member, true, None, yes), Ok(()));
        assert_eq!(
            may_vote(member, true, Some(VoteOption::Reject), yes),
            Ok(())
        );
        assert_eq!(
            may_vote(member, true, Some(yes), yes),
            Err(VoteRefusal::SameAgain)
        );
        assert_eq!(may_vote(member, false, None, yes), Err(VoteRefusal::Closed));
        let moderator = Standing {
            moderator: true,
            ..Standing::default()
        };
        assert_eq!(may_vote(moderator, true, None, yes), Ok(()));
        let outsider = Standing::default();
        assert_eq!(
            may_vote(outsider, true, None, yes),
            Err(VoteRefusal::NotMember)
        );
        let banned = Standing {
            banned: true,
            ..member
        };
        assert_eq!(may_vote(banned, true, None, yes), Err(VoteRefusal::Banned));
    }
}
