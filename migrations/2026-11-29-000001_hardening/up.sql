-- Hardening: the key id each cached actor publishes, NodeInfo probe
-- retries, dead-lettered incoming activities and bodies dropped after
-- processing.

ALTER TABLE people ADD COLUMN key_id text;
ALTER TABLE communities ADD COLUMN key_id text;

-- When the software of an instance may be probed again (a failed probe).
ALTER TABLE instances ADD COLUMN software_retry_at timestamptz;

-- Processed rows keep their id (de-duplication) but not their body.
ALTER TABLE incoming_activities ALTER COLUMN body DROP NOT NULL;
-- An activity that kept failing: visible, counted, never retried again.
ALTER TABLE incoming_activities ADD COLUMN dead_at timestamptz;
CREATE INDEX incoming_processed ON incoming_activities (processed_at) WHERE processed_at IS NOT NULL;
