import type { Logger } from 'pino';
import type { App as CookmarkApp } from '$lib/server/app';

declare global {
	namespace App {
		interface Error {
			message: string;
			code?: string;
		}
		interface Locals {
			app: CookmarkApp;
			user: { id: string };
			log: Logger;
		}
	}
}

export {};
