import { z } from 'zod';

/**
 * JSON schemas for OpenAI-style strict structured output (`response_format.json_schema.strict`).
 *
 * Strict mode accepts a subset of JSON Schema: the root is an object, every object says
 * `additionalProperties: false` and lists every property in `required` (a value that may be
 * missing is written as `anyOf [..., {type: null}]`), and some keywords are refused outright
 * ("'default' is not permitted", "'uri' is not a valid format"). Ollama, LM Studio and vLLM take
 * the same `response_format` and turn the schema into a decoding grammar, so one schema fits all.
 */

export type JsonSchema = { [key: string]: unknown };

/** The string formats OpenAI's strict mode knows; any other is refused with a 400. */
const STRICT_FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid']);

/** Annotations a strict server refuses or has no use for. */
const DROPPED_KEYWORDS = ['$schema', 'default'];

const isObject = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The schema a model's answer must follow: what `schema.parse` accepts as input. */
export function looseJsonSchema(schema: z.ZodType): JsonSchema {
	return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'throw' }) as JsonSchema;
}

/**
 * A zod schema as a strict-mode JSON schema. Optional properties (`.optional()`, `.default()`)
 * become required and nullable; completeJson removes such nulls again before validating, so the
 * zod schema sees them as absent. Prefer `.nullable()` in schemas written for a model.
 * Throws a TypeError for what strict mode cannot say (records, tuples, a non-object root).
 */
export function strictJsonSchema(schema: z.ZodType): JsonSchema {
	return toStrictJsonSchema(looseJsonSchema(schema));
}

/** The JSON-schema half of strictJsonSchema; returns a new schema, the input is left alone. */
export function toStrictJsonSchema(schema: JsonSchema): JsonSchema {
	if (schema.type !== 'object' || !isObject(schema.properties)) {
		throw new TypeError('strict structured output needs an object at the root of the schema');
	}
	return strictNode(schema, '') as JsonSchema;
}

function strictNode(node: unknown, at: string): unknown {
	if (Array.isArray(node)) return node.map((n, i) => strictNode(n, `${at}/${i}`));
	if (!isObject(node)) return node;
	const out: JsonSchema = {};
	for (const [key, value] of Object.entries(node)) {
		if (DROPPED_KEYWORDS.includes(key)) continue;
		switch (key) {
			case 'properties':
			case '$defs':
			case 'definitions':
				out[key] = Object.fromEntries(Object.entries(value as JsonSchema).map(([k, v]) => [k, strictNode(v, `${at}/${key}/${k}`)]));
				break;
			case 'oneOf': // the same thing for a model's answer, and strict mode knows only anyOf
				out.anyOf = [...((out.anyOf as unknown[]) ?? []), ...(strictNode(value, `${at}/oneOf`) as unknown[])];
				break;
			case 'items':
			case 'anyOf':
			case 'allOf':
			case 'not':
				out[key] = strictNode(value, `${at}/${key}`);
				break;
			case 'prefixItems':
				throw new TypeError(`strict structured output cannot express a tuple (at ${at || '/'}); use an object`);
			case 'propertyNames':
			case 'patternProperties':
				throw new TypeError(`strict structured output cannot express a record or map (at ${at || '/'}); use an array of objects`);
			case 'additionalProperties':
				// true or {} (a loose object) becomes false below: the model adds nothing, zod minds nothing.
				if (isObject(value) && Object.keys(value).length > 0) {
					throw new TypeError(`strict structured output cannot express a record or map (at ${at || '/'}); use an array of objects`);
				}
				break;
			default:
				out[key] = value;
		}
	}
	if (typeof out.format === 'string') {
		if (STRICT_FORMATS.has(out.format)) delete out.pattern; // zod's long regexes duplicate the format, and strict regexes are limited
		else delete out.format; // the zod schema still checks it after the answer arrives
	}
	if (node.type === 'object' || isObject(node.properties)) {
		const properties = (out.properties as JsonSchema | undefined) ?? {};
		const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
		for (const [k, v] of Object.entries(properties)) {
			if (!required.has(k) && !acceptsNull(v)) properties[k] = withNull(v);
		}
		out.properties = properties;
		out.required = Object.keys(properties);
		out.additionalProperties = false;
	}
	return out;
}

