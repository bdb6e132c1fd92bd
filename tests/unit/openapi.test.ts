import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ChangePasswordRequest, CreatedToken, CreateTokenRequest, Credentials, LoginRequest, User } from '../../src/lib/contract/auth';
import { AdminStats, RetentionUpdate, RetryFailedRequest, WorkerList } from '../../src/lib/contract/admin';
import { ApiError } from '../../src/lib/contract/errors';
import { Batch, BatchActionResult, BatchList, BatchPreview, CreateBatchRequest } from '../../src/lib/contract/imports';
import { RecipeDetail, RecipeList, RecipeSummary } from '../../src/lib/contract/library';
import { NotificationPreferences, PushDevice, SubscribeRequest, UnsubscribeRequest } from '../../src/lib/contract/push';
import { ConnectionEvent, EnqueueRequest, EnqueueResponse, Item, ItemDetail, ItemList, QueueUpdateEvent } from '../../src/lib/contract/queue';
import { Recipe } from '../../src/lib/contract/recipe';
import { TargetInput, TargetLink, TargetTestInput, TargetTestResult, TargetView } from '../../src/lib/contract/targets';
import { SESSION_COOKIE } from '../../src/lib/server/auth/request';
import { isPublicPath } from '../../src/lib/server/http/access';
import { openApiDocument, schemaComponents } from '../../src/lib/server/http/openapi';

type Json = Record<string, any>;

const doc = openApiDocument({ version: '1.2.3', serverUrl: 'https://cookmark.example' }) as Json;
const schemas = doc.components.schemas as Json;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every operation in the document as `METHOD /path`. */
const documented = Object.entries(doc.paths as Record<string, Json>).flatMap(([p, item]) =>
	METHODS.filter((m) => item[m]).map((m) => ({ key: `${m.toUpperCase()} ${p}`, path: p, method: m, op: item[m] as Json }))
);

/** A JSON pointer inside the document (`#/components/schemas/Item`), or undefined. */
function resolve(ref: string): unknown {
	if (!ref.startsWith('#/')) return undefined;
	return ref
		.slice(2)
		.split('/')
		.map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
		.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Json)[key] : undefined), doc);
}

function collectRefs(node: unknown, found: string[] = []): string[] {
	if (Array.isArray(node)) node.forEach((n) => collectRefs(n, found));
	else if (node && typeof node === 'object') {
		for (const [key, value] of Object.entries(node)) {
			if (key === '$ref' && typeof value === 'string') found.push(value);
			else collectRefs(value, found);
		}
	}
	return found;
}

/** The schema with every component $ref replaced by the component, as a standalone conversion writes it. */
function inline(node: unknown): unknown {
	if (Array.isArray(node)) return node.map(inline);
	if (!node || typeof node !== 'object') return node;
	const { $ref, ...rest } = node as Json;
	if (typeof $ref === 'string') return inline(resolve($ref));
	return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, inline(v)]));
}

/** What zod makes of one schema on its own (the single source the components must equal). */
function standalone(schema: z.ZodType, io: 'input' | 'output'): Json {
	const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
	return rest;
}

/**
 * A small JSON Schema check: enough of type, required, properties, items, enum, const, oneOf,
 * anyOf, lengths, bounds and patterns to see whether a body fits (formats are not checked).
 */
function fits(schema: Json, value: unknown): boolean {
	if (typeof schema.$ref === 'string') return fits(resolve(schema.$ref) as Json, value);
	if (schema.oneOf) return (schema.oneOf as Json[]).filter((s) => fits(s, value)).length === 1;
	if (schema.anyOf && !(schema.anyOf as Json[]).some((s) => fits(s, value))) return false;
	if ('const' in schema && value !== schema.const) return false;
	if (schema.enum && !(schema.enum as unknown[]).includes(value)) return false;
	if (schema.type) {
		const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
		const typeOf = (v: unknown) =>
			v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? ['integer', 'number'] : typeof v === 'number' ? 'number' : typeof v;
		const actual = [typeOf(value)].flat();
		if (!types.some((t) => actual.includes(t))) return false;
	}
	if (typeof value === 'string') {
		if (schema.minLength !== undefined && value.length < schema.minLength) return false;
		if (schema.maxLength !== undefined && value.length > schema.maxLength) return false;
		if (schema.pattern && !new RegExp(schema.pattern).test(value)) return false;
	}
	if (typeof value === 'number') {
		if (schema.minimum !== undefined && value < schema.minimum) return false;
		if (schema.maximum !== undefined && value > schema.maximum) return false;
	}
	if (Array.isArray(value) && schema.items) return value.every((v) => fits(schema.items, v));
	if (value && typeof value === 'object' && !Array.isArray(value)) {
		const obj = value as Json;
		if ((schema.required ?? []).some((k: string) => !(k in obj))) return false;
		for (const [k, v] of Object.entries(obj)) {
			const property = schema.properties?.[k];
			if (property) {
				if (!fits(property, v)) return false;
			} else if (schema.additionalProperties === false) return false;
		}
	}
	return true;
}

