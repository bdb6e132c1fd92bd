import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';

type Rows = Database['rows'];

export interface TableInfo {
	name: string;
	/** Stored columns (generated ones are computed again on insert), in their table's order. */
	columns: { name: string; type: string }[];
	/** The table's enabled non-internal triggers: a restore holds them, its rows are history. */
	triggers: string[];
}

export interface SequenceInfo {
	name: string;
	value: string;
	isCalled: boolean;
}

/** A name quoted for SQL, as PostgreSQL's quote_ident would. */
export const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const table = (name: string): SQL => sql.raw(`public.${ident(name)}`);

/**
 * The tables of the `public` schema, parents before children (by their foreign keys), read from
 * pg_catalog: a table a later migration adds is backed up without a change here. drizzle's own
 * bookkeeping lives in the `drizzle` schema and is not data.
 */
export async function publicTables(rows: Rows): Promise<TableInfo[]> {
	const columns = await rows<{ table: string; column: string; type: string }>(sql`
		select c.relname as table, a.attname as column, format_type(a.atttypid, a.atttypmod) as type
		from pg_class c join pg_namespace n on n.oid = c.relnamespace
		join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
		where n.nspname = 'public' and c.relkind in ('r', 'p')
		order by c.relname, a.attnum`);
	const references = await rows<{ child: string; parent: string }>(sql`
		select distinct c.relname as child, p.relname as parent
		from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
		join pg_namespace n on n.oid = c.relnamespace
		where k.contype = 'f' and n.nspname = 'public' and c.oid <> p.oid`);
	const triggers = await rows<{ table: string; trigger: string }>(sql`
		select c.relname as table, t.tgname as trigger
		from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
		where n.nspname = 'public' and not t.tgisinternal and t.tgenabled <> 'D'
		order by t.tgname`);
	const byName = new Map<string, TableInfo>();
	for (const c of columns) {
		const info = byName.get(c.table) ?? { name: c.table, columns: [], triggers: [] };
		info.columns.push({ name: c.column, type: c.type });
		byName.set(c.table, info);
	}
	for (const t of triggers) byName.get(t.table)?.triggers.push(t.trigger);
	return parentsFirst([...byName.values()], references);
}

/** Kahn's order, alphabetical among equals so every backup of a schema lists its tables alike. */
function parentsFirst(tables: TableInfo[], references: { child: string; parent: string }[]): TableInfo[] {
	const waitingOn = new Map(tables.map((t) => [t.name, new Set(references.filter((r) => r.child === t.name).map((r) => r.parent))]));
	const ordered: TableInfo[] = [];
	const left = [...tables].sort((a, b) => a.name.localeCompare(b.name));
	while (left.length > 0) {
		const next = left.findIndex((t) => [...waitingOn.get(t.name)!].every((p) => ordered.some((o) => o.name === p)));
		if (next < 0) throw new Error(`the foreign keys between ${left.map((t) => t.name).join(', ')} form a cycle: no table can be restored first`);
		ordered.push(...left.splice(next, 1));
	}
	return ordered;
}

/** The `public` schema's sequences (identity and serial columns) and where each stands. */
export async function publicSequences(rows: Rows): Promise<SequenceInfo[]> {
	const names = await rows<{ name: string }>(sql`
		select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
		where n.nspname = 'public' and c.relkind = 'S' order by c.relname`);
	const sequences: SequenceInfo[] = [];
	for (const { name } of names) {
		const [state] = await rows<{ value: string; is_called: boolean }>(
			sql`select last_value::text as value, is_called from ${table(name)}`
		);
		sequences.push({ name, value: state!.value, isCalled: state!.is_called });
	}
	return sequences;
}
