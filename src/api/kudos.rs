//! Kudos and recognition: `/api/v1/communities/{handle}/kudos` (give, and
//! the community's kudos wall), `/api/v1/communities/{handle}/contributors`
//! (top contributors), `/api/v1/people/{handle}/kudos` (a person's kudos,
//! received and given) and `DELETE /api/v1/kudos/{id}` (its giver takes it
//! back, or a moderator removes it).

use super::{
    Page,
    auth::{MaybeSignedIn, SignedIn},
    json,
};
use crate::{
    db::{
        kudos::{Contribution, RankBy, Role},
        person::PersonRow,
    },
    domain::FieldError,
    error::{AppError, AppResult, ErrorKind},
    federation::{context::Federation, handle, policy},
    services::{
        contributors::{self, Period},
        kudos::{self, KudosRequest, KudosView},
    },
};
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `POST /api/v1/communities/{handle}/kudos` body.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewKudos {
    /// `@name@host`, a local `name`, or an actor URL.
    pub recipient: String,
    pub message: String,
    /// One of the community's `kudos_categories`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The URL of the post or event of the community it thanks for.
    #[serde(rename = "for", default, skip_serializing_if = "Option::is_none")]
    pub thanks_for: Option<String>,
}

/// A kudos as the API shows it.
#[derive(Debug, Serialize, Deserialize)]
pub struct KudosResponse {
    pub id: i64,
    /// The id of the `Note` that carries it.
    pub ap_id: String,
    /// The community's handle (`name` or `name@host`).
    pub community: String,
    /// The giver's handle.
    pub giver: String,
    pub giver_name: String,
    /// The recipient's handle.
    pub recipient: String,
    pub recipient_name: String,
    /// What the giver thanks for, as plain text.
    pub message: String,
    pub category: Option<String>,
    /// The post or event it thanks for.
    #[serde(rename = "for")]
    pub thanks_for: Option<String>,
    /// The post that carries it, where the community is held here.
    pub post_id: Option<i64>,
    pub local: bool,
    pub published: DateTime<Utc>,
}

impl From<KudosView> for KudosResponse {
    fn from(v: KudosView) -> Self {
        let community = if v.community.local {
            v.community.name.clone()
        } else {
            format!("{}@{}", v.community.name, v.community.domain)
        };
        KudosResponse {
            id: v.row.id,
            ap_id: v.row.ap_id,
            community,
            giver: v.giver.handle(),
            giver_name: v.giver.shown_name(),
            recipient: v.recipient.handle(),
            recipient_name: v.recipient.shown_name(),
            message: v.row.message,
            category: v.row.category,
            thanks_for: v.row.thanks_for,
            post_id: v.row.post_id,
            local: v.row.local,
            published: v.row.published,
        }
    }
}

/// `POST /api/v1/communities/{handle}/kudos` → 201 with the kudos.
pub async fn create_kudos(
    fed: web::Data<Federation>,
    SignedIn(giver): SignedIn,
    path: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let input: NewKudos = json::parse(&body, "")?;
    let community = handle::community(&fed, &path, true).await?;
    let recipient = find_recipient(&fed, &input.recipient).await?;
    let request = KudosRequest {
        message: input.message,
        category: input.category,
        thanks_for: input.thanks_for,
    };
    let view = kudos::give(&fed.state, &giver, &community, &recipient, &request).await?;
    Ok(HttpResponse::Created().json(KudosResponse::from(view)))
}

/// The person a kudos is for (`@name@host`, a local `name`, or an actor
/// URL): unknown people and people on instances we do not federate with
/// are an error on the `recipient` field (the pages use this too).
pub async fn find_recipient(fed: &Federation, recipient: &str) -> AppResult<PersonRow> {
    let unknown = |err: AppError| match err.kind {
        ErrorKind::NotFound | ErrorKind::Forbidden => AppError::from(FieldError::new(
            "recipient",
            format!("no person `{}` could be found", recipient.trim()),
        )),
        _ => err,
    };
    if recipient.trim().is_empty() {
        return Err(FieldError::new("recipient", "say who you thank").into());
    }
    let found = handle::person(fed, recipient).await.map_err(unknown)?;
    if !found.local && !policy::allows(fed, &found.domain).await? {
        return Err(FieldError::new(
            "recipient",
            format!("{} is not federated with", found.domain),
        )
        .into());
    }
    Ok(found)
}

