/**
 * `tsx bench/heap-diff.ts BEFORE.heapsnapshot AFTER.heapsnapshot [--per N] [--top N]` — what a
 * heap gained between two V8 snapshots, by constructor (self sizes; strings, arrays, closures and
 * code each as one kind): count and bytes, and per unit when `--per` says how many (e.g. streams).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Snapshot {
	snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
	nodes: number[];
	strings: string[];
}

type Tally = Map<string, { count: number; bytes: number }>;

export function tally(s: Snapshot): Tally {
	const fields = s.snapshot.meta.node_fields;
	const width = fields.length;
	const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
	const types = s.snapshot.meta.node_types[0];
	const out: Tally = new Map();
	for (let i = 0; i < s.nodes.length; i += width) {
		const type = types[s.nodes[i + typeAt]!]!;
		const name = s.strings[s.nodes[i + nameAt]!] ?? '';
		const key =
			type === 'object' || type === 'native' || type === 'closure' || type === 'hidden' || type === 'array'
				? `${type === 'object' ? '' : `(${type}) `}${name.length > 60 ? `${name.slice(0, 60)}…` : name}`
				: `(${type})`;
		const entry = out.get(key) ?? { count: 0, bytes: 0 };
		entry.count++;
		entry.bytes += s.nodes[i + sizeAt]!;
		out.set(key, entry);
	}
	return out;
}

export function diff(before: Tally, after: Tally, per = 1, top = 30): string {
	const rows = [...after].map(([key, a]) => {
		const b = before.get(key) ?? { count: 0, bytes: 0 };
		return { key, count: a.count - b.count, bytes: a.bytes - b.bytes };
	});
	const total = rows.reduce((n, r) => n + r.bytes, 0);
	rows.sort((x, y) => y.bytes - x.bytes);
	const fmt = (n: number) => (per === 1 ? `${(n / 1024).toFixed(0)} KiB` : `${(n / per).toFixed(0)} B`);
	return [
		`heap grew by ${(total / 2 ** 20).toFixed(1)} MiB${per === 1 ? '' : `, ${(total / per / 1024).toFixed(1)} KiB per unit (${per})`}`,
		`${'bytes'.padStart(10)} ${'count'.padStart(8)}  constructor / kind`,
		...rows.slice(0, top).map((r) => `${fmt(r.bytes).padStart(10)} ${(per === 1 ? r.count : r.count / per).toFixed(per === 1 ? 0 : 1).padStart(8)}  ${r.key}`)
	].join('\n');
}

if (process.argv[1]?.endsWith('heap-diff.ts')) {
	const { values, positionals } = parseArgs({ allowPositionals: true, options: { per: { type: 'string', default: '1' }, top: { type: 'string', default: '30' } } });
	const [before, after] = positionals.map((file) => tally(JSON.parse(readFileSync(file, 'utf8')) as Snapshot));
	if (!before || !after) throw new Error('usage: tsx bench/heap-diff.ts BEFORE.heapsnapshot AFTER.heapsnapshot [--per N]');
	console.log(diff(before, after, Number(values.per), Number(values.top)));
}
