ALTER TABLE "account_channels" ADD COLUMN "kind" text DEFAULT 'customer' NOT NULL;--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "digest_scheduled_by_user_id" uuid;--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "digest_paused_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "shared_externally" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "channel_settings" ADD COLUMN "shared_checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "channel_settings" ADD CONSTRAINT "channel_settings_digest_scheduled_by_user_id_users_id_fk" FOREIGN KEY ("digest_scheduled_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;