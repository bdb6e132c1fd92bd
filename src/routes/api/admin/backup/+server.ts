import { PassThrough, Readable } from 'node:stream';
import { audit } from '$lib/server/admin/actions';
import { writeBackup } from '$lib/server/backup/dump';
import { backupFileName } from '$lib/server/backup/format';
import { backupSecret } from '$lib/server/backup/secret';
import { api, methodNotAllowed, requireAdmin } from '$lib/server/http/api';

/**
 * A backup of the running installation as a download: the same file as `cookmark backup`, read in
 * one consistent transaction. The only way to back up an embedded (PGlite) installation without
 * stopping it. It holds password and session hashes and the token key: admin only, and logged.
 */
export const GET = api(async ({ locals }) => {
	const admin = requireAdmin(locals);
	const { app, log } = locals;
	const secret = await backupSecret({ secretKey: app.config.SECRET_KEY, dataDir: app.config.DATA_DIR });
	const name = backupFileName();
	audit(app, admin, 'backup.download', { file: name });
	const body = new PassThrough();
	// A failure midway ends the download early: a cut file, which restore refuses.
	writeBackup(app.database, body, { secret }).then(
		(summary) => log.info({ action: 'backup', ...summary }, 'backup sent'),
		(err) => log.warn({ err, action: 'backup' }, 'backup not sent whole')
	);
	return new Response(Readable.toWeb(body) as ReadableStream, {
		headers: {
			'content-type': 'application/gzip',
			'content-disposition': `attachment; filename="${name}"`,
			'cache-control': 'private, no-store'
		}
	});
});

export const fallback = methodNotAllowed(['GET']);
