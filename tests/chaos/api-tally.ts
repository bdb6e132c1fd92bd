import type { Gate } from './gate';

/**
 * Counts the API's 5xx answers: a 503 while the database is down (or coming back) is the
 * documented outage answer; any other 5xx is a defect, kept with a sample of its body.
 */
export class ApiTally {
	outage503 = 0;
	other5xx = 0;
	readonly samples: string[] = [];

	constructor(private readonly pgUp: Gate) {}

	record(status: number, body: string, what: string): void {
		if (status < 500) return;
		if (status === 503 && body.includes('database_unavailable')) this.outage503++;
		else {
			this.other5xx++;
			if (this.samples.length < 5) this.samples.push(`${what} ${status} ${body.slice(0, 200)} (database ${this.pgUp.isOpen ? 'up' : 'down'})`);
		}
	}
}
