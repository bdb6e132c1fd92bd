import { z } from 'zod';

/**
 * A Cookmark backup: one gzip file of JSON lines. The first line is the header; then, for each
 * table in the header's order, a line `["table", name, [columns]]` followed by its rows, one JSON
 * object a line (json and jsonb values as their text, so that a JSON null stays apart from SQL
 * NULL). Objects are rows and arrays are markers, so no row can pass for a marker.
 */
export const BACKUP_FORMAT = 'cookmark-backup';
export const BACKUP_VERSION = 1;
/** The name a backup gets unless told otherwise: cookmark-20260102T030405Z.cmbak. */
export const backupFileName = (at = new Date()) => `cookmark-${at.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}.cmbak`;

/** How the backed-up installation sealed its Tandoor/Mealie tokens (targets/token-cipher.ts). */
export const BackupSecret = z.discriminatedUnion('kind', [
	/** SECRET_KEY was set: only its fingerprint is here; the restored installation needs the same SECRET_KEY. */
	z.object({ kind: z.literal('SECRET_KEY'), fingerprint: z.string() }),
	/** The key file DATA_DIR/secret.key, carried along (base64) so the tokens open after a restore. */
	z.object({ kind: z.literal('key-file'), key: z.base64(), fingerprint: z.string() }),
	/** No key yet (the installation never started): no token can have been sealed. */
	z.object({ kind: z.literal('none') })
]);
export type BackupSecret = z.infer<typeof BackupSecret>;

export const BackupHeader = z.object({
	format: z.literal(BACKUP_FORMAT),
	version: z.literal(BACKUP_VERSION),
	createdAt: z.iso.datetime(),
	app: z.object({ name: z.literal('cookmark'), version: z.string() }),
	/** The migrations the database had: how many, and the last one's tag (drizzle/meta/_journal.json). */
	migrations: z.object({ count: z.number().int().min(1), last: z.string() }),
	database: z.enum(['pglite', 'postgres']),
	/** In the order they follow (parents first), with their row counts: a reader knows when it has all. */
	tables: z.array(z.object({ name: z.string().min(1), rows: z.number().int().min(0) })),
	sequences: z.array(z.object({ name: z.string().min(1), value: z.string().regex(/^-?\d+$/), isCalled: z.boolean() })),
	secret: BackupSecret
});
export type BackupHeader = z.infer<typeof BackupHeader>;

export const TableMarker = z.tuple([z.literal('table'), z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** A file that is no Cookmark backup, or is damaged, or cannot go where it was asked to. */
export class BackupError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'BackupError';
	}
}
