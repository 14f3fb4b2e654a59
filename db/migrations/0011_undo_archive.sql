ALTER TABLE "accounts" ADD COLUMN "archived_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "checkins" ADD COLUMN "number" integer;--> statement-breakpoint
ALTER TABLE "checkins" ADD COLUMN "source_author" text;--> statement-breakpoint
ALTER TABLE "checkins" ADD COLUMN "source_link" text;--> statement-breakpoint
-- Check-ins logged before short ids get them in the order they were written, per workspace,
-- and each workspace's 'checkin' counter starts after its last one.
UPDATE "checkins" c SET "number" = n."number"
FROM (SELECT "id", row_number() OVER (PARTITION BY "workspace_id" ORDER BY "created_at", "id") AS "number" FROM "checkins") n
WHERE c."id" = n."id";--> statement-breakpoint
INSERT INTO "sequences" ("workspace_id", "name", "value")
SELECT "workspace_id", 'checkin', max("number") FROM "checkins" GROUP BY "workspace_id"
ON CONFLICT ("workspace_id", "name") DO UPDATE SET "value" = GREATEST("sequences"."value", EXCLUDED."value");--> statement-breakpoint
-- Every writer of check-ins (the /checkin statement, the CSV import, the demo seed) gets a
-- short id from the workspace's counter without asking for one: NOT NULL is checked after
-- this BEFORE trigger has filled it in.
CREATE OR REPLACE FUNCTION "tenure_checkins_number"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."number" IS NULL THEN
    INSERT INTO "sequences" ("workspace_id", "name", "value") VALUES (NEW."workspace_id", 'checkin', 1)
    ON CONFLICT ("workspace_id", "name") DO UPDATE SET "value" = "sequences"."value" + 1
    RETURNING "value" INTO NEW."number";
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "tenure_checkins_number" BEFORE INSERT ON "checkins" FOR EACH ROW EXECUTE FUNCTION "tenure_checkins_number"();--> statement-breakpoint
ALTER TABLE "checkins" ALTER COLUMN "number" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "checkins_workspace_number_uq" ON "checkins" USING btree ("workspace_id","number");
