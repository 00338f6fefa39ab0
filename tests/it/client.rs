//! A typed client for the JSON API, over the API's own request and
//! response structs: tests say `alice.create_post("secguild", …)` and get a
//! `PostResponse` back, or the refusal with its status, error code and
//! field. Each call also holds the API to its success status (201 for what
//! it creates, 204 for what answers nothing, 200 otherwise). Tests of the
//! wire itself — malformed JSON, unknown fields, wrong types, oversized
//! bodies — send raw bodies with `TestApp::send` instead.

use crate::{common::TestApp, process::ServerProcess};
use guildhall::{
    api::{
        Page,
        admin::{DomainInput, DomainPolicy},
        charter::CharterResponse,
        communities::{CommunityResponse, CreateCommunity, UpdateCommunity},
        directory::DirectoryEntry,
        follow::{Decision, FollowResponse, PendingFollower},
        moderation::{BanInput, Reason},
        posts::{NewPost, NewReply, PostChanges, PostResponse},
        session::{SignIn, Token},
    },
    domain::charter::Charter,
    services::{
        account::SessionView, federation_admin::FederationState, moderation::LogEntry,
        partner::LinkState,
    },
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
    /// The offending field, for 422s (`name`, `charter.stage`, …).
    pub field: Option<String>,
}

/// What an API call gives: the typed answer or the refusal.
pub type Answer<T> = Result<T, Refusal>;

/// The API of one instance, as one caller (or anonymously).
pub struct Api {
    http: reqwest::Client,
    /// `http://127.0.0.1:<port>`.
    origin: String,
    token: Option<String>,
}

impl TestApp {
    /// The API as the holder of `token`.
    pub fn api(&self, token: &str) -> Api {
        Api::at(&self.client, &self.url(""), Some(token))
    }

    /// The API without a token.
    pub fn anonymous(&self) -> Api {
        Api::at(&self.client, &self.url(""), None)
    }
}

impl ServerProcess {
    /// The API of this process as the holder of `token`.
    pub fn api(&self, token: &str) -> Api {
        Api::at(&reqwest::Client::new(), &self.url(""), Some(token))
    }

    /// The API of this process without a token.
    pub fn anonymous(&self) -> Api {
        Api::at(&reqwest::Client::new(), &self.url(""), None)
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

/// A new post without a title.
pub fn untitled(content: &str) -> NewPost {
    NewPost {
        title: None,
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
/// Success statuses the API promises.
const OK: u16 = 200;
const CREATED: u16 = 201;
const NO_CONTENT: u16 = 204;

impl Api {
    pub(crate) fn at(http: &reqwest::Client, origin: &str, token: Option<&str>) -> Api {
        Api {
            http: http.clone(),
            origin: origin.to_string(),
            token: token.map(str::to_string),
        }
    }

    /// Sends the call; `success` is the status the API promises for it.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
        success: u16,
    ) -> Answer<T> {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.origin));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(serde_json::to_string(body).expect("serialise request"));
        }
        let res = request.send().await.expect("request");
        let status = res.status().as_u16();
        let text = res.text().await.expect("read answer");
        if status == success {
            let text = if text.is_empty() { "null" } else { &text };
            return Ok(serde_json::from_str(text).unwrap_or_else(|e| {
                panic!("{method} {path}: answer does not match the API type: {e}: {text}")
            }));
        }
        assert!(
            !(200..300).contains(&status),
            "{method} {path}: {status} where the API promises {success}"
        );
        let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let text_of = |key: &str| value[key].as_str().map(str::to_string);
        Err(Refusal {
            status,
            error: text_of("error").unwrap_or_default(),
            message: text_of("message").unwrap_or_default(),
            field: text_of("field"),
        })
    }

    /// `POST /api/v1/session`.
    pub async fn sign_in(&self, username: &str, password: &str) -> Answer<Token> {
        let body = SignIn {
            username: username.to_string(),
            password: password.to_string(),
        };
        self.call(Method::POST, "/api/v1/session", Some(&body), CREATED)
            .await
    }

    /// `DELETE /api/v1/session`: signs out.
    pub async fn sign_out(&self) -> Answer<()> {
        self.call(Method::DELETE, "/api/v1/session", NO_BODY, NO_CONTENT)
            .await
    }

    /// `GET /api/v1/sessions`.
    pub async fn sessions(&self) -> Answer<Page<SessionView>> {
        self.call(Method::GET, "/api/v1/sessions", NO_BODY, OK)
            .await
    }

