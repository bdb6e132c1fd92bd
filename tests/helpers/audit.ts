import { within } from './deferred';
import type { ServerProcess } from './server';

export interface AuditLine {
	action: string;
	actor: { id: string; username: string };
	target: Record<string, unknown>;
}

/** The server's parsed log lines that are audit lines, in order. */
export function auditLines(server: ServerProcess): AuditLine[] {
	return server
		.logs()
		.split('\n')
		.filter((line) => line.startsWith('{'))
		.map((line) => JSON.parse(line))
		.filter((entry) => entry.audit === true);
}

/**
 * The latest audit line of this action (that `match` accepts) after the first `since`, once the
 * server has written it (its log is flushed asynchronously).
 */
export function lastAudit(server: ServerProcess, action: string, since = 0, match: (line: AuditLine) => boolean = () => true): Promise<AuditLine> {
	const find = () => auditLines(server).slice(since).findLast((l) => l.action === action && match(l));
	return within(
		new Promise<AuditLine>((resolve) => {
			const look = () => {
				const line = find();
				if (!line) return;
				server.process.stdout!.off('data', look);
				resolve(line);
			};
			server.process.stdout!.on('data', look);
			look();
		}),
		5_000,
		`the audit line of ${action}`
	);
}
