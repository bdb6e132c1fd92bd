import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import type { Transition } from '../decide';
import { at, elapsedMs, touched } from './util';

/** A run's transition, with the claim it is fenced on. */
export interface LeasedTransition {
	itemId: string;
	token: string;
	/** The running phase and its open attempt. */
	phase: string;
	attemptId: number;
	transition: Transition;
}

/** What became of a transition: `held` false when the lease was gone and nothing was written. */
export interface Applied {
	held: boolean;
	/** For an advance: the next phase's attempt, opened by the same statement. */
	next?: { attemptId: number; number: number };
}

/**
 * Applies the transitions of many runs, of many items, in one statement: closes each running
 * phase and its attempt, starts the next phase and opens its attempt (advance), and moves the item
 * on — every write fenced on the run's lease token, and the lease not run out. Heavy lifting for
 * the batcher; the answer says, per item, whether its lease still held.
 */
export async function applyTransitions(
	database: Database,
	args: { worker: string; transitions: readonly LeasedTransition[]; now: Date }
): Promise<Map<string, Applied>> {
	const answers = new Map<string, Applied>(args.transitions.map((t) => [t.itemId, { held: false }]));
	if (args.transitions.length === 0) return answers;
	const records = args.transitions.map(({ itemId, token, phase, attemptId, transition: t }) => ({
		item_id: itemId,
		token,
		phase,
		attempt_id: attemptId,
		kind: t.kind,
		output: 'output' in t ? (t.output ?? null) : null,
		result: t.kind === 'succeed' ? t.result : null,
		next_phase: t.kind === 'advance' ? t.nextPhase : null,
		run_at: t.kind === 'retry' ? t.runAt.toISOString() : null,
		error_kind: 'error' in t ? t.error.kind : null,
		error_code: 'error' in t ? t.error.code : null,
		error_message: 'error' in t ? t.error.message.slice(0, 2000) : null
	}));
	const now = at(args.now);
	const done = sql`ok.kind in ('advance', 'succeed')`;
	const rows = await database.rows<{ itemId: string; attemptId: number | string | null; number: number | null }>(sql`
		with t as (
			select * from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as t(item_id uuid, token uuid, phase text, attempt_id bigint,
				kind text, output jsonb, result jsonb, next_phase text, run_at timestamptz, error_kind text, error_code text, error_message text)
		), ok as (
			select t.* from queue_items i join t on i.id = t.item_id
			where i.lease_token = t.token and i.status = 'in_progress' and i.lease_expires_at > ${now}
			order by i.id
			for update of i
		), ph as (
			update item_phases p
			set status = case when ${done} then 'completed' when ok.kind = 'retry' then 'pending' else 'error' end,
				-- a failed phase keeps the progress it reached; one waiting to retry starts over
				progress = case when ${done} then 100 when ok.kind = 'retry' then 0 else p.progress end,
				message = null,
				completed_at = case when ${done} then ${now} else p.completed_at end,
				output = case when ${done} then ok.output else p.output end,
				error = ok.error_message, error_kind = ok.error_kind, error_code = ok.error_code
			from ok where p.item_id = ok.item_id and p.name = ok.phase
		), att as (
			update item_attempts a
			set outcome = case when ${done} then 'completed' else 'failed' end, finished_at = ${now},
				error_kind = ok.error_kind, error_code = ok.error_code, message = ok.error_message, duration_ms = ${elapsedMs(now)}
			from ok where a.id = ok.attempt_id and a.item_id = ok.item_id
		), nph as (
			update item_phases p
			set status = 'in_progress', attempts = p.attempts + 1, progress = 0, message = null, started_at = coalesce(p.started_at, ${now})
			from ok where ok.kind = 'advance' and p.item_id = ok.item_id and p.name = ok.next_phase
			returning p.item_id, p.name, p.attempts
		), natt as (
			insert into item_attempts (item_id, phase, number, worker, started_at, outcome)
			select item_id, name, attempts, ${args.worker}, ${now}, 'running' from nph
			returning id, item_id, number
		), it as (
			update queue_items i
			set status = case ok.kind when 'advance' then 'in_progress' when 'succeed' then 'success' when 'retry' then 'pending'
					when 'fail' then 'error' else 'dead' end,
				current_phase = case ok.kind when 'advance' then ok.next_phase when 'succeed' then null else i.current_phase end,
				result = case when ok.kind = 'succeed' then ok.result else i.result end,
				next_run_at = coalesce(ok.run_at, i.next_run_at),
				-- an earlier failure stays visible while the item goes on, until it succeeds
				error = case when ok.kind = 'advance' then i.error else ok.error_message end,
				error_kind = case when ok.kind = 'advance' then i.error_kind else ok.error_kind end,
				error_code = case when ok.kind = 'advance' then i.error_code else ok.error_code end,
				finished_at = case when ok.kind in ('succeed', 'fail', 'dead') then ${now} end,
				lease_owner = case when ok.kind = 'advance' then i.lease_owner end,
				lease_token = case when ok.kind = 'advance' then i.lease_token end,
				lease_expires_at = case when ok.kind = 'advance' then i.lease_expires_at end,
				updated_at = ${touched(args.now, 'i.updated_at')}
			from ok where i.id = ok.item_id
		)
		-- Not a join of the two: the planner cannot know their sizes, and a nested loop over a big batch is quadratic.
		select item_id as "itemId", null::bigint as "attemptId", null::int as number from ok where kind <> 'advance'
		union all
		select item_id, id, number from natt`);
	for (const row of rows) {
		answers.set(row.itemId, row.attemptId == null ? { held: true } : { held: true, next: { attemptId: Number(row.attemptId), number: row.number! } });
	}
	return answers;
}
