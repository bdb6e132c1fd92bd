import busboy from 'busboy';
import { Readable } from 'node:stream';
import { MAX_LINK_LENGTH, MAX_SHARE_TEXT_LENGTH, MAX_SHARED_IMAGE_BYTES, MAX_SHARED_IMAGES, MAX_SHARED_IMAGES_TOTAL_BYTES } from '../../contract/queue';
import { ApiError } from '../http/api';

/** A multipart share: the words that came with it and the pictures, in the order sent. */
export interface ShareForm {
	url?: string;
	text?: string;
	title?: string;
	/** A link already saved: import it again (`true`, `1` or `on`). */
	reimport?: boolean;
	images: { name: string | null; bytes: Uint8Array }[];
}

const MIB = 1024 * 1024;
const FIELD_LIMITS: Record<string, number> = { url: MAX_LINK_LENGTH, text: MAX_SHARE_TEXT_LENGTH, title: 500 };

const tooMany = () => new ApiError(400, 'too_many_images', `send at most ${MAX_SHARED_IMAGES} pictures at once`);
const fileTooLarge = (name: string | null) =>
	new ApiError(413, 'image_too_large', `${name ? `“${name}”` : 'a picture'} is larger than ${MAX_SHARED_IMAGE_BYTES / MIB} MiB`);
const allTooLarge = () => new ApiError(413, 'images_too_large', `the pictures are larger than ${MAX_SHARED_IMAGES_TOTAL_BYTES / MIB} MiB together`);

/**
 * Reads a multipart share (POST /api/queue, the share target, the dashboard's upload): `images`
 * file fields and the optional `url`, `text`, `title` and `reimport`. Streamed (busboy), each file held once
 * and never past its limit; the first limit broken ends the read with a 4xx.
 */
export async function readShareForm(request: Request): Promise<ShareForm> {
	if (!request.body) throw new ApiError(400, 'no_images', 'send the pictures in the form field `images`');
	const form: ShareForm = { images: [] };
	let total = 0;
	await new Promise<void>((resolve, reject) => {
		let parser: busboy.Busboy;
		try {
			parser = busboy({
				headers: { 'content-type': request.headers.get('content-type') ?? '' },
				// One file past the most allowed, so "too many" is told apart from "just enough".
				limits: { files: MAX_SHARED_IMAGES + 1, fields: 10, fieldSize: MAX_SHARE_TEXT_LENGTH * 4, fileSize: MAX_SHARED_IMAGE_BYTES }
			});
		} catch {
			reject(new ApiError(400, 'invalid_body', 'the multipart form could not be read (its boundary is missing)'));
			return;
		}
		let failed: ApiError | null = null;
		const fail = (err: ApiError) => {
			failed ??= err;
			source.unpipe(parser);
			source.resume();
			reject(failed);
		};
		parser.on('file', (name, stream, info) => {
			if (name !== 'images' || failed) return void stream.resume();
			const chunks: Buffer[] = [];
			let size = 0;
			stream.on('data', (chunk: Buffer) => {
				size += chunk.length;
				total += chunk.length;
				if (total > MAX_SHARED_IMAGES_TOTAL_BYTES) return fail(allTooLarge());
				chunks.push(chunk);
			});
			stream.on('limit', () => fail(fileTooLarge(info.filename ?? null)));
			stream.on('end', () => {
				// A form whose file input was left empty still sends the field, with no name and no bytes.
				if (size === 0 || failed) return;
				if (form.images.length === MAX_SHARED_IMAGES) return fail(tooMany());
				form.images.push({ name: info.filename || null, bytes: new Uint8Array(Buffer.concat(chunks)) });
			});
		});
		parser.on('filesLimit', () => fail(tooMany()));
		parser.on('field', (name, value) => {
			if (name === 'reimport') return void (form.reimport = ['true', '1', 'on'].includes(value));
			const limit = FIELD_LIMITS[name];
			if (limit === undefined) return;
			if (value.length > limit) return fail(new ApiError(400, 'validation_failed', `${name} is longer than ${limit} characters`));
			const trimmed = name === 'text' ? value : value.trim();
			if (trimmed) form[name as 'url' | 'text' | 'title'] = trimmed;
		});
		parser.on('close', () => (failed ? reject(failed) : resolve()));
		parser.on('error', () => fail(new ApiError(400, 'invalid_body', 'the multipart form could not be read')));
		const source = Readable.fromWeb(request.body as import('node:stream/web').ReadableStream)
			// Kit errors the stream itself past BODY_SIZE_LIMIT: that is too much, not a broken body.
			.on('error', (err: { status?: number }) => fail(err.status === 413 ? allTooLarge() : new ApiError(400, 'invalid_body', 'the request body could not be read')));
		source.pipe(parser);
	});
	return form;
}

export const isMultipart = (request: Request) => (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase() === 'multipart/form-data';
