/**
 * `npm run bench:sse` — SSE fan-out (issue 22, benchmark 3): many live streams on one process,
 * and how long a progress change takes from its commit to every browser tab that shows it.
 *
 * One built server (`node build/index.js`) on a throwaway PostgreSQL (durable: fsync on) with its
 * workers off. USERS accounts with an API token each (made in the database with the app's own
 * functions), ITEMS_PER_USER items each enqueued through the API and claimed with the engine's
 * claim statement, as a worker would. TABS streams per user (GET /api/queue/stream): raw HTTP
 * sockets whose frames are scanned with a regex, no JSON parsing. A driver in this process then
 * reports progress the way a worker's phase runner does (the engine's reportProgress: phase
 * progress + message and the item's updated_at in one statement; the item_events trigger wakes the
 * hub), each item every PERIOD ms for DURATION ms, evenly spread, with a sequence number in the
 * message. Latency is from the driver's UPDATE returning to a stream receiving the frame.
 * Memory per stream is the server's VmRSS (/proc/<pid>/status) with every stream open and idle,
 * minus before they opened, over their number.
 *
 * Options: --users N (100) --tabs N (50) --items-per-user N (1) --period-ms N (2000)
 *          --duration-s N (30) --connect-parallel N (100) --smoke
 *          --cpu-prof DIR  a .cpuprofile of the server over the delivery phase
 *          --pg-stats      the database's statements over the delivery phase (pg_stat_statements)
 *          --heap-snapshot DIR  the server's heap before and with the streams open (bench/heap-diff.ts)
 * The file-descriptor limit must allow the streams on both ends: `npm run bench:sse` raises the
 * soft limit to the hard one (bench and server each hold one descriptor per stream).
 */
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/lib/server/db/client';
import { users } from '../src/lib/server/db/schema';
import { createApiToken } from '../src/lib/server/auth/api-tokens';
import { hashPassword } from '../src/lib/server/auth/passwords';
import { claimItems } from '../src/lib/server/queue/sql/claim';
import { reportProgress } from '../src/lib/server/queue/sql/report-progress';
import { RECIPE_PIPELINE } from '../src/lib/server/pipeline/recipe';
import { isMain, liveConnections, machine, mapLimit, openFileLimit, percentile, pgStatements, postgresErrors, benchPostgres, round, sched, schedShare, selfMonitor, serverWarnings, sleep, startBenchServer, until, type ProbeSample } from './live-helpers';

export interface SseBenchOptions {
	databaseUrl: string;
	users: number;
	tabs: number;
	itemsPerUser: number;
	periodMs: number;
	durationMs: number;
	connectParallel: number;
	/** Idle time before each memory reading (lets allocation settle). */
	settleMs: number;
	/** Writes a .cpuprofile of the server over the delivery phase into this directory. */
	cpuProfileDir?: string;
	/** Reports the database's statements over the delivery phase (pg_stat_statements must be preloaded). */
	pgStats?: boolean;
	/** Writes heap snapshots of the server before the streams open and once they are open (bench/heap-diff.ts compares them). */
	heapSnapshotDir?: string;
	log?: (line: string) => void;
}

/** One stream: its user, the newest sequence number seen per item of that user, and its socket. */
interface Client {
	user: number;
	lastSeq: Int32Array;
	received: number;
	rest: string;
	connected: boolean;
	ended: boolean;
	req?: http.ClientRequest;
}

// The message the driver writes; it appears in phases[] and again in item.phases[] of every frame.
const SEQ = /bench:(\d+):(\d+)/g;

