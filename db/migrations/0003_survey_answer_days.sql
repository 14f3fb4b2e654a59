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
-- One function per direction: answers added (inserted, or the new side of an update)
-- count up; answers taken away (deleted, or the old side of an update) count down. An
-- update fires both, each with its own transition table. Surveys already gone (a
-- cascade from a deleted survey or workspace) are skipped: their day rows went too.
CREATE FUNCTION "tenure_survey_answer_days_add"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "survey_answer_days" AS d ("workspace_id", "survey_id", "day", "promoters", "detractors", "nps_total", "csat_sum", "csat_count")
  SELECT r."workspace_id", r."survey_id", (r."answered_at" AT TIME ZONE 'UTC')::date,
    count(*) FILTER (WHERE r."question" = 'nps' AND r."score" >= 9),
    count(*) FILTER (WHERE r."question" = 'nps' AND r."score" <= 6),
    count(*) FILTER (WHERE r."question" = 'nps'),
    coalesce(sum(r."score") FILTER (WHERE r."question" IN ('q1', 'q2', 'q3')), 0),
    count(*) FILTER (WHERE r."question" IN ('q1', 'q2', 'q3'))
  FROM new_rows r
  WHERE r."score" IS NOT NULL
  GROUP BY r."workspace_id", r."survey_id", (r."answered_at" AT TIME ZONE 'UTC')::date
  ON CONFLICT ("survey_id", "day") DO UPDATE SET
    "promoters" = d."promoters" + excluded."promoters",
    "detractors" = d."detractors" + excluded."detractors",
    "nps_total" = d."nps_total" + excluded."nps_total",
    "csat_sum" = d."csat_sum" + excluded."csat_sum",
    "csat_count" = d."csat_count" + excluded."csat_count";
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "tenure_survey_answer_days_subtract"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "survey_answer_days" d SET
    "promoters" = d."promoters" - o.promoters,
    "detractors" = d."detractors" - o.detractors,
    "nps_total" = d."nps_total" - o.nps_total,
    "csat_sum" = d."csat_sum" - o.csat_sum,
    "csat_count" = d."csat_count" - o.csat_count
  FROM (
    SELECT r."survey_id", (r."answered_at" AT TIME ZONE 'UTC')::date AS day,
      count(*) FILTER (WHERE r."question" = 'nps' AND r."score" >= 9) AS promoters,
      count(*) FILTER (WHERE r."question" = 'nps' AND r."score" <= 6) AS detractors,
      count(*) FILTER (WHERE r."question" = 'nps') AS nps_total,
      coalesce(sum(r."score") FILTER (WHERE r."question" IN ('q1', 'q2', 'q3')), 0) AS csat_sum,
      count(*) FILTER (WHERE r."question" IN ('q1', 'q2', 'q3')) AS csat_count
    FROM old_rows r
    WHERE r."score" IS NOT NULL
    GROUP BY r."survey_id", (r."answered_at" AT TIME ZONE 'UTC')::date
  ) o
  WHERE d."survey_id" = o."survey_id" AND d."day" = o.day;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "survey_answer_days_insert" AFTER INSERT ON "survey_responses" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "tenure_survey_answer_days_add"();--> statement-breakpoint
CREATE TRIGGER "survey_answer_days_update_old" AFTER UPDATE ON "survey_responses" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "tenure_survey_answer_days_subtract"();--> statement-breakpoint
CREATE TRIGGER "survey_answer_days_update_new" AFTER UPDATE ON "survey_responses" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "tenure_survey_answer_days_add"();--> statement-breakpoint
CREATE TRIGGER "survey_answer_days_delete" AFTER DELETE ON "survey_responses" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "tenure_survey_answer_days_subtract"();--> statement-breakpoint
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
