import { Counter, Histogram, type Registry } from 'prom-client';
import type { QueueObserver } from '../queue/observer';

/** Seconds: a quick parse is milliseconds, a slow site's fetch or a local model's answer minutes. */
const PHASE_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const BATCH_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500];
const FLUSH_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** The engine's work in this process, as counters and histograms (sum them across processes). */
export function engineMetrics(registry: Registry): QueueObserver {
	const registers = [registry];
	const attempts = new Counter({ name: 'cookmark_phase_attempts_total', help: 'Phase attempts started.', labelNames: ['pipeline', 'phase'], registers });
	const durations = new Histogram({
		name: 'cookmark_phase_duration_seconds',
		help: 'How long phases ran, by how they ended (completed, retry, error, dead, stopped).',
		labelNames: ['pipeline', 'phase', 'outcome'],
		buckets: PHASE_BUCKETS,
		registers
	});
	const retries = new Counter({ name: 'cookmark_phase_retries_total', help: 'Phase failures scheduled to run again.', labelNames: ['pipeline', 'phase'], registers });
	const finished = new Counter({
		name: 'cookmark_items_finished_total',
		help: 'Items that ended for good, by status (success, error, dead).',
		labelNames: ['status'],
		registers
	});
	const reclaimed = new Counter({ name: 'cookmark_items_reclaimed_total', help: 'Items taken back from workers that stopped responding.', registers });
	const claimed = new Counter({ name: 'cookmark_items_claimed_total', help: 'Items claimed by this process.', registers });
	const batchSize = new Histogram({
		name: 'cookmark_transition_batch_size',
		help: 'Phase transitions written per statement (group commit).',
		buckets: BATCH_BUCKETS,
		registers
	});
	const flushWait = new Histogram({
		name: 'cookmark_transition_flush_seconds',
		help: 'From a phase ending to its transition written.',
		buckets: FLUSH_BUCKETS,
		registers
	});
	for (const status of ['success', 'error', 'dead']) finished.inc({ status }, 0);

	return {
		claimed: (count) => claimed.inc(count),
		phaseStarted: (pipeline, phase) => attempts.inc({ pipeline, phase }),
		phaseFinished(pipeline, phase, outcome, seconds) {
			durations.observe({ pipeline, phase, outcome }, seconds);
			if (outcome === 'retry') retries.inc({ pipeline, phase });
		},
		itemFinished: (status) => finished.inc({ status }),
		reclaimed: (count) => reclaimed.inc(count),
		transitionsWritten(count, waitedSeconds) {
			batchSize.observe(count);
			for (const s of waitedSeconds) flushWait.observe(s);
		}
	};
}
