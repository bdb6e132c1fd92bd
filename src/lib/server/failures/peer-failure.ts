import { JobError } from './errors';

/**
 * A peer server's error (Tandoor, Mealie, the language model, the transcription service) as an
 * HTTP answer to a person waiting on it: theirs to fix (422: a refused key, a wrong address or
 * model) or the server's trouble (502: unreachable, failing). Anything else is a bug and propagates.
 */
export function peerFailure(err: unknown): { status: 422 | 502; code: string; message: string } {
	if (err instanceof JobError) return { status: err.kind === 'permanent' ? 422 : 502, code: err.code, message: err.message };
	throw err;
}
