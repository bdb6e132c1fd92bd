/** The engine's only source of time, so tests can move it instead of sleeping. */
export interface Clock {
	now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
