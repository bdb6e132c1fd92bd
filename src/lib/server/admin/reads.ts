import type { AdminStats, StatsRange, WorkerInfo } from '../../contract/admin';
import type { App } from '../app';
import { queueStats } from './stats';
import { listWorkers } from './workers';

/** The figures for the range, phases in their pipelines' order. */
export function readStats(app: App, range: StatsRange): Promise<AdminStats> {
	const phaseOrder = app.registry.names().flatMap((name) => app.registry.get(name)!.phases.map((p) => p.name));
	return queueStats(app.database, { range, now: new Date(), phaseOrder });
}

export function readWorkers(app: App): Promise<WorkerInfo[]> {
	return listWorkers(app.database, new Date());
}
