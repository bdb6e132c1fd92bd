import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/client';
import { sharedFiles } from '../db/schema';

export type SharedFileKind = 'html' | 'image';

export interface SharedFile {
	id: string;
	kind: SharedFileKind;
	contentType: string;
	bytes: Uint8Array;
	sha256: string;
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * The files people share instead of (or with) a link, kept in the database like the library's
 * pictures, so every process and every backup has them. An item's input names them by id.
 */
export class SharedFiles {
	constructor(private readonly database: Database) {}

	/** Stores the files, in the order given; answers their ids and hashes in that order. */
	async save(userId: string, files: readonly { kind: SharedFileKind; contentType: string; bytes: Uint8Array }[]): Promise<{ id: string; sha256: string }[]> {
		if (!files.length) return [];
		const rows = files.map((f) => ({ userId, kind: f.kind, contentType: f.contentType, bytes: f.bytes, sha256: sha256Hex(f.bytes), size: f.bytes.byteLength }));
		// One statement per file: RETURNING's order is not promised to follow VALUES'.
		const saved: { id: string; sha256: string }[] = [];
		for (const row of rows) {
			const [made] = await this.database.db.insert(sharedFiles).values(row).returning({ id: sharedFiles.id });
			saved.push({ id: made!.id, sha256: row.sha256 });
		}
		return saved;
	}

	/** The owner's files by id, in the order asked; missing ones (pruned, someone else's) are left out. */
	async load(userId: string, ids: readonly string[]): Promise<SharedFile[]> {
		if (!ids.length) return [];
		const rows = await this.database.db
			.select({ id: sharedFiles.id, kind: sharedFiles.kind, contentType: sharedFiles.contentType, bytes: sharedFiles.bytes, sha256: sharedFiles.sha256 })
			.from(sharedFiles)
			.where(and(eq(sharedFiles.userId, userId), inArray(sharedFiles.id, [...ids])));
		const byId = new Map(rows.map((r) => [r.id, { ...r, kind: r.kind as SharedFileKind }]));
		return ids.flatMap((id) => byId.get(id) ?? []);
	}

	/** Files no item needs any more (an enqueue that made no item, a duplicate). */
	async remove(userId: string, ids: readonly string[]): Promise<void> {
		if (!ids.length) return;
		await this.database.db.delete(sharedFiles).where(and(eq(sharedFiles.userId, userId), inArray(sharedFiles.id, [...ids])));
	}
}
