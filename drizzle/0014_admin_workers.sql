CREATE TABLE "workers" (
	"id" text PRIMARY KEY NOT NULL,
	"hostname" text NOT NULL,
	"pid" integer NOT NULL,
	"concurrency" integer NOT NULL,
	"heartbeat_ms" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "disabled_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "item_attempts_finished_idx" ON "item_attempts" USING btree ("finished_at");--> statement-breakpoint
CREATE INDEX "queue_items_finished_idx" ON "queue_items" USING btree ("finished_at") WHERE "queue_items"."finished_at" is not null;