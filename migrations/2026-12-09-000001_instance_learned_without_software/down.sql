DROP TRIGGER follower_software_forgotten ON instances;
DROP TRIGGER follower_software_learned ON instances;

CREATE TRIGGER follower_software_learned
AFTER INSERT OR DELETE ON instances
FOR EACH ROW EXECUTE FUNCTION follower_software_changed();
