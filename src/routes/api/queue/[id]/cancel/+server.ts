import { methodNotAllowed } from '$lib/server/http/api';
import { itemAction } from '$lib/server/http/item-action';

/** Cancel a pending or running item; a running phase is aborted. */
export const POST = itemAction('cancel');
export const fallback = methodNotAllowed(['POST']);
