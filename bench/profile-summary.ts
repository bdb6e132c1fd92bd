/**
 * `tsx bench/profile-summary.ts FILE.cpuprofile [--top N]` — where a V8 CPU profile's time went,
 * as text: the share of samples idle, in GC and running; running time by package (node_modules/X,
 * node:internal, the app's build) and the top functions by self time and by inclusive time
 * (a function counted once per sample whatever its recursion). For reports that cite names and
 * percentages without opening DevTools.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
	functionName: string;
	url: string;
	lineNumber: number;
}
interface ProfileNode {
	id: number;
	callFrame: CallFrame;
	children?: number[];
}
interface Profile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
	startTime: number;
	endTime: number;
}

export function summarise(profile: Profile, top = 25) {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const self = new Map<number, number>();
	profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + Math.max(0, profile.timeDeltas[i] ?? 0)));
	const total = [...self.values()].reduce((a, b) => a + b, 0);

	const name = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${where(f)}`;
	const special = new Set(['(idle)', '(garbage collector)', '(program)', '(root)']);
	const bucket = new Map<string, number>();
	const selfByFn = new Map<string, number>();
	const inclusiveByFn = new Map<string, number>();
	for (const [id, us] of self) {
		const node = byId.get(id)!;
		const f = node.callFrame;
		const key = special.has(f.functionName) ? f.functionName : pkg(f.url);
		bucket.set(key, (bucket.get(key) ?? 0) + us);
		if (special.has(f.functionName)) continue;
		selfByFn.set(name(f), (selfByFn.get(name(f)) ?? 0) + us);
		const seen = new Set<string>();
		for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
			const cf = byId.get(at)!.callFrame;
			if (special.has(cf.functionName)) continue;
			const k = name(cf);
			if (seen.has(k)) continue;
			seen.add(k);
			inclusiveByFn.set(k, (inclusiveByFn.get(k) ?? 0) + us);
		}
	}
	const pct = (us: number) => `${((us / total) * 100).toFixed(1)}%`;
	const list = (m: Map<string, number>, n: number) =>
		[...m]
			.sort((a, b) => b[1] - a[1])
			.slice(0, n)
			.map(([k, us]) => `${pct(us).padStart(6)}  ${k}`);
	return [
		`profile: ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s, ${profile.samples.length} samples`,
		'',
		'by kind / package (self time):',
		...list(bucket, 15),
		'',
		'functions by self time:',
		...list(selfByFn, top),
		'',
		'functions by inclusive time:',
		...list(inclusiveByFn, top)
	].join('\n');
}

function where(f: CallFrame): string {
	if (!f.url) return '';
	const short = f.url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(/^.*\/build\//, 'build/');
	return `${short}:${f.lineNumber + 1}`;
}

function pkg(url: string): string {
	if (!url) return '(native / V8)';
	if (url.startsWith('node:')) return 'node: (Node internals)';
	const mod = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
	if (mod) return `node_modules/${mod[1]}`;
	if (url.includes('/build/')) return 'build/ (the app, bundled)';
	return url.replace(/^file:\/\//, '');
}

if (process.argv[1]?.endsWith('profile-summary.ts')) {
	const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
	for (const file of positionals) console.log(summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(values.top)));
}
