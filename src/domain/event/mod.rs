//! Events of a community: what they are (title, place, capacity, how people
//! join, status), when (`schedule`: local times in an IANA time zone) and how
//! often (`recurrence`: RFC 5545 rules), and who comes (RSVPs).

pub mod recurrence;
pub mod schedule;

use super::FieldError;
use serde::{Deserialize, Serialize};

/// How an event takes participants.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum JoinMode {
    /// Anyone may come, up to the capacity.
    #[default]
    Free,
    /// A moderator approves each participant.
    Approval,
    /// By invitation only: requests from others are refused.
    Invite,
}

/// Whether an event happens.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    #[default]
    Confirmed,
    Tentative,
    Cancelled,
}

/// A person's answer to an event.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum RsvpStatus {
    Going,
    Interested,
    NotGoing,
}

/// The organiser's answer to an RSVP.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RsvpState {
    Accepted,
    /// Waiting for a moderator (approval mode) or the remote organiser.
    Pending,
    Rejected,
}

macro_rules! text_enum {
    ($ty:ty { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// The value as stored and shown.
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

text_enum!(JoinMode { Free => "free", Approval => "approval", Invite => "invite" });
text_enum!(EventStatus { Confirmed => "confirmed", Tentative => "tentative", Cancelled => "cancelled" });
text_enum!(RsvpStatus { Going => "going", Interested => "interested", NotGoing => "not_going" });
text_enum!(RsvpState { Accepted => "accepted", Pending => "pending", Rejected => "rejected" });

/// Where an event happens in the world.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// The venue, e.g. "Room 4, Example Corp HQ".
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<PostalAddress>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
}

/// A postal address; every part optional.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PostalAddress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

impl Place {
    /// Checks lengths and coordinates.
    pub fn validate(&self, field: &str) -> Result<(), FieldError> {
        check_text(&format!("{field}.name"), &self.name, 1, 300)?;
        if let Some(address) = &self.address {
            for (part, value) in [
                ("street", &address.street),
                ("locality", &address.locality),
                ("region", &address.region),
                ("postal_code", &address.postal_code),
                ("country", &address.country),
            ] {
                if let Some(value) = value {
                    check_text(&format!("{field}.address.{part}"), value, 0, 300)?;
                }
            }
        }
        match (self.latitude, self.longitude) {
            (None, None) => Ok(()),
            (Some(lat), Some(lon))
                if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) =>
            {
                Ok(())
            }
            _ => Err(FieldError::new(
                format!("{field}.latitude"),
                "give both latitude (-90..90) and longitude (-180..180), or neither",
            )),
        }
    }

    /// One line for people: "Room 4, Main Street 1, Vienna".
    pub fn one_line(&self) -> String {
        let mut parts = vec![self.name.clone()];
        if let Some(address) = &self.address {
            parts.extend(
                [
                    &address.street,
                    &address.postal_code,
                    &address.locality,
                    &address.country,
                ]
                .into_iter()
                .flatten()
                .filter(|p| !p.trim().is_empty())
                .cloned(),
            );
        }
        parts.join(", ")
    }
}

/// Checks that `value` has between `min` and `max` characters.
pub fn check_text(field: &str, value: &str, min: usize, max: usize) -> Result<(), FieldError> {
    let len = value.trim().chars().count();
    if len < min {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(FieldError::new(field, format!("at most {max} characters")));
    }
    if value.contains('\0') {
        return Err(FieldError::new(field, "must not contain NUL"));
    }
    Ok(())
}

/// Checks an online link: `https` (or `http`), at most 2,048 bytes.
pub fn check_online_url(field: &str, value: &str) -> Result<(), FieldError> {
    let ok = value.len() <= 2048
        && url::Url::parse(value)
            .is_ok_and(|u| matches!(u.scheme(), "https" | "http") && u.host().is_some());
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            "must be an http(s) URL of at most 2,048 bytes",
        ))
    }
}

