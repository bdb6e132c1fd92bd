import { once } from 'node:events';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { version } from '../../../../package.json';
import { ident, publicSequences, publicTables, table, type TableInfo } from './catalog';
import { BACKUP_FORMAT, BACKUP_VERSION, BackupError, type BackupHeader, type BackupSecret } from './format';
import { journal, migrationLevel } from './migrations';

export interface BackupSummary {
	tables: number;
	rows: number;
	/** Of the file, compressed. */
	bytes: number;
	seconds: number;
}

/** Rows fetched at a time: a few pictures, not a whole library, in memory at once. */
const FETCH = 100;

const isJson = (type: string) => type === 'json' || type === 'jsonb';

/** The table's rows as JSON lines, json and jsonb columns as their text (see format.ts). */
function rowsQuery(info: TableInfo): string {
	const columns = info.columns.map((c) => (isJson(c.type) ? `${ident(c.name)}::text as ${ident(c.name)}` : ident(c.name)));
	return `select row_to_json(r)::text as line from (select ${columns.join(', ')} from public.${ident(info.name)}) r`;
}

/**
 * Writes a backup of the database to `out` (see format.ts), streamed. Everything is read in one
 * read-only repeatable-read transaction, so a PostgreSQL installation in use is backed up as it
 * stood at one moment; the counts in the header are that moment's.
 */
export async function writeBackup(database: Database, out: Writable, options: { secret: BackupSecret }): Promise<BackupSummary> {
	const started = performance.now();
	const gzip = createGzip();
	let bytes = 0;
	const counter = new Transform({
		transform(chunk: Buffer, _encoding, done) {
			bytes += chunk.length;
			done(null, chunk);
		}
	});
	const piping = pipeline(gzip, counter, out);
	piping.catch(() => {}); // seen where it is awaited below
	// A reader gone (a download cancelled) ends the backup instead of waiting for it forever.
	const write = async (line: string) => {
		if (!gzip.write(line + '\n')) await Promise.race([once(gzip, 'drain'), piping]);
	};
	let rows = 0;
	let tables = 0;
	try {
		await database.transaction(async (run) => {
			await run(sql`set transaction isolation level repeatable read, read only`);
			// How the values are written, whatever the server's defaults: bytea as hex, times in UTC.
			await run(sql`set local bytea_output = 'hex'`);
			await run(sql`set local timezone = 'UTC'`);
			const level = await migrationLevel(run);
			const known = (await journal()).entries;
			if (level === 0) throw new BackupError('this database has no Cookmark tables: nothing to back up');
			if (level > known.length) throw new BackupError(`this database was migrated by a newer Cookmark (${level} migrations; this one knows ${known.length}): back it up with that version`);
			const infos = await publicTables(run);
			const counts = [];
			for (const info of infos) {
				const [counted] = await run<{ n: number }>(sql`select count(*)::int as n from ${table(info.name)}`);
				counts.push({ name: info.name, rows: counted!.n });
			}
			const header: BackupHeader = {
				format: BACKUP_FORMAT,
				version: BACKUP_VERSION,
				createdAt: new Date().toISOString(),
				app: { name: 'cookmark', version },
				migrations: { count: level, last: known[level - 1]!.tag },
				database: database.kind,
				tables: counts,
				sequences: await publicSequences(run),
				secret: options.secret
			};
			await write(JSON.stringify(header));
			for (const info of infos) {
				await write(JSON.stringify(['table', info.name, info.columns.map((c) => c.name)]));
				await run(sql.raw(`declare cookmark_backup no scroll cursor for ${rowsQuery(info)}`));
				for (;;) {
					const batch = await run<{ line: string }>(sql.raw(`fetch forward ${FETCH} from cookmark_backup`));
					for (const { line } of batch) await write(line);
					rows += batch.length;
					if (batch.length < FETCH) break;
				}
				await run(sql.raw('close cookmark_backup'));
				tables++;
			}
		});
		gzip.end();
		await piping;
	} catch (err) {
		gzip.destroy();
		await piping.catch(() => {});
		throw err;
	}
	return { tables, rows, bytes, seconds: (performance.now() - started) / 1000 };
}
