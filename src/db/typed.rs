//! Domain values as column types: visibility, posting policy, the event
//! enums, milestone kinds and proposal statuses and options stored as their text, the charter, a
//! community's kudos categories and switched-off milestones, an event's place and a post's
//! attachments as JSON. Rows carry the domain types, so no
//! layer above compares or re-spells stored strings.

use crate::domain::{
    charter::Charter,
    community::{PostingPolicy, Visibility},
    event::{EventStatus, JoinMode, Place, RsvpState, RsvpStatus},
    kudos::Categories,
    media::Attachments,
    milestone::{MilestoneKind, SwitchedOff},
    proposal::{ProposalStatus, VoteOption},
};
use diesel::{
    deserialize::{self, FromSql, Queryable},
    expression::AsExpression,
    pg::{Pg, PgValue},
    serialize::{self, IsNull, Output, ToSql},
    sql_types::{Jsonb, Text},
};
use std::io::Write;

macro_rules! text_column {
    ($ty:ty) => {
        impl FromSql<Text, Pg> for $ty {
            fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, Pg>>::from_sql(bytes)?;
                Ok(text.parse::<$ty>()?)
            }
        }

        impl Queryable<Text, Pg> for $ty {
            type Row = Self;

            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }

        impl ToSql<Text, Pg> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                out.write_all(self.as_str().as_bytes())?;
                Ok(IsNull::No)
            }
        }
    };
}

text_column!(Visibility);
text_column!(PostingPolicy);

macro_rules! json_column {
    ($ty:ty) => {
        impl FromSql<Jsonb, Pg> for $ty {
            fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
                let json = <serde_json::Value as FromSql<Jsonb, Pg>>::from_sql(bytes)?;
                Ok(serde_json::from_value(json)?)
            }
        }

        impl Queryable<Jsonb, Pg> for $ty {
            type Row = Self;

            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }
    };
}

json_column!(Charter);
json_column!(Place);
json_column!(Attachments);
json_column!(Categories);
json_column!(SwitchedOff);
text_column!(MilestoneKind);
text_column!(JoinMode);
text_column!(EventStatus);
text_column!(RsvpStatus);
text_column!(ProposalStatus);
text_column!(VoteOption);
text_column!(RsvpState);

/// A post's attachments on their way into their `jsonb` column.
#[derive(Debug, AsExpression)]
#[diesel(sql_type = Jsonb)]
pub struct AttachmentsJson<'a>(&'a Attachments);

impl<'a> From<&'a Attachments> for AttachmentsJson<'a> {
    fn from(attachments: &'a Attachments) -> Self {
        AttachmentsJson(attachments)
    }
}

impl ToSql<Jsonb, Pg> for AttachmentsJson<'_> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        // PostgreSQL's binary `jsonb`: a version byte, then the text.
        out.write_all(&[1])?;
        serde_json::to_writer(out, self.0)?;
        Ok(IsNull::No)
    }
}

/// A charter, a place or another domain value as the JSON it is stored as.
pub(super) fn to_json(value: &impl serde::Serialize) -> diesel::QueryResult<serde_json::Value> {
    serde_json::to_value(value)
        .map_err(|err| diesel::result::Error::SerializationError(Box::new(err)))
}
