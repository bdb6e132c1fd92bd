import { createHash } from 'node:crypto';
import sharp, { type Sharp } from 'sharp';
import { PictureSize } from '../../contract/library';
import { PICTURE_MAX_BYTES, sniffPicture } from './download';

export const PICTURE_SIZES = PictureSize.options;

/** One size of a picture, encoded and measured. */
export interface Rendition {
	bytes: Uint8Array;
	contentType: string;
	width: number;
	height: number;
	/** SHA-256 of the bytes, base64url: the ETag and the version in the picture's URL. */
	hash: string;
}

/** The format every kept size is encoded in. */
export const KEPT_FORMAT = { mediaType: 'image/webp', extension: 'webp' } as const;

export type RenderedPicture = { ok: true; sizes: Record<PictureSize, Rendition> } | { ok: false; reason: string };

/**
 * Pixels read at most (width × height as the header states them, checked before decoding): a few
 * hundred bytes of PNG can declare a picture that decodes to gigabytes. A 50-megapixel phone photo
 * is far above what any recipe site serves.
 */
export const PICTURE_MAX_PIXELS = 50_000_000;

/**
 * The bounds of each size: the long side at most `long`, the short side at most `short`. The
 * thumbnail is bounded by its short side because cards crop it to fill a 4:3 box (a portrait
 * Reel cover bounded by its long side would be blurry there), and by its long side as well so a
 * panorama stays small.
 */
const BOUNDS: Record<PictureSize, { long: number; short: number; quality: number }> = {
	full: { long: 1600, short: 1600, quality: 80 },
	thumb: { long: 1000, short: 400, quality: 72 }
};

// libvips caches recent operations for reuse; every picture here is new, so the cache would only
// hold memory.
sharp.cache(false);

/**
 * A downloaded picture as the sizes Cookmark keeps, re-encoded as WebP (which every browser, Tandoor
 * and Mealie take, and which keeps transparency): turned upright by its EXIF orientation, metadata
 * (camera, location) dropped, never enlarged. Never throws for the picture's own trouble (too big,
 * not an image, corrupt): the reason comes back instead, in words for a person.
 */
export async function renderPicture(bytes: Uint8Array): Promise<RenderedPicture> {
	if (bytes.length > PICTURE_MAX_BYTES) return { ok: false, reason: `the picture is over ${PICTURE_MAX_BYTES / 1024 / 1024} MB` };
	// Only the five formats a recipe picture comes in reach libvips, which would also read SVG,
	// PDF, TIFF and more.
	if (!sniffPicture(bytes)) return { ok: false, reason: 'the picture is not a JPEG, PNG, WebP, GIF or AVIF image' };
	// The header alone (no pixels are decoded for metadata), read without sharp's own pixel limit so
	// an oversized picture is named with its size; the limit still guards the decoding below.
	let width: number;
	let height: number;
	try {
		({ width, height } = (await sharp(bytes, { limitInputPixels: false, autoOrient: true }).metadata()).autoOrient);
	} catch {
		return { ok: false, reason: 'the picture could not be read as an image' };
	}
	if (!width || !height) return { ok: false, reason: 'the picture could not be read as an image' };
	if (width * height > PICTURE_MAX_PIXELS) {
		return { ok: false, reason: `the picture is too large (${width}×${height} pixels; at most ${PICTURE_MAX_PIXELS / 1_000_000} megapixels are read)` };
	}
	// failOn 'warning' (sharp's default, kept on purpose): the bytes are a stranger's.
	const source = sharp(bytes, { limitInputPixels: PICTURE_MAX_PIXELS, autoOrient: true, failOn: 'warning' });
	try {
		const [full, thumb] = await Promise.all(PICTURE_SIZES.map((size) => encode(source, width, height, BOUNDS[size])));
		return { ok: true, sizes: { full: full!, thumb: thumb! } };
	} catch {
		// Headers can be fine while the pixel data is not (truncated, corrupt).
		return { ok: false, reason: 'the picture could not be read as an image' };
	}
}

async function encode(source: Sharp, width: number, height: number, bounds: (typeof BOUNDS)[PictureSize]): Promise<Rendition> {
	const scale = Math.min(1, bounds.long / Math.max(width, height), bounds.short / Math.min(width, height));
	const { data, info } = await source
		.clone()
		.resize(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)), { fit: 'fill' })
		.webp({ quality: bounds.quality })
		.toBuffer({ resolveWithObject: true });
	return { bytes: data, contentType: KEPT_FORMAT.mediaType, width: info.width, height: info.height, hash: createHash('sha256').update(data).digest('base64url') };
}
