// What a database client throws when the server is down, restarting or out of reach, as opposed
// to a query that is wrong: the first is worth a 503 and a retry, the second is a bug.
const CONNECTION_CODES = new Set([
	// node's socket errors
	'ECONNREFUSED',
	'ECONNRESET',
	'EPIPE',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
	// postgres.js
	'CONNECTION_CLOSED',
	'CONNECTION_ENDED',
	'CONNECTION_DESTROYED',
	'CONNECT_TIMEOUT',
	// PostgreSQL: shutting down, crashed, starting up or recovering
	'57P01',
	'57P02',
	'57P03'
]);

/** True when `err` (or what it wraps, as drizzle does) says the database cannot be reached now. */
export function isDatabaseUnavailable(err: unknown): boolean {
	for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
		const code = (e as { code?: unknown }).code;
		// SQLSTATE class 08: connection exceptions.
		if (typeof code === 'string' && (CONNECTION_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
	}
	return false;
}
