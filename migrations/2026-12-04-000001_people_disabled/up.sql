-- An instance admin can disable a local account (`guildhall admin users
-- disable`): it can no longer sign in and its sessions end.
ALTER TABLE people ADD COLUMN disabled_at TIMESTAMPTZ;
