ALTER TABLE "accounts" ADD COLUMN "last_touch_at" timestamp with time zone;--> statement-breakpoint
-- accounts.last_touch_at = the latest check-in of the account, kept by statement-level
-- triggers so a bulk insert (seed, import) costs one update per account, not per row.
CREATE FUNCTION "tenure_checkins_touch_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "accounts" a SET "last_touch_at" = GREATEST(a."last_touch_at", m.latest)
  FROM (SELECT "account_id", max("occurred_at") AS latest FROM new_rows GROUP BY "account_id") m
  WHERE a."id" = m."account_id";
  RETURN NULL;
END $$;--> statement-breakpoint
-- An edited or removed check-in may have been the latest: recompute those accounts.
CREATE FUNCTION "tenure_checkins_touch_recompute"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "accounts" a SET "last_touch_at" = (SELECT max(c."occurred_at") FROM "checkins" c WHERE c."account_id" = a."id")
  WHERE a."id" IN (SELECT "account_id" FROM old_rows);
  IF TG_OP = 'UPDATE' THEN
    UPDATE "accounts" a SET "last_touch_at" = GREATEST(a."last_touch_at", m.latest)
    FROM (SELECT "account_id", max("occurred_at") AS latest FROM new_rows GROUP BY "account_id") m
    WHERE a."id" = m."account_id";
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "checkins_touch_insert" AFTER INSERT ON "checkins" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "tenure_checkins_touch_insert"();--> statement-breakpoint
CREATE TRIGGER "checkins_touch_update" AFTER UPDATE ON "checkins" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "tenure_checkins_touch_recompute"();--> statement-breakpoint
CREATE TRIGGER "checkins_touch_delete" AFTER DELETE ON "checkins" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "tenure_checkins_touch_recompute"();--> statement-breakpoint
UPDATE "accounts" a SET "last_touch_at" = (SELECT max(c."occurred_at") FROM "checkins" c WHERE c."account_id" = a."id");
