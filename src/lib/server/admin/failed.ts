import { sql } from 'drizzle-orm';
import type { FailedItem } from '../../contract/admin';
import type { Database } from '../db/client';

/** The items that failed or died, every user's, most recent first, with whose they are. */
export async function failedItems(database: Database, page: { limit: number; offset: number }): Promise<{ items: FailedItem[]; total: number; hasMore: boolean }> {
	const [rows, [count]] = await Promise.all([
		database.rows<{
			id: string;
			status: FailedItem['status'];
			userId: string;
			username: string;
			kind: FailedItem['kind'];
			link: string | null;
			phase: string | null;
			error: string | null;
			errorCode: string | null;
			finishedAt: string | null;
		}>(sql`
			select q.id, q.status, u.id as "userId", u.username, q.input->>'url' as link, q.current_phase as phase,
				case when jsonb_typeof(q.input->'imageFileIds') = 'array' and jsonb_array_length(q.input->'imageFileIds') > 0 then 'images'
					when q.input->>'url' is null then 'text' else 'link' end as kind,
				q.error, q.error_code as "errorCode", q.finished_at as "finishedAt"
			from queue_items q join users u on u.id = q.user_id
			where q.status in ('error', 'dead')
			order by q.finished_at desc nulls last, q.id desc
			limit ${page.limit} offset ${page.offset}`),
		// The per-user counters the trigger keeps: no count over the items.
		database.rows<{ n: number }>(sql`select coalesce(sum(n), 0)::int as n from queue_counts where status in ('error', 'dead')`)
	]);
	const total = count?.n ?? 0;
	return {
		items: rows.map((r) => ({
			id: r.id,
			status: r.status,
			user: { id: r.userId, username: r.username },
			kind: r.kind,
			link: r.link,
			phase: r.phase,
			error: r.error,
			errorCode: r.errorCode,
			finishedAt: r.finishedAt ? new Date(r.finishedAt).toISOString() : null
		})),
		total,
		hasMore: page.offset + rows.length < total
	};
}
