DROP TABLE community_follows;
DROP TABLE charter_versions;
DROP TABLE community_moderators;
DROP TABLE communities;
DROP TABLE sessions;
DROP TABLE people;
DROP TABLE local_handles;
DROP TABLE instance;
