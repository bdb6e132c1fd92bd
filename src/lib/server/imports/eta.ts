/**
 * How long the rest of a batch will take, said honestly: never sooner than the sites allow. Each
 * site's links go no faster than its requests per minute (the fetcher's politeness limit), so
 * 2,000 links to one site at 60 a minute take at least 34 minutes however many workers there are;
 * once items finish, the pace seen lately over what is left may say it takes longer still.
 */
export function etaSeconds(args: {
	/** Items left per site (null: items without a site). */
	leftByHost: ReadonlyMap<string | null, number>;
	/** Requests one site gets per minute at most. */
	hostPerMinute: number;
	/** Items finished per minute lately; null before any finished. */
	finishedPerMinute: number | null;
}): number | null {
	let left = 0;
	let floor = 0;
	for (const [host, n] of args.leftByHost) {
		left += n;
		if (host !== null) floor = Math.max(floor, (n * 60) / args.hostPerMinute);
	}
	if (left === 0) return null;
	const pace = args.finishedPerMinute ? (left * 60) / args.finishedPerMinute : 0;
	const seconds = Math.max(floor, pace);
	return seconds > 0 ? Math.ceil(seconds) : null;
}
