CREATE TABLE "item_attempts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "item_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"item_id" uuid NOT NULL,
	"phase" text NOT NULL,
	"number" integer NOT NULL,
	"worker" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"outcome" text DEFAULT 'running' NOT NULL,
	"error_kind" text,
	"error_code" text,
	"message" text,
	"duration_ms" integer,
	CONSTRAINT "item_attempts_outcome_check" CHECK ("item_attempts"."outcome" in ('running','completed','failed','canceled','released','lost'))
);
--> statement-breakpoint
CREATE TABLE "item_phases" (
	"item_id" uuid NOT NULL,
	"name" text NOT NULL,
	"position" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"progress" integer DEFAULT 0 NOT NULL,
	"message" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"output" jsonb,
	"error" text,
	"error_kind" text,
	"error_code" text,
	CONSTRAINT "item_phases_item_id_name_pk" PRIMARY KEY("item_id","name"),
	CONSTRAINT "item_phases_status_check" CHECK ("item_phases"."status" in ('pending','in_progress','completed','error','skipped')),
	CONSTRAINT "item_phases_progress_check" CHECK ("item_phases"."progress" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "queue_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"pipeline" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"current_phase" text,
	"url" text NOT NULL,
	"normalized_url" text NOT NULL,
	"title" text,
	"input" jsonb NOT NULL,
	"attempt" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer NOT NULL,
	"next_run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_owner" text,
	"lease_token" uuid,
	"lease_expires_at" timestamp with time zone,
	"correlation_id" text NOT NULL,
	"idempotency_key" text,
	"error" text,
	"error_kind" text,
	"error_code" text,
	"result" jsonb,
	"batch_id" uuid,
	"replay_of" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "queue_items_status_check" CHECK ("queue_items"."status" in ('pending','in_progress','success','error','dead','canceled')),
	CONSTRAINT "queue_items_error_kind_check" CHECK ("queue_items"."error_kind" in ('retryable','permanent'))
);
--> statement-breakpoint
CREATE TABLE "recipes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"item_id" uuid,
	"title" text NOT NULL,
	"source_url" text NOT NULL,
	"image_url" text,
	"description" text,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"username" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_username_unique" UNIQUE("username")
);
--> statement-breakpoint
ALTER TABLE "item_attempts" ADD CONSTRAINT "item_attempts_item_id_queue_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."queue_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_phases" ADD CONSTRAINT "item_phases_item_id_queue_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."queue_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_items" ADD CONSTRAINT "queue_items_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recipes" ADD CONSTRAINT "recipes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recipes" ADD CONSTRAINT "recipes_item_id_queue_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."queue_items"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "item_attempts_item_idx" ON "item_attempts" USING btree ("item_id","id");--> statement-breakpoint
CREATE INDEX "queue_items_claim_idx" ON "queue_items" USING btree ("next_run_at") WHERE "queue_items"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "queue_items_lease_idx" ON "queue_items" USING btree ("lease_expires_at") WHERE "queue_items"."status" = 'in_progress';--> statement-breakpoint
CREATE INDEX "queue_items_user_created_idx" ON "queue_items" USING btree ("user_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "queue_items_active_url_uq" ON "queue_items" USING btree ("user_id","normalized_url") WHERE "queue_items"."status" in ('pending','in_progress');--> statement-breakpoint
CREATE UNIQUE INDEX "queue_items_idempotency_uq" ON "queue_items" USING btree ("user_id","idempotency_key") WHERE "queue_items"."idempotency_key" is not null;--> statement-breakpoint
CREATE INDEX "queue_items_batch_idx" ON "queue_items" USING btree ("batch_id") WHERE "queue_items"."batch_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "recipes_item_uq" ON "recipes" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "recipes_user_created_idx" ON "recipes" USING btree ("user_id","created_at" DESC NULLS LAST);