CREATE TABLE "queue_batches" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"pipeline" text NOT NULL,
	"label" text NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"summary" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "queue_items" ADD COLUMN "priority" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "queue_items" ADD COLUMN "concurrency_key" text;--> statement-breakpoint
ALTER TABLE "queue_batches" ADD CONSTRAINT "queue_batches_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "queue_batches_user_created_idx" ON "queue_batches" USING btree ("user_id","created_at","id");--> statement-breakpoint
-- No batches existed before this table: a batch id left over from older builds points nowhere.
UPDATE "queue_items" SET "batch_id" = NULL WHERE "batch_id" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "queue_items" ADD CONSTRAINT "queue_items_batch_id_queue_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."queue_batches"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "queue_items_owner_claim_idx" ON "queue_items" USING btree ("user_id","priority","next_run_at","id") WHERE "queue_items"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "queue_items_key_running_idx" ON "queue_items" USING btree ("concurrency_key") WHERE "queue_items"."status" = 'in_progress' and "queue_items"."concurrency_key" is not null;