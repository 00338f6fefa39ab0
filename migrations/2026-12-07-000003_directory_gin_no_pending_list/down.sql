ALTER INDEX directory_entries_search RESET (fastupdate);
ALTER INDEX directory_entries_facets RESET (fastupdate);