export async function runSseBench(o: SseBenchOptions) {
	const log = o.log ?? (() => {});
	const itemCount = o.users * o.itemsPerUser;
	const clientCount = o.users * o.tabs;
	const rounds = Math.max(1, Math.floor(o.durationMs / o.periodMs));
	const database = await openDatabase({ databaseUrl: o.databaseUrl, maxConnections: 8 });
	const bench = await startBenchServer(o.databaseUrl, { QUEUE_PROCESSING_ENABLED: 'false' });
	const { server } = bench;
	const url = new URL(server.origin);
	const clients: Client[] = [];
	const self = selfMonitor();
	try {
		const env = await machine(database);

		// Accounts and tokens straight into the database: one argon2 hash shared by all (nobody logs in).
		const passwordHash = await hashPassword('bench-password-never-used');
		const made = await database.db
			.insert(users)
			.values(Array.from({ length: o.users }, (_, u) => ({ username: `bench-sse-${u}`, passwordHash })))
			.returning({ id: users.id });
		const tokens = await mapLimit(made, 8, async (u) => (await createApiToken(database, u.id, 'bench')).token);

		// Items through the API (workers off: nothing fetches them), then claimed as a worker claims.
		const itemIndex = new Map<string, number>();
		await mapLimit(
			Array.from({ length: itemCount }, (_, i) => i),
			16,
			async (i) => {
				const user = Math.floor(i / o.itemsPerUser);
				const res = await fetch(`${server.origin}/api/queue`, {
					method: 'POST',
					headers: { authorization: `Bearer ${tokens[user]}`, 'content-type': 'application/json' },
					body: JSON.stringify({ url: `https://recipes.example/${user}/${i}` })
				});
				if (res.status !== 201) throw new Error(`enqueue answered ${res.status}: ${await res.text()}`);
				itemIndex.set(((await res.json()) as { id: string }).id, i);
			}
		);
		const claimed = await claimItems(database, { worker: 'bench-driver', pipelines: [RECIPE_PIPELINE], limit: itemCount, leaseMs: 3_600_000, now: new Date() });
		if (claimed.length !== itemCount) throw new Error(`claimed ${claimed.length} of ${itemCount} items`);
		const items = new Array<{ id: string; token: string; phase: string }>(itemCount);
		for (const c of claimed) items[itemIndex.get(c.id)!] = { id: c.id, token: c.leaseToken, phase: c.phase };

		// Receipts: (item, seq, time) for every frame that brought a client a newer sequence number.
		const receipts = { item: [] as number[], seq: [] as number[], at: [] as number[] };
		const onFrames = (client: Client, text: string) => {
			SEQ.lastIndex = 0;
			for (let m = SEQ.exec(text); m; m = SEQ.exec(text)) {
				const item = Number(m[1]);
				const seq = Number(m[2]);
				const local = item - client.user * o.itemsPerUser;
				if (seq <= client.lastSeq[local]!) continue; // the same message again in `item.phases`, or an old one
				client.lastSeq[local] = seq;
				client.received++;
				receipts.item.push(item);
				receipts.seq.push(seq);
				receipts.at.push(performance.now());
			}
		};
		const connect = (user: number, keep = true) =>
			new Promise<Client>((resolve, reject) => {
				const client: Client = { user, lastSeq: new Int32Array(o.itemsPerUser), received: 0, rest: '', connected: false, ended: false };
				const req = http.request({
					host: url.hostname,
					port: url.port,
					path: '/api/queue/stream',
					agent: false, // one socket per stream, as every tab has
					headers: { authorization: `Bearer ${tokens[user]}`, accept: 'text/event-stream' }
				});
				client.req = req;
				req.on('error', (err) => (client.connected ? (client.ended = true) : reject(err)));
				req.on('response', (res) => {
					if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
					res.on('data', (chunk: Buffer) => {
						// Only whole frames are scanned; a frame cut across chunks waits for its end.
						const text = client.rest + chunk.toString('latin1');
						const end = text.lastIndexOf('\n\n');
						if (end < 0) return void (client.rest = text);
						client.rest = text.slice(end + 2);
						const frames = text.slice(0, end);
						if (!client.connected && frames.includes('event: connection')) {
							client.connected = true;
							if (!keep) req.destroy();
							resolve(client);
						}
						onFrames(client, frames);
					});
					res.on('close', () => (client.ended = true));
				});
				req.end();
			});

		// Warm-up: code paths compiled and pools at size before the baseline is read.
		await mapLimit(Array.from({ length: Math.min(clientCount, 2 * o.users) }, (_, i) => i % o.users), o.connectParallel, (u) => connect(u, false));
		await until(async () => (await liveConnections(server)) === 0, 30_000, 'warm-up streams to close');
		await sleep(o.settleMs);
		const before = { rss: bench.rss(), gc: await bench.probe('gc') };
		const snapshots = o.heapSnapshotDir ? [path.join(o.heapSnapshotDir, `sse-before-${Date.now()}.heapsnapshot`)] : [];
		if (snapshots[0]) await bench.probe(`heap-snapshot ${snapshots[0]}`);
		log(`baseline: server RSS ${round(before.rss / 2 ** 20)} MiB; opening ${clientCount} streams (${o.users} users × ${o.tabs} tabs)`);

		const connectStarted = performance.now();
		await bench.probe('sample reset');
		const connectCpuBefore = bench.cpuMs();
		const connectSched = { server: bench.sched(), bench: sched('self') };
		const connectTimes: number[] = [];
		const order = Array.from({ length: clientCount }, (_, i) => i % o.users); // tabs of a user open spread out, not in a row
		clients.push(
			...(await mapLimit(order, o.connectParallel, async (u) => {
				const t = performance.now();
				const client = await connect(u);
				connectTimes.push(performance.now() - t);
				return client;
			}))
		);
		const connectSeconds = (performance.now() - connectStarted) / 1000;
		const connectCpuPercent = round(((bench.cpuMs() - connectCpuBefore) / (connectSeconds * 1000)) * 100);
		const connectMainThread = {
			server: schedShare(connectSched.server, bench.sched(), connectSeconds * 1000),
			bench: schedShare(connectSched.bench, sched('self'), connectSeconds * 1000)
		};
		const duringConnect = await bench.probe('sample');
		await until(async () => (await liveConnections(server)) === clientCount, 30_000, `${clientCount} streams to be counted`);
		log(`${clientCount} streams open in ${round(connectSeconds)} s`);
		await sleep(o.settleMs);
		const after = { rss: bench.rss(), gc: await bench.probe('gc') };
		if (o.heapSnapshotDir) {
			snapshots.push(path.join(o.heapSnapshotDir, `sse-after-${Date.now()}.heapsnapshot`));
			await bench.probe(`heap-snapshot ${snapshots[1]}`);
		}

		// Delivery: one update every PERIOD/ITEMS ms, item after item, each item every PERIOD ms.
		const commitAt = Array.from({ length: itemCount }, () => new Float64Array(rounds + 1).fill(NaN));
		const total = rounds * itemCount;
		const interval = o.periodMs / itemCount;
		let failedWrites = 0;
		const profile = o.cpuProfileDir ? path.join(o.cpuProfileDir, `sse-server-${Date.now()}.cpuprofile`) : null;
		if (profile) await bench.probe('prof-start');
		if (o.pgStats) await pgStatements(database, true);
		await bench.probe('sample reset');
		self.reset();
		const cpuBefore = bench.cpuMs();
		const driveSched = { server: bench.sched(), bench: sched('self') };
		const driveStarted = performance.now();
		const writes: Promise<void>[] = [];
		let lagMax = 0;
		for (let u = 0; u < total; u++) {
			const due = driveStarted + u * interval;
			const wait = due - performance.now();
			if (wait > 1) await sleep(wait);
			lagMax = Math.max(lagMax, performance.now() - due);
			const item = u % itemCount;
			const seq = Math.floor(u / itemCount) + 1;
			const { id, token, phase } = items[item]!;
			writes.push(
				reportProgress(database, { itemId: id, token, phase, progress: seq % 100, message: `bench:${item}:${seq}`, now: new Date() }).then((ok) => {
					commitAt[item]![seq] = performance.now();
					if (!ok) failedWrites++;
				})
			);
		}
		await Promise.all(writes);
		const driveSeconds = (performance.now() - driveStarted) / 1000;
		const allFinal = () => clients.every((c) => c.lastSeq.every((s) => s === rounds));
		await until(allFinal, 15_000, 'every stream to receive each item’s final update', 20).catch(() => {});
		const delivery = await bench.probe<ProbeSample>('sample');
		const serverCpuMs = bench.cpuMs() - cpuBefore;
		const selfStats = self.read();
		const wall = performance.now() - driveStarted;
		const driveMainThread = { server: schedShare(driveSched.server, bench.sched(), wall), bench: schedShare(driveSched.bench, sched('self'), wall) };
		if (profile) await bench.probe(`prof-stop ${profile}`);
		const statements = o.pgStats ? await pgStatements(database) : null;

		const latencies: number[] = [];
		let early = 0;
		for (let r = 0; r < receipts.at.length; r++) {
			const committed = commitAt[receipts.item[r]!]![receipts.seq[r]!]!;
			// The frame can be read before this process handles the UPDATE's answer: the commit was before both.
			const latency = receipts.at[r]! - committed;
			if (latency < 0) early++;
			latencies.push(Math.max(0, latency));
		}
		latencies.sort((a, b) => a - b);
		const expected = clientCount * o.itemsPerUser * rounds;
		const received = clients.reduce((n, c) => n + c.received, 0);
		const missingFinal = clients.reduce((n, c) => n + c.lastSeq.filter((s) => s !== rounds).length, 0);
		// Updates that reached at least one stream: the rest were overtaken by a newer one before the
		// hub read the item (it sends an item's state as of delivery, so a backlog skips states).
		const reached = new Set(receipts.item.map((item, r) => item * (rounds + 1) + receipts.seq[r]!)).size;
		const perConnection = (a: number, b: number) => round((a - b) / clientCount / 1024, 1);

		return {
			machine: env,
			setup: {
				users: o.users,
				tabsPerUser: o.tabs,
				streams: clientCount,
				itemsPerUser: o.itemsPerUser,
				items: itemCount,
				periodMs: o.periodMs,
				rounds,
				updatesPerSecond: round(itemCount / (o.periodMs / 1000)),
				livePingMs: 15_000
			},
			connect: {
				seconds: round(connectSeconds, 2),
				parallel: o.connectParallel,
				perStreamMs: summary(connectTimes.sort((a, b) => a - b)),
				serverCpuPercent: connectCpuPercent,
				mainThreads: connectMainThread,
				serverEventLoopDelayMs: duringConnect.eventLoopDelayMs
			},
			memory: {
				rssBeforeMiB: round(before.rss / 2 ** 20),
				rssAfterMiB: round(after.rss / 2 ** 20),
				perStreamKiB: perConnection(after.rss, before.rss),
				afterGc: {
					rssPerStreamKiB: perConnection(after.gc.rss, before.gc.rss),
					heapPerStreamKiB: perConnection(after.gc.heapUsed, before.gc.heapUsed)
				}
			},
			delivery: {
				updates: total,
				failedWrites,
				driveSeconds: round(driveSeconds, 2),
				driverLagMaxMs: round(lagMax),
				updatesReachingStreams: reached,
				framesExpected: expected,
				framesReceived: received,
				missingFinal,
				disconnected: clients.filter((c) => c.ended).length,
				latencyMs: summary(latencies),
				receivedBeforeCommitSeen: early,
				server: { cpuPercent: round((serverCpuMs / wall) * 100), eventLoopDelayMs: delivery.eventLoopDelayMs },
				mainThreads: driveMainThread,
				bench: selfStats
			},
			serverWarnings: serverWarnings(server.logs()),
			...(statements ? { databaseStatements: statements } : {}),
			...(profile ? { cpuProfile: profile } : {}),
			...(snapshots.length ? { heapSnapshots: snapshots } : {})
		};
	} finally {
		self.stop();
		for (const c of clients) c.req?.destroy();
		await until(async () => (await liveConnections(server).catch(() => 0)) === 0, 30_000, 'streams to close').catch(() => {});
		await bench.stop();
		await database.close();
	}
}

