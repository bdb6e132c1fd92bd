import { fail, redirect } from '@sveltejs/kit';
import { EnqueueRequest } from '$lib/contract/queue';
import { ApiError, currentUser } from '$lib/server/http/api';
import { enqueueForm, enqueueShare } from '$lib/server/shares/enqueue';
import type { EnqueueResult } from '$lib/server/shares/items';
import { isMultipart, readShareForm, type ShareForm } from '$lib/server/shares/read-share-form';
import type { Actions, PageServerLoad } from './$types';

/** What arrived, as the page shows it back. */
interface Received {
	url?: string;
	text?: string;
	title?: string;
	/** How many pictures came with it. */
	pictures: number;
}

/**
 * The longest sign-in address a share rides in: well inside what browsers and Node's 16 KiB of
 * request headers take, with the share encoded twice (into /share, then into redirectTo).
 */
const MAX_CARRIED_ADDRESS = 8000;

const shareOf = (url: URL): Received => ({
	url: url.searchParams.get('url') ?? undefined,
	text: url.searchParams.get('text') ?? undefined,
	title: url.searchParams.get('title') ?? undefined,
	pictures: 0
});

/** A share's 4xx as a problem the page shows; anything else is the server's fault and stays an error. */
async function asProblem<T>(run: () => Promise<T>): Promise<T | { kind: 'problem'; message: string }> {
	try {
		return await run();
	} catch (err) {
		if (err instanceof ApiError && err.status < 500) return { kind: 'problem' as const, message: err.message };
		throw err;
	}
}

/**
 * What the page shows for a share: a new item goes to the dashboard with it highlighted; a link, a
 * text or pictures already saved as a recipe say so, with the recipe (and, for a link, an Import
 * again button); one still being imported links to its item.
 */
function outcome(result: EnqueueResult | { kind: 'problem'; message: string } | { kind: 'signed_out' }, received: Received) {
	switch (result.kind) {
		case 'signed_out':
			return { signedOut: { pictures: received.pictures }, received };
		case 'problem':
			return { problem: result.message, received };
		case 'saved':
			return { saved: { id: result.recipe.id, title: result.recipe.title, imageUrl: result.recipe.imageUrl, sourceUrl: result.recipe.sourceUrl, pictures: received.pictures > 0 }, received };
		case 'created':
			redirect(303, `/?highlight=${result.item.id}`);
		default:
			return { running: { id: result.item.id, kind: result.item.kind, label: result.item.label, status: result.item.status }, received };
	}
}

/**
 * The share target as the bookmarklet and older installs use it: GET /share?url&text&title. A
 * signed-out person was already sent to log in and back here by hooks.server.ts.
 */
export const load: PageServerLoad = async ({ url, locals, request }) => {
	// A POST's answer is its action's (the form's outcome, shown over this): what it sent is not in the address.
	if (request.method === 'POST') return { outcome: outcome({ kind: 'problem', message: '' }, { pictures: 0 }) };
	const received = shareOf(url);
	const parsed = EnqueueRequest.safeParse(received);
	const result = await asProblem(() => {
		if (!parsed.success) throw new ApiError(400, 'validation_failed', 'what was shared is too long');
		return enqueueShare(locals.app, currentUser(locals).id, parsed.data);
	});
	return { outcome: outcome(result, received) };
};

export const actions: Actions = {
	/**
	 * The installed app's share target (POST, multipart: `title`, `text`, `url` and `images` files,
	 * as manifest.webmanifest names them), and this page's Import again, which sends back what was
	 * shared with `reimport`. Pictures become one item; a link is shared as by GET.
	 */
	default: async ({ request, locals }) => {
		if (!isMultipart(request)) return fail(415, { outcome: outcome({ kind: 'problem', message: 'the share arrived in a form Cookmark does not read' }, { pictures: 0 }) });
		if (!locals.user) return signedOut(request);
		let received: Received = { pictures: 0 };
		const result = await asProblem(async () => {
			const form = await readShareForm(request);
			received = { url: form.url, text: form.text, title: form.title, pictures: form.images.length };
			const shared = await enqueueForm(locals.app, currentUser(locals).id, form);
			// Import again of a recipe that is still saved: open it, updated when its item finishes.
			if (form.reimport && shared.kind !== 'saved' && shared.kind !== 'created') redirect(303, `/?highlight=${shared.item.id}`);
			return shared;
		});
		if (result.kind === 'problem') return fail(400, { outcome: outcome(result, received) });
		return { outcome: outcome(result, received) };
	}
};

/**
 * A share-target POST from someone signed out (a new phone, a session that ended). A link or a
 * short text rides through signing in as the GET share, as the bookmarklet's does. Pictures, or
 * a text too long for an address, cannot: 401, which the service worker takes as its cue to keep
 * the share on the device and send it once the person has signed in (src/service-worker.ts);
 * without one, the page asks to sign in and share again.
 */
async function signedOut(request: Request) {
	let form: ShareForm | null = null;
	try {
		form = await readShareForm(request);
	} catch (err) {
		if (!(err instanceof ApiError) || err.status >= 500) throw err;
	}
	if (form && form.images.length === 0) {
		const fields = Object.entries({ url: form.url, text: form.text, title: form.title }).filter((e): e is [string, string] => !!e[1]);
		const login = `/login?redirectTo=${encodeURIComponent(`/share?${new URLSearchParams(fields)}`)}`;
		if (login.length <= MAX_CARRIED_ADDRESS) redirect(303, login);
	}
	return fail(401, { outcome: outcome({ kind: 'signed_out' }, { pictures: form?.images.length ?? 0 }) });
}
