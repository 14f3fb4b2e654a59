CREATE TABLE "survey_answer_days" (
	"workspace_id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"day" date NOT NULL,
	"promoters" integer DEFAULT 0 NOT NULL,
	"detractors" integer DEFAULT 0 NOT NULL,
	"nps_total" integer DEFAULT 0 NOT NULL,
	"csat_sum" integer DEFAULT 0 NOT NULL,
	"csat_count" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "survey_answer_days" ADD CONSTRAINT "survey_answer_days_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_answer_days" ADD CONSTRAINT "survey_answer_days_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "survey_answer_days_uq" ON "survey_answer_days" USING btree ("survey_id","day");--> statement-breakpoint
CREATE INDEX "survey_answer_days_workspace_idx" ON "survey_answer_days" USING btree ("workspace_id","day");--> statement-breakpoint
-- Changed answers: the old versions taken away (sign -1), the new ones added (sign 1). Surveys
-- already gone (a cascade from a deleted survey or workspace) are skipped: their day
-- rows went with them.
CREATE FUNCTION "tenure_survey_answer_days_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "survey_answer_days" AS d ("workspace_id", "survey_id", "day", "promoters", "detractors", "nps_total", "csat_sum", "csat_count")
  SELECT x."workspace_id", x."survey_id", (x."answered_at" AT TIME ZONE 'UTC')::date,
    sum(x.sign * (x."question" = 'nps' AND x."score" >= 9)::int),
    sum(x.sign * (x."question" = 'nps' AND x."score" <= 6)::int),
    sum(x.sign * (x."question" = 'nps')::int),
    sum(x.sign * CASE WHEN x."question" IN ('q1', 'q2', 'q3') THEN x."score" ELSE 0 END),
    sum(x.sign * (x."question" IN ('q1', 'q2', 'q3'))::int)
  FROM (
    SELECT n."workspace_id", n."survey_id", n."answered_at", n."question", n."score", 1 AS sign FROM new_rows n WHERE n."score" IS NOT NULL
    UNION ALL
    SELECT o."workspace_id", o."survey_id", o."answered_at", o."question", o."score", -1 AS sign FROM old_rows o WHERE o."score" IS NOT NULL
  ) x
  WHERE EXISTS (SELECT 1 FROM "surveys" s WHERE s."id" = x."survey_id")
  GROUP BY x."workspace_id", x."survey_id", (x."answered_at" AT TIME ZONE 'UTC')::date
  ON CONFLICT ("survey_id", "day") DO UPDATE SET
    "promoters" = d."promoters" + excluded."promoters",
    "detractors" = d."detractors" + excluded."detractors",
    "nps_total" = d."nps_total" + excluded."nps_total",
    "csat_sum" = d."csat_sum" + excluded."csat_sum",
    "csat_count" = d."csat_count" + excluded."csat_count";
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "tenure_survey_answer_days_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "survey_answer_days" AS d ("workspace_id", "survey_id", "day", "promoters", "detractors", "nps_total", "csat_sum", "csat_count")
  SELECT x."workspace_id", x."survey_id", (x."answered_at" AT TIME ZONE 'UTC')::date,
    sum(x.sign * (x."question" = 'nps' AND x."score" >= 9)::int),
    sum(x.sign * (x."question" = 'nps' AND x."score" <= 6)::int),
    sum(x.sign * (x."question" = 'nps')::int),
    sum(x.sign * CASE WHEN x."question" IN ('q1', 'q2', 'q3') THEN x."score" ELSE 0 END),
    sum(x.sign * (x."question" IN ('q1', 'q2', 'q3'))::int)
  FROM (
    SELECT o."workspace_id", o."survey_id", o."answered_at", o."question", o."score", -1 AS sign FROM old_rows o WHERE o."score" IS NOT NULL
  ) x
  WHERE EXISTS (SELECT 1 FROM "surveys" s WHERE s."id" = x."survey_id")
  GROUP BY x."workspace_id", x."survey_id", (x."answered_at" AT TIME ZONE 'UTC')::date
  ON CONFLICT ("survey_id", "day") DO UPDATE SET
    "promoters" = d."promoters" + excluded."promoters",
    "detractors" = d."detractors" + excluded."detractors",
    "nps_total" = d."nps_total" + excluded."nps_total",
    "csat_sum" = d."csat_sum" + excluded."csat_sum",
    "csat_count" = d."csat_count" + excluded."csat_count";
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "tenure_survey_answer_days_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "survey_answer_days" AS d ("workspace_id", "survey_id", "day", "promoters", "detractors", "nps_total", "csat_sum", "csat_count")
  SELECT n."workspace_id", n."survey_id", (n."answered_at" AT TIME ZONE 'UTC')::date,
    count(*) FILTER (WHERE n."question" = 'nps' AND n."score" >= 9),
    count(*) FILTER (WHERE n."question" = 'nps' AND n."score" <= 6),
    count(*) FILTER (WHERE n."question" = 'nps'),
    coalesce(sum(n."score") FILTER (WHERE n."question" IN ('q1', 'q2', 'q3')), 0),
    count(*) FILTER (WHERE n."question" IN ('q1', 'q2', 'q3'))
  FROM new_rows n
  WHERE n."score" IS NOT NULL
  GROUP BY n."workspace_id", n."survey_id", (n."answered_at" AT TIME ZONE 'UTC')::date
  ON CONFLICT ("survey_id", "day") DO UPDATE SET
    "promoters" = d."promoters" + excluded."promoters",
    "detractors" = d."detractors" + excluded."detractors",
    "nps_total" = d."nps_total" + excluded."nps_total",
    "csat_sum" = d."csat_sum" + excluded."csat_sum",
    "csat_count" = d."csat_count" + excluded."csat_count";
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "survey_answer_days_insert" AFTER INSERT ON "survey_responses" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "tenure_survey_answer_days_insert"();--> statement-breakpoint
CREATE TRIGGER "survey_answer_days_update" AFTER UPDATE ON "survey_responses" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "tenure_survey_answer_days_update"();--> statement-breakpoint
CREATE TRIGGER "survey_answer_days_delete" AFTER DELETE ON "survey_responses" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "tenure_survey_answer_days_delete"();--> statement-breakpoint
INSERT INTO "survey_answer_days" ("workspace_id", "survey_id", "day", "promoters", "detractors", "nps_total", "csat_sum", "csat_count")
SELECT r."workspace_id", r."survey_id", (r."answered_at" AT TIME ZONE 'UTC')::date,
  count(*) FILTER (WHERE r."question" = 'nps' AND r."score" >= 9),
  count(*) FILTER (WHERE r."question" = 'nps' AND r."score" <= 6),
  count(*) FILTER (WHERE r."question" = 'nps'),
  coalesce(sum(r."score") FILTER (WHERE r."question" IN ('q1', 'q2', 'q3')), 0),
  count(*) FILTER (WHERE r."question" IN ('q1', 'q2', 'q3'))
FROM "survey_responses" r
WHERE r."score" IS NOT NULL
GROUP BY r."workspace_id", r."survey_id", (r."answered_at" AT TIME ZONE 'UTC')::date;
