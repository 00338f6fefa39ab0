//! The URL scheme of this instance: ActivityPub ids, inboxes, collections
//! and pages. Every id we mint comes from here.

use url::Url;

/// Builds this instance's URLs from its base URL.
#[derive(Clone, Debug)]
pub struct Urls {
    base: String,
}

impl Urls {
    /// `base` is `scheme://domain` without a trailing slash.
    pub fn new(base: impl Into<String>) -> Self {
        Urls { base: base.into() }
    }

    fn url(&self, path: &str) -> Url {
        Url::parse(&format!("{}{path}", self.base)).expect("our base URL and paths are valid")
    }

    /// The front page.
    pub fn home(&self) -> Url {
        self.url("/")
    }

    /// The instance actor (an `Application`).
    pub fn instance_actor(&self) -> Url {
        self.url("/actor")
    }

    /// The directory collection: our listed communities with their
    /// charters (a paged `OrderedCollection`).
    pub fn directory(&self) -> Url {
        self.url("/directory")
    }

    /// One page (from 1) of the directory collection.
    pub fn directory_page(&self, page: u32) -> Url {
        self.url(&format!("/directory?page={page}"))
    }

    /// The shared inbox.
    pub fn shared_inbox(&self) -> Url {
        self.url("/inbox")
    }

    /// A community's actor id (also its web page).
    pub fn community(&self, name: &str) -> Url {
        self.url(&format!("/c/{name}"))
    }

    /// A community sub-resource: `inbox`, `outbox`, `followers`, `moderators`, `featured`.
    pub fn community_part(&self, name: &str, part: &str) -> Url {
        self.url(&format!("/c/{name}/{part}"))
    }

    /// A person's actor id (also their web page).
    pub fn person(&self, name: &str) -> Url {
        self.url(&format!("/u/{name}"))
    }

    /// A person sub-resource: `inbox`, `outbox`, `followers`, `following`.
    pub fn person_part(&self, name: &str, part: &str) -> Url {
        self.url(&format!("/u/{name}/{part}"))
    }

    /// A path on this instance (for pages and documents).
    pub fn path(&self, path: &str) -> Url {
        self.url(path)
    }

    /// A new id for an activity of `kind` (its ActivityStreams type, as
    /// `Follow`): `/activities/follow/<random token>`.
    pub fn activity_id(&self, kind: &str) -> Url {
        use rand::Rng;
        let token: String = rand::thread_rng()
            .sample_iter(&rand::distributions::Alphanumeric)
            .take(20)
            .map(char::from)
            .collect();
        self.url(&format!(
            "/activities/{}/{token}",
            kind.to_ascii_lowercase()
        ))
    }

    /// The id (and page) of the local event `id`.
    pub fn event(&self, id: i64) -> Url {
        self.url(&format!("/events/{id}"))
    }

    /// The id of the local post `id`.
    pub fn post(&self, id: i64) -> Url {
        self.url(&format!("/p/{id}"))
    }
}
