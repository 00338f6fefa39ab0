//! Milestones: what a community celebrates with a post of its own, and
//! what that post says. Each milestone is a kind and a subject (the member
//! count reached, the stage, the year, the person), and fires once.

use serde::{Deserialize, Serialize};

/// What is celebrated.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneKind {
    /// The member count reached a threshold ([`member_threshold`]).
    Members,
    /// The charter's stage moved on (forming → active → established).
    Stage,
    /// The community's first event.
    FirstEvent,
    /// A year since the community began.
    Anniversary,
    /// A member's first post: a welcome.
    FirstPost,
    /// A member's tenth kudos received here.
    KudosReceived,
    /// The first charter change the members decided together.
    FirstAcceptedProposal,
}

impl MilestoneKind {
    /// Every kind.
    pub const ALL: [MilestoneKind; 7] = [
        MilestoneKind::Members,
        MilestoneKind::Stage,
        MilestoneKind::FirstEvent,
        MilestoneKind::Anniversary,
        MilestoneKind::FirstPost,
        MilestoneKind::KudosReceived,
        MilestoneKind::FirstAcceptedProposal,
    ];

    /// The value as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            MilestoneKind::Members => "members",
            MilestoneKind::Stage => "stage",
            MilestoneKind::FirstEvent => "first_event",
            MilestoneKind::Anniversary => "anniversary",
            MilestoneKind::FirstPost => "first_post",
            MilestoneKind::KudosReceived => "kudos_received",
            MilestoneKind::FirstAcceptedProposal => "first_accepted_proposal",
        }
    }
}

impl std::str::FromStr for MilestoneKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MilestoneKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown milestone kind `{s}`"))
    }
}

/// The kinds a community's moderators switched off (stored as JSON).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct SwitchedOff(pub Vec<MilestoneKind>);

impl SwitchedOff {
    /// Whether posts of `kind` are off.
    pub fn contains(&self, kind: MilestoneKind) -> bool {
        self.0.contains(&kind)
    }
}

/// The kudos a member receives for their milestone.
pub const KUDOS_RECEIVED: i64 = 10;

/// The largest member-count milestone at or below `members`: 3 (a core
/// team, the seed of a community of practice), 10, 25, 50, then 1, 2.5 and
/// 5 times each power of ten (100, 250, 500, 1,000, …).
pub fn member_threshold(members: i64) -> Option<i64> {
    let mut best = None;
    for small in [3, 10, 25, 50] {
        if members >= small {
            best = Some(small);
        }
    }
    let mut power = 100;
    while members >= power {
        for t in [power, power * 5 / 2, power * 5] {
            if members >= t {
                best = Some(t);
            }
        }
        power *= 10;
    }
    best
}

/// A milestone reached, with what its post needs to say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Milestone {
    /// `count` members.
    Members { count: i64 },
    /// The charter's stage is now `stage` (`active`, `established`).
    Stage { stage: String },
    /// The first event, titled `title`.
    FirstEvent { title: String },
    /// `years` years since the community began.
    Anniversary { years: i32 },
    /// `person` (their shown name, and `key`: their actor id) posted for
    /// the first time.
    FirstPost { person: String, key: String },
    /// `person` (`key`: their actor id) received their tenth kudos here.
    KudosReceived { person: String, key: String },
    /// The members accepted their first charter proposal, `proposer`'s.
    FirstAcceptedProposal { proposer: String },
}

impl Milestone {
    /// Its kind.
    pub fn kind(&self) -> MilestoneKind {
        match self {
            Milestone::Members { .. } => MilestoneKind::Members,
            Milestone::Stage { .. } => MilestoneKind::Stage,
            Milestone::FirstEvent { .. } => MilestoneKind::FirstEvent,
            Milestone::Anniversary { .. } => MilestoneKind::Anniversary,
            Milestone::FirstPost { .. } => MilestoneKind::FirstPost,
            Milestone::KudosReceived { .. } => MilestoneKind::KudosReceived,
            Milestone::FirstAcceptedProposal { .. } => MilestoneKind::FirstAcceptedProposal,
        }
    }

