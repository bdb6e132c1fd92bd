import { createHash } from 'node:crypto';
import { PermanentError } from '../../../failures/errors';
import { isHttpUrl } from '../../../../links';
import type { ExtractedContent } from './content';

/** A stored shared picture, as the pipeline reads it. */
export interface SharedPicture {
	id: string;
	contentType: string;
	bytes: Uint8Array;
	sha256: string;
}

/** The owner's shared pictures by id, in the order asked; missing ones (pruned) are left out. */
export type LoadSharedPictures = (userId: string, ids: readonly string[]) => Promise<SharedPicture[]>;

/** The shared pictures were pruned or removed since the share: nothing is left to read. */
export const picturesGone = () => new PermanentError('pictures_gone', 'the shared pictures are no longer stored (they were removed or pruned); share them again');

/** The dedupe key of a set of pictures: their hashes in order, so the same screenshots shared again are the same item. */
export const picturesKey = (hashes: readonly string[]) => `images:${createHash('sha256').update(hashes.join('\n')).digest('hex')}`;

/**
 * The recipe's picture when a shared one shows the dish: a reference the upload phase keeps from
 * the stored bytes; never shown or fetched as an address.
 */
export const sharedPictureUrl = (fileId: string) => `urn:cookmark:shared-picture:${fileId}`;
export const sharedPictureId = (url: string) => /^urn:cookmark:shared-picture:([0-9a-f-]{36})$/.exec(url)?.[1] ?? null;
/** A recipe's picture address as pages and the library may show it: a shared picture's reference is not one. */
export const shownImage = (image: string | null) => (image && !sharedPictureId(image) ? image : null);

/**
 * The extraction of a share of pictures: nothing to fetch, only that the pictures are still there.
 * The output names them (file ids), never holds them: outputs are JSON rows, the bytes are stored once.
 */
export async function extractPictures(
	share: { userId: string; fileIds: readonly string[]; url?: string | null; title?: string | null; text?: string | null },
	load: LoadSharedPictures
): Promise<ExtractedContent> {
	const files = await load(share.userId, share.fileIds);
	if (files.length !== share.fileIds.length) throw picturesGone();
	const key = picturesKey(files.map((f) => f.sha256));
	// Like a text, pictures have no page: a link that came with them is the recipe's source.
	const source = share.url && isHttpUrl(share.url) ? share.url : null;
	return {
		url: source,
		canonicalUrl: source,
		title: share.title?.trim() || null,
		description: null,
		image: null,
		images: [],
		author: null,
		siteName: null,
		text: share.text?.trim() || null,
		recipe: null,
		followUrl: null,
		sharedPictures: { fileIds: files.map((f) => f.id), key }
	};
}
