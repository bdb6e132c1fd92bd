import { execFile } from 'node:child_process';
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

	it('loads the worker, the migrations and the pipeline commands without devDependencies', async () => {
		await expect(
			load(
				'src/lib/server/app.ts',
				'src/lib/server/db/migrate.ts',
				'src/lib/server/pipeline/recipe/extract/read-page.ts',
				'src/lib/server/pipeline/recipe/extract/index.ts',
				'src/lib/ingredients/ingredient-line.ts'
			)
		).resolves.toBeDefined();
	});

	it('is a check that can fail: a request helper that imports SvelteKit is refused', async () => {
		await expect(load('src/lib/server/http/api.ts')).rejects.toThrow(/imports the devDependency @sveltejs\/kit/);
	});
});
