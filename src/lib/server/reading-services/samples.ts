import sharp from 'sharp';

/**
 * What the services are tested with: small enough to cost next to nothing, real enough that a
 * server that cannot do the job fails (a model that cannot fill the schema, a server that takes
 * no pictures or cannot decode a WAV file).
 */

/** A short recipe with four ingredients and three steps, as a caption would give it. */
export const SAMPLE_RECIPE = [
	'Quick pancakes',
	'Serves 2',
	'Ingredients:',
	'- 200 g flour',
	'- 2 eggs',
	'- 300 ml milk',
	'- 1 pinch of salt',
	'Method:',
	'1. Whisk the flour, eggs, milk and salt into a smooth batter.',
	'2. Let it rest for 10 minutes.',
	'3. Fry thin pancakes in a hot buttered pan, 1 minute a side.'
].join('\n');
export const SAMPLE_INGREDIENTS = 4;

/** A small picture (a plate on a table) as a `data:` URL, as the pipeline sends a post's pictures. */
export async function samplePicture(): Promise<string> {
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128"><rect width="128" height="128" fill="#c8a27a"/><circle cx="64" cy="64" r="48" fill="#f4f1ea"/><circle cx="64" cy="64" r="30" fill="#e0a94a"/></svg>`;
	const png = await sharp(Buffer.from(svg)).png().toBuffer();
	return `data:image/png;base64,${png.toString('base64')}`;
}

/**
 * One second of a 440 Hz tone as a 16 kHz mono 16-bit PCM WAV file: the format every
 * transcription server decodes (OpenAI, faster-whisper through ffmpeg/PyAV, LocalAI).
 */
export function toneWav(seconds = 1, hz = 440, sampleRate = 16_000): Uint8Array {
	const samples = Math.round(seconds * sampleRate);
	const buffer = Buffer.alloc(44 + samples * 2);
	buffer.write('RIFF', 0, 'ascii');
	buffer.writeUInt32LE(36 + samples * 2, 4);
	buffer.write('WAVE', 8, 'ascii');
	buffer.write('fmt ', 12, 'ascii');
	buffer.writeUInt32LE(16, 16); // fmt chunk size
	buffer.writeUInt16LE(1, 20); // PCM
	buffer.writeUInt16LE(1, 22); // mono
	buffer.writeUInt32LE(sampleRate, 24);
	buffer.writeUInt32LE(sampleRate * 2, 28); // bytes per second
	buffer.writeUInt16LE(2, 32); // bytes per frame
	buffer.writeUInt16LE(16, 34); // bits per sample
	buffer.write('data', 36, 'ascii');
	buffer.writeUInt32LE(samples * 2, 40);
	const fade = sampleRate / 50; // 20 ms in and out, so the tone starts and ends without a click
	for (let i = 0; i < samples; i++) {
		const envelope = Math.min(1, i / fade, (samples - 1 - i) / fade);
		buffer.writeInt16LE(Math.round(0.3 * 32767 * envelope * Math.sin((2 * Math.PI * hz * i) / sampleRate)), 44 + i * 2);
	}
	return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
