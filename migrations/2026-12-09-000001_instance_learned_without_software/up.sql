-- A new `instances` row with no software yet (the delivery worker records
-- the first success with a host; NodeInfo is read later) changes nothing
-- the kept follower inboxes hold: they read an unknown instance's
-- software as NULL already. Firing for it made recording the successes
-- of a fan-out to 10,000 new hosts rewrite the community row 10,000
-- times (issue 15, target 5). Only a row that names its software, or
-- its removal, moves the followers' version now.
DROP TRIGGER follower_software_learned ON instances;

CREATE TRIGGER follower_software_learned
AFTER INSERT ON instances
FOR EACH ROW
WHEN (NEW.software IS NOT NULL)
EXECUTE FUNCTION follower_software_changed();

CREATE TRIGGER follower_software_forgotten
AFTER DELETE ON instances
FOR EACH ROW
WHEN (OLD.software IS NOT NULL)
EXECUTE FUNCTION follower_software_changed();
