import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isLanAddress, isPublicAddress } from './address';
import { BlockedAddressError } from './errors';

/**
 * How host names resolve and which addresses may be reached. Production always uses
 * `systemPolicy`; tests pass their own through SafeFetchOptions.policy to stage DNS answers.
 */
export interface AddressPolicy {
	resolve(hostname: string, options: LookupOptions): Promise<LookupAddress[]>;
	isPublic(address: string): boolean;
}

export const systemPolicy: AddressPolicy = {
	resolve: (hostname, options) =>
		new Promise((resolve, reject) =>
			dnsLookup(hostname, { ...options, all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)))
		),
	isPublic: isPublicAddress
};

/** For fetches allowed into private space: still never link-local (cloud metadata) and the like. */
export const lanPolicy: AddressPolicy = { resolve: systemPolicy.resolve, isPublic: isLanAddress };

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
export type LookupFunction = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

/**
 * A `lookup` for net/tls connect that refuses the connection when any answer is not public. It
 * runs inside the connection, so the socket goes to exactly the address that was checked: DNS
 * rebinding has no gap between check and use, and every new connection is checked afresh.
 */
export function guardedLookupWith(policy: AddressPolicy): LookupFunction {
	return (hostname, options, callback) => {
		policy.resolve(hostname, options).then(
			(list) => {
				const blocked = list.find((a) => !policy.isPublic(a.address));
				if (blocked) return callback(new BlockedAddressError(hostname, blocked.address) as unknown as NodeJS.ErrnoException, []);
				const first = list[0];
				if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
				if (options.all) return callback(null, list);
				callback(null, first.address, first.family);
			},
			(err: NodeJS.ErrnoException) => callback(err, [])
		);
	};
}

export const guardedLookup = guardedLookupWith(systemPolicy);
