import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/**
 * The Docker image installs dependencies only (`npm prune --omit=dev`), and its worker runs the
 * command line from source with tsx: nothing the command loads may import a devDependency (such as
 * SvelteKit, which the web build bundles but the worker does not have).
 */
describe('the command line in a production install', () => {
	const load = (...files: string[]) =>
		run(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'tests/helpers/import-modules.mts', ...files], { cwd: root });

	it('loads every module the command imports (worker, migrate, backup, restore, …) without devDependencies', async () => {
		const cli = readFileSync(path.join(root, 'src/cli/cookmark.ts'), 'utf8');
		const modules = [...cli.matchAll(/await import\('(\.[^']+)'\)/g)].map((m) => path.join('src/cli', `${m[1]}.ts`));
		expect(modules).toContain('src/lib/server/app.ts');
		expect(modules.length).toBeGreaterThan(10);
		await expect(load('src/lib/server/config.ts', ...modules)).resolves.toBeDefined();
	});

	it('is a check that can fail: a request helper that imports SvelteKit is refused', async () => {
		await expect(load('src/lib/server/http/api.ts')).rejects.toThrow(/imports the devDependency @sveltejs\/kit/);
	});
});
