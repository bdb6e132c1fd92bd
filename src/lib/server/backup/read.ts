import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { BackupError, BackupHeader, BACKUP_FORMAT, BACKUP_VERSION, TableMarker } from './format';

export type BackupPart =
	| { kind: 'header'; header: BackupHeader }
	| { kind: 'table'; name: string; columns: string[] }
	/** One row as its JSON text, checked to be an object. */
	| { kind: 'row'; table: string; line: string };

/**
 * A backup file, part by part, streamed (gunzip, then line by line): never the whole file in
 * memory. Every part is checked as it comes — the header's shape, the tables in the header's
 * order, each row a JSON object, each table's row count — and anything amiss, a damaged or cut
 * gzip included, is a BackupError. Read to the end, the file is whole.
 */
export async function* readBackup(file: string): AsyncGenerator<BackupPart> {
	const source = createReadStream(file);
	const gunzip = createGunzip();
	const lines = createInterface({ input: source.pipe(gunzip), crlfDelay: Infinity });
	// readline does not pass its input's errors on: a damaged gzip would read as a short file.
	let broken: Error | undefined;
	const fail = (err: Error) => {
		broken ??= err;
		lines.close();
	};
	source.once('error', fail);
	gunzip.once('error', fail);
	let header: BackupHeader | undefined;
	let at = -1;
	let rows = 0;
	let lineNo = 0;
	const endTable = () => {
		const expected = header!.tables[at];
		if (expected && rows !== expected.rows) throw new BackupError(`table ${expected.name} has ${rows} rows in the file, but its header says ${expected.rows}: the file is damaged`);
	};
	try {
		for await (const line of lines) {
			lineNo++;
			if (!header) {
				header = parseHeader(line);
				yield { kind: 'header', header };
				continue;
			}
			let value: unknown;
			try {
				value = JSON.parse(line);
			} catch {
				throw new BackupError(`line ${lineNo} is not JSON: the file is damaged`);
			}
			if (Array.isArray(value)) {
				const marker = TableMarker.safeParse(value);
				if (!marker.success) throw new BackupError(`line ${lineNo} is no table marker: the file is damaged`);
				endTable();
				at++;
				rows = 0;
				const [, name, columns] = marker.data;
				if (header.tables[at]?.name !== name) throw new BackupError(`line ${lineNo} starts table ${name}, which the header does not list there: the file is damaged`);
				yield { kind: 'table', name, columns };
			} else if (value !== null && typeof value === 'object' && at >= 0) {
				rows++;
				yield { kind: 'row', table: header.tables[at]!.name, line };
			} else {
				throw new BackupError(`line ${lineNo} is neither a row nor a table marker: the file is damaged`);
			}
		}
		if (broken) throw broken;
		if (!header) throw new BackupError('the file is empty: not a Cookmark backup');
		endTable();
		if (at !== header.tables.length - 1) throw new BackupError(`the file ends after ${at + 1} of its ${header.tables.length} tables: it was cut short`);
	} catch (err) {
		if (err instanceof BackupError) throw err;
		const e = err as NodeJS.ErrnoException;
		if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR') throw new BackupError(`cannot read ${file}: ${e.message}`);
		if (e.code === 'Z_DATA_ERROR') throw new BackupError(/header check/.test(e.message) ? 'not a Cookmark backup (not a gzip file)' : `the file is damaged (${e.message})`);
		if (e.code === 'Z_BUF_ERROR') throw new BackupError('the file was cut short (its gzip stream ends early)');
		throw err;
	} finally {
		lines.close();
		source.destroy();
	}
}

function parseHeader(line: string): BackupHeader {
	let value: unknown;
	try {
		value = JSON.parse(line);
	} catch {
		throw new BackupError('not a Cookmark backup (its first line is not JSON)');
	}
	const format = (value as { format?: unknown } | null)?.format;
	if (format !== BACKUP_FORMAT) throw new BackupError('not a Cookmark backup (no cookmark-backup header)');
	const version = (value as { version?: unknown }).version;
	if (typeof version === 'number' && version > BACKUP_VERSION) throw new BackupError(`this backup is in format version ${version}, newer than this Cookmark reads (${BACKUP_VERSION}): upgrade Cookmark first`);
	const parsed = BackupHeader.safeParse(value);
	if (!parsed.success) {
		const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(header)'}: ${i.message}`).join('; ');
		throw new BackupError(`the backup's header is not valid (${issues})`);
	}
	return parsed.data;
}

/** Reads the whole file through, checking it; resolves to its header. */
export async function verifyBackup(file: string): Promise<BackupHeader> {
	let header: BackupHeader | undefined;
	for await (const part of readBackup(file)) if (part.kind === 'header') header = part.header;
	return header!;
}
