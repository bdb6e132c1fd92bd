import type { Logger } from 'pino';

/** What a phase sees of its item. The input is whatever the enqueuer stored. */
export interface PhaseItem {
	id: string;
	userId: string;
	url: string;
	title: string | null;
	input: unknown;
	correlationId: string;
}

export interface PhaseContext {
	item: PhaseItem;
	/** Outputs of the phases already completed, by phase name (persisted, so a retry has them). */
	outputs: Readonly<Record<string, unknown>>;
	/** Fires on the phase timeout, a cancel, a lost lease or shutdown; `signal.reason` says which. */
	signal: AbortSignal;
	/** 1 for the phase's first attempt. */
	attempt: number;
	/** Reports progress (0–100) with a short message for the dashboard; cheap to call often. */
	progress(percent: number, message?: string): void;
	log: Logger;
}

export interface PhaseDefinition {
	name: string;
	/** Returns the phase's output, which must be JSON-serialisable; it is persisted. */
	run(ctx: PhaseContext): Promise<unknown>;
}

export interface PipelineDefinition {
	name: string;
	phases: readonly PhaseDefinition[];
	/** The item's `results` once every phase completed, derived from the outputs. */
	result?(outputs: Readonly<Record<string, unknown>>): Record<string, unknown> | null;
}

/** The seam between the engine and the work: pipelines are registered, never imported. */
export class PipelineRegistry {
	private readonly pipelines = new Map<string, PipelineDefinition>();

	register(pipeline: PipelineDefinition): void {
		if (this.pipelines.has(pipeline.name)) throw new Error(`pipeline "${pipeline.name}" is already registered`);
		if (pipeline.phases.length === 0) throw new Error(`pipeline "${pipeline.name}" has no phases`);
		const names = new Set(pipeline.phases.map((p) => p.name));
		if (names.size !== pipeline.phases.length) throw new Error(`pipeline "${pipeline.name}" repeats a phase name`);
		this.pipelines.set(pipeline.name, pipeline);
	}

	get(name: string): PipelineDefinition | undefined {
		return this.pipelines.get(name);
	}

	names(): string[] {
		return [...this.pipelines.keys()];
	}
}
