//! Throw-away PostgreSQL databases for the benchmark: each instance gets a
//! database named `guildhall_bench_<random>_<tag>`, which the instance itself
//! creates and migrates on boot (`Application::build_on`, as `serve` does).
//! The guard drops it (`WITH (FORCE)`, the instance's pool is still open)
//! when the benchmark ends, also after a panic or an error; with
//! `GUILDHALL_BENCH_KEEP_DATABASE=1` it keeps it and names it, to read the
//! plans of its queries (`EXPLAIN`) on the data the benchmark made.

use diesel::QueryableByName;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

/// The PostgreSQL server (no database name); `GUILDHALL_BENCH_DATABASE_URL`
/// overrides the default.
pub fn server_url() -> String {
    std::env::var("GUILDHALL_BENCH_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string())
        .trim_end_matches('/')
        .to_string()
}

/// A database name and URL, dropped with the guard.
pub struct BenchDb {
    pub name: String,
    pub url: String,
}

impl BenchDb {
    /// A new, not yet existing database name for the instance `tag`.
    pub fn new(tag: &str) -> BenchDb {
        use rand::Rng;
        let mut rng = rand::thread_rng();
        let suffix: String = (0..10)
            .map(|_| char::from(b'a' + rng.gen_range(0..26)))
            .collect();
        let name = format!("guildhall_bench_{suffix}_{tag}");
        let url = format!("{}/{name}", server_url());
        BenchDb { name, url }
    }
}

impl Drop for BenchDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        if std::env::var_os("GUILDHALL_BENCH_KEEP_DATABASE").is_some() {
            eprintln!("kept the database {name}");
            return;
        }
        // Its own thread and runtime: drop may run inside the async runtime.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok(mut admin) =
                    AsyncPgConnection::establish(&format!("{}/postgres", server_url())).await
                {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut admin)
                            .await;
                }
            });
        })
        .join();
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// `SELECT count(*)` of a table of the instance's database.
pub async fn count_rows(pool: &guildhall::db::DbPool, table: &str) -> anyhow::Result<i64> {
    let mut conn = pool.get().await?;
    let count: Count = diesel::sql_query(format!("SELECT count(*) AS n FROM {table}"))
        .get_result(&mut conn)
        .await?;
    Ok(count.n)
}
