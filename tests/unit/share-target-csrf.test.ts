import { describe, expect, it } from 'vitest';
import { crossSiteRefusal } from '../../src/lib/server/http/csrf';

const APP = 'https://cook.example';

/** A form POST as a browser sends it, with these fetch-metadata and Origin headers. */
function post(path: string, headers: { origin?: string; site?: string }) {
	const h = new Headers({ 'content-type': 'multipart/form-data; boundary=x' });
	if (headers.origin !== undefined) h.set('origin', headers.origin);
	if (headers.site !== undefined) h.set('sec-fetch-site', headers.site);
	const url = new URL(path, APP);
	return crossSiteRefusal(new Request(url, { method: 'POST', headers: h, body: '' }), url, true);
}

describe("the share target's POST and cross-site forms", () => {
	it('lets the share sheet launch the installed app: Sec-Fetch-Site none, with no Origin or Origin null', () => {
		expect(post('/share', { site: 'none' })).toBeNull();
		expect(post('/share', { site: 'none', origin: 'null' })).toBeNull();
		expect(post('/share', { site: 'same-origin', origin: APP })).toBeNull();
	});

	it("refuses another site's form, a sandboxed frame's, and a browser that sends no fetch metadata without this origin", () => {
		for (const headers of [
			{ site: 'cross-site', origin: 'https://evil.example' },
			{ site: 'cross-site', origin: 'null' },
			{ site: 'same-site', origin: 'https://other.cook.example' },
			{ origin: 'null' },
			{},
			{ site: 'none', origin: 'https://evil.example' }
		]) {
			expect(post('/share', headers)?.status, JSON.stringify(headers)).toBe(403);
		}
	});

	it('lets only /share through that way: every other page still wants this origin', () => {
		expect(post('/login', { site: 'none' })?.status).toBe(403);
		expect(post('/?/enqueue', { site: 'none' })?.status).toBe(403);
		expect(post('/share/other', { site: 'none' })?.status).toBe(403);
	});
});
