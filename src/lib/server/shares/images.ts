import PQueue from 'p-queue';
import sharp from 'sharp';
import { sniffPicture } from '../pictures/download';
import { PICTURE_MAX_PIXELS } from '../pictures/render';

/** A shared picture as it is stored and sent to the model. */
export interface PreparedImage {
	bytes: Uint8Array;
	contentType: 'image/jpeg';
}

export type PreparedResult = { ok: true; image: PreparedImage } | { ok: false; code: 'unsupported_image' | 'image_too_large'; reason: string };

/**
 * The longest side kept: a phone screenshot's text stays legible at this size (vision models scale
 * larger pictures down themselves), and a photo is a few hundred kilobytes instead of megabytes.
 */
export const SHARED_IMAGE_MAX_SIDE = 2048;
const QUALITY = 85;

const isHeif = (bytes: Uint8Array) => {
	const brand = Buffer.from(bytes.subarray(8, 12)).toString('latin1');
	return Buffer.from(bytes.subarray(4, 8)).toString('latin1') === 'ftyp' && ['heic', 'heix', 'hevc', 'hevx', 'mif1', 'msf1'].includes(brand);
};

const HEIC_UNREADABLE =
	'this HEIC photo cannot be read by this server; share it as JPEG (on an iPhone: Settings → Camera → Formats → Most Compatible, or share a screenshot)';

/**
 * A shared picture made safe to keep and to send on: recognised by its bytes (never the type the
 * sender declared), bounded in pixels before it is decoded, turned upright by its EXIF orientation,
 * scaled to at most SHARED_IMAGE_MAX_SIDE and re-encoded as JPEG, which drops every metadata block
 * (camera, time, location) so none of it reaches the model or the library. An animated GIF keeps its
 * first frame. Never throws for the picture's own trouble: the reason comes back, in words for a person.
 */
export function prepareSharedImage(bytes: Uint8Array): Promise<PreparedResult> {
	return decoding.add(() => prepare(bytes));
}

/**
 * Decoding a large photo takes a few hundred megabytes at worst: shares arriving together are
 * prepared two at a time, so a burst of uploads cannot take the process's memory.
 */
const decoding = new PQueue({ concurrency: 2 });

async function prepare(bytes: Uint8Array): Promise<PreparedResult> {
	const heif = isHeif(bytes);
	if (!sniffPicture(bytes) && !heif) {
		return { ok: false, code: 'unsupported_image', reason: 'it is not a JPEG, PNG, WebP, GIF, AVIF or HEIC picture' };
	}
	let width: number;
	let height: number;
	try {
		({ width, height } = (await sharp(bytes, { limitInputPixels: false }).metadata()).autoOrient);
	} catch {
		return { ok: false, code: 'unsupported_image', reason: heif ? HEIC_UNREADABLE : 'it could not be read as a picture' };
	}
	if (!width || !height) return { ok: false, code: 'unsupported_image', reason: 'it could not be read as a picture' };
	if (width * height > PICTURE_MAX_PIXELS) {
		return { ok: false, code: 'image_too_large', reason: `it is too large (${width}×${height} pixels; at most ${PICTURE_MAX_PIXELS / 1_000_000} megapixels are read)` };
	}
	try {
		const data = await sharp(bytes, { limitInputPixels: PICTURE_MAX_PIXELS, autoOrient: true, failOn: 'warning' })
			.resize(SHARED_IMAGE_MAX_SIDE, SHARED_IMAGE_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
			// A transparent screenshot's text stays readable on white rather than JPEG's black.
			.flatten({ background: '#ffffff' })
			.jpeg({ quality: QUALITY, mozjpeg: true })
			.toBuffer();
		return { ok: true, image: { bytes: new Uint8Array(data), contentType: 'image/jpeg' } };
	} catch {
		// Headers can be fine while the pixel data is not (truncated, corrupt).
		return { ok: false, code: 'unsupported_image', reason: heif ? HEIC_UNREADABLE : 'it could not be read as a picture' };
	}
}
