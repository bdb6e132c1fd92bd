/**
 * NOTIFY channels. Every process LISTENs; on PGlite the same calls stay inside the one process,
 * so there is a single code path for both databases.
 */
export const channels = {
	/** Payload: item id. Something became claimable: wake an idle worker. */
	jobs: 'cookmark_jobs',
	/** Payload: item id. A person canceled or deleted it: abort it wherever it runs. */
	cancel: 'cookmark_cancel',
	/** Payload: JSON {id, userId}. The item's status or progress changed (dashboards listen). */
	itemChanged: 'cookmark_item_changed'
} as const;
