ALTER TABLE "accounts" ADD COLUMN "recent_spend_cents" bigint[];--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "latest_forecast_cents" bigint;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "latest_spend_at" timestamp with time zone;--> statement-breakpoint
-- accounts.recent_spend_cents (the last three spend readings, oldest first),
-- latest_forecast_cents and latest_spend_at, recomputed for the accounts whose readings a
-- statement touched: one index probe of at most three rows per account, so a bulk insert
-- (seed, import) costs one update per account, and a backdated, edited or removed
-- reading is as right as a new one. Latest = latest recorded_at, then the larger id.
CREATE FUNCTION "tenure_account_spend_refresh"(ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- Lock the accounts first (in one order, so two writers cannot deadlock; NO KEY UPDATE
  -- does not wait for the key-share locks the readings' foreign key takes), then read:
  -- under READ COMMITTED the update below takes its snapshot once a concurrent writer of
  -- the same account has committed, so that writer's readings count.
  PERFORM 1 FROM "accounts" a JOIN unnest(ids) AS t(id) ON a."id" = t.id ORDER BY a."id" FOR NO KEY UPDATE OF a;
  UPDATE "accounts" a SET ("recent_spend_cents", "latest_forecast_cents", "latest_spend_at") = (
    SELECT array_agg(l."spend_cents" ORDER BY l."recorded_at", l."id"),
      (array_agg(l."forecast_cents" ORDER BY l."recorded_at" DESC, l."id" DESC))[1],
      max(l."recorded_at")
    FROM (
      SELECT u."id", u."recorded_at", u."spend_cents", u."forecast_cents" FROM "usage_readings" u
      WHERE u."workspace_id" = a."workspace_id" AND u."account_id" = a."id" AND u."spend_cents" IS NOT NULL
      ORDER BY u."recorded_at" DESC, u."id" DESC LIMIT 3
    ) l)
  FROM unnest(ids) AS t(id)
  WHERE a."id" = t.id;
END $$;--> statement-breakpoint
-- Readings added (inserted, or the new side of an update) and taken away (deleted, or the
-- old side of an update): an update fires both, each with its own transition table.
CREATE FUNCTION "tenure_usage_spend_added"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "tenure_account_spend_refresh"(ARRAY(SELECT DISTINCT "account_id" FROM new_rows WHERE "spend_cents" IS NOT NULL));
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "tenure_usage_spend_removed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "tenure_account_spend_refresh"(ARRAY(SELECT DISTINCT "account_id" FROM old_rows WHERE "spend_cents" IS NOT NULL));
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "usage_spend_insert" AFTER INSERT ON "usage_readings" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "tenure_usage_spend_added"();--> statement-breakpoint
CREATE TRIGGER "usage_spend_update_old" AFTER UPDATE ON "usage_readings" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "tenure_usage_spend_removed"();--> statement-breakpoint
CREATE TRIGGER "usage_spend_update_new" AFTER UPDATE ON "usage_readings" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "tenure_usage_spend_added"();--> statement-breakpoint
CREATE TRIGGER "usage_spend_delete" AFTER DELETE ON "usage_readings" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "tenure_usage_spend_removed"();--> statement-breakpoint
SELECT "tenure_account_spend_refresh"(ARRAY(SELECT DISTINCT "account_id" FROM "usage_readings" WHERE "spend_cents" IS NOT NULL));
