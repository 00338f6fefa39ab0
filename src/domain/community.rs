//! Community settings: who can find and join it, and who may post.

use serde::{Deserialize, Serialize};

/// Who can see and join a community.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Listed in the directory; anyone can follow.
    #[default]
    Public,
    /// Anyone with the address can follow; not listed.
    Unlisted,
    /// Listed; a moderator approves each follower.
    ApprovalRequired,
}

/// Who may start posts in a community.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PostingPolicy {
    /// Every member (follower).
    #[default]
    Members,
    /// Moderators only.
    Moderators,
}

/// A person's membership of a community, as the API shows it.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Membership {
    /// Not a follower.
    #[default]
    None,
    /// Asked to follow; waiting for the community (or a moderator).
    Pending,
    /// An accepted follower.
    Accepted,
}

macro_rules! text_enum {
    ($ty:ty { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// The value as stored and sent.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }
        impl std::str::FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s { $($text => Ok(Self::$variant),)+ other => Err(format!("unknown value `{other}`")) }
            }
        }
    };
}

text_enum!(Visibility { Public => "public", Unlisted => "unlisted", ApprovalRequired => "approval_required" });
text_enum!(PostingPolicy { Members => "members", Moderators => "moderators" });
