import { defineConfig } from '@playwright/test';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { makeCertificate } from './tests/helpers/push-service';

const port = Number(process.env.E2E_PORT ?? 4319);
export const baseURL = `http://127.0.0.1:${port}`;

// The push service the browser tests run (tests/e2e/push.spec.ts) serves this certificate, and the
// app trusts it through NODE_EXTRA_CA_CERTS. Made once per run, before the server starts; the
// worker processes that load this file again find it already there.
export const pushCertDir = path.resolve('.test-output/push-cert');
if (!existsSync(path.join(pushCertDir, 'cert.pem'))) {
	mkdirSync(pushCertDir, { recursive: true });
	makeCertificate(pushCertDir);
}

// Debian's Chromium, never a downloaded browser. The flags keep it off the network it cannot
// reach here (background services, component updates) and allow running as root in CI.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
	testDir: 'tests/e2e',
	fullyParallel: false,
	workers: 1,
	forbidOnly: true,
	retries: 0,
	timeout: 30_000,
	expect: { timeout: 10_000 },
	outputDir: '.test-output/playwright',
	use: {
		baseURL,
		browserName: 'chromium',
		launchOptions: {
			executablePath: chromium,
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--disable-dev-shm-usage'
			]
		},
		trace: 'retain-on-failure'
	},
	webServer: {
		command: 'node scripts/e2e-server.mjs',
		url: `${baseURL}/api/ready`,
		// scripts/e2e-server.mjs makes the admin account first (tests/e2e/fixtures.ts signedInAsAdmin).
		wait: { stderr: /e2e admin ready/ },
		reuseExistingServer: false,
		timeout: 60_000,
		stdout: 'ignore',
		stderr: 'pipe',
		// SIGNUP=open lets every spec make its own account, whatever order the specs run in.
		// Every spec's fixture site is 127.0.0.1, one "host" to the fetch politeness limits, and some
		// specs hold pages open on purpose: with a site's defaults (2 at a time, 60 a minute, 2 phases
		// at once) specs running side by side would wait on each other's held pages.
		env: { PORT: String(port), HOST: '127.0.0.1', ORIGIN: baseURL, FETCH_ALLOW_PRIVATE: 'true', QUEUE_POLL_MS: '500', SIGNUP: 'open', SIGNUP_RATE_PER_HOUR: '1000',
			FETCH_HOST_CONCURRENCY: '16', FETCH_HOST_RATE_PER_MINUTE: '6000', QUEUE_CONCURRENCY: '8',
			NODE_EXTRA_CA_CERTS: path.join(pushCertDir, 'cert.pem'), PUSH_COALESCE_MS: '200' }
	}
});