function acceptsNull(schema: unknown): boolean {
	if (!isObject(schema)) return schema === true;
	if (schema.type === 'null' || (Array.isArray(schema.type) && schema.type.includes('null'))) return true;
	return Array.isArray(schema.anyOf) && schema.anyOf.some(acceptsNull);
}

function withNull(schema: unknown): JsonSchema {
	if (isObject(schema) && Array.isArray(schema.anyOf) && Object.keys(schema).length === 1) {
		return { anyOf: [...schema.anyOf, { type: 'null' }] };
	}
	return { anyOf: [schema, { type: 'null' }] };
}

/**
 * Removes the nulls a strict model wrote for properties the (loose) schema lets it leave out,
 * so `.optional()` and `.default()` fields validate as absent. Changes `value` in place.
 */
export function dropOmittedNulls(value: unknown, schema: JsonSchema): void {
	prune(value, schema, schema, 0);
}

function prune(value: unknown, node: unknown, root: JsonSchema, depth: number): void {
	if (depth > 100 || !isObject(node) || value === null || typeof value !== 'object') return;
	if (typeof node.$ref === 'string') prune(value, resolveRef(node.$ref, root), root, depth + 1);
	for (const key of ['anyOf', 'oneOf', 'allOf']) {
		const branches = node[key];
		if (Array.isArray(branches)) for (const b of branches) prune(value, b, root, depth + 1);
	}
	if (Array.isArray(value)) {
		if (isObject(node.items)) for (const item of value) prune(item, node.items, root, depth + 1);
		return;
	}
	if (!isObject(node.properties)) return;
	const required = new Set(Array.isArray(node.required) ? node.required : []);
	const record = value as Record<string, unknown>;
	for (const [k, sub] of Object.entries(node.properties)) {
		if (!(k in record)) continue;
		if (record[k] === null && !required.has(k) && !acceptsNull(isObject(sub) && typeof sub.$ref === 'string' ? resolveRef(sub.$ref, root) : sub)) {
			delete record[k];
		} else prune(record[k], sub, root, depth + 1);
	}
}

function resolveRef(ref: string, root: JsonSchema): unknown {
	if (ref === '#') return root;
	if (!ref.startsWith('#/')) return undefined;
	let at: unknown = root;
	for (const part of ref.slice(2).split('/')) {
		at = isObject(at) ? at[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
	}
	return at;
}

/**
 * Writes null for the required properties a model left out that the schema lets be null: in JSON
 * mode (no schema enforced) models drop the keys they have nothing for. Changes `value` in place.
 */
export function fillAbsentNulls(value: unknown, schema: JsonSchema): void {
	fill(value, schema, schema, 0);
}

function fill(value: unknown, node: unknown, root: JsonSchema, depth: number): void {
	if (depth > 100 || !isObject(node) || value === null || typeof value !== 'object') return;
	if (typeof node.$ref === 'string') return fill(value, resolveRef(node.$ref, root), root, depth + 1);
	if (Array.isArray(node.anyOf)) {
		for (const b of node.anyOf) fill(value, b, root, depth + 1);
		return;
	}
	if (Array.isArray(value)) {
		if (isObject(node.items)) for (const item of value) fill(item, node.items, root, depth + 1);
		return;
	}
	if (!isObject(node.properties)) return;
	const required = new Set(Array.isArray(node.required) ? node.required : []);
	const record = value as Record<string, unknown>;
	for (const [k, sub] of Object.entries(node.properties)) {
		const resolved = isObject(sub) && typeof sub.$ref === 'string' ? resolveRef(sub.$ref, root) : sub;
		if (!(k in record)) {
			if (required.has(k) && acceptsNull(resolved)) record[k] = null;
		} else fill(record[k], resolved, root, depth + 1);
	}
}
