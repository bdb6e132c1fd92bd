import type { ItemStatus } from '$lib/contract/queue';

/** The dashboard's filter tabs: what each shows, as the API's `status` list. */
export const statusFilters: { key: string; label: string; statuses: ItemStatus[] }[] = [
	{ key: 'all', label: 'All', statuses: [] },
	{ key: 'active', label: 'In progress', statuses: ['pending', 'in_progress'] },
	{ key: 'saved', label: 'Saved', statuses: ['success'] },
	{ key: 'failed', label: 'Failed', statuses: ['error', 'dead'] },
	{ key: 'canceled', label: 'Canceled', statuses: ['canceled'] }
];

export function filterByKey(key: string | null) {
	return statusFilters.find((f) => f.key === key) ?? statusFilters[0]!;
}
