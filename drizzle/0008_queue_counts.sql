-- Each user's item count per status, so a page of the dashboard needs no count of all items.
-- No foreign key: rows of a deleted user are zero and harmless, and a key would add a lookup to
-- every write.
CREATE TABLE "queue_counts" (
	"user_id" uuid NOT NULL,
	"status" text NOT NULL,
	"n" bigint NOT NULL,
	CONSTRAINT "queue_counts_user_id_status_pk" PRIMARY KEY("user_id","status")
);--> statement-breakpoint
INSERT INTO "queue_counts" ("user_id", "status", "n")
SELECT "user_id", "status", count(*) FROM "queue_items" GROUP BY "user_id", "status";--> statement-breakpoint
-- One upsert per statement with the net change per (user, status): a batch of transitions moves
-- many items at once; rows whose status did not change cancel out and lock nothing. Rows are
-- written in key order, so two statements never wait on each other's counters crosswise.
CREATE FUNCTION cookmark_count_items() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO queue_counts (user_id, status, n)
		SELECT user_id, status, count(*) FROM new_items GROUP BY user_id, status ORDER BY user_id, status
		ON CONFLICT (user_id, status) DO UPDATE SET n = queue_counts.n + excluded.n;
	ELSIF TG_OP = 'DELETE' THEN
		INSERT INTO queue_counts (user_id, status, n)
		SELECT user_id, status, -count(*) FROM old_items GROUP BY user_id, status ORDER BY user_id, status
		ON CONFLICT (user_id, status) DO UPDATE SET n = queue_counts.n + excluded.n;
	ELSE
		-- An update moves each row from its old status to its new one: the net change per (user,
		-- status) is the new rows' count less the old rows', with no need to pair them up.
		INSERT INTO queue_counts (user_id, status, n)
		SELECT user_id, status, sum(d) FROM (
			SELECT user_id, status, count(*) AS d FROM new_items GROUP BY user_id, status
			UNION ALL
			SELECT user_id, status, -count(*) FROM old_items GROUP BY user_id, status
		) delta
		GROUP BY user_id, status HAVING sum(d) <> 0 ORDER BY user_id, status
		ON CONFLICT (user_id, status) DO UPDATE SET n = queue_counts.n + excluded.n;
	END IF;
	RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER queue_items_count_insert AFTER INSERT ON queue_items
	REFERENCING NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION cookmark_count_items();--> statement-breakpoint
CREATE TRIGGER queue_items_count_update AFTER UPDATE ON queue_items
	REFERENCING OLD TABLE AS old_items NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION cookmark_count_items();--> statement-breakpoint
CREATE TRIGGER queue_items_count_delete AFTER DELETE ON queue_items
	REFERENCING OLD TABLE AS old_items FOR EACH STATEMENT EXECUTE FUNCTION cookmark_count_items();
