import type { Logger } from 'pino';
import type { TargetUpdate } from '$lib/contract/recipe-edit';
import type { App as CookmarkApp } from '$lib/server/app';
import type { RequestAuth } from '$lib/server/auth/request';
import type { SessionUser } from '$lib/server/auth/sessions';

declare global {
	namespace App {
		interface Error {
			message: string;
			code?: string;
		}
		interface Locals {
			app: CookmarkApp;
			/** Set by hooks.server.ts; every non-public route can count on it (see http/access.ts). */
			user: SessionUser | null;
			auth: RequestAuth;
			log: Logger;
		}
		interface PageState {
			/** Set by the edit page as it opens the recipe it saved: what the recipe page reports. */
			edited?: { targetUpdate: TargetUpdate | null };
			/** Set by an item's page as its Delete brings the person to the queue, which offers Undo. */
			removing?: { id: string; title: string };
		}
	}
}

export {};
