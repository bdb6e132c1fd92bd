import type { Recipe } from '../../contract/recipe';
import type { ApiRequestOptions } from '../net/api-request';
import type { Picture } from '../pictures/download';

export type TargetKind = 'tandoor' | 'mealie';

/** Where a recipe landed on a target: its id there (Tandoor's number, Mealie's slug) and its web page. */
export interface RemoteRecipe {
	remoteId: string;
	url: string;
	/**
	 * Whether the copy there already shows a picture (one this app sent, or one the person chose):
	 * it is kept, never replaced, so a re-send cannot take a picture away.
	 */
	hasPicture?: boolean;
}

/**
 * A recorded copy that cannot be written to: deleted there, or left broken by an earlier write
 * (`note` then says what the person should know; a new copy is made either way).
 */
export interface UnusableCopy {
	unusable: 'deleted' | 'broken';
	note?: string;
}

/** What "Test connection" reports when URL and token work. */
export interface ConnectionReport {
	/** The server's own name and version where it tells ("Tandoor 2.3.1", "Mealie v2.8.0"). */
	server: string;
	/** The account the token belongs to, where the API says. */
	user: string | null;
}

/** A configured target: where, and the token (decrypted only for the request). */
export interface TargetConnection {
	kind: TargetKind;
	/** The server's root as the user gave it, without a trailing slash ("http://192.168.1.20:8080"). */
	baseUrl: string;
	token: string;
}

/** The request limits every target call shares; private addresses are allowed only for the configured target. */
export type TargetRequestLimits = Pick<ApiRequestOptions, 'timeoutMs' | 'connectTimeoutMs' | 'maxBytes' | 'allowPrivate' | 'policy' | 'hosts'>;

/**
 * One recipe manager's API. Failures are thrown as the queue engine's errors, with messages a
 * person can act on: a refused token or a wrong address is a PermanentError, the server's passing
 * trouble (5xx, 429, timeouts, network) a RetryableError. Neither a token nor an Authorization
 * header ever appears in an error or a log line.
 */
export interface TargetClient {
	readonly kind: TargetKind;
	testConnection(signal?: AbortSignal): Promise<ConnectionReport>;
	/**
	 * A recipe this app created earlier for the same source URL, e.g. when a create's answer was
	 * lost to a timeout or a crash: updating it is how a retry avoids a duplicate.
	 */
	findExisting(recipe: Recipe, signal?: AbortSignal): Promise<RemoteRecipe | null>;
	/**
	 * Creates the recipe. `created` is awaited the moment the target has given it an id, before
	 * anything else is sent, so the caller can store the id first.
	 */
	create(recipe: Recipe, created: (remote: RemoteRecipe) => Promise<void>, signal?: AbortSignal): Promise<RemoteRecipe>;
	/** Writes the whole recipe over an existing one, or says why that copy cannot take it. */
	update(remote: RemoteRecipe, recipe: Recipe, signal?: AbortSignal): Promise<RemoteRecipe | UnusableCopy>;
	/**
	 * Uploads the picture's bytes (the target never fetches a URL itself: it may not reach the
	 * source, and a failed fetch there can clear a picture). True once the target shows it.
	 */
	setImage(remote: RemoteRecipe, picture: Picture, signal?: AbortSignal): Promise<boolean>;
}
