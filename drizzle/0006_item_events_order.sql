-- Event ids in commit order. An id comes from a sequence when the row is written, but writers
-- commit in their own order: a transaction could take id 100, another 101 and commit first. A
-- stream that had sent 101 would then skip 100 as already seen (and a client resuming from
-- Last-Event-ID 101 would never be sent it): an item's final state lost on the live view.
-- A transaction-level advisory lock, taken before the ids and held until commit, lets only one
-- event-writing transaction at a time be between taking ids and committing, so ids become
-- visible in order. Cheap here: these transactions NOTIFY, which already makes them commit one
-- at a time, and the trigger runs at the end of each statement, after its row locks (no deadlock:
-- no transaction takes a row lock after writing its events). Heartbeats write no event and take
-- no lock. The key is any fixed number, distinct from the migration lock's.
CREATE OR REPLACE FUNCTION cookmark_log_item_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	r record;
BEGIN
	IF TG_OP = 'DELETE' THEN
		PERFORM pg_advisory_xact_lock(1668246382);
		FOR r IN
			INSERT INTO item_events (user_id, item_id, kind)
			SELECT o.user_id, o.id, 'delete' FROM old_items o ORDER BY o.id
			RETURNING id, user_id, item_id, kind
		LOOP
			PERFORM pg_notify('cookmark_item_events', json_build_object('id', r.id, 'userId', r.user_id, 'itemId', r.item_id, 'kind', r.kind)::text);
		END LOOP;
	ELSIF TG_OP = 'INSERT' THEN
		PERFORM pg_advisory_xact_lock(1668246382);
		FOR r IN
			INSERT INTO item_events (user_id, item_id, kind)
			SELECT n.user_id, n.id, 'update' FROM new_items n ORDER BY n.id
			RETURNING id, user_id, item_id, kind
		LOOP
			PERFORM pg_notify('cookmark_item_events', json_build_object('id', r.id, 'userId', r.user_id, 'itemId', r.item_id, 'kind', r.kind)::text);
		END LOOP;
	ELSIF EXISTS (
		SELECT 1 FROM new_items n JOIN old_items o ON o.id = n.id
		WHERE n.updated_at IS DISTINCT FROM o.updated_at OR n.status IS DISTINCT FROM o.status
	) THEN
		PERFORM pg_advisory_xact_lock(1668246382);
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
