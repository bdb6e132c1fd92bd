/** The recipe pipeline's phases as people read them: one set of names on every page. */
export const phaseLabels: Record<string, { short: string; long: string }> = {
	extraction: { short: 'Fetch', long: 'Fetch the page' },
	parsing: { short: 'Read', long: 'Read the recipe' },
	uploading: { short: 'Save', long: 'Save it' }
};

export const phaseLabel = (name: string, form: 'short' | 'long' = 'short'): string => phaseLabels[name]?.[form] ?? name;

/** A phase's state in words ("done", "failed", "42%"), never a bare 0% for one that failed or waits. */
export function phaseState(phase: { status: string; progress: number }): string {
	switch (phase.status) {
		case 'completed':
			return 'done';
		case 'error':
			return 'failed';
		case 'in_progress':
			return `${phase.progress}%`;
		case 'skipped':
			return 'skipped';
		default:
			return 'waiting';
	}
}
