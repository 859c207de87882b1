import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';

/** Ranges a development or test deployment may reach when private targets are allowed (never in production). */
const PRIVATE_RANGES = new Set(['loopback', 'private', 'uniqueLocal']);

/**
 * Classifies an IP address for outbound requests to user-supplied URLs. Returns 'unicast' only for a globally
 * routable unicast address; anything else gets the name of the range that excludes it. This is an allow-list:
 * an address ipaddr.js does not name is still refused unless it is in IPv6 global unicast space (2000::/3).
 * Addresses that carry an IPv4 address are judged by that IPv4 address.
 */
export function classifyAddress(address: string): string {
  if (address.includes('%')) return 'scoped'; // a zone id only makes sense for link-local targets
  const family = isIP(address);
  if (family === 4) return ipaddr.IPv4.parse(address).range();
  if (family !== 6) return 'invalid';
  const ip = ipaddr.IPv6.parse(canonicalIPv6(address));
  const range: string = ip.range();
  const bytes = ip.toByteArray();
  switch (range) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d is the IPv4 host itself
      return ipv4Range(bytes.slice(12));
    case 'rfc6052': // NAT64: only the well-known 64:ff9b::/96 with a public IPv4 inside; 64:ff9b:1::/48 is local use
      return ip.parts.slice(2, 6).every((p) => p === 0) ? viaTranslator(ipv4Range(bytes.slice(12))) : 'nat64LocalUse';
    case '6to4': // 2002:AABB:CCDD::/48 carries IPv4 AA.BB.CC.DD
      return viaTranslator(ipv4Range(bytes.slice(2, 6)));
    case 'unicast':
      // ipaddr.js calls every address it has no name for 'unicast', including IPv4-compatible ::a.b.c.d.
      if (bytes.slice(0, 12).every((b) => b === 0)) return 'ipv4Compatible';
      return (bytes[0]! & 0xe0) === 0x20 ? 'unicast' : 'notGlobalUnicast';
    default: // teredo, rfc6145, deprecatedSiteLocal, discard, benchmarking, reserved, multicast, ...
      return range;
  }
}

/** True when `address` may be contacted: global unicast, or loopback/private when `allowPrivate` (dev and tests). */
export function isAllowedAddress(address: string, allowPrivate: boolean): boolean {
  const range = classifyAddress(address);
  return range === 'unicast' || (allowPrivate && PRIVATE_RANGES.has(range));
}

/**
 * ipaddr.js reads the deprecated `::a.b.c.d` as `::ffff:a.b.c.d`; the socket layer does not. The WHATWG URL
 * serialiser writes IPv6 in plain hex, so the address checked is the address connected to.
 */
export function canonicalIPv6(address: string): string {
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

function ipv4Range(octets: number[]): string {
  return new ipaddr.IPv4(octets).range();
}

/** Through a translator or relay the target must be public: "private" there is someone else's network. */
function viaTranslator(range: string): string {
  return range === 'unicast' ? 'unicast' : `embedded-${range}`;
}
