/**
 * NOTIFY channels. Every process LISTENs; on PGlite the same calls stay inside the one process,
 * so there is a single code path for both databases.
 */
export const channels = {
	/** Payload: item id. Something became claimable: wake an idle worker. */
	jobs: 'cookmark_jobs',
	/** Payload: item id. A person canceled or deleted it: abort it wherever it runs. */
	cancel: 'cookmark_cancel',
	/**
	 * Payload: JSON {id, userId, itemId, kind}. An item changed visibly (`update`) or was deleted
	 * (`delete`); `id` is its item_events row. Sent by the database trigger in
	 * drizzle/0003_item_events_trigger.sql, never by application code.
	 */
	itemEvents: 'cookmark_item_events'
} as const;