/// Why an RSVP is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RsvpRefusal {
    Cancelled,
    Past,
    Full,
    InviteOnly,
    Banned,
}

impl RsvpRefusal {
    /// The reason, for people (and for the `Reject` a remote person gets).
    pub fn message(self) -> &'static str {
        match self {
            RsvpRefusal::Cancelled => "the event is cancelled",
            RsvpRefusal::Past => "the event is over",
            RsvpRefusal::Full => "the event is full",
            RsvpRefusal::InviteOnly => "the event is by invitation only",
            RsvpRefusal::Banned => "the person is banned from this community",
        }
    }
}

/// What an event is like when someone answers it.
#[derive(Clone, Copy, Debug)]
pub struct Occasion {
    pub status: EventStatus,
    pub over: bool,
    pub join_mode: JoinMode,
    pub capacity: Option<i32>,
    /// Accepted `going` answers, not counting this person's.
    pub going_others: i64,
}

/// Decides an RSVP: `going` counts against the capacity and follows the
/// join mode; `interested` and `not_going` are always taken while the
/// event is on. Local and remote people meet this same rule.
pub fn decide_rsvp(
    occasion: Occasion,
    status: RsvpStatus,
    banned: bool,
) -> Result<RsvpState, RsvpRefusal> {
    if banned {
        return Err(RsvpRefusal::Banned);
    }
    if occasion.status == EventStatus::Cancelled {
        return Err(RsvpRefusal::Cancelled);
    }
    if occasion.over {
        return Err(RsvpRefusal::Past);
    }
    if status != RsvpStatus::Going {
        return Ok(RsvpState::Accepted);
    }
    match occasion.join_mode {
        JoinMode::Invite => Err(RsvpRefusal::InviteOnly),
        _ if occasion
            .capacity
            .is_some_and(|c| occasion.going_others >= i64::from(c)) =>
        {
            Err(RsvpRefusal::Full)
        }
        JoinMode::Approval => Ok(RsvpState::Pending),
        JoinMode::Free => Ok(RsvpState::Accepted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPEN: Occasion = Occasion {
        status: EventStatus::Confirmed,
        over: false,
        join_mode: JoinMode::Free,
        capacity: Some(1),
        going_others: 0,
    };

    #[test]
    fn capacity_join_mode_status_and_time_decide_an_rsvp() {
        assert_eq!(
            decide_rsvp(OPEN, RsvpStatus::Going, false),
            Ok(RsvpState::Accepted)
        );
        let full = Occasion {
            going_others: 1,
            ..OPEN
        };
        assert_eq!(
            decide_rsvp(full, RsvpStatus::Going, false),
            Err(RsvpRefusal::Full)
        );
        assert_eq!(
            decide_rsvp(full, RsvpStatus::Interested, false),
            Ok(RsvpState::Accepted)
        );
        let approval = Occasion {
            join_mode: JoinMode::Approval,
            ..OPEN
        };
        assert_eq!(
            decide_rsvp(approval, RsvpStatus::Going, false),
            Ok(RsvpState::Pending)
        );
        let invite = Occasion {
            join_mode: JoinMode::Invite,
            ..OPEN
        };
        assert_eq!(
            decide_rsvp(invite, RsvpStatus::Going, false),
            Err(RsvpRefusal::InviteOnly)
        );
        let cancelled = Occasion {
            status: EventStatus::Cancelled,
            ..OPEN
        };
        assert_eq!(
            decide_rsvp(cancelled, RsvpStatus::Interested, false),
            Err(RsvpRefusal::Cancelled)
        );
        let past = Occasion { over: true, ..OPEN };
        assert_eq!(
            decide_rsvp(past, RsvpStatus::Going, false),
            Err(RsvpRefusal::Past)
        );
        assert_eq!(
            decide_rsvp(OPEN, RsvpStatus::Going, true),
            Err(RsvpRefusal::Banned)
        );
    }
}
