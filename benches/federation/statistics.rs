//! Planner statistics before a read bench: `ANALYZE`, as autovacuum would
//! after the bench's intake (`GUILDHALL_BENCH_ANALYZE=0`: none, the plans
//! of tables taken for empty, as on a server whose autovacuum is off).

use diesel_async::RunQueryDsl;

/// Gathers the statistics unless asked not to; the table row that says
/// which was done.
pub async fn gather(pool: &guildhall::db::DbPool) -> anyhow::Result<(String, String)> {
    let analyzed = super::table::env("GUILDHALL_BENCH_ANALYZE", 1) != 0;
    if analyzed {
        let mut conn = pool.get().await?;
        diesel::sql_query("ANALYZE").execute(&mut conn).await?;
    }
    let done = if analyzed {
        "gathered after the intake (`ANALYZE`, as autovacuum would)"
    } else {
        "none (`GUILDHALL_BENCH_ANALYZE=0`)"
    };
    Ok(("planner statistics".to_string(), done.to_string()))
}
