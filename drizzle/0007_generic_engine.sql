-- The engine knows nothing of links: what an item works on is its `input` (for recipes, the
-- shared link, text and title), and dedupe is a key the pipeline's owner computes (for recipes,
-- the normalised link). Existing items keep their link in `input` and their key.
ALTER TABLE "queue_items" ADD COLUMN "dedupe_key" text;--> statement-breakpoint
UPDATE "queue_items" SET "dedupe_key" = "normalized_url",
	"input" = jsonb_build_object('url', "url", 'title', "title") || CASE WHEN jsonb_typeof("input") = 'object' THEN "input" ELSE '{}'::jsonb END;--> statement-breakpoint
DROP INDEX "queue_items_active_url_uq";--> statement-breakpoint
CREATE UNIQUE INDEX "queue_items_active_dedupe_uq" ON "queue_items" USING btree ("user_id","dedupe_key") WHERE "queue_items"."status" in ('pending','in_progress') and "queue_items"."dedupe_key" is not null;--> statement-breakpoint
ALTER TABLE "queue_items" DROP COLUMN "url";--> statement-breakpoint
ALTER TABLE "queue_items" DROP COLUMN "normalized_url";--> statement-breakpoint
ALTER TABLE "queue_items" DROP COLUMN "title";--> statement-breakpoint
-- The listing's order is (created_at desc, id desc): this index read backwards gives it, so a
-- page is read off the index instead of sorting all of a user's items.
DROP INDEX "queue_items_user_created_idx";--> statement-breakpoint
CREATE INDEX "queue_items_user_created_idx" ON "queue_items" USING btree ("user_id","created_at","id");--> statement-breakpoint
-- Events without the lock. Migration 0006 serialised every event-writing transaction on an
-- advisory lock so that ids became visible in order, and sent one NOTIFY per event: together
-- they made every queue write in every process commit one at a time. Now each statement sends at
-- most one NOTIFY (naming the users it touched, so a hub with none of them listening reads
-- nothing), and the hubs cope with ids that commit out of order themselves (live/event-feed.ts).
-- Transition tables have no statistics: planned as if tiny, a join of a batch's old and new rows
-- would be a nested loop, quadratic in the batch. The function plans its joins as hash joins.
CREATE OR REPLACE FUNCTION cookmark_log_item_events() RETURNS trigger LANGUAGE plpgsql SET enable_nestloop = off AS $$
DECLARE
	touched text[];
BEGIN
	IF TG_OP = 'DELETE' THEN
		WITH ins AS (
			INSERT INTO item_events (user_id, item_id, kind)
			SELECT o.user_id, o.id, 'delete' FROM old_items o ORDER BY o.id
			RETURNING user_id
		) SELECT array_agg(DISTINCT user_id::text) INTO touched FROM ins;
	ELSIF TG_OP = 'INSERT' THEN
		WITH ins AS (
			INSERT INTO item_events (user_id, item_id, kind)
			SELECT n.user_id, n.id, 'update' FROM new_items n ORDER BY n.id
			RETURNING user_id
		) SELECT array_agg(DISTINCT user_id::text) INTO touched FROM ins;
	ELSE
		WITH ins AS (
			INSERT INTO item_events (user_id, item_id, kind)
			SELECT n.user_id, n.id, 'update' FROM new_items n JOIN old_items o ON o.id = n.id
			WHERE n.updated_at IS DISTINCT FROM o.updated_at OR n.status IS DISTINCT FROM o.status
			ORDER BY n.id
			RETURNING user_id
		) SELECT array_agg(DISTINCT user_id::text) INTO touched FROM ins;
	END IF;
	IF touched IS NOT NULL THEN
		-- A payload stays far below NOTIFY's 8000 bytes: past 100 users, '*' (everyone) instead.
		PERFORM pg_notify('cookmark_item_events', CASE WHEN cardinality(touched) > 100 THEN '*' ELSE array_to_string(touched, ',') END);
	END IF;
	RETURN NULL;
END
$$;