function summary(sorted: number[]) {
	return {
		p50: round(percentile(sorted, 50)),
		p90: round(percentile(sorted, 90)),
		p99: round(percentile(sorted, 99)),
		max: round(sorted.at(-1) ?? NaN),
		// The goal's threshold: the share of receipts within 100 ms.
		within100msPercent: round((sorted.filter((v) => v <= 100).length / sorted.length) * 100)
	};
}

if (isMain(import.meta.url)) {
	const { values: a } = parseArgs({
		options: {
			users: { type: 'string' },
			tabs: { type: 'string' },
			'items-per-user': { type: 'string' },
			'period-ms': { type: 'string' },
			'duration-s': { type: 'string' },
			'connect-parallel': { type: 'string' },
			'cpu-prof': { type: 'string' },
			'pg-stats': { type: 'boolean', default: false },
			'heap-snapshot': { type: 'string' },
			smoke: { type: 'boolean', default: false }
		}
	});
	const smoke = a.smoke!;
	const num = (v: string | undefined, full: number, tiny: number) => (v !== undefined ? Number(v) : smoke ? tiny : full);
	const streams = num(a.users, 100, 5) * num(a.tabs, 50, 4);
	if (openFileLimit() < streams + 1_000) {
		console.error(`the open-file limit is ${openFileLimit()}, too few for ${streams} streams: run it as \`npm run bench:sse\` (raises it to the hard limit) or raise the hard limit`);
		process.exit(1);
	}
	const pg = await benchPostgres(a['pg-stats']!);
	try {
		const result = await runSseBench({
			databaseUrl: pg.url,
			users: num(a.users, 100, 5),
			tabs: num(a.tabs, 50, 4),
			itemsPerUser: num(a['items-per-user'], 1, 1),
			periodMs: num(a['period-ms'], 2000, 400),
			durationMs: num(a['duration-s'], 30, 2) * 1000,
			connectParallel: num(a['connect-parallel'], 100, 10),
			settleMs: smoke ? 200 : 3000,
			cpuProfileDir: a['cpu-prof'] ? path.resolve(a['cpu-prof']) : undefined,
			pgStats: a['pg-stats'],
			heapSnapshotDir: a['heap-snapshot'] ? path.resolve(a['heap-snapshot']) : undefined,
			log: (line) => console.error(`# ${line}`)
		});
		console.log(JSON.stringify({ ...result, postgresErrors: postgresErrors(pg.port) }, null, 2));
	} finally {
		pg.stop();
	}
	process.exit(0);
}
