-- Every visible change of a queue item becomes an item_events row in the same transaction, and a
-- NOTIFY on cookmark_item_events carries it to the SSE hubs of every process. Doing it in the
-- database means no writer (worker, API, another process, a future tool) can forget it, and a
-- change that rolls back leaves no event behind. Statement-level, with transition tables, so a
-- statement that touches many items is one trigger call.
-- Heartbeats only move lease_expires_at: not a visible change, no event.
CREATE FUNCTION cookmark_log_item_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	r record;
BEGIN
	IF TG_OP = 'DELETE' THEN
		FOR r IN
			INSERT INTO item_events (user_id, item_id, kind)
			SELECT o.user_id, o.id, 'delete' FROM old_items o ORDER BY o.id
			RETURNING id, user_id, item_id, kind
		LOOP
			PERFORM pg_notify('cookmark_item_events', json_build_object('id', r.id, 'userId', r.user_id, 'itemId', r.item_id, 'kind', r.kind)::text);
		END LOOP;
	ELSIF TG_OP = 'INSERT' THEN
		FOR r IN
			INSERT INTO item_events (user_id, item_id, kind)
			SELECT n.user_id, n.id, 'update' FROM new_items n ORDER BY n.id
			RETURNING id, user_id, item_id, kind
		LOOP
			PERFORM pg_notify('cookmark_item_events', json_build_object('id', r.id, 'userId', r.user_id, 'itemId', r.item_id, 'kind', r.kind)::text);
		END LOOP;
	ELSE
		FOR r IN
			INSERT INTO item_events (user_id, item_id, kind)
			SELECT n.user_id, n.id, 'update' FROM new_items n JOIN old_items o ON o.id = n.id
			WHERE n.updated_at IS DISTINCT FROM o.updated_at OR n.status IS DISTINCT FROM o.status
			ORDER BY n.id
			RETURNING id, user_id, item_id, kind
		LOOP
			PERFORM pg_notify('cookmark_item_events', json_build_object('id', r.id, 'userId', r.user_id, 'itemId', r.item_id, 'kind', r.kind)::text);
		END LOOP;
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER queue_items_events_insert AFTER INSERT ON queue_items
	REFERENCING NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION cookmark_log_item_events();
--> statement-breakpoint
CREATE TRIGGER queue_items_events_update AFTER UPDATE ON queue_items
	REFERENCING OLD TABLE AS old_items NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION cookmark_log_item_events();
--> statement-breakpoint
CREATE TRIGGER queue_items_events_delete AFTER DELETE ON queue_items
	REFERENCING OLD TABLE AS old_items FOR EACH STATEMENT EXECUTE FUNCTION cookmark_log_item_events();
