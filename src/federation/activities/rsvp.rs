//! Answers to our events from other servers: `Join` (going),
//! `TentativeAccept` (interested) and `Leave`, as Mobilizon sends them, and,
//! for Mastodon (which cannot send `Join`), a public or direct reply to the
//! event that says "going", "interested" or "not going" (in several
//! languages). Sender: the person answering, signed by their server; about:
//! a local event (occurrence or one-off event). The community answers
//! `Join` / `TentativeAccept` with `Accept` or `Reject`, and a Mastodon
//! reply with `Accept` of the reply too, so the person sees it counted.

use super::{person, refused};
use crate::{
    db::{self, event::EventRow},
    domain::event::RsvpStatus,
    error::AppResult,
    federation::{context::Federation, fetch::FetchBudget},
    protocol::activity::{Activity, Reference},
    services::event::rsvp,
};
use url::Url;

/// A local event named by `object`.
pub(super) async fn local_event(fed: &Federation, object: &Url) -> AppResult<Option<EventRow>> {
    let mut conn = fed.state.pool.get().await?;
    Ok(db::event::find_by_ap_id(&mut conn, object.as_str())
        .await?
        .filter(|e| e.local))
}

/// `Join`, `TentativeAccept` (`status` going or interested) or `Leave`
/// (`status` = `None`) of a local event.
pub async fn receive_rsvp(
    fed: &Federation,
    activity: Activity<Reference>,
    status: Option<RsvpStatus>,
    budget: &FetchBudget,
) -> AppResult<()> {
    let event = local_event(fed, &activity.object.0)
        .await?
        .ok_or_else(|| refused("only our events can be joined here"))?;
    let asked = activity.id.as_str();
    answer(fed, &event, &activity.actor, status, asked, false, budget).await
}

/// Records `actor`'s answer to `event`, asked by `activity_id` (a reply
/// when `by_mention`).
pub(super) async fn answer(
    fed: &Federation,
    event: &EventRow,
    actor: &Url,
    status: Option<RsvpStatus>,
    activity_id: &str,
    by_mention: bool,
    budget: &FetchBudget,
) -> AppResult<()> {
    if event.rrule.is_some() && event.series_id.is_none() {
        return Err(refused("answer a single occurrence of a series"));
    }
    let person = person(fed, actor, budget).await?;
    match rsvp::answer_remote(&fed.state, &person, event, status, activity_id, by_mention).await? {
        Some(reason) => Err(refused(format!("answered Reject: {reason}"))),
        None => Ok(()),
    }
}

/// What a reply to an event says, if it is an RSVP: its first words,
/// without mentions and markup, in English, German, French, Spanish,
/// Portuguese or Dutch.
pub fn rsvp_in_reply(html: &str) -> Option<RsvpStatus> {
    let text = ammonia::Builder::empty().clean(html).to_string();
    let words: Vec<String> = text
        .split_whitespace()
        .filter(|w| !w.starts_with('@'))
        .take(3)
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect();
    let said = words.join(" ");
    const NOT_GOING: [&str; 9] = [
        "not going",
        "can't make",
        "cannot make",
        "nicht dabei",
        "komme nicht",
        "pas là",
        "no voy",
        "não vou",
        "niet aanwezig",
    ];
    const GOING: [&str; 10] = [
        "going",
        "attending",
        "count me",
        "dabei",
        "komme",
        "je viens",
        "présent",
        "voy",
        "vou",
        "aanwezig",
    ];
    const INTERESTED: [&str; 6] = [
        "interested",
        "maybe",
        "vielleicht",
        "peut-être",
        "quizás",
        "talvez",
    ];
    if NOT_GOING.iter().any(|p| said.starts_with(p)) {
        Some(RsvpStatus::NotGoing)
    } else if INTERESTED.iter().any(|p| said.starts_with(p)) {
        Some(RsvpStatus::Interested)
    } else if GOING.iter().any(|p| said.starts_with(p)) {
        Some(RsvpStatus::Going)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_read_as_answers_in_several_languages_and_other_replies_are_not() {
        let cases = [
            (
                "<p><span class=\"h-card\"><a href=\"x\">@secguild</a></span> Going!</p>",
                Some(RsvpStatus::Going),
            ),
            (
                "<p>@secguild not going, sorry</p>",
                Some(RsvpStatus::NotGoing),
            ),
            (
                "<p>Maybe, if the train is on time</p>",
                Some(RsvpStatus::Interested),
            ),
            ("<p>Ich bin dabei</p>", None),
            ("<p>Dabei!</p>", Some(RsvpStatus::Going)),
            ("<p>Je viens</p>", Some(RsvpStatus::Going)),
            ("<p>What room is it in?</p>", None),
        ];
        for (html, want) in cases {
            assert_eq!(rsvp_in_reply(html), want, "{html}");
        }
    }
}