    /// What makes it one of a kind: two milestones with the same kind and
    /// subject are the same milestone.
    pub fn subject(&self) -> String {
        match self {
            Milestone::Members { count } => count.to_string(),
            Milestone::Stage { stage } => stage.clone(),
            Milestone::FirstEvent { .. } | Milestone::FirstAcceptedProposal { .. } => String::new(),
            Milestone::Anniversary { years } => years.to_string(),
            Milestone::FirstPost { key, .. } | Milestone::KudosReceived { key, .. } => key.clone(),
        }
    }

    /// The post's title and its text (Markdown), for `community` (its title).
    pub fn announcement(&self, community: &str) -> (String, String) {
        match self {
            Milestone::Members { count: 3 } => (
                format!("{community} has 3 members"),
                format!(
                    "{community} now has a core team of three: the seed of a community \
                     of practice. Welcome, and thank you for starting it together."
                ),
            ),
            Milestone::Members { count } => (
                format!("{community} has {count} members"),
                format!("{community} now has {count} members. Thank you all for taking part."),
            ),
            Milestone::Stage { stage } => (
                format!("{community} is now {stage}"),
                format!(
                    "The members of {community} moved its charter to the {stage} stage. \
                     Thank you to everyone who got it here."
                ),
            ),
            Milestone::FirstEvent { title } => (
                format!("{community}'s first event"),
                format!("{community} has planned its first event: {title}. See you there."),
            ),
            Milestone::Anniversary { years } => {
                let span = if *years == 1 {
                    "one year".to_string()
                } else {
                    format!("{years} years")
                };
                (
                    format!("{community} is {span} old"),
                    format!("{community} began {span} ago today. Thank you for all of it."),
                )
            }
            Milestone::FirstPost { person, .. } => (
                format!("Welcome, {person}"),
                format!("{person} wrote their first post in {community}. Welcome!"),
            ),
            Milestone::KudosReceived { person, .. } => (
                format!("{person} received {KUDOS_RECEIVED} kudos"),
                format!(
                    "{person} has now received {KUDOS_RECEIVED} kudos in {community}. \
                     Thank you for all you give."
                ),
            ),
            Milestone::FirstAcceptedProposal { proposer } => (
                format!("{community} changed its charter together"),
                format!(
                    "The members of {community} accepted their first proposal to change the \
                     charter, made by {proposer}: the community is now shaped by all of us."
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_thresholds_follow_the_series() {
        assert_eq!(member_threshold(2), None);
        assert_eq!(member_threshold(3), Some(3));
        assert_eq!(member_threshold(9), Some(3));
        assert_eq!(member_threshold(10), Some(10));
        assert_eq!(member_threshold(99), Some(50));
        assert_eq!(member_threshold(100), Some(100));
        assert_eq!(member_threshold(249), Some(100));
        assert_eq!(member_threshold(250), Some(250));
        assert_eq!(member_threshold(500), Some(500));
        assert_eq!(member_threshold(2_499), Some(1_000));
        assert_eq!(member_threshold(10_000), Some(10_000));
    }

    #[test]
    fn kinds_read_back_from_their_names() {
        for kind in MilestoneKind::ALL {
            assert_eq!(kind.as_str().parse::<MilestoneKind>(), Ok(kind));
        }
        assert!("birthday".parse::<MilestoneKind>().is_err());
    }

    #[test]
    fn a_milestone_is_named_by_kind_and_subject() {
        let ten = Milestone::Members { count: 10 };
        assert_eq!(
            (ten.kind(), ten.subject().as_str()),
            (MilestoneKind::Members, "10")
        );
        let (title, _) = ten.announcement("Security Guild");
        assert_eq!(title, "Security Guild has 10 members");
    }
}
