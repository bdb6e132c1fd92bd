import { randomBytes } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';

/** Another process has the embedded database open: opening it as well would corrupt it. */
export class PgliteInUseError extends Error {
	constructor(
		readonly dataDir: string,
		readonly pid: number
	) {
		super(
			`the embedded database in ${dataDir} is in use by process ${pid} (a running Cookmark): stop it first, ` +
				`or download a backup from the running app (GET /api/admin/backup). If no Cookmark runs, remove ${dataDir}/pglite.lock`
		);
		this.name = 'PgliteInUseError';
	}
}

const alive = (pid: number) => {
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		return (err as NodeJS.ErrnoException).code === 'EPERM';
	}
};

/**
 * PGlite's files are used by one process at a time, and PGlite itself does not check: a second
 * process (a backup, a second server) would open them as well and both would write. The holder's
 * pid goes into DATA_DIR/pglite.lock, linked into place so that only one process can make it; a
 * lock whose process is gone (a crash, a kill) or is this one (a container's pid 1 restarted) is
 * taken over. Resolves to the release.
 */
export async function lockPglite(dataDir: string): Promise<() => Promise<void>> {
	const path = `${dataDir}/pglite.lock`;
	const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
	await writeFile(temporary, `${process.pid}\n`);
	try {
		for (let tries = 0; ; tries++) {
			try {
				await link(temporary, path);
				break;
			} catch (err) {
				if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || tries > 0) throw err;
			}
			const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
			if (holder > 0 && holder !== process.pid && alive(holder)) throw new PgliteInUseError(dataDir, holder);
			await unlink(path).catch(() => {});
		}
	} finally {
		await unlink(temporary);
	}
	return async () => {
		const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
		if (holder === process.pid) await unlink(path).catch(() => {});
	};
}
