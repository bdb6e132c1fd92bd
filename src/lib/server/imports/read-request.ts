import busboy from 'busboy';
import { Readable } from 'node:stream';
import { linkFromShare } from '../../links';
import { CreateBatchRequest, MAX_IMPORT_BYTES } from '../../contract/imports';
import { ApiError, readJson } from '../http/api';
import { ImportFormatError, kindOf, linksIn, type ImportKind } from './links-in-file';

/** What a POST /api/batches asked for: the links found, in the order found, and what to call the batch. */
export interface ImportRequest {
	links: string[];
	label: string;
	preview: boolean;
}

const PASTED = 'Pasted links';

/**
 * Reads POST /api/batches (and the import page's form): JSON (`links`, or `text` holding them), or
 * a multipart form with one file (`file`) or pasted text (`text`), and the optional fields `label`
 * and `preview`. The file is streamed (busboy) and decoded as it arrives, so it is held once, as
 * text, and never past MAX_IMPORT_BYTES.
 */
export async function readImportRequest(request: Request): Promise<ImportRequest> {
	const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
	if (type === 'multipart/form-data') return readUpload(request);
	const body = await readJson(request, CreateBatchRequest);
	const links = body.links
		? body.links.flatMap((l) => linkFromShare({ url: l }) ?? [])
		: body.text !== undefined
			? found(body.text, 'text', 'the text')
			: [];
	if (!body.links && body.text === undefined) throw new ApiError(400, 'no_links', 'send `links` (a list) or `text` (holding links)');
	return { links: nonEmpty(links, body.links ? 'the list' : 'the text'), label: body.label ?? PASTED, preview: body.preview ?? false };
}

function found(content: string, kind: ImportKind, what: string): string[] {
	if (content.trim() === '') throw new ApiError(400, 'empty_file', `${capitalised(what)} is empty.`);
	try {
		return linksIn(content, kind).links.map((l) => l.url);
	} catch (err) {
		if (err instanceof ImportFormatError) throw new ApiError(400, 'invalid_file', `${capitalised(what)} could not be read: ${err.message}`);
		throw err;
	}
}

function nonEmpty(links: string[], what: string): string[] {
	if (links.length === 0) throw new ApiError(400, 'no_links', `No links were found in ${what}. Links start with http:// or https://.`);
	return links;
}

const fileTooLarge = () => new ApiError(413, 'file_too_large', `the file (or the pasted text) is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB`);

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

async function readUpload(request: Request): Promise<ImportRequest> {
	if (!request.body) throw new ApiError(400, 'no_file', 'send the file in the form field `file`');
	const fields = new Map<string, string>();
	let file: { name: string | null; type: string | null; text: string } | null = null;
	let tooLarge = false;
	await new Promise<void>((resolve, reject) => {
		let parser: busboy.Busboy;
		try {
			parser = busboy({ headers: { 'content-type': request.headers.get('content-type') ?? '' }, limits: { files: 1, fields: 10, fieldSize: MAX_IMPORT_BYTES, fileSize: MAX_IMPORT_BYTES } });
		} catch {
			reject(new ApiError(400, 'invalid_body', 'the multipart form could not be read (its boundary is missing)'));
			return;
		}
		parser.on('file', (name, stream, info) => {
			if (name !== 'file') return void stream.resume();
			const decoder = new TextDecoder('utf-8');
			let text = '';
			stream.on('data', (chunk: Buffer) => (text += decoder.decode(chunk, { stream: true })));
			stream.on('limit', () => (tooLarge = true));
			stream.on('end', () => (file = { name: info.filename ?? null, type: info.mimeType ?? null, text: text + decoder.decode() }));
		});
		parser.on('field', (name, value, info) => {
			if (info.valueTruncated) tooLarge = true;
			fields.set(name, value);
		});
		parser.on('close', () => resolve());
		parser.on('error', () => reject(new ApiError(400, 'invalid_body', 'the multipart form could not be read')));
		Readable.fromWeb(request.body as import('node:stream/web').ReadableStream)
			// Kit errors the stream itself past BODY_SIZE_LIMIT: that is a file too large, not a broken body.
			.on('error', (err: { status?: number }) =>
				reject(err.status === 413 ? fileTooLarge() : new ApiError(400, 'invalid_body', 'the request body could not be read'))
			)
			.pipe(parser);
	});
	if (tooLarge) throw fileTooLarge();
	// A form whose file input was left empty still sends the field, with no name and no bytes.
	const chosen = file as { name: string | null; type: string | null; text: string } | null;
	const upload = chosen && (chosen.name || chosen.text) ? chosen : null;
	const pasted = fields.get('text');
	const preview = ['true', '1', 'on'].includes(fields.get('preview') ?? '');
	const label = fields.get('label')?.trim().slice(0, 200);
	if (!upload) {
		if (pasted === undefined) throw new ApiError(400, 'no_file', 'send the file in the form field `file` (or pasted links in `text`)');
		return { links: nonEmpty(found(pasted, 'text', 'the pasted text'), 'the pasted text'), label: label || PASTED, preview };
	}
	const what = upload.name ? `“${upload.name}”` : 'the file';
	const links = found(upload.text, kindOf(upload.name, upload.type, upload.text), what);
	return { links: nonEmpty(links, what), label: label || upload.name || 'Uploaded file', preview };
}
