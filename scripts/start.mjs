// `npm start`: builds the app when the sources are newer than the last build, then serves it.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'build', 'index.js');

function newest(p) {
	if (!existsSync(p)) return 0;
	const stat = statSync(p);
	if (!stat.isDirectory()) return stat.mtimeMs;
	return Math.max(stat.mtimeMs, ...readdirSync(p).map((f) => newest(path.join(p, f))));
}

const sources = ['src', 'static', 'drizzle', 'package.json', 'svelte.config.js', 'vite.config.ts'].map((p) => path.join(root, p));
if (!existsSync(entry) || Math.max(...sources.map(newest)) > statSync(entry).mtimeMs) {
	console.log('Building Cookmark (first start, or the sources changed)…');
	execFileSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
		cwd: root,
		stdio: 'inherit'
	});
}
process.env.PORT ??= '3000';
console.log(`Cookmark: open http://localhost:${process.env.PORT}`);
await import(pathToFileURL(entry).href);
