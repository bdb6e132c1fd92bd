import { randomUUID } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { RetentionRun, type RetentionSettings, type RetentionUpdate } from '../../contract/admin';
import type { Database } from '../db/client';
import { appConfig } from '../db/schema';
import { pruneEvents, pruneOutputs, pruneSharedFiles, pruneWorkers, type OutputMark } from './prune';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A run at most this often, whichever process makes it. */
const EVERY_MS = 60 * 60 * 1000;
/** How often each worker process looks whether a run is due. */
const CHECK_MS = 10 * 60 * 1000;
/** A run's claim; a process that dies mid-run frees it this long after it began. */
const LEASE_MS = EVERY_MS;
/** A crashed worker's row is shown as offline for a day, then deleted. */
const WORKER_ROWS_KEPT_MS = DAY_MS;

const KEY = {
	settings: 'retention.settings',
	lastRun: 'retention.last_run',
	outputMark: 'retention.output_mark',
	lease: 'retention.lease'
} as const;

type Days = { eventsDays: number; outputDays: number };
type Overrides = { eventsDays: number | null; outputDays: number | null };

/**
 * Retention: item events older than N days are deleted, and the bulky phase outputs of items
 * saved more than M days ago are cleared, hourly, in whichever worker process finds a run due.
 * N and M come from RETENTION_EVENTS_DAYS and RETENTION_OUTPUT_DAYS unless the admin chose
 * otherwise; that choice, the last run and the run's claim live in app_config, so every process
 * agrees on them.
 *
 * One run at a time across processes: a run first claims a lease row (an upsert that succeeds
 * only when no unexpired claim is there). A row rather than pg_try_advisory_lock, because a
 * session lock would pin one pooled connection for the whole run and, on PGlite's single
 * session, would not keep a scheduled run and an admin's "prune now" apart.
 */
export class Retention {
	private timer: NodeJS.Timeout | null = null;
	private readonly holder = randomUUID();
	private running: Promise<unknown> | null = null;

	constructor(
		private readonly o: { database: Database; defaults: Days; log: Logger; now?: () => Date }
	) {}

	private now(): Date {
		return this.o.now?.() ?? new Date();
	}

	async settings(): Promise<RetentionSettings> {
		const stored = await this.read([KEY.settings, KEY.lastRun]);
		const overrides = (stored.get(KEY.settings) ?? { eventsDays: null, outputDays: null }) as Overrides;
		const lastRun = RetentionRun.safeParse(stored.get(KEY.lastRun));
		return {
			eventsDays: overrides.eventsDays ?? this.o.defaults.eventsDays,
			outputDays: overrides.outputDays ?? this.o.defaults.outputDays,
			defaults: this.o.defaults,
			lastRun: lastRun.success ? lastRun.data : null
		};
	}

	/** The admin's choice; null goes back to the environment's default. */
	async update(update: RetentionUpdate): Promise<RetentionSettings> {
		await this.write(KEY.settings, update);
		return this.settings();
	}

	/** Prunes now. Null when another run (another process's, or this one's) is under way. */
	async run(trigger: RetentionRun['trigger']): Promise<RetentionRun | null> {
		const startedAt = this.now();
		if (!(await this.claim(startedAt))) return null;
		try {
			const { eventsDays, outputDays } = await this.settings();
			const events = await pruneEvents(this.o.database, new Date(startedAt.getTime() - eventsDays * DAY_MS));
			let outputs = 0;
			if (outputDays > 0) {
				const from = ((await this.read([KEY.outputMark])).get(KEY.outputMark) ?? null) as OutputMark | null;
				const pruned = await pruneOutputs(this.o.database, new Date(startedAt.getTime() - outputDays * DAY_MS), from);
				if (pruned.mark) await this.write(KEY.outputMark, pruned.mark);
				outputs = pruned.cleared;
			}
			const files = await pruneSharedFiles(this.o.database, outputDays > 0 ? new Date(startedAt.getTime() - outputDays * DAY_MS) : null, startedAt);
			const workers = await pruneWorkers(this.o.database, new Date(startedAt.getTime() - WORKER_ROWS_KEPT_MS));
			const run: RetentionRun = { startedAt: startedAt.toISOString(), finishedAt: this.now().toISOString(), trigger, events, outputs, files, workers };
			await this.write(KEY.lastRun, run);
			this.o.log.info({ retention: run, eventsDays, outputDays }, 'retention pruned');
			return run;
		} finally {
			await this.o.database.rows(sql`delete from app_config where key = ${KEY.lease} and value->>'holder' = ${this.holder}`);
		}
	}

	/** Looks now and every CHECK_MS whether an hour has passed since the last run (anyone's), and runs then. */
	start(): void {
		const check = () => {
			this.running ??= this.runIfDue()
				.catch((err) => this.o.log.warn({ err }, 'retention run failed; trying again later'))
				.finally(() => (this.running = null));
		};
		check();
		this.timer = setInterval(check, CHECK_MS);
		this.timer.unref();
	}

	/** Stops looking, and waits for a run under way. */
	async stop(): Promise<void> {
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
		await this.running;
	}

	private async runIfDue(): Promise<void> {
		const last = (await this.settings()).lastRun;
		if (last && this.now().getTime() - Date.parse(last.startedAt) < EVERY_MS) return;
		await this.run('schedule');
	}

	private async claim(now: Date): Promise<boolean> {
		const lease = JSON.stringify({ holder: this.holder, until: new Date(now.getTime() + LEASE_MS).toISOString() });
		const rows = await this.o.database.rows(sql`
			insert into app_config (key, value) values (${KEY.lease}, ${lease}::jsonb)
			on conflict (key) do update set value = excluded.value
			where (app_config.value->>'until')::timestamptz <= ${now.toISOString()}::timestamptz
			returning key`);
		return rows.length > 0;
	}

	private async read(keys: string[]): Promise<Map<string, unknown>> {
		const rows = await this.o.database.db.select().from(appConfig).where(inArray(appConfig.key, keys));
		return new Map(rows.map((r) => [r.key, r.value]));
	}

	private async write(key: string, value: unknown): Promise<void> {
		await this.o.database.db
			.insert(appConfig)
			.values({ key, value })
			.onConflictDoUpdate({ target: appConfig.key, set: { value } });
	}
}
