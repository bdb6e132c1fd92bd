import { z } from 'zod';
import { Password } from './auth';

/** GET /api/admin/stats: the last 24 hours (hourly buckets) or 7 days (daily buckets). */
export const StatsRange = z.enum(['24h', '7d']);
export type StatsRange = z.infer<typeof StatsRange>;
export const StatsQuery = z.object({ range: StatsRange.default('24h') });

export const StatsBucket = z.object({
	/** The bucket's first moment. */
	start: z.iso.datetime(),
	saved: z.number().int().min(0),
	failed: z.number().int().min(0)
});

export const PhaseDurations = z.object({
	phase: z.string(),
	/** Completed runs of the phase in the range. */
	runs: z.number().int().min(0),
	p50Ms: z.number().int().min(0),
	p95Ms: z.number().int().min(0)
});

export const AdminStats = z.object({
	range: StatsRange,
	since: z.iso.datetime(),
	bucket: z.enum(['hour', 'day']),
	/** Items that ended in the range: saved, or failed (error or dead). */
	saved: z.number().int().min(0),
	failed: z.number().int().min(0),
	/** saved ÷ (saved + failed); null when nothing ended. */
	successRate: z.number().min(0).max(1).nullable(),
	/** Every bucket of the range, oldest first, empty ones included. */
	buckets: z.array(StatsBucket),
	phases: z.array(PhaseDurations),
	/** Waiting and running now, across users. */
	pending: z.number().int().min(0),
	running: z.number().int().min(0)
});
export type AdminStats = z.infer<typeof AdminStats>;

/** Whose item or session: the admin sees usernames, never more of a person than that. */
export const UserRef = z.object({ id: z.uuid(), username: z.string() });

export const FailedQuery = z.object({
	limit: z.coerce.number().int().min(1).max(100).default(50),
	offset: z.coerce.number().int().min(0).default(0)
});

export const FailedItem = z.object({
	id: z.uuid(),
	status: z.enum(['error', 'dead']),
	user: UserRef,
	/** What was shared: a link, a text or pictures (whose words and pictures are not shown here). */
	kind: z.enum(['link', 'text', 'images']),
	/** The shared link. */
	link: z.string().nullable(),
	/** The phase it failed in. */
	phase: z.string().nullable(),
	error: z.string().nullable(),
	errorCode: z.string().nullable(),
	finishedAt: z.iso.datetime().nullable()
});
export type FailedItem = z.infer<typeof FailedItem>;

export const FailedList = z.object({ items: z.array(FailedItem), total: z.number().int().min(0), hasMore: z.boolean() });

/** POST /api/admin/failed/retry: the chosen items, or every failed and dead item of every user. */
export const RetryFailedRequest = z.union([
	z.object({ ids: z.array(z.uuid()).min(1).max(500) }).strict(),
	z.object({ all: z.literal(true) }).strict()
]);
export type RetryFailedRequest = z.infer<typeof RetryFailedRequest>;

export const RetryFailedResult = z.object({
	/** Queued again; an item whose link is already queued in another item is left as it is. */
	retried: z.number().int().min(0)
});

export const RunningItem = z.object({
	itemId: z.uuid(),
	user: UserRef,
	/** Only the shared link's host: what runs, not what a person shared. */
	host: z.string().nullable(),
	phase: z.string().nullable(),
	/** When the phase began. */
	since: z.iso.datetime().nullable()
});

export const WorkerInfo = z.object({
	id: z.string(),
	hostname: z.string(),
	pid: z.number().int(),
	concurrency: z.number().int(),
	startedAt: z.iso.datetime(),
	lastSeenAt: z.iso.datetime(),
	/** Heard from within the last three heartbeats. */
	online: z.boolean(),
	running: z.array(RunningItem)
});
export type WorkerInfo = z.infer<typeof WorkerInfo>;

export const WorkerList = z.object({ workers: z.array(WorkerInfo) });

export const AdminUser = z.object({
	id: z.uuid(),
	username: z.string(),
	isAdmin: z.boolean(),
	createdAt: z.iso.datetime(),
	disabledAt: z.iso.datetime().nullable(),
	/** Queue items, every status. */
	items: z.number().int().min(0),
	/** Library recipes (not in the trash). */
	recipes: z.number().int().min(0)
});
export type AdminUser = z.infer<typeof AdminUser>;

export const AdminUserList = z.object({ users: z.array(AdminUser) });
export const AdminUserResult = z.object({ user: AdminUser });

/** POST /api/admin/users/{id}/password: the admin's choice, or none for a generated one. */
export const ResetPasswordRequest = z.object({ password: Password.optional() });

export const ResetPasswordResult = z.object({
	/** The generated password, shown this once; null when the admin chose it. */
	generatedPassword: z.string().nullable(),
	/** Sessions ended: the person signs in again with the new password. */
	sessionsEnded: z.number().int().min(0)
});

export const DeletedUser = z.object({ deleted: z.literal(true), items: z.number().int().min(0), recipes: z.number().int().min(0) });

const days = (min: number) => z.number().int().min(min).max(36_500);

export const RetentionRun = z.object({
	startedAt: z.iso.datetime(),
	finishedAt: z.iso.datetime(),
	trigger: z.enum(['schedule', 'admin']),
	/** Item events deleted. */
	events: z.number().int().min(0),
	/** Phase outputs cleared. */
	outputs: z.number().int().min(0),
	/** Shared files (page HTML, pictures) deleted; absent in runs recorded before they were pruned. */
	files: z.number().int().min(0).optional(),
	/** Rows of workers gone for a day deleted. */
	workers: z.number().int().min(0)
});
export type RetentionRun = z.infer<typeof RetentionRun>;

export const RetentionSettings = z.object({
	/** Item events older than this many days are deleted (at least 1: live streams replay from them). */
	eventsDays: days(1),
	/** Phase outputs of items saved this many days ago are cleared; 0 keeps them. */
	outputDays: days(0),
	/** RETENTION_EVENTS_DAYS and RETENTION_OUTPUT_DAYS, which apply unless the admin chose otherwise. */
	defaults: z.object({ eventsDays: days(1), outputDays: days(0) }),
	lastRun: RetentionRun.nullable()
});
export type RetentionSettings = z.infer<typeof RetentionSettings>;

/** PUT /api/admin/retention: a number overrides the environment's default; null goes back to it. */
export const RetentionUpdate = z.object({ eventsDays: days(1).nullable(), outputDays: days(0).nullable() });
export type RetentionUpdate = z.infer<typeof RetentionUpdate>;
