import { JobError } from '../failures/errors';
import { HttpStatusError, safeHost } from '../net/errors';
import { safeFetchBytes, type SafeFetchOptions } from '../net/safe-fetch';

/** A recipe's picture as bytes, ready to upload: what it is by its content, not by what a server claimed. */
export interface Picture {
	bytes: Uint8Array;
	/** image/jpeg, image/png, image/webp, image/gif or image/avif. */
	mediaType: string;
	/** The file extension for that type, without the dot ("jpg", "png"…). */
	extension: string;
}

/** What a download gives: the picture, or why there is none, in words for a person. */
export type PictureDownload = { ok: true; picture: Picture } | { ok: false; reason: string };

/** Pictures are bigger than pages but bounded all the same: a photo from a recipe site is well under this. */
export const PICTURE_MAX_BYTES = 15 * 1024 * 1024;

const ACCEPTED = ['image/jpeg', 'image/jpg', 'image/pjpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'application/octet-stream', 'binary/octet-stream'];

/**
 * The formats every recipe manager takes, told apart by their first bytes: a CDN that answers
 * an HTML error page or a tracking pixel's wrong type as 200 must not become a "picture".
 */
export function sniffPicture(bytes: Uint8Array): Omit<Picture, 'bytes'> | null {
	const at = (offset: number, ...values: number[]) => values.every((v, i) => bytes[offset + i] === v);
	const ascii = (offset: number, text: string) => at(offset, ...Array.from(text, (c) => c.charCodeAt(0)));
	if (at(0, 0xff, 0xd8, 0xff)) return { mediaType: 'image/jpeg', extension: 'jpg' };
	if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return { mediaType: 'image/png', extension: 'png' };
	if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return { mediaType: 'image/gif', extension: 'gif' };
	if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return { mediaType: 'image/webp', extension: 'webp' };
	if (ascii(4, 'ftyp') && (ascii(8, 'avif') || ascii(8, 'avis'))) return { mediaType: 'image/avif', extension: 'avif' };
	return null;
}

/**
 * Downloads a recipe's picture through the safe fetcher (public addresses only, bounded in time
 * and size). Never throws for the picture's own trouble: a recipe without its picture is still a
 * recipe, so the caller gets the reason instead. The caller's abort still propagates.
 */
export async function downloadPicture(url: string, options: Omit<SafeFetchOptions, 'accept' | 'maxBytes'>): Promise<PictureDownload> {
	try {
		const fetched = await safeFetchBytes(url, { ...options, maxBytes: PICTURE_MAX_BYTES, accept: ACCEPTED });
		const kind = sniffPicture(fetched.bytes);
		if (!kind) return { ok: false, reason: 'the picture’s address did not give a JPEG, PNG, WebP, GIF or AVIF image' };
		return { ok: true, picture: { ...kind, bytes: fetched.bytes } };
	} catch (err) {
		if (options.signal?.aborted) throw options.signal.reason;
		// The fetcher's words are about pages; a picture's failed answer is said plainly.
		if (err instanceof HttpStatusError) return { ok: false, reason: `the picture could not be downloaded (${safeHost(err.url)} answered ${err.status})` };
		if (err instanceof JobError) return { ok: false, reason: `the picture could not be downloaded: ${err.message}` };
		throw err;
	}
}

/** The picture as a multipart file part: the bytes copied into a Blob under a name with its extension. */
export function pictureFile(picture: Picture, basename: string): { blob: Blob; filename: string } {
	return { blob: new Blob([new Uint8Array(picture.bytes)], { type: picture.mediaType }), filename: `${basename}.${picture.extension}` };
}