    /// `DELETE /api/v1/sessions/{id}`.
    pub async fn revoke_session(&self, id: &str) -> Answer<()> {
        let path = format!("/api/v1/sessions/{id}");
        self.call(Method::DELETE, &path, NO_BODY, NO_CONTENT).await
    }

    /// `POST /api/v1/communities`.
    pub async fn create_community(&self, input: &CreateCommunity) -> Answer<CommunityResponse> {
        self.call(Method::POST, "/api/v1/communities", Some(input), CREATED)
            .await
    }

    /// `GET /api/v1/communities?limit=&after=` (the defaults where `None`).
    pub async fn communities(
        &self,
        limit: Option<u32>,
        after: Option<&str>,
    ) -> Answer<Page<CommunityResponse>> {
        let query: Vec<String> = [
            limit.map(|l| format!("limit={l}")),
            after.map(|a| format!("after={a}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        let path = format!("/api/v1/communities?{}", query.join("&"));
        self.call(Method::GET, &path, NO_BODY, OK).await
    }

    /// `GET /api/v1/communities/{handle}`.
    pub async fn community(&self, handle: &str) -> Answer<CommunityResponse> {
        let path = format!("/api/v1/communities/{handle}");
        self.call(Method::GET, &path, NO_BODY, OK).await
    }

    /// `PATCH /api/v1/communities/{name}`.
    pub async fn update_community(
        &self,
        name: &str,
        changes: &UpdateCommunity,
    ) -> Answer<CommunityResponse> {
        let path = format!("/api/v1/communities/{name}");
        self.call(Method::PATCH, &path, Some(changes), OK).await
    }

    /// `GET /api/v1/communities/{name}/charter`.
    pub async fn charter(&self, name: &str) -> Answer<CharterResponse> {
        let path = format!("/api/v1/communities/{name}/charter");
        self.call(Method::GET, &path, NO_BODY, OK).await
    }

    /// `PUT /api/v1/communities/{name}/charter`.
    pub async fn put_charter(&self, name: &str, charter: &Charter) -> Answer<CharterResponse> {
        let path = format!("/api/v1/communities/{name}/charter");
        self.call(Method::PUT, &path, Some(charter), OK).await
    }

    /// `GET /api/v1/communities/{name}/charter/history`.
    pub async fn charter_history(&self, name: &str) -> Answer<Page<CharterResponse>> {
        let path = format!("/api/v1/communities/{name}/charter/history");
        self.call(Method::GET, &path, NO_BODY, OK).await
    }

    /// `POST /api/v1/communities/{handle}/follow`.
    pub async fn follow(&self, handle: &str) -> Answer<FollowResponse> {
        let path = format!("/api/v1/communities/{handle}/follow");
        self.call(Method::POST, &path, NO_BODY, OK).await
    }

    /// `DELETE /api/v1/communities/{handle}/follow`.
    pub async fn unfollow(&self, handle: &str) -> Answer<FollowResponse> {
        let path = format!("/api/v1/communities/{handle}/follow");
        self.call(Method::DELETE, &path, NO_BODY, OK).await
    }

    /// `GET /api/v1/communities/{handle}/followers/pending`.
    pub async fn pending_followers(&self, handle: &str) -> Answer<Page<PendingFollower>> {
        let path = format!("/api/v1/communities/{handle}/followers/pending");
        self.call(Method::GET, &path, NO_BODY, OK).await
    }

    /// `POST /api/v1/communities/{handle}/followers/approve` (or `reject`).
    pub async fn decide_follower(&self, handle: &str, actor: &str, approve: bool) -> Answer<()> {
        let verb = if approve { "approve" } else { "reject" };
        let path = format!("/api/v1/communities/{handle}/followers/{verb}");
        let body = Decision {
            actor: actor.to_string(),
        };
        self.call(Method::POST, &path, Some(&body), NO_CONTENT)
            .await
    }

    /// `POST /api/v1/communities/{handle}/posts`.
    pub async fn create_post(&self, handle: &str, post: &NewPost) -> Answer<PostResponse> {
        let path = format!("/api/v1/communities/{handle}/posts");
        self.call(Method::POST, &path, Some(post), CREATED).await
    }

    /// `GET /api/v1/communities/{handle}/posts` (the newest 20).
    pub async fn posts(&self, handle: &str) -> Answer<Page<PostResponse>> {
        let path = format!("/api/v1/communities/{handle}/posts");
        self.call(Method::GET, &path, NO_BODY, OK).await
    }

    /// `GET /api/v1/communities/{handle}/posts?limit=`.
    pub async fn newest_posts(&self, handle: &str, limit: u32) -> Answer<Page<PostResponse>> {
        let path = format!("/api/v1/communities/{handle}/posts?limit={limit}");
        self.call(Method::GET, &path, NO_BODY, OK).await
    }

    /// `GET /api/v1/posts/{id}`.
    pub async fn post(&self, id: i64) -> Answer<PostResponse> {
        let path = format!("/api/v1/posts/{id}");
        self.call(Method::GET, &path, NO_BODY, OK).await
    }

    /// `PATCH /api/v1/posts/{id}`.
    pub async fn edit_post(&self, id: i64, changes: &PostChanges) -> Answer<PostResponse> {
        let path = format!("/api/v1/posts/{id}");
        self.call(Method::PATCH, &path, Some(changes), OK).await
    }

    /// `DELETE /api/v1/posts/{id}`.
    pub async fn delete_post(&self, id: i64) -> Answer<()> {
        let path = format!("/api/v1/posts/{id}");
        self.call(Method::DELETE, &path, NO_BODY, NO_CONTENT).await
    }

    /// `POST /api/v1/posts/{id}/replies`.
    pub async fn reply(&self, id: i64, content: &str) -> Answer<PostResponse> {
        let body = NewReply {
            content: content.to_string(),
            ..NewReply::default()
        };
        let path = format!("/api/v1/posts/{id}/replies");
        self.call(Method::POST, &path, Some(&body), CREATED).await
    }

    /// `GET /api/v1/posts/{id}/replies`.
    pub async fn replies(&self, id: i64) -> Answer<Page<PostResponse>> {
        let path = format!("/api/v1/posts/{id}/replies");
        self.call(Method::GET, &path, NO_BODY, OK).await
    }

    /// `POST /api/v1/posts/{id}/like`.
    pub async fn like(&self, id: i64) -> Answer<PostResponse> {
        let path = format!("/api/v1/posts/{id}/like");
        self.call(Method::POST, &path, NO_BODY, OK).await
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
        self.call(method, &path, Some(&body), NO_CONTENT).await
    }

    /// `POST /api/v1/communities/{handle}/bans`: bans `person` (`name`,
    /// `name@host` or an actor URL).
    pub async fn ban(&self, handle: &str, person: &str, reason: &str) -> Answer<()> {
        let body = BanInput {
            person: person.to_string(),
            reason: Some(reason.to_string()),
        };
        let path = format!("/api/v1/communities/{handle}/bans");
        self.call(Method::POST, &path, Some(&body), NO_CONTENT)
            .await
    }

    /// `GET /api/v1/communities/{handle}/modlog`.
    pub async fn modlog(&self, handle: &str) -> Answer<Page<LogEntry>> {
        let path = format!("/api/v1/communities/{handle}/modlog");
        self.call(Method::GET, &path, NO_BODY, OK).await
    }

    /// `GET /api/v1/admin/federation`.
    pub async fn federation_state(&self) -> Answer<FederationState> {
        self.call(Method::GET, "/api/v1/admin/federation", NO_BODY, OK)
            .await
    }

    /// `POST` (link) or `DELETE` (unlink) `/api/v1/admin/partners`.
    pub async fn partner(&self, domain: &str, link: bool) -> Answer<LinkState> {
        let body = DomainInput {
            domain: domain.to_string(),
        };
        let method = if link { Method::POST } else { Method::DELETE };
        self.call(method, "/api/v1/admin/partners", Some(&body), OK)
            .await
    }

    /// `GET /api/v1/directory?<params>` (each pair URL-encoded).
    pub async fn directory(&self, params: &[(&str, &str)]) -> Answer<Page<DirectoryEntry>> {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        let path = format!("/api/v1/directory?{query}");
        self.call(Method::GET, &path, NO_BODY, OK).await
    }

    /// `POST` or `DELETE /api/v1/admin/{list}` (`blocks` or `partners`).
    pub async fn admin_domain(&self, list: &str, domain: &str, add: bool) -> Answer<DomainPolicy> {
        let body = DomainInput {
            domain: domain.to_string(),
        };
        let method = if add { Method::POST } else { Method::DELETE };
        let path = format!("/api/v1/admin/{list}");
        self.call(method, &path, Some(&body), OK).await
    }
}

/// An answer that should be a refusal (the API's answer types print nothing).
pub trait Refused {
    /// The refusal; panics when the API took the call.
    fn refused(self) -> Refusal;
}

impl<T> Refused for Answer<T> {
    #[track_caller]
    fn refused(self) -> Refusal {
        match self {
            Ok(_) => panic!("the API took a call it should refuse"),
            Err(refusal) => refusal,
        }
    }
}
