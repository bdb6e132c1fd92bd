import { methodNotAllowed } from '$lib/server/http/api';
import { itemAction } from '$lib/server/http/item-action';

/** Retry an item that failed, died or was canceled; it resumes at its first unfinished phase. */
export const POST = itemAction('retry');
export const fallback = methodNotAllowed(['POST']);
