CREATE TABLE "arr_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"effective_on" date NOT NULL,
	"arr_cents" bigint NOT NULL,
	"source" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "churned_on" date;--> statement-breakpoint
ALTER TABLE "arr_history" ADD CONSTRAINT "arr_history_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "arr_history" ADD CONSTRAINT "arr_history_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "arr_history_account_idx" ON "arr_history" USING btree ("workspace_id","account_id","effective_on");--> statement-breakpoint
-- Churned accounts: the day they left (their churn outcome's, else their last change), and
-- the ARR they had, which recording a churn used to overwrite with 0 (the outcome kept it).
UPDATE "accounts" a SET
  "churned_on" = coalesce(
    (SELECT least(o."renewal_date", o."recorded_at"::date) FROM "renewal_outcomes" o WHERE o."account_id" = a."id" AND o."outcome" = 'churned' ORDER BY o."recorded_at" DESC LIMIT 1),
    a."updated_at"::date),
  "arr_cents" = coalesce(
    nullif(a."arr_cents", 0),
    (SELECT o."arr_before_cents" FROM "renewal_outcomes" o WHERE o."account_id" = a."id" AND o."outcome" = 'churned' ORDER BY o."recorded_at" DESC LIMIT 1),
    a."arr_cents")
WHERE a."stage" = 'churned';--> statement-breakpoint
-- The ARR history known so far: the ARR before the first recorded outcome (else today's)
-- from the contract start, then each outcome's new ARR from its renewal date.
INSERT INTO "arr_history" ("workspace_id", "account_id", "effective_on", "arr_cents", "source", "recorded_at")
SELECT * FROM (
  SELECT a."workspace_id", a."id", coalesce(a."contract_start", a."created_at"::date),
    coalesce((SELECT o."arr_before_cents" FROM "renewal_outcomes" o WHERE o."account_id" = a."id" ORDER BY o."recorded_at" LIMIT 1), a."arr_cents") AS arr,
    'backfill', a."created_at"
  FROM "accounts" a
) first_known WHERE arr IS NOT NULL;--> statement-breakpoint
INSERT INTO "arr_history" ("workspace_id", "account_id", "effective_on", "arr_cents", "source", "recorded_at")
SELECT o."workspace_id", o."account_id", least(o."renewal_date", o."recorded_at"::date), o."arr_after_cents", 'backfill', o."recorded_at"
FROM "renewal_outcomes" o
WHERE o."outcome" <> 'churned' AND o."arr_after_cents" IS NOT NULL;
