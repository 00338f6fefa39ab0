//! The `proposal` extension of a community's `Question` (our JSON-LD
//! namespace): the charter a member proposes, why, against which version,
//! and how it ended. The `Question` itself stays an ordinary poll that
//! Mastodon shows and votes on.

use super::lenient::first_id;
use crate::domain::proposal::ProposalStatus;
use serde::{Deserialize, Serialize};
use url::Url;

/// `"proposal": {"charter": …, "rationale": …, "baseVersion": …, …}` on a
/// `Question`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ProposalExtension {
    /// The whole proposed charter (checked like any charter on receipt).
    pub charter: serde_json::Value,
    pub rationale: String,
    /// The charter version it was proposed against.
    pub base_version: i32,
    /// The member who proposed it.
    #[serde(
        default,
        deserialize_with = "first_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub proposer: Option<Url>,
    pub status: ProposalStatus,
    /// Votes needed for a decision.
    #[serde(default)]
    pub quorum: i32,
    /// The charter version it wrote, once accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charter_version: Option<i32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_we_write_and_refuses_an_unknown_status() {
        let json = serde_json::json!({
            "charter": {"purpose": "p"}, "rationale": "r", "baseVersion": 2,
            "proposer": {"id": "https://alpha.test/u/alice"}, "status": "open", "quorum": 3
        });
        let read: ProposalExtension = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(
            read.proposer.unwrap().as_str(),
            "https://alpha.test/u/alice"
        );
        assert_eq!(read.status, ProposalStatus::Open);
        let mut odd = json;
        odd["status"] = "maybe".into();
        assert!(serde_json::from_value::<ProposalExtension>(odd).is_err());
    }
}
