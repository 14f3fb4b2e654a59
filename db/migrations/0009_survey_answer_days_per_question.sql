ALTER TABLE "survey_answer_days" ADD COLUMN "q1_sum" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "survey_answer_days" ADD COLUMN "q1_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "survey_answer_days" ADD COLUMN "q2_sum" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "survey_answer_days" ADD COLUMN "q2_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "survey_answer_days" ADD COLUMN "q3_sum" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "survey_answer_days" ADD COLUMN "q3_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- CSAT per question instead of one sum over all answers: the CSAT score is the mean of
-- the question means (src/core/csat.ts). The trigger functions of 0003 are replaced
-- with the same shape; existing rows are filled from the answers themselves.
CREATE OR REPLACE FUNCTION "tenure_survey_answer_days_add"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "survey_answer_days" AS d ("workspace_id", "survey_id", "day", "promoters", "detractors", "nps_total",
    "q1_sum", "q1_count", "q2_sum", "q2_count", "q3_sum", "q3_count")
  SELECT r."workspace_id", r."survey_id", (r."answered_at" AT TIME ZONE 'UTC')::date,
    count(*) FILTER (WHERE r."question" = 'nps' AND r."score" >= 9),
    count(*) FILTER (WHERE r."question" = 'nps' AND r."score" <= 6),
    count(*) FILTER (WHERE r."question" = 'nps'),
    coalesce(sum(r."score") FILTER (WHERE r."question" = 'q1'), 0),
    count(*) FILTER (WHERE r."question" = 'q1'),
    coalesce(sum(r."score") FILTER (WHERE r."question" = 'q2'), 0),
    count(*) FILTER (WHERE r."question" = 'q2'),
    coalesce(sum(r."score") FILTER (WHERE r."question" = 'q3'), 0),
    count(*) FILTER (WHERE r."question" = 'q3')
  FROM new_rows r
  WHERE r."score" IS NOT NULL
  GROUP BY r."workspace_id", r."survey_id", (r."answered_at" AT TIME ZONE 'UTC')::date
  ON CONFLICT ("survey_id", "day") DO UPDATE SET
    "promoters" = d."promoters" + excluded."promoters",
    "detractors" = d."detractors" + excluded."detractors",
    "nps_total" = d."nps_total" + excluded."nps_total",
    "q1_sum" = d."q1_sum" + excluded."q1_sum",
    "q1_count" = d."q1_count" + excluded."q1_count",
    "q2_sum" = d."q2_sum" + excluded."q2_sum",
    "q2_count" = d."q2_count" + excluded."q2_count",
    "q3_sum" = d."q3_sum" + excluded."q3_sum",
    "q3_count" = d."q3_count" + excluded."q3_count";
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION "tenure_survey_answer_days_subtract"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "survey_answer_days" d SET
    "promoters" = d."promoters" - o.promoters,
    "detractors" = d."detractors" - o.detractors,
    "nps_total" = d."nps_total" - o.nps_total,
    "q1_sum" = d."q1_sum" - o.q1_sum,
    "q1_count" = d."q1_count" - o.q1_count,
    "q2_sum" = d."q2_sum" - o.q2_sum,
    "q2_count" = d."q2_count" - o.q2_count,
    "q3_sum" = d."q3_sum" - o.q3_sum,
    "q3_count" = d."q3_count" - o.q3_count
  FROM (
    SELECT r."survey_id", (r."answered_at" AT TIME ZONE 'UTC')::date AS day,
      count(*) FILTER (WHERE r."question" = 'nps' AND r."score" >= 9) AS promoters,
      count(*) FILTER (WHERE r."question" = 'nps' AND r."score" <= 6) AS detractors,
      count(*) FILTER (WHERE r."question" = 'nps') AS nps_total,
      coalesce(sum(r."score") FILTER (WHERE r."question" = 'q1'), 0) AS q1_sum,
      count(*) FILTER (WHERE r."question" = 'q1') AS q1_count,
      coalesce(sum(r."score") FILTER (WHERE r."question" = 'q2'), 0) AS q2_sum,
      count(*) FILTER (WHERE r."question" = 'q2') AS q2_count,
      coalesce(sum(r."score") FILTER (WHERE r."question" = 'q3'), 0) AS q3_sum,
      count(*) FILTER (WHERE r."question" = 'q3') AS q3_count
    FROM old_rows r
    WHERE r."score" IS NOT NULL
    GROUP BY r."survey_id", (r."answered_at" AT TIME ZONE 'UTC')::date
  ) o
  WHERE d."survey_id" = o."survey_id" AND d."day" = o.day;
  RETURN NULL;
END $$;--> statement-breakpoint
UPDATE "survey_answer_days" d SET
  "q1_sum" = a.q1_sum, "q1_count" = a.q1_count,
  "q2_sum" = a.q2_sum, "q2_count" = a.q2_count,
  "q3_sum" = a.q3_sum, "q3_count" = a.q3_count
FROM (
  SELECT r."survey_id", (r."answered_at" AT TIME ZONE 'UTC')::date AS day,
    coalesce(sum(r."score") FILTER (WHERE r."question" = 'q1'), 0) AS q1_sum,
    count(*) FILTER (WHERE r."question" = 'q1') AS q1_count,
    coalesce(sum(r."score") FILTER (WHERE r."question" = 'q2'), 0) AS q2_sum,
    count(*) FILTER (WHERE r."question" = 'q2') AS q2_count,
    coalesce(sum(r."score") FILTER (WHERE r."question" = 'q3'), 0) AS q3_sum,
    count(*) FILTER (WHERE r."question" = 'q3') AS q3_count
  FROM "survey_responses" r
  WHERE r."score" IS NOT NULL
  GROUP BY r."survey_id", (r."answered_at" AT TIME ZONE 'UTC')::date
) a
WHERE d."survey_id" = a."survey_id" AND d."day" = a.day;--> statement-breakpoint
ALTER TABLE "survey_answer_days" DROP COLUMN "csat_sum";--> statement-breakpoint
ALTER TABLE "survey_answer_days" DROP COLUMN "csat_count";