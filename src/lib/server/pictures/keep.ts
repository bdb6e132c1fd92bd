import PQueue from 'p-queue';
import type { Database } from '../db/client';
import { isHttpUrl } from '../../links';
import type { Picture, PictureDownload } from './download';
import { KEPT_FORMAT, renderPicture } from './render';
import { savePicture, storedPicture, type StoredPicture } from './store';

/** A recipe's kept picture at full size (what targets are sent) and its version, or why there is none. */
export type KeptPicture = { ok: true; picture: Picture; version: string } | { ok: false; reason: string };

/** Downloads a picture through the safe fetcher (the app's per-site politeness included). */
export type DownloadPicture = (url: string, signal?: AbortSignal) => Promise<PictureDownload>;

/**
 * Keeps recipes' pictures in the library: downloaded once, rendered in the sizes the pages use,
 * stored with the recipe. The upload phase keeps the picture as it saves the recipe; sending to a
 * target keeps it too, so a recipe saved before pictures were kept gets its copy the first time it
 * is sent.
 */
export class RecipePictures {
	// Decoding a large photo takes a few hundred megabytes at worst; one at a time bounds the
	// process's memory whatever the queue's concurrency.
	private readonly renders = new PQueue({ concurrency: 1 });

	constructor(
		private readonly database: Database,
		private readonly download: DownloadPicture
	) {}

	/**
	 * The recipe's picture from `url`: the stored copy when it was fetched from that address (a
	 * retry or a second send does not download again), else downloaded, rendered and stored. Never
	 * throws for the picture's own trouble; the caller's abort still propagates.
	 */
	async keep(recipeId: string, url: string, signal?: AbortSignal): Promise<KeptPicture> {
		return this.keepFrom(recipeId, url, signal, async () => {
			// Only a web address is downloaded: a shared picture's reference (keepBytes) never leaves for the network.
			if (!isHttpUrl(url)) return { ok: false, reason: 'the picture has no web address to download it from' };
			const download = await this.download(url, signal);
			return download.ok ? { ok: true, bytes: download.picture.bytes } : download;
		});
	}

	/**
	 * The recipe's picture from bytes Cookmark already holds (a picture a person shared), known by
	 * `url` as a downloaded one is by its address: rendered and stored like any other, once.
	 */
	async keepBytes(recipeId: string, url: string, load: () => Promise<Uint8Array | null>, signal?: AbortSignal): Promise<KeptPicture> {
		return this.keepFrom(recipeId, url, signal, async () => {
			const bytes = await load();
			return bytes ? { ok: true, bytes } : { ok: false, reason: 'the shared picture is no longer stored' };
		});
	}

	private async keepFrom(
		recipeId: string,
		url: string,
		signal: AbortSignal | undefined,
		obtain: () => Promise<{ ok: true; bytes: Uint8Array } | { ok: false; reason: string }>
	): Promise<KeptPicture> {
		const stored = await storedPicture(this.database, recipeId, 'full');
		if (stored && stored.sourceUrl === url) return kept(stored);
		const source = await obtain();
		if (!source.ok) return source;
		const rendered = await this.renders.add(() => renderPicture(source.bytes), { signal });
		if (!rendered.ok) return rendered;
		await savePicture(this.database, recipeId, url, rendered.sizes);
		return kept(rendered.sizes.full);
	}
}

function kept({ bytes, hash }: Pick<StoredPicture, 'bytes' | 'hash'>): KeptPicture {
	return { ok: true, picture: { ...KEPT_FORMAT, bytes }, version: hash };
}
