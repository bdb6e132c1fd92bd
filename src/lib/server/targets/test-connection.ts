import { targetNames, type TargetTestInput, type TargetTestResult } from '../../contract/targets';
import { peerFailure } from '../failures/peer-failure';
import type { TargetService } from './service';

export type TestOutcome = { ok: true; report: TargetTestResult } | { ok: false; status: 400 | 422 | 502; code: string; message: string };

/**
 * Runs Test connection and says what happened in the words the dashboard shows: a refused token
 * or a wrong address is the user's to fix (422), an unreachable or failing server is the
 * server's (502). Either way the answer is a clear message, never a 500.
 */
export async function testTarget(targets: TargetService, userId: string, input: TargetTestInput, signal?: AbortSignal): Promise<TestOutcome> {
	try {
		const report = await targets.test(userId, input, signal);
		if ('missingToken' in report) return { ok: false, status: 400, code: 'validation_failed', message: `enter the ${targetNames[input.kind]} API token` };
		return { ok: true, report };
	} catch (err) {
		return { ok: false, ...peerFailure(err) };
	}
}
