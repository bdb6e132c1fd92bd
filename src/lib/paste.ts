import { MAX_SHARE_TEXT_LENGTH } from './contract/queue';

/** What the paste box says to text too long to hold a link worth reading (said by the browser and the server alike). */
export function tooLongMessage(length: number): string {
	return `That is ${length.toLocaleString('en')} characters, too long to look for a link in (the limit is ${MAX_SHARE_TEXT_LENGTH.toLocaleString('en')}). Paste just the link.`;
}

export const tooLongToShare = (pasted: string): boolean => pasted.length > MAX_SHARE_TEXT_LENGTH;
