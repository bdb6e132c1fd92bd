import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { prepareSharedImage, SHARED_IMAGE_MAX_SIDE } from '../../src/lib/server/shares/images';

const solid = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#c2410c' } });

/** A PNG whose header declares this size, with almost no pixel data: a few bytes that would decode to gigabytes. */
function pngHeader(width: number, height: number): Uint8Array {
	const chunk = (type: string, data: Buffer) => {
		const length = Buffer.alloc(4);
		length.writeUInt32BE(data.length);
		const crc = Buffer.alloc(4);
		crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type), data])));
		return Buffer.concat([length, Buffer.from(type), data, crc]);
	};
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header.set([8, 2, 0, 0, 0], 8);
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.alloc(16))), chunk('IEND', Buffer.alloc(0))]);
}

describe('a shared picture is prepared before it is kept', () => {
	it('drops EXIF (camera, location) and every other metadata block', async () => {
		const photo = await solid(64, 48)
			.jpeg()
			.withExif({ IFD0: { Make: 'PhoneMaker', Copyright: 'Someone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1' } })
			.toBuffer();
		expect((await sharp(photo).metadata()).exif).toBeDefined();
		const prepared = await prepareSharedImage(photo);
		if (!prepared.ok) throw new Error(prepared.reason);
		const meta = await sharp(prepared.image.bytes).metadata();
		expect(meta.format).toBe('jpeg');
		expect(meta.exif).toBeUndefined();
		expect(meta.icc).toBeUndefined();
		expect(Buffer.from(prepared.image.bytes).includes('PhoneMaker')).toBe(false);
	});

	it('turns a photo upright by its EXIF orientation', async () => {
		// 6: the camera was turned; the stored 200×100 pixels are shown rotated, 100 wide and 200 high.
		const sideways = await solid(200, 100).jpeg().withMetadata({ orientation: 6 }).toBuffer();
		const prepared = await prepareSharedImage(sideways);
		if (!prepared.ok) throw new Error(prepared.reason);
		const meta = await sharp(prepared.image.bytes).metadata();
		expect([meta.width, meta.height]).toEqual([100, 200]);
		expect(meta.orientation).toBeUndefined();
	});

	it('bounds a large picture to the longest side kept, never enlarging a small one', async () => {
		const large = await solid(4000, 3000).png().toBuffer();
		const prepared = await prepareSharedImage(large);
		if (!prepared.ok) throw new Error(prepared.reason);
		const meta = await sharp(prepared.image.bytes).metadata();
		expect([meta.width, meta.height]).toEqual([SHARED_IMAGE_MAX_SIDE, 1536]);

		const small = await prepareSharedImage(await solid(300, 200).webp().toBuffer());
		if (!small.ok) throw new Error(small.reason);
		const smallMeta = await sharp(small.image.bytes).metadata();
		expect([smallMeta.width, smallMeta.height]).toEqual([300, 200]);
	});

	it('refuses a picture declaring more pixels than are read, before decoding it', async () => {
		const prepared = await prepareSharedImage(pngHeader(20_000, 20_000));
		expect(prepared).toMatchObject({ ok: false, code: 'image_too_large', reason: expect.stringContaining('20000×20000') });
	});

	it('refuses what is not a picture, whatever its name or type said', async () => {
		for (const bytes of [Buffer.from('%PDF-1.7\n'), Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), Buffer.from('just text')]) {
			expect(await prepareSharedImage(bytes)).toMatchObject({ ok: false, code: 'unsupported_image' });
		}
		// A JPEG's first bytes, then nothing: recognised, and still refused.
		expect(await prepareSharedImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]))).toMatchObject({ ok: false, code: 'unsupported_image' });
	});

	it('says how to share a HEIC photo this server cannot read', async () => {
		const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic'), Buffer.alloc(64)]);
		expect(await prepareSharedImage(heic)).toMatchObject({ ok: false, code: 'unsupported_image', reason: expect.stringContaining('JPEG') });
	});
});
