//! Password hashing with Argon2, on a few threads of its own: one per core,
//! so hashing costs at most the machine's cores, and its 19 MiB of working
//! memory per hash stays in those threads' allocator arenas instead of
//! spreading over every blocking thread of the runtime. When too much
//! hashing is queued, callers get 503 at once instead of waiting.

use crate::error::{AppError, AppResult, ErrorKind};
use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use std::sync::{
    Arc, Mutex,
    mpsc::{self, Receiver, SyncSender},
};

/// Hashes that may wait for a thread, per thread.
const QUEUE_PER_THREAD: usize = 32;

type Job = Box<dyn FnOnce() + Send>;

/// The hashing threads.
pub struct Hashers {
    jobs: SyncSender<Job>,
}

impl Default for Hashers {
    fn default() -> Self {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let (jobs, queue) = mpsc::sync_channel::<Job>(threads * QUEUE_PER_THREAD);
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || work(&queue));
            if let Err(err) = spawned {
                tracing::error!(error = %err, "cannot start a password hashing thread");
            }
        }
        Hashers { jobs }
    }
}

fn work(queue: &Mutex<Receiver<Job>>) {
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        match job {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

impl Hashers {
    /// A new hash of `password` (a PHC string).
    pub async fn hash(&self, password: String) -> AppResult<String> {
        self.run(move || hash(&password)).await?
    }

    /// True when `password` matches the stored `hash`; with no stored hash,
    /// hashes anyway so that timing does not tell unknown names apart.
    pub async fn verify(&self, hash: Option<String>, password: String) -> AppResult<bool> {
        self.run(move || match hash {
            Some(stored) => verify(&stored, &password),
            None => {
                let _ = self::hash(&password);
                false
            }
        })
        .await
    }

    async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
        let (done, result) = tokio::sync::oneshot::channel();
        self.jobs
            .try_send(Box::new(move || {
                let _ = done.send(f());
            }))
            .map_err(|_| {
                AppError::new(ErrorKind::Unavailable, "the server is busy")
                    .retry_after(std::time::Duration::from_secs(1))
            })?;
        result.await.map_err(AppError::internal)
    }
}

fn hash(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| AppError::internal(anyhow::anyhow!("password hashing failed: {err}")))
}

fn verify(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}
