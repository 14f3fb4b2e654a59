CREATE TABLE "psa_companies" (
	"workspace_id" uuid NOT NULL,
	"connector" text NOT NULL,
	"external_id" text NOT NULL,
	"name" text NOT NULL,
	"account_id" uuid,
	"seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "psa_companies_workspace_id_connector_external_id_pk" PRIMARY KEY("workspace_id","connector","external_id")
);
--> statement-breakpoint
CREATE TABLE "psa_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"connector" text NOT NULL,
	"status" text DEFAULT 'preview' NOT NULL,
	"credentials" text NOT NULL,
	"webhook_secret" text NOT NULL,
	"priority_map" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"cursor" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"failing_since" timestamp with time zone,
	"last_error" text,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "psa_tickets" (
	"workspace_id" uuid NOT NULL,
	"connector" text NOT NULL,
	"external_id" text NOT NULL,
	"ticket_id" uuid,
	"external_number" text NOT NULL,
	"url" text NOT NULL,
	"company_external_id" text NOT NULL,
	"external_updated_at" timestamp with time zone NOT NULL,
	"data" jsonb NOT NULL,
	CONSTRAINT "psa_tickets_workspace_id_connector_external_id_pk" PRIMARY KEY("workspace_id","connector","external_id")
);
--> statement-breakpoint
ALTER TABLE "psa_companies" ADD CONSTRAINT "psa_companies_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "psa_companies" ADD CONSTRAINT "psa_companies_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "psa_connections" ADD CONSTRAINT "psa_connections_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "psa_connections" ADD CONSTRAINT "psa_connections_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "psa_tickets" ADD CONSTRAINT "psa_tickets_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "psa_tickets" ADD CONSTRAINT "psa_tickets_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "psa_connections_workspace_connector_uq" ON "psa_connections" USING btree ("workspace_id","connector");--> statement-breakpoint
CREATE UNIQUE INDEX "psa_tickets_ticket_uq" ON "psa_tickets" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "psa_tickets_company_idx" ON "psa_tickets" USING btree ("workspace_id","connector","company_external_id");