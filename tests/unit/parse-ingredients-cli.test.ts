import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

describe('cookmark parse-ingredients', () => {
	it('writes one JSON object per input line, in order, and nothing else', () => {
		const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/cookmark.ts', 'parse-ingredients'], {
			cwd: root,
			input: '2 cups flour, sifted\n\nPinch of salt\n',
			encoding: 'utf8',
			timeout: 20_000
		});
		expect(r.status).toBe(0);
		const lines = r.stdout.split('\n').filter(Boolean);
		expect(lines).toHaveLength(3);
		expect(lines.map((l) => JSON.parse(l))).toEqual([
			{ quantity: 2, quantity_max: null, unit: 'cup', name: 'flour', comment: 'sifted' },
			{ quantity: null, quantity_max: null, unit: null, name: null, comment: null },
			{ quantity: null, quantity_max: null, unit: 'pinch', name: 'salt', comment: null }
		]);
	});
});
