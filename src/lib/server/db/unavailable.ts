/**
 * Errors that say the database cannot be reached right now (it restarts, the network drops), as
 * opposed to a query that is wrong: the first kind is worth waiting out, the second is a bug.
 */
const CONNECTION_CODES = new Set([
	// node sockets
	'ECONNREFUSED',
	'ECONNRESET',
	'ETIMEDOUT',
	'EPIPE',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENOTFOUND',
	'EAI_AGAIN',
	// postgres.js
	'CONNECT_TIMEOUT',
	'CONNECTION_CLOSED',
	'CONNECTION_DESTROYED',
	'CONNECTION_ENDED',
	// PostgreSQL: shutting down, starting up, too many connections
	'57P01',
	'57P02',
	'57P03',
	'53300'
]);

export function isDatabaseUnavailable(err: unknown): boolean {
	// drizzle wraps the driver's error as `cause`.
	for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
		const code = (e as { code?: unknown }).code;
		// SQLSTATE class 08: connection exception.
		if (typeof code === 'string' && (CONNECTION_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
	}
	return false;
}
