import ipaddr from 'ipaddr.js';

/** The IPv4 address in the low 32 bits of an IPv6 address (NAT64 / SIIT forms). */
function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 {
	const [hi = 0, lo = 0] = v6.parts.slice(-2);
	return new ipaddr.IPv4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
}

/**
 * True only for globally routable unicast addresses. Everything a server-side fetch must never
 * reach is refused: loopback, private (RFC 1918), link-local (incl. cloud metadata 169.254.169.254
 * and fe80::/10), CGNAT 100.64/10, multicast, broadcast, reserved and benchmarking ranges,
 * unique-local fc00::/7, 6to4 and Teredo. IPv4-mapped and NAT64 (DNS64 networks) addresses are
 * judged by the IPv4 address they carry.
 */
export function isPublicAddress(address: string): boolean {
	return rangeOf(address) === 'unicast';
}

/** The ranges a fetch allowed into private space (the person's own Tandoor or Mealie, tests) may reach. */
const LAN_RANGES = new Set(['unicast', 'private', 'loopback', 'carrierGradeNat', 'uniqueLocal']);

/**
 * True for public, private, loopback and unique-local addresses: where a person's own server may
 * be. Link-local is not among them, so a target URL cannot reach a cloud metadata service
 * (169.254.169.254, fe80::), nor can it be multicast, broadcast, unspecified or reserved.
 */
export function isLanAddress(address: string): boolean {
	const range = rangeOf(address);
	return range !== null && LAN_RANGES.has(range);
}

function rangeOf(address: string): string | null {
	if (!ipaddr.isValid(address)) return null;
	let ip = ipaddr.parse(address);
	if (ip.kind() === 'ipv6') {
		const v6 = ip as ipaddr.IPv6;
		if (v6.isIPv4MappedAddress()) ip = v6.toIPv4Address();
		else if (v6.range() === 'rfc6052' || v6.range() === 'rfc6145') ip = embeddedIPv4(v6);
	}
	return ip.range();
}
