import { describe, expect, it } from 'vitest';
import { isPublicPath, loginUrl, safeRedirectTarget } from '../../src/lib/server/http/access';

describe('access', () => {
	it('only a handful of paths are public', () => {
		for (const p of ['/api/health', '/api/ready', '/api/auth/login', '/api/auth/signup', '/api/auth/logout', '/login', '/signup']) {
			expect(isPublicPath(p)).toBe(true);
		}
		for (const p of ['/', '/settings', '/share', '/api/queue', '/api/tokens', '/api/users', '/api/auth/session', '/api/auth/logout-all', '/login/x']) {
			expect(isPublicPath(p)).toBe(false);
		}
	});

	it('after login, returns only to a path on this site (no open redirect)', () => {
		expect(safeRedirectTarget('/settings')).toBe('/settings');
		expect(safeRedirectTarget('/share?url=https%3A%2F%2Fx.example')).toBe('/share?url=https%3A%2F%2Fx.example');
		for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '', null, undefined]) {
			expect(safeRedirectTarget(bad)).toBe('/');
		}
	});

	it('sends to login with the way back', () => {
		expect(loginUrl(new URL('http://x/'))).toBe('/login');
		expect(loginUrl(new URL('http://x/share?text=a%20b'))).toBe('/login?redirectTo=%2Fshare%3Ftext%3Da%2520b');
	});
});
