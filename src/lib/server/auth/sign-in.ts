import type { Credentials } from '../../contract/auth';
import { formatDuration } from '../../format';
import type { App } from '../app';
import { ApiError } from '../http/api';
import { hit, peek, reset, type RateLimit } from './rate-limit';
import { createSession, type SessionUser } from './sessions';
import { checkCredentials, signUp, SignupClosed, UsernameTaken } from './users';

// Guessing one account's password: 10 wrong tries per 15 minutes.
const PER_USERNAME: RateLimit = { limit: 10, windowMs: 15 * 60_000 };
// Spraying many accounts from one address: 30 tries per 15 minutes.
const PER_ADDRESS: RateLimit = { limit: 30, windowMs: 15 * 60_000 };

export interface ClientInfo {
	address: string;
	userAgent: string | null;
}

export interface SignedIn {
	user: SessionUser;
	token: string;
	expiresAt: Date;
}

function tooMany(retryAfterMs: number, what: string): ApiError {
	const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
	return new ApiError(429, 'too_many_attempts', `${what}; try again in ${formatDuration(seconds * 1000)}`, undefined, {
		'retry-after': String(seconds)
	});
}

/** Password sign-in, rate-limited per username and per client address. */
export async function logIn(app: App, credentials: { username: string; password: string }, client: ClientInfo): Promise<SignedIn> {
	const { database } = app;
	const userKey = `login:user:${credentials.username.trim().toLowerCase()}`;
	const addressKey = `login:addr:${client.address}`;
	const byAddress = await hit(database, addressKey, PER_ADDRESS);
	if (byAddress.exceeded) throw tooMany(byAddress.retryAfterMs, 'too many sign-in attempts from your address');
	const byUser = await peek(database, userKey, PER_USERNAME);
	if (byUser.count >= PER_USERNAME.limit) throw tooMany(byUser.retryAfterMs, 'too many wrong passwords for this account');

	const user = await checkCredentials(database, credentials.username.trim(), credentials.password);
	if (!user) {
		await hit(database, userKey, PER_USERNAME);
		app.log.warn({ username: credentials.username.slice(0, 64), address: client.address }, 'failed sign-in');
		throw new ApiError(401, 'invalid_credentials', 'wrong username or password');
	}
	await reset(database, userKey);
	if (user.disabled) throw new ApiError(403, 'account_disabled', 'this account is disabled; ask the admin of this server');
	const session = await createSession(database, user.id, { userAgent: client.userAgent });
	return { user: { id: user.id, username: user.username, isAdmin: user.isAdmin }, ...session };
}

/** Creates an account (see SIGNUP) and signs it in. */
export async function signUpAndIn(app: App, credentials: Credentials, client: ClientInfo): Promise<SignedIn> {
	const { database } = app;
	// Creating accounts on an open server: SIGNUP_RATE_PER_HOUR per address.
	const attempts = await hit(database, `signup:addr:${client.address}`, { limit: app.config.SIGNUP_RATE_PER_HOUR, windowMs: 60 * 60_000 });
	if (attempts.exceeded) throw tooMany(attempts.retryAfterMs, 'too many sign-ups from your address');
	try {
		const created = await signUp(database, credentials.username, credentials.password, app.config.SIGNUP);
		const user = { id: created.id, username: created.username, isAdmin: created.isAdmin };
		app.log.info({ userId: user.id, admin: user.isAdmin }, 'account created');
		return { user, ...(await createSession(database, user.id, { userAgent: client.userAgent })) };
	} catch (err) {
		if (err instanceof SignupClosed) throw new ApiError(403, 'signup_closed', err.message);
		if (err instanceof UsernameTaken) throw new ApiError(409, 'username_taken', err.message);
		throw err;
	}
}
