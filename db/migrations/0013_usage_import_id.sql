ALTER TABLE "usage_readings" ADD COLUMN "import_id" uuid;--> statement-breakpoint
CREATE INDEX "usage_import_idx" ON "usage_readings" USING btree ("workspace_id","import_id");