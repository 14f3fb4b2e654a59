-- accounts.last_touch_at after an edited or removed check-in (migration 0002) looked for
-- the account's latest touch by account id alone; the only index that orders check-ins
-- by time leads with the workspace (workspace_id, account_id, occurred_at), so each
-- recomputed account scanned the whole checkins table. Same result, now by that index.
CREATE OR REPLACE FUNCTION "tenure_checkins_touch_recompute"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "accounts" a SET "last_touch_at" = (
    SELECT max(c."occurred_at") FROM "checkins" c WHERE c."workspace_id" = a."workspace_id" AND c."account_id" = a."id")
  WHERE a."id" IN (SELECT "account_id" FROM old_rows);
  IF TG_OP = 'UPDATE' THEN
    UPDATE "accounts" a SET "last_touch_at" = GREATEST(a."last_touch_at", m.latest)
    FROM (SELECT "account_id", max("occurred_at") AS latest FROM new_rows GROUP BY "account_id") m
    WHERE a."id" = m."account_id";
  END IF;
  RETURN NULL;
END $$;
