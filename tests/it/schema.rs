//! `src/db/schema.rs` (written by `diesel print-schema`, see
//! `migrations/README.md`) matches the migrated database: the same tables,
//! the same columns in the same order, with the same types and nullability.
//! Read from `information_schema`, so CI needs no `diesel_cli`.

use crate::common::TestDb;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use std::collections::BTreeMap;

/// Table name → `column -> Type` lines, as `schema.rs` declares them.
fn declared() -> BTreeMap<String, Vec<String>> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/db/schema.rs")).unwrap();
    let mut tables = BTreeMap::new();
    let mut current: Option<(String, Vec<String>)> = None;
    for line in text.lines().map(str::trim) {
        if let Some((name, _)) = line.split_once(" (")
            && line.ends_with('{')
            && !name.contains(' ')
        {
            current = Some((name.to_string(), Vec::new()));
            continue;
        }
        if let Some((_, columns)) = current.as_mut() {
            if let Some(column) = line.strip_suffix(',')
                && column.contains(" -> ")
            {
                columns.push(column.to_string());
                continue;
            }
            if line == "}" {
                let (name, columns) = current.take().unwrap();
                tables.insert(name, columns);
            }
        }
    }
    tables
}

#[derive(diesel::QueryableByName)]
struct Column {
    #[diesel(sql_type = diesel::sql_types::Text)]
    table_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    column_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    udt_name: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    nullable: bool,
}

fn diesel_type(udt: &str) -> String {
    match udt {
        "int2" => "Int2",
        "int4" => "Int4",
        "int8" => "Int8",
        "float4" => "Float4",
        "_int4" => "Array<Nullable<Int4>>",
        "text" | "varchar" => "Text",
        "bool" => "Bool",
        "timestamptz" => "Timestamptz",
        "timestamp" => "Timestamp",
        "jsonb" => "Jsonb",
        "tsvector" => "Tsvector",
        other => panic!("no diesel type written for `{other}` here yet"),
    }
    .to_string()
}

#[tokio::test]
async fn schema_rs_matches_the_migrated_database() {
    let db = TestDb::create().await;
    guildhall::db::run_migrations(&db.url, &db.url)
        .await
        .unwrap();
    let mut conn = AsyncPgConnection::establish(&db.url).await.unwrap();
    let columns: Vec<Column> = diesel::sql_query(
        "SELECT table_name::text, column_name::text, udt_name::text, is_nullable = 'YES' AS nullable
         FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'
         ORDER BY table_name, ordinal_position",
    )
    .load(&mut conn)
    .await
    .unwrap();
    let mut actual: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for column in columns {
        let kind = diesel_type(&column.udt_name);
        let kind = if column.nullable {
            format!("Nullable<{kind}>")
        } else {
            kind
        };
        actual
            .entry(column.table_name)
            .or_default()
            .push(format!("{} -> {kind}", column.column_name));
    }
    assert_eq!(declared(), actual);
}
