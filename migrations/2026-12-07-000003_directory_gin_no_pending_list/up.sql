-- Directory searches read the GIN indexes of the entries' words and facets.
-- With GIN's fast update, new entries wait in a pending list that every
-- search reads through, one entry at a time, until a vacuum merges it:
-- 475 waiting entries cost each search 1 ms, and a list can hold up to
-- 4 MB, while partners keep announcing. Without it an entry goes straight
-- into the index (a slower intake, which is rare next to searches). What
-- waits now is merged here.
ALTER INDEX directory_entries_search SET (fastupdate = off);
ALTER INDEX directory_entries_facets SET (fastupdate = off);
SELECT gin_clean_pending_list('directory_entries_search');
SELECT gin_clean_pending_list('directory_entries_facets');
