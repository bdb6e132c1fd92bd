import { defineConfig } from 'vitest/config';

// Suites that touch a database run twice: on embedded PGlite and on a real PostgreSQL, which
// scripts/test.mjs starts and announces in TEST_PG_URL.
const dbSuites = ['tests/db/**/*.test.ts', 'tests/api/**/*.test.ts'];

export default defineConfig({
	test: {
		testTimeout: 30_000,
		hookTimeout: 60_000,
		maxWorkers: 2,
		projects: [
			{ extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
			// tests/pglite: what only the embedded database must prove (SIGKILL mid-write).
			{ extends: true, test: { name: 'pglite', include: [...dbSuites, 'tests/pglite/**/*.test.ts'], env: { TEST_DB: 'pglite' } } },
			...(process.env.TEST_PG_URL
				? [
						{
							extends: true,
							// tests/postgres: what only a real server can do (several processes on one database).
							test: { name: 'postgres', include: [...dbSuites, 'tests/postgres/**/*.test.ts'], env: { TEST_DB: 'postgres' } }
						}
					]
				: [])
		]
	}
});
