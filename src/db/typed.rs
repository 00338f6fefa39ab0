//! Domain values as column types: visibility and posting policy stored as
//! their text, the charter as JSON. Rows carry the domain types, so no
//! layer above compares or re-spells stored strings.

use crate::domain::{
    charter::Charter,
    community::{PostingPolicy, Visibility},
};
use diesel::{
    deserialize::{self, FromSql, Queryable},
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

impl FromSql<Jsonb, Pg> for Charter {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        let json = <serde_json::Value as FromSql<Jsonb, Pg>>::from_sql(bytes)?;
        Ok(serde_json::from_value(json)?)
    }
}

impl Queryable<Jsonb, Pg> for Charter {
    type Row = Self;

    fn build(row: Self) -> deserialize::Result<Self> {
        Ok(row)
    }
}

/// A charter as the JSON it is stored as.
pub(super) fn charter_json(charter: &Charter) -> diesel::QueryResult<serde_json::Value> {
    serde_json::to_value(charter)
        .map_err(|err| diesel::result::Error::SerializationError(Box::new(err)))
}
