// Renders the app icons (static/icons/*.png) from one SVG with Debian's Chromium. Run it after
// changing the logo: `node scripts/make-icons.mjs`. The PNGs are committed, so builds need no browser.
import { chromium } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'static', 'icons');
mkdirSync(out, { recursive: true });

// The bookmark on the brand colour. `inset` shrinks the mark into the maskable safe zone (80 %).
const svg = (inset) => `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
	<rect width="512" height="512" ${inset ? '' : 'rx="112"'} fill="#c2410c"/>
	<g transform="translate(256 256) scale(${inset ? 0.72 : 1}) translate(-256 -256)">
		<path d="M160 104h192v320l-96-72-96 72z" fill="#fff7ed"/>
		<circle cx="256" cy="200" r="34" fill="#c2410c"/>
	</g>
</svg>`;

const icons = [
	{ file: 'icon-192.png', size: 192, maskable: false },
	{ file: 'icon-512.png', size: 512, maskable: false },
	{ file: 'icon-maskable-512.png', size: 512, maskable: true },
	{ file: 'apple-touch-icon.png', size: 180, maskable: true }
];

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run']
});
for (const icon of icons) {
	const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size } });
	await page.setContent(`<html><body style="margin:0">${svg(icon.maskable).replace('<svg ', `<svg width="${icon.size}" height="${icon.size}" `)}</body></html>`);
	await page.screenshot({ path: path.join(out, icon.file), omitBackground: !icon.maskable });
	await page.close();
}
await browser.close();
console.log(`icons written to ${out}`);
