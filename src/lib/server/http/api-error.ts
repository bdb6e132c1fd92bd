import type { ApiIssue } from '../../contract/errors';

/**
 * An error that becomes a JSON answer `{error:{code,message,issues?}}` with its status. Apart from
 * the request helpers (api.ts) so that services the worker runs can throw it without pulling in
 * SvelteKit, which a production install of the worker does not have.
 */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly issues?: ApiIssue[],
		readonly headers?: Record<string, string>
	) {
		super(message);
		this.name = 'ApiError';
	}
}
