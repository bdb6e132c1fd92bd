import type { Logger } from 'pino';
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
	}
}

export {};
