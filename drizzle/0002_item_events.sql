CREATE TABLE "item_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "item_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"user_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "item_events_kind_check" CHECK ("item_events"."kind" in ('update','delete'))
);
--> statement-breakpoint
CREATE INDEX "item_events_user_idx" ON "item_events" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "item_events_created_idx" ON "item_events" USING btree ("created_at");