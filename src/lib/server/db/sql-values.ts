import { sql, type SQL } from 'drizzle-orm';

/** Arrays as one SQL parameter each (a literal), however many values: `= any(…)` takes them. */
export const uuidArray = (ids: readonly string[]): SQL => sql`${`{${ids.join(',')}}`}::uuid[]`;

export const textArray = (values: readonly string[]): SQL =>
	sql`${`{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`}::text[]`;
