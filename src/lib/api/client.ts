import type { ApiError } from '$lib/contract/errors';
import type { EnqueueRequest, EnqueueResponse, Item, ItemDetail, ItemList, ItemStatus } from '$lib/contract/queue';
import type { EditedRecipe, RecipePatchInput } from '$lib/contract/recipe-edit';

/** The one place the pages talk to the JSON API (same origin, session cookie). */
export class ApiRequestError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string
	) {
		super(message);
	}
}

async function request<T>(method: string, path: string, body?: unknown, keepalive = false): Promise<T> {
	const res = await fetch(path, {
		method,
		keepalive,
		headers: body === undefined ? {} : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	if (res.status === 204) return undefined as T;
	const data = await res.json().catch(() => null);
	if (!res.ok) {
		const error = (data as ApiError | null)?.error;
		throw new ApiRequestError(res.status, error?.code ?? 'http_error', error?.message ?? `the server answered ${res.status}`);
	}
	return data as T;
}

export const api = {
	list: (q: { status?: ItemStatus[]; limit?: number; offset?: number; cursor?: string }) => {
		const params = new URLSearchParams();
		if (q.status?.length) params.set('status', q.status.join(','));
		if (q.limit) params.set('limit', String(q.limit));
		if (q.offset) params.set('offset', String(q.offset));
		if (q.cursor) params.set('cursor', q.cursor);
		return request<ItemList>('GET', `/api/queue?${params}`);
	},
	get: (id: string) => request<ItemDetail>('GET', `/api/queue/${id}`),
	enqueue: (share: EnqueueRequest) => request<Item | EnqueueResponse>('POST', '/api/queue', share),
	retry: (id: string) => request<Item>('POST', `/api/queue/${id}/retry`),
	cancel: (id: string) => request<Item>('POST', `/api/queue/${id}/cancel`),
	/** `keepalive`: the request outlives the page (sent as it is closed). */
	remove: (id: string, keepalive = false) => request<void>('DELETE', `/api/queue/${id}`, undefined, keepalive),
	editRecipe: (id: string, patch: RecipePatchInput) => request<EditedRecipe>('PATCH', `/api/recipes/${id}`, patch)
};
