DROP TABLE incoming_activities;
DROP TABLE deliveries;
DROP TABLE outgoing_activities;
DROP TABLE moderation_log;
DROP TABLE community_bans;
DROP TABLE post_likes;
DROP TABLE posts;
DROP TABLE instances;
