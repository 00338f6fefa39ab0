//! The `directory_entries` table: our listed communities and our partners',
//! with their charters, a weighted `tsvector` in the charter's language,
//! exact-match facets, and the figures readers see (members, next event,
//! last activity). Two concepts, one file each: reading it (`search`:
//! ranked search, filters, "like this one", staleness, lookups) and
//! writing it (`entries`: upserts and removals that keep
//! `db::directory_neighbours` in step, our entries' figures).

mod entries;
mod search;

pub use entries::{
    Figures, NewEntry, Weighted, local_figures, refresh_local_figures, remove, remove_host,
    remove_second_hand, upsert,
};
pub use search::{
    EntryFigures, EntryRow, Search, ap_id_by_handle, contains, figures, local_page, search,
};
