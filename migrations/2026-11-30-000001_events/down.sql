DROP TABLE event_rsvps;
DROP TABLE events;
