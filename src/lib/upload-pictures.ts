import type { ApiError } from '$lib/contract/errors';
import { MAX_SHARED_IMAGE_BYTES, MAX_SHARED_IMAGES, MAX_SHARED_IMAGES_TOTAL_BYTES, type EnqueueResponse } from '$lib/contract/queue';
import { ApiRequestError } from '$lib/api/client';

const MIB = 1024 * 1024;

/** The pictures among dropped or chosen files (a drop may carry anything). */
export const picturesAmong = (files: Iterable<File>) => [...files].filter((f) => f.type.startsWith('image/') || /\.(heic|heif)$/i.test(f.name));

/** What is wrong with this set before it is sent (the server checks again), in words for a person; null when nothing. */
export function picturesProblem(files: readonly File[]): string | null {
	if (files.length === 0) return 'Choose pictures (JPEG, PNG, WebP, GIF or HEIC).';
	if (files.length > MAX_SHARED_IMAGES) return `Choose at most ${MAX_SHARED_IMAGES} pictures for one recipe.`;
	const large = files.find((f) => f.size > MAX_SHARED_IMAGE_BYTES);
	if (large) return `“${large.name}” is larger than ${MAX_SHARED_IMAGE_BYTES / MIB} MB.`;
	if (files.reduce((n, f) => n + f.size, 0) > MAX_SHARED_IMAGES_TOTAL_BYTES) return `The pictures are larger than ${MAX_SHARED_IMAGES_TOTAL_BYTES / MIB} MB together.`;
	return null;
}

/**
 * Sends pictures of one recipe to POST /api/queue as a multipart form. XMLHttpRequest rather than
 * fetch: only it reports upload progress, which a few phone photos on a slow connection need.
 */
export function uploadPictures(files: readonly File[], onProgress: (fraction: number) => void): Promise<EnqueueResponse> {
	const body = new FormData();
	for (const file of files) body.append('images', file, file.name);
	return new Promise((resolve, reject) => {
		const xhr = new XMLHttpRequest();
		xhr.open('POST', '/api/queue');
		xhr.responseType = 'json';
		xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
		xhr.onload = () => {
			if (xhr.status === 200 || xhr.status === 201) return resolve(xhr.response as EnqueueResponse);
			const error = (xhr.response as ApiError | null)?.error;
			reject(new ApiRequestError(xhr.status, error?.code ?? 'http_error', error?.message ?? `the server answered ${xhr.status}`));
		};
		xhr.onerror = () => reject(new ApiRequestError(0, 'network', 'The pictures could not be sent. Check your connection and try again.'));
		xhr.send(body);
	});
}
