import { describe, expect, it } from 'vitest';
import { canonicalIPv6, classifyAddress, isAllowedAddress } from './address-policy';

// Classification only: nothing here opens a socket.
describe('classifyAddress (allow-list of global unicast)', () => {
  it.each([
    ['8.8.8.8'],
    ['93.184.215.14'],
    ['2606:4700:4700::1111'],
    ['2001:4860:4860::8888'],
    ['::ffff:8.8.8.8'], // IPv4-mapped public address
    ['::ffff:808:808'],
    ['64:ff9b::808:808'], // NAT64 of a public address
    ['64:ff9b::8.8.8.8'],
    ['2002:808:808::1'], // 6to4 of a public address
  ])('allows global unicast %s', (address) => {
    expect(classifyAddress(address)).toBe('unicast');
    expect(isAllowedAddress(address, false)).toBe(true);
  });

  it.each([
    // IPv4 special ranges
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.10', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.254', 'carrierGradeNat'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'linkLocal'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.1', 'reserved'], // TEST-NET-1
    ['198.51.100.7', 'reserved'], // TEST-NET-2
    ['203.0.113.9', 'reserved'], // TEST-NET-3
    ['198.18.0.1', 'reserved'], // benchmarking 198.18.0.0/15 (ipaddr.js files it under reserved)
    ['198.19.255.254', 'reserved'],
    ['192.88.99.1', 'reserved'], // former 6to4 relay anycast
    ['240.0.0.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.31.196.1', 'as112'],
    ['192.52.193.1', 'amt'],
    // IPv6 special ranges
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['fec0::1', 'deprecatedSiteLocal'],
    ['ff02::1', 'multicast'],
    ['ff0e::1', 'multicast'],
    ['100::1', 'discard'],
    ['2001:db8::1', 'reserved'], // documentation
    ['3fff::1', 'reserved'], // documentation (RFC 9637)
    ['2001:2::1', 'benchmarking'],
    ['2001:10::1', 'deprecatedOrchid'],
    ['2001:20::1', 'orchid2'],
    ['5f00::1', 'segmentRouting'],
    ['4000::1', 'notGlobalUnicast'], // unassigned: outside 2000::/3
    ['1::1', 'notGlobalUnicast'],
    // IPv4 carried in IPv6
    ['::ffff:127.0.0.1', 'loopback'], // IPv4-mapped
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['::ffff:198.18.0.1', 'reserved'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::127.0.0.1', 'ipv4Compatible'], // deprecated IPv4-compatible: refused whatever it carries
    ['::7f00:1', 'ipv4Compatible'],
    ['::8.8.8.8', 'ipv4Compatible'],
    ['0:0:0:0:0:0:a00:1', 'ipv4Compatible'],
    ['::ffff:0:127.0.0.1', 'rfc6145'], // IPv4-translated
    ['64:ff9b::7f00:1', 'embedded-loopback'], // NAT64
    ['64:ff9b::127.0.0.1', 'embedded-loopback'],
    ['64:ff9b::a00:1', 'embedded-private'],
    ['64:ff9b::a9fe:a9fe', 'embedded-linkLocal'],
    ['64:ff9b:1::808:808', 'nat64LocalUse'],
    ['2002:7f00:1::', 'embedded-loopback'], // 6to4 carries bytes 2-5
    ['2002:7f00:0001:0:0:0:0:1', 'embedded-loopback'],
    ['2002:c0a8:101::1', 'embedded-private'],
    ['2002:a9fe:a9fe::1', 'embedded-linkLocal'],
    ['2002:c612:1::1', 'embedded-reserved'], // 198.18.0.1
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'teredo'], // refused outright, whatever it carries
    ['2001::1', 'teredo'],
    // zone ids and garbage
    ['fe80::1%eth0', 'scoped'],
    ['2606:4700:4700::1111%eth0', 'scoped'],
    ['localhost', 'invalid'],
    ['127.1', 'invalid'], // only canonical forms come from URL parsing and the resolver
    ['0x7f000001', 'invalid'],
    ['', 'invalid'],
  ])('refuses %s (%s)', (address, range) => {
    expect(classifyAddress(address)).toBe(range);
    expect(isAllowedAddress(address, false)).toBe(false);
  });

  it('allows only loopback and private ranges when private targets are allowed (development, tests)', () => {
    for (const address of ['127.0.0.1', '::1', '10.0.0.1', '192.168.1.1', '::ffff:127.0.0.1', 'fd00::1']) {
      expect(isAllowedAddress(address, true), address).toBe(true);
    }
    for (const address of ['169.254.169.254', 'fe80::1', '100.64.0.1', '0.0.0.0', '::', '224.0.0.1', '198.18.0.1', '::127.0.0.1', '64:ff9b::7f00:1', '2002:7f00:1::', 'fe80::1%eth0']) {
      expect(isAllowedAddress(address, true), address).toBe(false);
    }
  });
});

describe('canonicalIPv6', () => {
  it('writes IPv4-carrying forms in hex, so the string connected to is the one classified', () => {
    expect(canonicalIPv6('::127.0.0.1')).toBe('::7f00:1');
    expect(canonicalIPv6('::ffff:127.0.0.1')).toBe('::ffff:7f00:1');
    expect(canonicalIPv6('2606:4700:4700:0:0:0:0:1111')).toBe('2606:4700:4700::1111');
  });
});
