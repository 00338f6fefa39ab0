//! A typed client for the JSON API, over the API's own request and
//! response structs: tests say `alice.create_post("secguild", …)` and get a
//! `PostResponse` back, or the refusal with its status and error code.
//! (Tests of the wire itself — malformed JSON, unknown fields, oversized
//! bodies — send raw bodies with `TestApp::send` instead.)

use crate::common::TestApp;
use guildhall::{
    api::{
        Page,
        admin::{DomainInput, DomainPolicy},
        charter::CharterResponse,
        communities::{CommunityResponse, CreateCommunity, UpdateCommunity},
        follow::{Decision, FollowResponse, PendingFollower},
        moderation::{BanInput, Reason},
        posts::{NewPost, NewReply, PostChanges, PostResponse},
        session::{SignIn, Token},
    },
    domain::charter::Charter,
    services::{account::SessionView, federation_admin::FederationState, moderation::LogEntry},
};
use reqwest::Method;
use serde::{Serialize, de::DeserializeOwned};

/// An API answer that was not a success.
#[derive(Debug)]
pub struct Refusal {
    pub status: u16,
    /// The stable error code (`not_found`, `forbidden`, …).
    pub error: String,
    pub message: String,
}

/// What an API call gives: the typed answer or the refusal.
pub type Answer<T> = Result<T, Refusal>;

/// The API of one instance, as one caller (or anonymously).
pub struct Api<'a> {
    app: &'a TestApp,
    token: Option<String>,
}

impl TestApp {
    /// The API as the holder of `token`.
    pub fn api(&self, token: &str) -> Api<'_> {
        Api {
            app: self,
            token: Some(token.to_string()),
        }
    }

    /// The API without a token.
    pub fn anonymous(&self) -> Api<'_> {
        Api {
            app: self,
            token: None,
        }
    }
}

/// A new post with a title.
pub fn titled(title: &str, content: &str) -> NewPost {
    NewPost {
        title: Some(title.to_string()),
        content: content.to_string(),
        ..NewPost::default()
    }
}

/// A new community named `name`, everything else by default.
pub fn named(name: &str) -> CreateCommunity {
    CreateCommunity {
        name: name.to_string(),
        ..CreateCommunity::default()
    }
}

/// A body for calls that take none.
const NO_BODY: Option<&()> = None;

