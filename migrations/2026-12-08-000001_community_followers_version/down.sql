DROP TRIGGER follower_software_changed ON instances;
DROP TRIGGER follower_software_learned ON instances;
DROP FUNCTION follower_software_changed();
DROP INDEX people_remote_domain;
DROP TRIGGER follower_inbox_moved ON people;
DROP FUNCTION follower_inbox_moved();

CREATE OR REPLACE FUNCTION count_community_followers() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.state = 'accepted' THEN
        UPDATE communities SET follower_count = follower_count - 1
        WHERE id = OLD.community_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.state = 'accepted' THEN
        UPDATE communities SET follower_count = follower_count + 1
        WHERE id = NEW.community_id;
    END IF;
    RETURN NULL;
END $$;

ALTER TABLE communities DROP COLUMN followers_version;
DROP SEQUENCE community_followers_versions;
