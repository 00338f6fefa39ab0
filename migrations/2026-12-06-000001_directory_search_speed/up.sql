-- Directory search at 10,000 entries (issue 10, acceptance 4): the vectors
-- stay in the row, searches read the configurations in use from an index,
-- and "communities like this one" reads a neighbour list kept when an entry
-- changes instead of ranking every entry.

-- `intarray`: the size of the intersection of two int arrays
-- (`icount(a & b)`), in C. A trusted extension: the database owner may
-- create it.
CREATE EXTENSION IF NOT EXISTS intarray;

-- Ranking reads every matching entry's vector: keep it in the row
-- (compressed if need be) rather than in the TOAST table, one more index
-- lookup per entry; the larger charter moves out first. The update rewrites
-- the vectors written before.
ALTER TABLE directory_entries ALTER COLUMN search SET STORAGE MAIN;
UPDATE directory_entries SET search = search || ''::tsvector;

-- A search reads the words with the text search configurations in use: a
-- loose scan of this index, one probe per configuration.
CREATE INDEX directory_entries_search_config ON directory_entries (search_config);

-- "Like this one" names its entry by handle (`name@host`): found by index,
-- not by reading every entry.
CREATE INDEX directory_entries_handle ON directory_entries (handle);

-- What "like this one" compares, one narrow row per entry: the lexemes of
-- the purpose and domain (weight A of `search`) and the normalised topics,
-- each as `hashtext`, sorted and unique; the floor of the entry's neighbour
-- list (every entry missing from the list is at most this like it; 0 while
-- the list holds every entry that shares anything with it) and its length.
-- Refreshing an entry changes the floor and length of about a hundred rows:
-- room on each page keeps those updates in place (HOT).
CREATE TABLE directory_terms (
    ap_id text PRIMARY KEY REFERENCES directory_entries (ap_id) ON DELETE CASCADE,
    purpose_terms integer[] NOT NULL,
    topic_terms integer[] NOT NULL,
    neighbour_floor real NOT NULL DEFAULT 0,
    neighbour_count integer NOT NULL DEFAULT 0
) WITH (fillfactor = 50);

INSERT INTO directory_terms (ap_id, purpose_terms, topic_terms)
SELECT ap_id,
    coalesce((SELECT array_agg(DISTINCT hashtext(l) ORDER BY hashtext(l))
              FROM unnest(tsvector_to_array(ts_filter(search, '{a}'))) l), '{}'),
    coalesce((SELECT array_agg(DISTINCT hashtext(t) ORDER BY hashtext(t))
              FROM jsonb_array_elements_text(coalesce(facets->'topics', '[]')) t), '{}')
FROM directory_entries;

-- The entries most like each entry (at most 100), with how alike: half a
-- point per shared topic plus the cosine of the two sets of purpose terms.
-- Kept by `db::directory_neighbours::refresh` in the transaction that
-- writes an entry.
CREATE TABLE directory_neighbours (
    entry text NOT NULL REFERENCES directory_entries (ap_id) ON DELETE CASCADE,
    neighbour text NOT NULL REFERENCES directory_entries (ap_id) ON DELETE CASCADE,
    score real NOT NULL,
    PRIMARY KEY (entry, neighbour)
);
CREATE INDEX directory_neighbours_neighbour ON directory_neighbours (neighbour);
-- A list best first, and its least entry (the one a newcomer displaces).
CREATE INDEX directory_neighbours_ranked ON directory_neighbours (entry, score);

-- The lists of the entries already there: each entry's 101 most alike (the
-- 101st only sets the floor). Quadratic, but directories are small yet (the
-- directory came two migrations ago); a new entry costs one pass.
WITH nearest AS (
    SELECT x.ap_id AS entry, n.neighbour, n.score
    FROM directory_terms x
    CROSS JOIN LATERAL (
        SELECT y.ap_id AS neighbour,
            (0.5::float8 * icount(x.topic_terms & y.topic_terms)
             + icount(x.purpose_terms & y.purpose_terms)
               / sqrt(greatest(icount(x.purpose_terms), 1)::float8
                      * greatest(icount(y.purpose_terms), 1)))::real AS score
        FROM directory_terms y
        WHERE y.ap_id <> x.ap_id
          AND (x.topic_terms && y.topic_terms OR x.purpose_terms && y.purpose_terms)
        ORDER BY score DESC, y.ap_id
        LIMIT 101
    ) n
), placed AS (
    SELECT entry, neighbour, score,
        row_number() OVER (PARTITION BY entry ORDER BY score DESC, neighbour) AS place
    FROM nearest
), kept AS (
    INSERT INTO directory_neighbours (entry, neighbour, score)
    SELECT entry, neighbour, score FROM placed WHERE place <= 100
)
UPDATE directory_terms t SET
    neighbour_floor = coalesce(v.floor, 0),
    neighbour_count = v.listed
FROM (SELECT entry,
        max(score) FILTER (WHERE place = 101) AS floor,
        count(*) FILTER (WHERE place <= 100) AS listed
      FROM placed GROUP BY entry) v
WHERE t.ap_id = v.entry;