/** Every API route file and the HTTP methods it exports, as `METHOD /path` (the catch-all 404 left out). */
function routeOperations(): string[] {
	const apiDir = path.resolve(import.meta.dirname, '../../src/routes/api');
	const found: string[] = [];
	const walk = (dir: string, segments: string[]) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			if (entry.isDirectory()) {
				// [...rest] answers the JSON 404 for unknown API paths: not an operation.
				if (!entry.name.startsWith('[...')) walk(path.join(dir, entry.name), [...segments, entry.name.replace(/^\[(\w+)\]$/, '{$1}')]);
			} else if (entry.name === '+server.ts') {
				const source = readFileSync(path.join(dir, entry.name), 'utf8');
				const route = `/api/${segments.join('/')}`;
				for (const m of source.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)) found.push(`${m[1]} ${route}`);
			}
		}
	};
	walk(apiDir, []);
	return found.sort();
}

describe('the OpenAPI document', () => {
	it('is OpenAPI 3.1 shaped', () => {
		expect(doc.openapi).toBe('3.1.0');
		expect(doc.info).toMatchObject({ title: 'Cookmark', version: '1.2.3' });
		expect(doc.servers).toEqual([{ url: 'https://cookmark.example' }]);
		expect(Object.keys(doc.paths).length).toBeGreaterThan(20);
		expect(Object.keys(schemas).length).toBeGreaterThan(20);
		expect(doc.components.securitySchemes).toEqual({
			bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
			sessionCookie: expect.objectContaining({ type: 'apiKey', in: 'cookie', name: SESSION_COOKIE })
		});
		expect(doc.security).toEqual([{ bearerAuth: [] }, { sessionCookie: [] }]);
		// Components are schemas inside the document, not standalone files.
		for (const schema of Object.values(schemas)) {
			expect(schema).not.toHaveProperty('$schema');
			expect(schema).not.toHaveProperty('$id');
		}
		expect(openApiDocument({ version: '1.2.3' })).not.toHaveProperty('servers');
		expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
	});

	it('every $ref resolves to something in the document', () => {
		const refs = collectRefs(doc);
		expect(refs.length).toBeGreaterThan(50);
		for (const ref of new Set(refs)) expect(resolve(ref), ref).toBeDefined();
	});

	it('every component is used', () => {
		const used = new Set(collectRefs(doc).filter((r) => r.startsWith('#/components/schemas/')).map((r) => r.split('/').pop()));
		expect(Object.keys(schemas).filter((name) => !used.has(name))).toEqual([]);
	});

	it('documents every route and method under src/routes/api, and nothing else', () => {
		const routes = routeOperations();
		expect(routes).toContain('GET /api/openapi.json');
		expect(routes).toContain('DELETE /api/queue/{id}');
		expect(documented.map((o) => o.key).sort()).toEqual(routes);
	});

	it('operation ids are unique', () => {
		const ids = documented.map((o) => o.op.operationId);
		expect(new Set(ids).size).toBe(ids.length);
	});

	it('public routes, and only those, ask for no credentials', () => {
		for (const { key, path: p, op } of documented) {
			const security = op.security as Json[] | undefined;
			const open = security !== undefined && (security.length === 0 || security.some((s) => Object.keys(s).length === 0));
			expect(open, key).toBe(isPublicPath(p));
		}
		expect(doc.paths['/api/health'].get.security).toEqual([]);
		expect(doc.paths['/api/openapi.json'].get.security).toEqual([]);
		// A leaked API token must not mint tokens or change the password: cookie only.
		expect(doc.paths['/api/tokens'].post.security).toEqual([{ sessionCookie: [] }]);
		expect(doc.paths['/api/auth/password'].post.security).toEqual([{ sessionCookie: [] }]);
		expect(doc.paths['/api/queue'].post).not.toHaveProperty('security');
	});

	it('path parameters are declared, ids as UUIDs where the server takes UUIDs', () => {
		for (const { key, path: p, op } of documented) {
			const names = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
			const declared = ((op.parameters ?? []) as Json[]).filter((x) => x.in === 'path');
			expect(declared.map((x) => x.name), key).toEqual(names);
			for (const x of declared) expect(x.required, key).toBe(true);
		}
		expect(doc.paths['/api/queue/{id}'].get.parameters[0].schema).toMatchObject({ type: 'string', format: 'uuid' });
		expect(doc.paths['/api/recipes/{id}'].get.parameters[0].schema).toMatchObject({ type: 'string', format: 'uuid' });
		for (const p of ['/api/batches/{id}', '/api/batches/{id}/retry-failed', '/api/batches/{id}/cancel', '/api/batches/{id}/failed.csv']) {
			const op = doc.paths[p].get ?? doc.paths[p].post;
			expect(op.parameters[0].schema, p).toMatchObject({ type: 'string', format: 'uuid' });
		}
		// API token ids are the id part of `cm_<id>.<secret>`, not UUIDs.
		expect(doc.paths['/api/tokens/{id}'].delete.parameters[0].schema).toEqual({ type: 'string', pattern: '^[a-z2-7]{32}$' });
	});

	it('query parameters come from the query schemas the routes parse', () => {
		const params = (p: string): Json =>
			Object.fromEntries((doc.paths[p].get.parameters as Json[]).filter((x) => x.in === 'query').map((x) => [x.name, x]));
		const queue = params('/api/queue');
		expect(Object.keys(queue)).toEqual(['status', 'limit', 'offset', 'cursor', 'batch']);
		expect(queue.limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 20 });
		expect(queue.batch.schema).toMatchObject({ type: 'string', format: 'uuid' });
		const recipes = params('/api/recipes');
		expect(Object.keys(recipes)).toEqual(['q', 'limit', 'cursor']);
		expect(recipes.limit.schema).toMatchObject({ default: 24, maximum: 100 });
		expect(Object.values(recipes).every((x) => x.required === false)).toBe(true);
		expect(Object.keys(params('/api/queue/stream'))).toEqual(['itemId', 'lastEventId']);
	});

	it('answers: JSON success schemas, ApiError for every error, no body on a 204 or a 304', () => {
		for (const { key, op } of documented) {
			const responses = op.responses as Record<string, Json>;
			expect(Object.keys(responses).some((s) => s.startsWith('2')), key).toBe(true);
			for (const [status, response] of Object.entries(responses)) {
				expect(response.description, `${key} ${status}`).toBeTruthy();
				if (status === '204' || status === '304') expect(response.content, key).toBeUndefined();
				else if (Number(status) >= 400) expect(response.content, `${key} ${status}`).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } });
				else expect(Object.keys(response.content ?? {}), `${key} ${status}`).toHaveLength(1);
			}
			if (op.security === undefined || (op.security as Json[]).length > 0) expect(responses['401'], key).toBeDefined();
			if (op.requestBody) for (const s of ['400', '413', '415']) expect(responses[s], `${key} ${s}`).toBeDefined();
		}
		const ok = (p: string, m: string, s: string) => doc.paths[p][m].responses[s].content;
		expect(ok('/api/queue', 'post', '201')).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/Item' } } });
		expect(ok('/api/queue', 'post', '200')['application/json'].schema.$ref).toBe('#/components/schemas/EnqueueResponse');
		expect(ok('/api/queue', 'get', '200')['application/json'].schema.$ref).toBe('#/components/schemas/ItemList');
		expect(ok('/api/recipes/{id}', 'get', '200')['application/json'].schema.$ref).toBe('#/components/schemas/RecipeDetail');
		expect(doc.paths['/api/queue/{id}'].delete.responses['204'].content).toBeUndefined();
		expect(doc.paths['/api/queue/{id}/retry'].post.responses['409'].description).toMatch(/invalid_state/);
		expect(doc.paths['/api/auth/login'].post.responses['429'].headers).toHaveProperty('Retry-After');
	});

	it('a share is sent as JSON, or as a multipart form with pictures', () => {
		const enqueue = doc.paths['/api/queue'].post;
		expect(Object.keys(enqueue.requestBody.content)).toEqual(['application/json', 'multipart/form-data']);
		expect(enqueue.requestBody.content['multipart/form-data'].schema).toEqual({ $ref: '#/components/schemas/ShareForm' });
		expect(Object.keys(schemas.ShareForm.properties)).toEqual(['images', 'url', 'text', 'title']);
		expect(schemas.ShareForm.properties.images).toMatchObject({ type: 'array', maxItems: 10, items: { type: 'string', format: 'binary', maxLength: 10 * 1024 * 1024 } });
		expect(enqueue.responses['413'].description).toMatch(/image_too_large.*images_too_large/);
		expect(enqueue.responses['415'].description).toMatch(/unsupported_image.*multipart\/form-data/);
		expect(enqueue.responses['400'].description).toContain('`too_many_images`');
	});

	it('a bulk import is sent as JSON or as a multipart form, and answers with its batch, a preview or its failures as CSV', () => {
		const create = doc.paths['/api/batches'].post;
		expect(Object.keys(create.requestBody.content)).toEqual(['application/json', 'multipart/form-data']);
		expect(create.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreateBatchRequest' });
		expect(create.requestBody.content['multipart/form-data'].schema).toEqual({ $ref: '#/components/schemas/ImportForm' });
		expect(Object.keys(schemas.ImportForm.properties)).toEqual(['file', 'text', 'label', 'preview']);
		expect(schemas.ImportForm.properties.file).toMatchObject({ type: 'string', format: 'binary', maxLength: 10 * 1024 * 1024 });
		expect(create.responses['201'].content['application/json'].schema.$ref).toBe('#/components/schemas/Batch');
		expect(create.responses['201'].headers).toEqual({ Location: { $ref: '#/components/headers/BatchLocation' } });
		expect(create.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/BatchPreview');
		for (const code of ['invalid_file', 'empty_file', 'no_links', 'no_file', 'too_many_links', 'invalid_body', 'validation_failed']) {
			expect(create.responses['400'].description).toContain(`\`${code}\``);
		}
		expect(create.responses['413'].description).toMatch(/file_too_large.*payload_too_large/);
		expect(create.responses['415'].description).toMatch(/multipart\/form-data/);
		// Routes with only a JSON body still say so.
		expect(doc.paths['/api/recipes/{id}'].patch.responses['415'].description).toMatch(/not application\/json/);
		expect(doc.paths['/api/batches'].get.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/BatchList');
		expect(doc.paths['/api/batches/{id}/cancel'].post.responses['404'].description).toMatch(/not_found.*batch/);
		const csv = doc.paths['/api/batches/{id}/failed.csv'].get.responses['200'];
		expect(csv.content).toEqual({ 'text/csv': {} });
		expect(Object.keys(csv.headers)).toEqual(['Content-Disposition', 'Cache-Control']);
	});

	it('the JSON-LD export, the picture and the live stream have their own media types', () => {
		expect(Object.keys(doc.paths['/api/recipes/{id}/jsonld'].get.responses['200'].content)).toEqual(['application/ld+json']);
		const picture = doc.paths['/api/recipes/{id}/picture'].get.responses;
		expect(picture['200'].content).toEqual({ 'image/webp': {} });
		expect(Object.keys(picture['200'].headers)).toEqual(['ETag', 'Cache-Control']);
		expect(Object.keys(picture['304'].headers)).toEqual(['ETag', 'Cache-Control']);
		expect(picture['404'].description).toMatch(/not_found.*no_picture/);
		const stream = doc.paths['/api/queue/stream'].get.responses['200'];
		expect(Object.keys(stream.content)).toEqual(['text/event-stream']);
		for (const event of ['connection', 'queue-update', 'queue-delete', 'ping']) expect(stream.description).toContain(`\`${event}\``);
		expect(stream.content['text/event-stream']['x-sse-events']).toEqual({
			connection: { $ref: '#/components/schemas/ConnectionEvent' },
			'queue-update': { $ref: '#/components/schemas/QueueUpdateEvent' },
			'queue-delete': { $ref: '#/components/schemas/QueueDeleteEvent' },
			ping: { $ref: '#/components/schemas/PingEvent' }
		});
	});
});

describe('its schemas are the contract zod schemas', () => {
	it('every component, its $refs inlined, is what zod makes of its schema', () => {
		for (const [name, { schema, io }] of Object.entries(schemaComponents)) {
			expect(inline(schemas[name]), name).toEqual(standalone(schema, io));
		}
	});

	it('the components are the very schemas the routes validate with and answer in', () => {
		const contract: [string, z.ZodType][] = [
			['Item', Item],
			['ItemDetail', ItemDetail],
			['ItemList', ItemList],
			['EnqueueRequest', EnqueueRequest],
			['EnqueueResponse', EnqueueResponse],
			['ConnectionEvent', ConnectionEvent],
			['QueueUpdateEvent', QueueUpdateEvent],
			['ApiError', ApiError],
			['Recipe', Recipe],
			['RecipeSummary', RecipeSummary],
			['RecipeList', RecipeList],
			['RecipeDetail', RecipeDetail],
			['TargetView', TargetView],
			['TargetInput', TargetInput],
			['TargetTestInput', TargetTestInput],
			['TargetTestResult', TargetTestResult],
			['TargetLink', TargetLink],
			['Credentials', Credentials],
			['LoginRequest', LoginRequest],
			['ChangePasswordRequest', ChangePasswordRequest],
			['CreateTokenRequest', CreateTokenRequest],
			['CreatedToken', CreatedToken],
			['User', User],
			['SubscribeRequest', SubscribeRequest],
			['UnsubscribeRequest', UnsubscribeRequest],
			['PushDevice', PushDevice],
			['NotificationPreferences', NotificationPreferences],
			['NotificationPreferencesInput', NotificationPreferences],
			['CreateBatchRequest', CreateBatchRequest],
			['Batch', Batch],
			['BatchList', BatchList],
			['BatchPreview', BatchPreview],
			['BatchActionResult', BatchActionResult],
			['AdminStats', AdminStats],
			['RetryFailedRequest', RetryFailedRequest],
			['WorkerList', WorkerList],
			['RetentionUpdate', RetentionUpdate]
		];
		for (const [name, schema] of contract) {
			expect(schemaComponents[name as keyof typeof schemaComponents]?.schema, name).toBe(schema);
		}
	});

	it('a request body is described as the server reads it; an answer as it writes it', () => {
		// Input side: extra keys are dropped, not refused; a transform's input (the pasted address) is what is sent.
		expect(schemas.EnqueueRequest).not.toHaveProperty('additionalProperties');
		expect(schemas.TargetInput.oneOf[1].properties.baseUrl).toEqual({ type: 'string', minLength: 1, maxLength: 500 });
		// Output side: the answer has exactly these keys, and nested components are $refs.
		expect(schemas.Item.additionalProperties).toBe(false);
		expect(schemas.ItemList.properties.items).toEqual({ type: 'array', items: { $ref: '#/components/schemas/Item' } });
		expect(schemas.RecipeDetail.properties.recipe.anyOf).toContainEqual({ $ref: '#/components/schemas/Recipe' });
	});
});

describe('request bodies in the document accept what the server accepts', () => {
	const base64url = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64url');
	const examples: Record<string, { valid: unknown[]; invalid: unknown[] }> = {
		'POST /api/batches': {
			valid: [{ links: ['https://example.com/pie', 'example.com/tart'] }, { text: 'pie https://example.com/pie', label: 'Notes', preview: true }],
			invalid: [{ links: 'https://example.com/pie' }, { links: ['https://example.com/' + 'x'.repeat(4096)] }, { text: 'x', preview: 'yes' }, { label: '' }]
		},
		'POST /api/queue': {
			valid: [{ url: 'https://example.com/pie' }, { text: 'look https://example.com/pie', title: 'Pie' }, { url: 'https://example.com/pie', html: '<html></html>' }, { text: 'Pie\n- 2 eggs' }],
			invalid: [{ url: 42 }, [], { url: 'https://example.com/pie', html: 7 }]
		},
		'POST /api/auth/signup': { valid: [{ username: 'alice', password: 'correct horse' }], invalid: [{ username: 'alice' }, { username: 'al', password: 'correct horse' }] },
		'POST /api/auth/login': { valid: [{ username: 'alice', password: 'x' }], invalid: [{ username: 'alice', password: '' }] },
		'POST /api/auth/password': { valid: [{ currentPassword: 'old', newPassword: 'long enough' }], invalid: [{ currentPassword: 'old', newPassword: 'short' }] },
		'POST /api/tokens': { valid: [{ name: 'laptop' }], invalid: [{}, { name: 'x'.repeat(65) }] },
		'POST /api/users': { valid: [{ username: 'bob.b', password: '12345678' }], invalid: [{ username: 'bob b', password: '12345678' }] },
		'POST /api/notifications/subscribe': {
			valid: [{ subscription: { endpoint: 'https://push.example/abc', expirationTime: null, keys: { p256dh: base64url(65), auth: base64url(16) } } }],
			invalid: [{ subscription: { endpoint: 'https://push.example/abc' } }, { subscription: { endpoint: 'https://push.example/abc', keys: { p256dh: '+/', auth: 'x' } } }]
		},
		'DELETE /api/notifications/subscribe': { valid: [{ endpoint: 'https://push.example/abc' }], invalid: [{ endpoint: '' }] },
		'PUT /api/notifications/preferences': { valid: [{ success: true, failure: false }], invalid: [{ success: 'yes', failure: false }, { success: true }] },
		'PUT /api/targets': {
			valid: [{ kind: 'none' }, { kind: 'tandoor', baseUrl: 'http://192.168.1.20:8080', token: 'tda_x' }, { kind: 'mealie', baseUrl: 'https://mealie.example/' }],
			invalid: [{ kind: 'paprika', baseUrl: 'http://x.example' }, { kind: 'tandoor' }]
		},
		'PATCH /api/recipes/{id}': {
			valid: [{ title: 'Pie' }, { description: '', servings: null, ingredientGroups: [{ name: null, lines: ['2 eggs', { text: '1 cup milk', reviewed: true }] }], stepGroups: [] }],
			invalid: [{ title: '' }, { prepMinutes: 1.5 }, { ingredientGroups: [{ name: null, lines: [''] }] }]
		},
		'PUT /api/platform-sessions/{platform}': {
			valid: [{ cookie: 'sessionid=42%3Aabc' }, { cookie: ' Cookie: csrftoken=x; sid_tt=y ' }],
			invalid: [{}, { cookie: 42 }, { cookie: '' }, { cookie: ' \n ' }, { cookie: `sessionid=${'a'.repeat(8192)}` }]
		},
		'POST /api/targets/test': { valid: [{ kind: 'mealie', baseUrl: 'https://mealie.example' }], invalid: [{ baseUrl: 'https://mealie.example' }, { kind: 'none' }] },
		'POST /api/admin/failed/retry': {
			valid: [{ ids: ['0190a0b0-0000-7000-8000-000000000001'] }, { all: true }],
			invalid: [{ ids: 'all' }, { all: false }, { ids: ['0190a0b0-0000-7000-8000-000000000001'], all: true }, {}]
		},
		'POST /api/admin/users/{id}/password': { valid: [{}, { password: 'long enough' }], invalid: [{ password: 'short' }] },
		'POST /api/admin/services/test': { valid: [{ service: 'chat' }, { service: 'transcription' }], invalid: [{}, { service: 'fax' }, { service: ['chat'] }] },
		'PUT /api/admin/retention': {
			valid: [{ eventsDays: 3, outputDays: 0 }, { eventsDays: null, outputDays: null }],
			invalid: [{ eventsDays: 0, outputDays: 30 }, { eventsDays: 2 }, { eventsDays: 1.5, outputDays: 30 }]
		}
	};

	it('every operation with a body has examples here', () => {
		expect(documented.filter((o) => o.op.requestBody).map((o) => o.key).sort()).toEqual(Object.keys(examples).sort());
	});

	it.each(Object.entries(examples))('%s', (key, { valid, invalid }) => {
		const { op } = documented.find((o) => o.key === key)!;
		expect(op.requestBody.required).toBe(true);
		const schema = op.requestBody.content['application/json'].schema as Json;
		const name = (schema.$ref as string).split('/').pop() as keyof typeof schemaComponents;
		const zodSchema = schemaComponents[name].schema;
		expect(schemaComponents[name].io).toBe('input');
		for (const body of valid) {
			expect(fits(schema, body), JSON.stringify(body)).toBe(true);
			expect(zodSchema.safeParse(body).success, JSON.stringify(body)).toBe(true);
		}
		for (const body of invalid) {
			expect(fits(schema, body), JSON.stringify(body)).toBe(false);
			expect(zodSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
		}
	});
});
