import { createHash } from 'node:crypto';

/**
 * The dedupe key of a text shared without a link: its words with whitespace made uniform, hashed,
 * so the same message pasted twice (a trailing newline, doubled spaces) is one recipe. Also the
 * key the library records as the recipe's source, as a link's normalised form is.
 */
export function textKey(text: string): string {
	return `text:${createHash('sha256').update(text.replace(/\s+/g, ' ').trim()).digest('hex')}`;
}
