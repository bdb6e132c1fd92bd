import type { Logger } from 'pino';
import type { z } from 'zod';

/** What a phase sees of its item. */
export interface PhaseItem<Input = unknown> {
	id: string;
	userId: string;
	/** What the item works on, as the pipeline's input schema describes it. */
	input: Input;
	correlationId: string;
}

export interface PhaseContext<Input = unknown, Outputs = Readonly<Record<string, unknown>>> {
	item: PhaseItem<Input>;
	/** Outputs of the phases before this one, by phase name (persisted, so a retry has them). */
	outputs: Outputs;
	/** Fires on the phase timeout, a cancel, a lost lease or shutdown; `signal.reason` says which. */
	signal: AbortSignal;
	/** 1 for the phase's first attempt. */
	attempt: number;
	/** Reports progress (0–100) with a short message for the dashboard; cheap to call often. */
	progress(percent: number, message?: string): void;
	log: Logger;
}

/** The engine's view of a phase: names, schemas and bodies without their types. */
export interface PhaseDefinition {
	name: string;
	/** The phase's output (JSON); checked before it is persisted, so later phases can rely on its type. */
	output: z.ZodType;
	run(ctx: PhaseContext): Promise<unknown>;
}

export interface PipelineDefinition {
	name: string;
	input: z.ZodType;
	phases: readonly PhaseDefinition[];
	/** The item's `result` once every phase completed, derived from the outputs. */
	result(outputs: Readonly<Record<string, unknown>>): Record<string, unknown> | null;
}

/**
 * Builds a pipeline whose phases are typed end to end: each phase declares its output's schema,
 * and the next phase's `outputs` has the earlier ones' types, so no phase casts `unknown` by
 * name. At run time the engine holds the schemas, not the types (PipelineDefinition).
 */
export class PipelineBuilder<Input, Outputs extends Record<string, unknown> = Record<never, never>> {
	private constructor(
		private readonly name: string,
		private readonly input: z.ZodType<Input>,
		private readonly phases: readonly PhaseDefinition[]
	) {}

	static create<Input>(name: string, input: z.ZodType<Input>): PipelineBuilder<Input> {
		return new PipelineBuilder(name, input, []);
	}

	phase<Name extends string, Output>(
		name: Name,
		output: z.ZodType<Output>,
		run: (ctx: PhaseContext<Input, Readonly<Outputs>>) => Promise<Output>
	): PipelineBuilder<Input, Outputs & { [K in Name]: Output }> {
		const phase: PhaseDefinition = { name, output, run: run as PhaseDefinition['run'] };
		return new PipelineBuilder(this.name, this.input, [...this.phases, phase]);
	}

	/** The finished definition, with how its result is made from every phase's output. */
	build(result: (outputs: Readonly<Outputs>) => Record<string, unknown> | null = () => null): PipelineDefinition {
		return { name: this.name, input: this.input, phases: this.phases, result: result as PipelineDefinition['result'] };
	}
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
