import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { DomainError } from './domain-error';

/** Loopback, private, link-local (cloud metadata), CGNAT and unspecified ranges: never a webhook target in production. */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

/**
 * Guards outbound requests to user-supplied URLs (webhooks) against SSRF: the host must resolve only to public
 * addresses unless `allowPrivate` (development and tests). Checked when the URL is accepted and again right before
 * each delivery (DNS can change in between).
 */
export async function assertPublicHttpUrl(raw: string, allowPrivate: boolean): Promise<void> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('must be http(s)');
  if (url.username || url.password) throw invalid('must not contain credentials');
  if (allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true }).catch(() => []);
  if (addresses.length === 0) throw invalid('does not resolve');
  for (const { address, family } of addresses) {
    if (PRIVATE.check(address, family === 6 ? 'ipv6' : 'ipv4')) throw invalid('must point to a public address');
  }
}

function invalid(why: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `webhookUrl ${why}`, { fields: [{ field: 'webhookUrl', errors: [why] }] });
}