/// `?before=&limit=` of a list of kudos.
#[derive(Deserialize)]
pub struct ListQuery {
    before: Option<i64>,
    limit: Option<i64>,
    /// For a person: `received`, `given`, or both when left out.
    role: Option<String>,
}

impl ListQuery {
    fn limit(&self) -> i64 {
        self.limit.unwrap_or(50).clamp(1, 200)
    }
}

fn page(views: Vec<KudosView>, next: Option<String>) -> HttpResponse {
    HttpResponse::Ok().json(Page {
        items: views
            .into_iter()
            .map(KudosResponse::from)
            .collect::<Vec<_>>(),
        next,
    })
}

/// `GET /api/v1/communities/{handle}/kudos`: the kudos wall, newest first.
pub async fn list_kudos(
    fed: web::Data<Federation>,
    MaybeSignedIn(reader): MaybeSignedIn,
    path: web::Path<String>,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let community = handle::community(&fed, &path, reader.is_some()).await?;
    let (views, next) = kudos::wall(&fed.state, &community, query.before, query.limit()).await?;
    Ok(page(views, next))
}

/// `GET /api/v1/people/{handle}/kudos?role=received|given`: a person's
/// kudos in every community, newest first (both roles when `role` is left
/// out). Only people known here; nobody is looked up elsewhere.
pub async fn list_person_kudos(
    fed: web::Data<Federation>,
    path: web::Path<String>,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let role = match query.role.as_deref() {
        None => Role::Both,
        Some("received") => Role::Received,
        Some("given") => Role::Given,
        Some(other) => {
            return Err(
                FieldError::new("role", format!("`{other}` is not `received` or `given`")).into(),
            );
        }
    };
    let person = handle::known_person(&fed, &path).await?;
    let (views, next) =
        kudos::of_person(&fed.state, &person, role, query.before, query.limit()).await?;
    Ok(page(views, next))
}

/// `DELETE /api/v1/kudos/{id}`: its giver deletes it, or a moderator of
/// its community removes it → 204.
pub async fn delete_kudos(
    fed: web::Data<Federation>,
    SignedIn(person): SignedIn,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    kudos::withdraw(&fed.state, &person, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `?period=30d|1y|all&by=kudos|posts|replies|events` of top contributors.
#[derive(Deserialize)]
pub struct ContributorsQuery {
    period: Option<String>,
    by: Option<String>,
    limit: Option<i64>,
}

/// One person's contribution in the period.
#[derive(Debug, Serialize, Deserialize)]
pub struct ContributorResponse {
    /// Their handle.
    pub person: String,
    pub name: String,
    pub kudos_received: i64,
    pub posts: i64,
    pub replies: i64,
    pub events_organised: i64,
}

/// `GET /api/v1/communities/{handle}/contributors`: who contributed most
/// over the last 30 days (`period=30d`, the default), year (`1y`) or all
/// time (`all`), ranked by kudos received (`by=kudos`, the default),
/// posts, replies or events organised.
pub async fn list_contributors(
    fed: web::Data<Federation>,
    MaybeSignedIn(reader): MaybeSignedIn,
    path: web::Path<String>,
    query: web::Query<ContributorsQuery>,
) -> AppResult<HttpResponse> {
    let period = match query.period.as_deref().unwrap_or("30d") {
        "30d" => Period::Days30,
        "1y" => Period::Year,
        "all" => Period::AllTime,
        other => {
            return Err(FieldError::new(
                "period",
                format!("`{other}` is not `30d`, `1y` or `all`"),
            )
            .into());
        }
    };
    let rank = match query.by.as_deref().unwrap_or("kudos") {
        "kudos" => RankBy::Kudos,
        "posts" => RankBy::Posts,
        "replies" => RankBy::Replies,
        "events" => RankBy::Events,
        other => {
            return Err(FieldError::new(
                "by",
                format!("`{other}` is not `kudos`, `posts`, `replies` or `events`"),
            )
            .into());
        }
    };
    let community = handle::community(&fed, &path, reader.is_some()).await?;
    let limit = query.limit.unwrap_or(10).clamp(1, 100);
    let ranked = contributors::top(&fed.state, &community, period, rank, limit).await?;
    Ok(HttpResponse::Ok().json(Page {
        items: ranked
            .into_iter()
            .map(|(person, c): (_, Contribution)| ContributorResponse {
                person: person.handle(),
                name: person.shown_name(),
                kudos_received: c.kudos,
                posts: c.posts,
                replies: c.replies,
                events_organised: c.events,
            })
            .collect::<Vec<_>>(),
        next: None,
    }))
}
