-- A version of each community's follower inboxes, bumped in the
-- transaction that changes them: a follow accepted or ended, a remote
-- follower's inbox moved, an instance's software learned or changed
-- (which decides whether its followers get announces of activities or
-- of objects). A process keeps a community's inboxes with the version it
-- read them at and reads them again when the version moved, instead of
-- joining every follower for every activity the community passes on.
--
-- The versions come from a sequence, not a counter: a value a rolled-back
-- transaction took is never used again, so inboxes read inside it (with
-- its own changes) are never taken for those of a committed version.
CREATE SEQUENCE community_followers_versions;
ALTER TABLE communities ADD COLUMN followers_version bigint NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION count_community_followers() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.state = 'accepted' THEN
        UPDATE communities SET follower_count = follower_count - 1,
                               followers_version = nextval('community_followers_versions')
        WHERE id = OLD.community_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.state = 'accepted' THEN
        UPDATE communities SET follower_count = follower_count + 1,
                               followers_version = nextval('community_followers_versions')
        WHERE id = NEW.community_id;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION follower_inbox_moved() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE communities SET followers_version = nextval('community_followers_versions')
    WHERE id IN (SELECT community_id FROM community_follows
                 WHERE person_id = NEW.id AND state = 'accepted');
    RETURN NULL;
END $$;

CREATE TRIGGER follower_inbox_moved
AFTER UPDATE OF inbox, shared_inbox, local ON people
FOR EACH ROW
WHEN (OLD.inbox IS DISTINCT FROM NEW.inbox
      OR OLD.shared_inbox IS DISTINCT FROM NEW.shared_inbox
      OR OLD.local IS DISTINCT FROM NEW.local)
EXECUTE FUNCTION follower_inbox_moved();

-- The followers on one host, for the trigger below.
CREATE INDEX people_remote_domain ON people (domain) WHERE NOT local;

CREATE FUNCTION follower_software_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    host text := CASE TG_OP WHEN 'DELETE' THEN OLD.domain ELSE NEW.domain END;
BEGIN
    UPDATE communities SET followers_version = nextval('community_followers_versions')
    WHERE id IN (SELECT f.community_id FROM community_follows f
                 JOIN people p ON p.id = f.person_id
                 WHERE p.domain = host AND NOT p.local AND f.state = 'accepted');
    RETURN NULL;
END $$;

CREATE TRIGGER follower_software_learned
AFTER INSERT OR DELETE ON instances
FOR EACH ROW EXECUTE FUNCTION follower_software_changed();

CREATE TRIGGER follower_software_changed
AFTER UPDATE OF software, domain ON instances
FOR EACH ROW
WHEN (OLD.software IS DISTINCT FROM NEW.software OR OLD.domain IS DISTINCT FROM NEW.domain)
EXECUTE FUNCTION follower_software_changed();
