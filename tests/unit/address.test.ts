import { describe, expect, it } from 'vitest';
import { isLanAddress, isPublicAddress } from '../../src/lib/server/net/address';

describe('isPublicAddress', () => {
	it.each([
		'127.0.0.1', '127.1.2.3', '0.0.0.0', '10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.1.1',
		'169.254.169.254', '100.64.0.1', '100.127.255.255', '224.0.0.1', '255.255.255.255', '240.0.0.1',
		'198.18.0.1', '192.0.2.1', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1',
		'::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '64:ff9b::a00:1', '2002:a00:1::1',
		'2001::1', 'not an ip', ''
	])('refuses %s', (address) => {
		expect(isPublicAddress(address)).toBe(false);
	});

	it.each(['93.184.216.34', '1.1.1.1', '8.8.8.8', '2606:4700:4700::1111', '::ffff:93.184.216.34', '64:ff9b::5db8:d822'])(
		'allows %s',
		(address) => {
			expect(isPublicAddress(address)).toBe(true);
		}
	);
});

describe('isLanAddress (where a person’s own server may be)', () => {
	it('allows public, private, loopback, CGNAT and unique-local addresses', () => {
		for (const a of ['93.184.216.34', '192.168.1.20', '10.0.0.5', '172.16.3.4', '127.0.0.1', '::1', '100.64.0.9', 'fd12:3456::1', '2606:4700::1111', '::ffff:192.168.1.20']) {
			expect(isLanAddress(a), a).toBe(true);
		}
	});

	it('refuses link-local (cloud metadata), multicast, broadcast, unspecified and non-addresses, in every spelling', () => {
		for (const a of ['169.254.169.254', '169.254.0.1', 'fe80::1', '::ffff:169.254.169.254', '64:ff9b::a9fe:a9fe', '224.0.0.1', 'ff02::1', '255.255.255.255', '0.0.0.0', '::', 'example.com', '']) {
			expect(isLanAddress(a), a).toBe(false);
		}
	});
});
