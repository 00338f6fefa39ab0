//! Milestones: a local community celebrates with a post of its own (author:
//! the group) that federates like any other. Each milestone is claimed in
//! the `milestones` table inside the transaction of what reached it, so it
//! fires once whatever the number of processes; a kind its moderators
//! switched off is claimed without a post.

use super::{
    AppState,
    post::store::{self, CommunityPost},
};
use crate::{
    db::{self, community::CommunityRow},
    domain::milestone::{Milestone, MilestoneKind, member_threshold},
    error::AppResult,
};
use chrono::{DateTime, Datelike, Utc};
use diesel::QueryResult;
use diesel_async::{AsyncConnection, AsyncPgConnection};

/// Celebrates `milestone` in `community` unless it was reached before (call
/// it inside the transaction of the change that reached it).
pub async fn celebrate(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community: &CommunityRow,
    milestone: Milestone,
) -> QueryResult<()> {
    celebrate_all(conn, state, community, milestone.kind(), &[milestone]).await
}

/// [`celebrate`] for several milestones of one `kind`, claimed together
/// (one statement for all of them).
pub async fn celebrate_all(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community: &CommunityRow,
    kind: MilestoneKind,
    milestones: &[Milestone],
) -> QueryResult<()> {
    if !community.local || milestones.is_empty() {
        return Ok(());
    }
    let milestones: Vec<&Milestone> = milestones.iter().filter(|m| m.kind() == kind).collect();
    let subjects: Vec<String> = milestones.iter().map(|m| m.subject()).collect();
    let refs: Vec<&str> = subjects.iter().map(String::as_str).collect();
    let mut claimed = db::milestone::claim_many(conn, community.id, kind, &refs).await?;
    if community.milestones_off.contains(kind) {
        return Ok(());
    }
    for (milestone, subject) in milestones.into_iter().zip(&subjects) {
        // Each subject claimed once, even when it came twice.
        let Some(at) = claimed.iter().position(|c| c == subject) else {
            continue;
        };
        claimed.swap_remove(at);
        let (title, text) = milestone.announcement(&community.title);
        let html = maud::html! { p { (text) } }.into_string();
        let celebration = CommunityPost {
            ap_id: None,
            title: &title,
            html: &html,
            milestone: Some(kind),
            published: Utc::now(),
        };
        let post = store::create_by_community(conn, state, community, celebration).await?;
        db::milestone::set_post(conn, community.id, kind, subject, post.id).await?;
    }
    Ok(())
}

/// The membership of a local community changed: celebrates the member
/// count it reached. Changes are counted one at a time (the community row
/// is locked), so a threshold crossed by two joining at once is seen.
pub async fn members_changed(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    community: &CommunityRow,
) -> QueryResult<()> {
    if !community.local {
        return Ok(());
    }
    db::community::lock(conn, community.id).await?;
    let members = db::community::follower_count(conn, community.id).await?;
    match member_threshold(members) {
        Some(count) => celebrate(conn, state, community, Milestone::Members { count }).await,
        None => Ok(()),
    }
}

/// Whole years from `since` to `now`.
fn years_between(since: DateTime<Utc>, now: DateTime<Utc>) -> i32 {
    let mut years = now.year() - since.year();
    if (now.month(), now.day()) < (since.month(), since.day()) {
        years -= 1;
    }
    years.max(0)
}

/// Celebrates the anniversaries local communities reached by `now` (run
/// from time to time; each year fires once).
pub async fn celebrate_anniversaries(state: &AppState, now: DateTime<Utc>) -> AppResult<()> {
    let mut conn = state.pool.get().await?;
    let mut after: Option<String> = None;
    loop {
        let page = db::community::list_local(&mut conn, true, after.as_deref(), 200).await?;
        for community in &page {
            let years = years_between(community.created_at, now);
            if years >= 1 {
                let milestone = Milestone::Anniversary { years };
                conn.transaction(async |conn| celebrate(conn, state, community, milestone).await)
                    .await?;
            }
        }
        match page.last() {
            Some(last) if page.len() == 200 => after = Some(last.name.clone()),
            _ => return Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn years_count_whole_years_only() {
        let born = Utc.with_ymd_and_hms(2025, 3, 10, 12, 0, 0).unwrap();
        let day_before = Utc.with_ymd_and_hms(2026, 3, 9, 23, 0, 0).unwrap();
        let day_of = Utc.with_ymd_and_hms(2026, 3, 10, 0, 0, 0).unwrap();
        assert_eq!(years_between(born, day_before), 0);
        assert_eq!(years_between(born, day_of), 1);
        assert_eq!(years_between(born, born), 0);
    }
}
