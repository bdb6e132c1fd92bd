import type { z } from 'zod';
import type { ReadingService, ServiceTestResult } from '../../contract/reading-services';
import type { AdminUser, DeletedUser, ResetPasswordResult, RetentionRun, RetentionSettings, RetentionUpdate, RetryFailedRequest } from '../../contract/admin';
import type { App } from '../app';
import type { SessionUser } from '../auth/sessions';
import { ApiError } from '../http/api';
import { accountOr404, deleteAccount, generatePassword, refuseLockout, setDisabled, setPassword } from './users';

/**
 * What the admin does, for the JSON API and the admin page alike. Each action writes one audit
 * line to the log once it is done: who, what, to what (never a password). Reads are not audited.
 */
export function audit(app: App, actor: SessionUser, action: string, target: Record<string, unknown>): void {
	app.log.info({ audit: true, action, actor: { id: actor.id, username: actor.username }, target }, 'admin action');
}

const who = (user: AdminUser) => ({ userId: user.id, username: user.username });

export async function retryFailed(app: App, actor: SessionUser, request: RetryFailedRequest): Promise<{ retried: number }> {
	const ids = await app.queue.retryAnyone('all' in request ? { allFailed: true } : { itemIds: request.ids });
	audit(app, actor, 'items.retry', { ...('all' in request ? { all: true } : { ids: request.ids }), retried: ids.length });
	return { retried: ids.length };
}

export async function resetPassword(app: App, actor: SessionUser, userId: string, chosen?: string): Promise<z.infer<typeof ResetPasswordResult>> {
	const user = await accountOr404(app.database, userId);
	const password = chosen ?? generatePassword();
	const sessionsEnded = await setPassword(app.database, user.id, password);
	audit(app, actor, 'user.reset_password', { ...who(user), generated: !chosen, sessionsEnded });
	return { generatedPassword: chosen ? null : password, sessionsEnded };
}

export async function setUserDisabled(app: App, actor: SessionUser, userId: string, disabled: boolean): Promise<AdminUser> {
	const user = await accountOr404(app.database, userId);
	if (disabled) await refuseLockout(app.database, actor.id, user, 'disable');
	await setDisabled(app.database, user.id, disabled, new Date());
	audit(app, actor, disabled ? 'user.disable' : 'user.enable', who(user));
	return accountOr404(app.database, user.id);
}

export async function deleteUser(app: App, actor: SessionUser, userId: string): Promise<z.infer<typeof DeletedUser>> {
	const user = await accountOr404(app.database, userId);
	await refuseLockout(app.database, actor.id, user, 'delete');
	await deleteAccount(app.database, user);
	audit(app, actor, 'user.delete', { ...who(user), items: user.items, recipes: user.recipes });
	return { deleted: true, items: user.items, recipes: user.recipes };
}

export async function updateRetention(app: App, actor: SessionUser, update: RetentionUpdate): Promise<RetentionSettings> {
	const settings = await app.retention.update(update);
	audit(app, actor, 'retention.update', { ...update });
	return settings;
}

export async function pruneNow(app: App, actor: SessionUser): Promise<RetentionRun> {
	const run = await app.retention.run('admin');
	if (!run) throw new ApiError(409, 'prune_running', 'retention is already running; try again in a moment');
	audit(app, actor, 'retention.prune', { events: run.events, outputs: run.outputs, workers: run.workers });
	return run;
}

/** Test runs a real (small, billed) job on the server's own service, so it is the admin's and audited, refused or not. */
export async function testReadingService(app: App, actor: SessionUser, service: ReadingService, signal?: AbortSignal): Promise<ServiceTestResult> {
	try {
		const result = await app.readingServices.test(service, signal);
		audit(app, actor, 'service.test', { service, ok: true, ms: result.ms });
		return result;
	} catch (err) {
		audit(app, actor, 'service.test', { service, ok: false, code: err instanceof ApiError ? err.code : 'internal_error' });
		throw err;
	}
}
