import type { Attachment } from 'svelte/attachments';

/**
 * Calls `broken` when the picture cannot be shown, even if it failed before the page hydrated.
 * Instead of `onerror={…}`: for that, Svelte's server rendering writes an inline `onerror`
 * attribute, which the Content-Security-Policy (no inline scripts) rightly refuses to run.
 */
export function onBrokenImage(broken: () => void): Attachment<HTMLImageElement> {
	return (img) => {
		if (img.complete && img.naturalWidth === 0 && img.currentSrc) broken();
		img.addEventListener('error', broken);
		return () => img.removeEventListener('error', broken);
	};
}
