//! Rebuilds the crate when a migration is added or changed: `diesel_migrations`
//! embeds the `migrations/` folder at compile time, and Cargo does not see a
//! new folder by itself.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
