// Module hooks (node:module register) that refuse any import of a devDependency: a production
// install (`npm ci --omit=dev`, the Docker image) does not have them.
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const dev = new Set(Object.keys(manifest.devDependencies ?? {}));
const packageOf = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

export async function resolve(specifier, context, next) {
	if (dev.has(packageOf(specifier))) throw new Error(`${context.parentURL} imports the devDependency ${specifier}`);
	return next(specifier, context);
}
