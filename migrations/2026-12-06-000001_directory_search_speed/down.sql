DROP TABLE directory_neighbours;
DROP TABLE directory_terms;
DROP INDEX directory_entries_search_config;
DROP INDEX directory_entries_handle;
ALTER TABLE directory_entries ALTER COLUMN search SET STORAGE EXTENDED;
DROP EXTENSION IF EXISTS intarray;
