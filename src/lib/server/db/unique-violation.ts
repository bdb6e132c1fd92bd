/** Postgres' unique_violation, raised when a partial unique index refuses a row. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
	for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
		const o = e as { code?: unknown; constraint_name?: unknown; constraint?: unknown };
		if (o.code === '23505') {
			return !constraint || o.constraint_name === constraint || o.constraint === constraint;
		}
	}
	return false;
}
