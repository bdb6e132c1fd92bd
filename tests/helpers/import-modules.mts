// Imports each module named on the command line, with devDependencies refused (refuse-dev-dependencies.mjs).
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

register(new URL('./refuse-dev-dependencies.mjs', import.meta.url));
for (const file of process.argv.slice(2)) await import(pathToFileURL(file).href);
