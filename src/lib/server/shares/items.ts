import type { RecipeSummary } from '../../contract/library';
import type { Item, ItemDetail, ItemList, ItemStatus } from '../../contract/queue';
import { ApiError } from '../http/api-error';
import { ShareInput } from '../pipeline/recipe';
import type { QueueService, EnqueueResult as JobEnqueueResult } from '../queue/service';
import type { JobDetail, JobView } from '../queue/view';

/** What a share became: an item (new, already queued, or this Idempotency-Key's), or none: the recipe is already saved. */
export type EnqueueResult = { kind: JobEnqueueResult['kind']; item: Item } | { kind: 'saved'; recipe: RecipeSummary };
export type ActionResult = { kind: 'ok'; item: ItemDetail } | { kind: 'not_found' } | { kind: 'conflict'; status: ItemStatus; reason?: 'duplicate_active' };

/** The longest label a text item gets from its first line. */
const LABEL_LENGTH = 80;

/** A text's first line with words, cut to a label's length. */
export function textLabel(text: string): string {
	const line = text.split(/\r\n|\r|\n/).map((l) => l.replace(/\s+/g, ' ').trim()).find(Boolean) ?? '';
	return line.length > LABEL_LENGTH ? `${line.slice(0, LABEL_LENGTH - 1).trimEnd()}…` : line;
}

/** What an item was made from, and what to show for it. Items made before kinds existed are links. */
function shareOf(input: unknown): Pick<Item, 'kind' | 'url' | 'label' | 'title'> {
	const share = ShareInput.safeParse(input);
	if (!share.success) return { kind: 'link', url: '', label: '', title: null };
	const { url, text, title, imageFileIds } = share.data;
	const pictures = imageFileIds?.length ?? 0;
	const kind = pictures ? 'images' : url !== null ? 'link' : 'text';
	const label = kind === 'images' ? `${pictures} ${pictures === 1 ? 'picture' : 'pictures'}` : (url ?? textLabel(text ?? ''));
	return { kind, url, label, title: title?.trim() || null };
}

/** A queue item as the API shows it: the engine's view, with what was shared (the link, the text's first line, the pictures). */
export function toItem(job: JobView): Item {
	const { userId: _user, pipeline: _pipeline, input, dedupeKey: _key, ...rest } = job;
	return { ...rest, ...shareOf(input) };
}

const toDetail = (job: JobDetail): ItemDetail => ({ ...toItem(job), attempts: job.attempts });

/** The people's side of the queue, in the API's shapes: what routes, live streams and notifications use. */
export class ItemService {
	constructor(readonly queue: QueueService) {}

	async list(q: { userId: string; statuses?: readonly ItemStatus[]; batchId?: string; limit: number; offset?: number; cursor?: string }): Promise<ItemList> {
		const page = await this.queue.list(q);
		if (!page) throw new ApiError(400, 'invalid_cursor', 'cursor is not one this server gave out; start again without it');
		return { items: page.jobs.map(toItem), total: page.total, hasMore: page.hasMore, nextCursor: page.nextCursor };
	}

	async item(userId: string, itemId: string): Promise<Item | null> {
		const job = await this.queue.job(userId, itemId);
		return job ? toItem(job) : null;
	}

	/** Several of the user's items by id; missing ones (deleted, not theirs) are absent. */
	async many(userId: string, itemIds: readonly string[]): Promise<Map<string, Item>> {
		const jobs = await this.queue.jobs(userId, itemIds);
		return new Map([...jobs].map(([id, job]) => [id, toItem(job)]));
	}

	async get(userId: string, itemId: string): Promise<ItemDetail | null> {
		const job = await this.queue.get(userId, itemId);
		return job ? toDetail(job) : null;
	}

	phaseOutput(userId: string, itemId: string, phase: string): Promise<unknown> {
		return this.queue.phaseOutput(userId, itemId, phase);
	}

	retry(userId: string, itemId: string): Promise<ActionResult> {
		return this.queue.retry(userId, itemId).then(action);
	}

	cancel(userId: string, itemId: string): Promise<ActionResult> {
		return this.queue.cancel(userId, itemId).then(action);
	}

	remove(userId: string, itemId: string): Promise<boolean> {
		return this.queue.remove(userId, itemId);
	}
}

function action(result: Awaited<ReturnType<QueueService['retry']>>): ActionResult {
	return result.kind === 'ok' ? { kind: 'ok', item: toDetail(result.job) } : result;
}
