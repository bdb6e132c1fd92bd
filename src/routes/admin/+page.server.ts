import { error, fail } from '@sveltejs/kit';
import { z } from 'zod';
import { Password } from '$lib/contract/auth';
import { capitalise } from '$lib/format';
import { RetentionUpdate, StatsRange } from '$lib/contract/admin';
import { pruneNow, resetPassword, retryFailed, setUserDisabled, deleteUser, updateRetention } from '$lib/server/admin/actions';
import { failedItems } from '$lib/server/admin/failed';
import { readStats, readWorkers } from '$lib/server/admin/reads';
import { accountOr404, listAccounts } from '$lib/server/admin/users';
import { ApiError, currentUser } from '$lib/server/http/api';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const FAILED_SHOWN = 50;

function admin(locals: App.Locals) {
	const user = currentUser(locals);
	if (!user.isAdmin) error(403, 'Only the admin of this server can see this page.');
	return user;
}

export const load: PageServerLoad = async ({ locals, url }) => {
	const me = admin(locals);
	const { app } = locals;
	const range = StatsRange.safeParse(url.searchParams.get('range')).data ?? '24h';
	const [stats, failed, workers, users, retention] = await Promise.all([
		readStats(app, range),
		failedItems(app.database, { limit: FAILED_SHOWN, offset: 0 }),
		readWorkers(app),
		listAccounts(app.database),
		app.retention.settings()
	]);
	return { me: { id: me.id }, stats, failed, workers, users, retention, embedded: app.database.kind === 'pglite' };
};

/**
 * Runs one admin action for a form: the shared action (audited), its refusals (ApiError: a 404,
 * "not yourself") become the section's message.
 */
async function act<T>(section: string, work: () => Promise<T>, about: { userId?: string } = {}) {
	try {
		return { section, ...about, ...(await work()) };
	} catch (err) {
		if (err instanceof ApiError && err.status < 500) return fail(err.status, { section, ...about, message: capitalise(err.message) + '.' });
		throw err;
	}
}

const field = (form: FormData, name: string) => String(form.get(name) ?? '').trim();

async function withUser(event: RequestEvent) {
	const actor = admin(event.locals);
	const form = await event.request.formData();
	return { actor, form, userId: field(form, 'userId') };
}

export const actions: Actions = {
	retry: async ({ locals, request }) => {
		const actor = admin(locals);
		const ids = z.array(z.uuid()).min(1).max(500).safeParse((await request.formData()).getAll('id'));
		if (!ids.success) return fail(400, { section: 'failed', message: 'Choose the items to retry first.' });
		return act('failed', () => retryFailed(locals.app, actor, { ids: ids.data }));
	},

	retryAll: async ({ locals }) => act('failed', () => retryFailed(locals.app, admin(locals), { all: true })),

	resetPassword: async (event) => {
		const { actor, form, userId } = await withUser(event);
		const typed = field(form, 'password');
		const chosen = typed ? Password.safeParse(typed) : null;
		if (chosen && !chosen.success) return fail(400, { section: 'users', userId, message: `Password: ${chosen.error.issues[0]!.message}` });
		return act('users', async () => ({ reset: await resetPassword(event.locals.app, actor, userId, chosen?.data) }), { userId });
	},

	disable: async (event) => {
		const { actor, userId } = await withUser(event);
		return act('users', async () => ({ disabled: (await setUserDisabled(event.locals.app, actor, userId, true)).username }), { userId });
	},

	enable: async (event) => {
		const { actor, userId } = await withUser(event);
		return act('users', async () => ({ enabled: (await setUserDisabled(event.locals.app, actor, userId, false)).username }), { userId });
	},

	deleteUser: async (event) => {
		const { actor, form, userId } = await withUser(event);
		return act(
			'users',
			async () => {
				const target = await accountOr404(event.locals.app.database, userId);
				// Typed, not clicked: this destroys a person's recipes for good.
				if (field(form, 'confirm') !== target.username) throw new ApiError(400, 'confirm', `type “${target.username}” to delete the account and all its recipes`);
				const { items, recipes } = await deleteUser(event.locals.app, actor, userId);
				return { deleted: target.username, items, recipes };
			},
			{ userId }
		);
	},

	saveRetention: async ({ locals, request }) => {
		const actor = admin(locals);
		const form = await request.formData();
		// An empty field goes back to the environment's default.
		const days = (name: string) => (field(form, name) === '' ? null : Number(field(form, name)));
		const update = RetentionUpdate.safeParse({ eventsDays: days('eventsDays'), outputDays: days('outputDays') });
		if (!update.success) {
			return fail(400, { section: 'retention', message: 'Keep events at least 1 day, and outputs 0 days (kept for ever) or more, in whole days.' });
		}
		return act('retention', async () => ({ saved: (await updateRetention(locals.app, actor, update.data)).eventsDays }));
	},

	prune: async ({ locals }) => act('retention', async () => ({ pruned: await pruneNow(locals.app, admin(locals)) }))
};
