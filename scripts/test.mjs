// `npm test`: the whole suite. Builds the app, starts a throwaway PostgreSQL (so every database
// suite runs on PGlite *and* PostgreSQL), runs vitest and the Playwright browser tests, and ends
// with one line `N passed, N failed` over all of them.
//
// In CI (CI=true) or with COOKMARK_REQUIRE_ALL=1, a missing PostgreSQL or Chromium is a failure;
// elsewhere those suites are skipped with a loud note, so a newcomer with only Node can run it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres } from './postgres.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, '.test-output');
const requireAll = ['1', 'true'].includes(String(process.env.CI ?? '').toLowerCase()) || process.env.COOKMARK_REQUIRE_ALL === '1';
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

let passed = 0;
let failed = 0;
const notes = [];

function run(label, cmd, args, env = {}) {
	console.log(`\n▶ ${label}`);
	const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
	return r.status ?? 1;
}

// 1. Build: the API, crash and browser tests run the production server.
if (run('build', bin('vite'), ['build', '--logLevel', 'warn']) !== 0) {
	console.log('\n0 passed, 1 failed');
	process.exit(1);
}

// 2. Types (TypeScript strict, Svelte): a type error fails the run as one failed check.
if (run('types (svelte-check)', bin('svelte-check'), ['--tsconfig', './tsconfig.json', '--threshold', 'error', '--output', 'human']) !== 0) {
	failed++;
	notes.push('the type check failed (see above)');
}

// 3. PostgreSQL from the machine's packages.
let pg = null;
try {
	pg = await startPostgres();
} catch (err) {
	notes.push(`PostgreSQL failed to start: ${err.message}`);
}
if (pg) console.log(`\n▶ PostgreSQL: ${pg.version} at ${pg.url}`);
else if (requireAll) {
	console.error('\nPostgreSQL is required in CI but was not found (apt-get install postgresql).');
	failed++;
} else notes.push('PostgreSQL is not installed: the postgres suite was SKIPPED (apt-get install postgresql to run it).');

try {
	// 4. vitest: unit, pglite and postgres projects.
	const vitestJson = path.join(out, 'vitest.json');
	const vitestCode = run('vitest (unit, pglite' + (pg ? ', postgres' : '') + ')', bin('vitest'), [
		'run',
		'--reporter=default',
		'--reporter=json',
		`--outputFile.json=${vitestJson}`
	], pg ? { TEST_PG_URL: pg.url } : {});
	if (existsSync(vitestJson)) {
		const r = JSON.parse(readFileSync(vitestJson, 'utf8'));
		passed += r.numPassedTests;
		failed += r.numFailedTests;
		// A file that fails to load has no failed test of its own; count it.
		const brokenFiles = r.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
		failed += brokenFiles;
		if (r.numPendingTests) notes.push(`${r.numPendingTests} vitest tests were skipped`);
	} else failed++;
	if (vitestCode !== 0 && failed === 0) failed++;

	// 5. Playwright in Debian's Chromium.
	if (existsSync(chromium)) {
		const pwJson = path.join(out, 'playwright.json');
		const pwCode = run('playwright (chromium)', bin('playwright'), ['test', '--reporter=list,json'], {
			PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson,
			CHROMIUM_PATH: chromium
		});
		if (existsSync(pwJson)) {
			const { stats } = JSON.parse(readFileSync(pwJson, 'utf8'));
			passed += stats.expected + stats.flaky;
			failed += stats.unexpected;
			if (stats.skipped) notes.push(`${stats.skipped} browser tests were skipped`);
		} else failed++;
		if (pwCode !== 0 && !existsSync(pwJson)) failed++;
	} else if (requireAll) {
		console.error(`\nChromium is required in CI but ${chromium} does not exist (apt-get install chromium).`);
		failed++;
	} else notes.push(`Chromium not found at ${chromium}: the browser tests were SKIPPED (apt-get install chromium).`);
} finally {
	pg?.stop();
}

console.log('');
for (const note of notes) console.log(`note: ${note}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