impl Api<'_> {
    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Answer<T> {
        let body = body.map(|b| serde_json::to_string(b).expect("serialise request"));
        let res = self
            .app
            .send(method.clone(), path, self.token.as_deref(), body)
            .await;
        let status = res.status().as_u16();
        let text = res.text().await.expect("read answer");
        if (200..300).contains(&status) {
            let text = if text.is_empty() { "null" } else { &text };
            return Ok(serde_json::from_str(text).unwrap_or_else(|e| {
                panic!("{method} {path}: answer does not match the API type: {e}: {text}")
            }));
        }
        let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        Err(Refusal {
            status,
            error: value["error"].as_str().unwrap_or_default().to_string(),
            message: value["message"].as_str().unwrap_or_default().to_string(),
        })
    }

    /// `POST /api/v1/session`.
    pub async fn sign_in(&self, username: &str, password: &str) -> Answer<Token> {
        let body = SignIn {
            username: username.to_string(),
            password: password.to_string(),
        };
        self.call(Method::POST, "/api/v1/session", Some(&body))
            .await
    }

    /// `GET /api/v1/sessions`.
    pub async fn sessions(&self) -> Answer<Page<SessionView>> {
        self.call(Method::GET, "/api/v1/sessions", NO_BODY).await
    }

    /// `POST /api/v1/communities`.
    pub async fn create_community(&self, input: &CreateCommunity) -> Answer<CommunityResponse> {
        self.call(Method::POST, "/api/v1/communities", Some(input))
            .await
    }

    /// `GET /api/v1/communities`.
    pub async fn communities(&self) -> Answer<Page<CommunityResponse>> {
        self.call(Method::GET, "/api/v1/communities", NO_BODY).await
    }

    /// `GET /api/v1/communities/{handle}`.
    pub async fn community(&self, handle: &str) -> Answer<CommunityResponse> {
        let path = format!("/api/v1/communities/{handle}");
        self.call(Method::GET, &path, NO_BODY).await
    }

    /// `PATCH /api/v1/communities/{name}`.
    pub async fn update_community(
        &self,
        name: &str,
        changes: &UpdateCommunity,
    ) -> Answer<CommunityResponse> {
        let path = format!("/api/v1/communities/{name}");
        self.call(Method::PATCH, &path, Some(changes)).await
    }

    /// `GET /api/v1/communities/{name}/charter`.
    pub async fn charter(&self, name: &str) -> Answer<CharterResponse> {
        let path = format!("/api/v1/communities/{name}/charter");
        self.call(Method::GET, &path, NO_BODY).await
    }

    /// `PUT /api/v1/communities/{name}/charter`.
    pub async fn put_charter(&self, name: &str, charter: &Charter) -> Answer<CharterResponse> {
        let path = format!("/api/v1/communities/{name}/charter");
        self.call(Method::PUT, &path, Some(charter)).await
    }

    /// `GET /api/v1/communities/{name}/charter/history`.
    pub async fn charter_history(&self, name: &str) -> Answer<Page<CharterResponse>> {
        let path = format!("/api/v1/communities/{name}/charter/history");
        self.call(Method::GET, &path, NO_BODY).await
    }

    /// `POST /api/v1/communities/{handle}/follow`.
    pub async fn follow(&self, handle: &str) -> Answer<FollowResponse> {
        let path = format!("/api/v1/communities/{handle}/follow");
        self.call(Method::POST, &path, NO_BODY).await
    }

    /// `DELETE /api/v1/communities/{handle}/follow`.
    pub async fn unfollow(&self, handle: &str) -> Answer<FollowResponse> {
        let path = format!("/api/v1/communities/{handle}/follow");
        self.call(Method::DELETE, &path, NO_BODY).await
    }

    /// `GET /api/v1/communities/{handle}/followers/pending`.
    pub async fn pending_followers(&self, handle: &str) -> Answer<Page<PendingFollower>> {
        let path = format!("/api/v1/communities/{handle}/followers/pending");
        self.call(Method::GET, &path, NO_BODY).await
    }

    /// `POST /api/v1/communities/{handle}/followers/approve` (or `reject`).
    pub async fn decide_follower(&self, handle: &str, actor: &str, approve: bool) -> Answer<()> {
        let verb = if approve { "approve" } else { "reject" };
        let path = format!("/api/v1/communities/{handle}/followers/{verb}");
        let body = Decision {
            actor: actor.to_string(),
        };
        self.call(Method::POST, &path, Some(&body)).await
    }

    /// `POST /api/v1/communities/{handle}/posts`.
    pub async fn create_post(&self, handle: &str, post: &NewPost) -> Answer<PostResponse> {
        let path = format!("/api/v1/communities/{handle}/posts");
        self.call(Method::POST, &path, Some(post)).await
    }

    /// `GET /api/v1/communities/{handle}/posts`.
    pub async fn posts(&self, handle: &str) -> Answer<Page<PostResponse>> {
        let path = format!("/api/v1/communities/{handle}/posts");
        self.call(Method::GET, &path, NO_BODY).await
    }

    /// `GET /api/v1/posts/{id}`.
    pub async fn post(&self, id: i64) -> Answer<PostResponse> {
        self.call(Method::GET, &format!("/api/v1/posts/{id}"), NO_BODY)
            .await
    }

    /// `PATCH /api/v1/posts/{id}`.
    pub async fn edit_post(&self, id: i64, changes: &PostChanges) -> Answer<PostResponse> {
        self.call(Method::PATCH, &format!("/api/v1/posts/{id}"), Some(changes))
            .await
    }

    /// `DELETE /api/v1/posts/{id}`.
    pub async fn delete_post(&self, id: i64) -> Answer<()> {
        self.call(Method::DELETE, &format!("/api/v1/posts/{id}"), NO_BODY)
            .await
    }

    /// `POST /api/v1/posts/{id}/replies`.
    pub async fn reply(&self, id: i64, content: &str) -> Answer<PostResponse> {
        let body = NewReply {
            content: content.to_string(),
            ..NewReply::default()
        };
        let path = format!("/api/v1/posts/{id}/replies");
        self.call(Method::POST, &path, Some(&body)).await
    }

    /// `GET /api/v1/posts/{id}/replies`.
    pub async fn replies(&self, id: i64) -> Answer<Page<PostResponse>> {
        let path = format!("/api/v1/posts/{id}/replies");
        self.call(Method::GET, &path, NO_BODY).await
    }

    /// `POST /api/v1/posts/{id}/like`.
    pub async fn like(&self, id: i64) -> Answer<PostResponse> {
        let path = format!("/api/v1/posts/{id}/like");
        self.call(Method::POST, &path, NO_BODY).await
    }

    /// `DELETE /api/v1/posts/{id}/like`.
    pub async fn unlike(&self, id: i64) -> Answer<PostResponse> {
        let path = format!("/api/v1/posts/{id}/like");
        self.call(Method::DELETE, &path, NO_BODY).await
    }

    /// `POST /api/v1/posts/{id}/{action}` for `remove`, `restore` or `lock`
    /// (`DELETE .../lock` when `action` is `unlock`).
    pub async fn moderate(&self, id: i64, action: &str, reason: Option<&str>) -> Answer<()> {
        let body = Reason {
            reason: reason.map(str::to_string),
        };
        let (method, action) = match action {
            "unlock" => (Method::DELETE, "lock"),
            other => (Method::POST, other),
        };
        let path = format!("/api/v1/posts/{id}/{action}");
        self.call(method, &path, Some(&body)).await
    }

    /// `POST` (ban) or `DELETE` (unban) `/api/v1/communities/{handle}/bans`.
    pub async fn ban(&self, handle: &str, person: &str, banned: bool) -> Answer<()> {
        let body = BanInput {
            person: person.to_string(),
            reason: None,
        };
        let method = if banned { Method::POST } else { Method::DELETE };
        let path = format!("/api/v1/communities/{handle}/bans");
        self.call(method, &path, Some(&body)).await
    }

    /// `GET /api/v1/communities/{handle}/modlog`.
    pub async fn modlog(&self, handle: &str) -> Answer<Page<LogEntry>> {
        let path = format!("/api/v1/communities/{handle}/modlog");
        self.call(Method::GET, &path, NO_BODY).await
    }

    /// `GET /api/v1/admin/federation`.
    pub async fn federation_state(&self) -> Answer<FederationState> {
        self.call(Method::GET, "/api/v1/admin/federation", NO_BODY)
            .await
    }

    /// `POST` or `DELETE /api/v1/admin/{list}` (`blocks` or `partners`).
    pub async fn admin_domain(&self, list: &str, domain: &str, add: bool) -> Answer<DomainPolicy> {
        let body = DomainInput {
            domain: domain.to_string(),
        };
        let method = if add { Method::POST } else { Method::DELETE };
        self.call(method, &format!("/api/v1/admin/{list}"), Some(&body))
            .await
    }
}
