import dns from 'node:dns';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo, LookupFunction } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fetchPinned, OutboundPolicy, OutboundTarget, pinnedLookup, ResolvedAddress, resolvePublicTarget } from './outbound-request';

// No test here sends a packet anywhere but 127.0.0.1: names are answered by injected resolvers, public addresses
// are only classified, and the system resolver is stubbed to fail loudly if anything reaches it.
let systemLookups: string[] = [];
beforeEach(() => {
  systemLookups = [];
  vi.spyOn(dns, 'lookup').mockImplementation(((hostname: string) => {
    systemLookups.push(hostname);
    throw new Error(`system DNS must not be used (${hostname})`);
  }) as unknown as typeof dns.lookup);
  vi.spyOn(dns.promises, 'lookup').mockImplementation(async (hostname: string) => {
    systemLookups.push(hostname);
    throw new Error(`system DNS must not be used (${hostname})`);
  });
});
afterEach(() => vi.restoreAllMocks());

const answers = (...addresses: string[]) => async (): Promise<ResolvedAddress[]> =>
  addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
const production = (resolve?: OutboundPolicy['resolve']): OutboundPolicy => ({ field: 'callbackUrl', allowPrivate: false, resolve });
const development = (resolve?: OutboundPolicy['resolve']): OutboundPolicy => ({ field: 'callbackUrl', allowPrivate: true, resolve });

async function refusal(url: string, policy: OutboundPolicy): Promise<string> {
  const err = await resolvePublicTarget(url, policy).then(
    () => expect.unreachable(`${url} was accepted`),
    (e: unknown) => e,
  );
  expect(err, url).toMatchObject({ code: 'VALIDATION_FAILED', details: { fields: [{ field: 'callbackUrl' }] } });
  return (err as Error).message;
}

describe('resolvePublicTarget', () => {
  it('refuses non-public literal addresses in every notation, naming the field', async () => {
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://2130706433/', // decimal 127.0.0.1
      'http://0x7f.1/', // hex + short form
      'http://0177.0.0.1/', // octal
      'http://127.1/',
      'http://0.0.0.0/',
      'http://0/',
      'http://10.1.2.3/',
      'http://192.168.0.10/',
      'http://172.16.5.4/',
      'http://100.64.0.1/',
      'http://169.254.169.254/latest/meta-data',
      'http://198.18.0.1/',
      'http://192.0.2.1/',
      'http://203.0.113.1/',
      'http://240.0.0.1/',
      'http://224.0.0.1/',
      'http://255.255.255.255/',
      'http://[::]/',
      'http://[::1]/',
      'http://[0:0:0:0:0:0:0:1]/',
      'http://[::127.0.0.1]/', // IPv4-compatible
      'http://[::ffff:127.0.0.1]/', // IPv4-mapped
      'http://[::ffff:7f00:1]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://[64:ff9b::7f00:1]/', // NAT64
      'http://[64:ff9b::127.0.0.1]/',
      'http://[2002:7f00:1::]/', // 6to4
      'http://[2002:a9fe:a9fe::1]/',
      'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', // Teredo
      'http://[fec0::1]/', // site-local
      'http://[fe80::1]/',
      'http://[fc00::1]/',
      'http://[ff02::1]/',
      'http://[2001:db8::1]/',
    ]) {
      expect(await refusal(url, production()), url).toBe('callbackUrl must point to a public address');
    }
    expect(systemLookups).toEqual([]);
  });

  it('refuses other schemes, credentials, zone ids and unparseable URLs', async () => {
    for (const [url, why] of [
      ['ftp://example.com/x', 'must be http(s)'],
      ['file:///etc/passwd', 'must be http(s)'],
      ['gopher://127.0.0.1:6379/_INFO', 'must be http(s)'],
      ['ws://example.com/', 'must be http(s)'],
      ['http://user:pw@example.com/', 'must not contain credentials'],
      ['http://user@example.com/', 'must not contain credentials'],
      ['http://[fe80::1%25eth0]/', 'is not a valid URL'], // WHATWG URLs have no zone ids
      ['http://[fe80::1%eth0]/', 'is not a valid URL'],
      ['not a url', 'is not a valid URL'],
      ['http://256.0.0.1/', 'is not a valid URL'],
    ]) {
      expect(await refusal(url!, production(answers('8.8.8.8'))), url).toBe(`callbackUrl ${why}`);
    }
  });

  it('checks every address a name resolves to', async () => {
    for (const resolve of [
      answers('127.0.0.1'),
      answers('8.8.8.8', '10.0.0.1'), // one bad answer is enough: the socket layer may pick any
      answers('2606:4700:4700::1111', '::ffff:127.0.0.1'),
      answers('::127.0.0.1'),
      answers('64:ff9b::a00:1'),
      answers('fe80::1%eth0'),
      answers('198.18.0.1'),
      answers('ff02::1'),
    ]) {
      expect(await refusal('https://hooks.example/x', production(resolve))).toBe('callbackUrl must point to a public address');
    }
    expect(await refusal('https://hooks.example/x', production(answers()))).toBe('callbackUrl does not resolve');
    const failing = async (): Promise<ResolvedAddress[]> => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect(await refusal('https://hooks.example/x', production(failing))).toBe('callbackUrl does not resolve');
  });

  it('accepts public targets (classified only, never contacted) and pins their canonical addresses', async () => {
    const resolve = vi.fn(answers('8.8.8.8', '2606:4700:4700:0:0:0:0:1111', '::ffff:8.8.4.4'));
    const named = await resolvePublicTarget('https://Hooks.Example:8443/a?b=1', production(resolve));
    expect(resolve).toHaveBeenCalledExactlyOnceWith('hooks.example');
    expect(named.host).toBe('hooks.example');
    expect(named.addresses).toEqual([
      { address: '8.8.8.8', family: 4 },
      { address: '2606:4700:4700::1111', family: 6 },
      { address: '::ffff:808:404', family: 6 },
    ]);
    const literal = await resolvePublicTarget('http://[2606:4700:4700::1111]/', production(resolve));
    expect(literal).toMatchObject({ host: '2606:4700:4700::1111', addresses: [{ address: '2606:4700:4700::1111', family: 6 }] });
    expect((await resolvePublicTarget('https://8.8.8.8/hook', production(resolve))).host).toBe('8.8.8.8');
    expect(resolve).toHaveBeenCalledOnce(); // literals are not resolved
  });

  it('with private targets allowed, accepts loopback and private but still refuses the rest', async () => {
    await expect(resolvePublicTarget('http://127.0.0.1:9/hook', development())).resolves.toMatchObject({ host: '127.0.0.1' });
    await expect(resolvePublicTarget('http://[::1]:9/hook', development())).resolves.toMatchObject({ host: '::1' });
    await expect(resolvePublicTarget('http://svc.internal/', development(answers('10.0.0.7')))).resolves.toMatchObject({ host: 'svc.internal' });
    for (const url of ['http://169.254.169.254/', 'http://0.0.0.0/', 'http://[::127.0.0.1]/', 'http://[64:ff9b::7f00:1]/', 'http://198.18.0.1/']) {
      expect(await refusal(url, development()), url).toBe('callbackUrl must point to a public address');
    }
  });

  it('asks the system resolver for every address of a name when none is injected', async () => {
    const lookup = vi.mocked(dns.promises.lookup).mockResolvedValueOnce([
      { address: '8.8.8.8', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ] as never);
    expect(await refusal('http://rebind.example/', production())).toBe('callbackUrl must point to a public address');
    expect(lookup).toHaveBeenCalledWith('rebind.example', { all: true, verbatim: true });
  });
});

describe('pinnedLookup (DNS rebinding)', () => {
  const lookupOnce = (lookup: LookupFunction, hostname: string, options: dns.LookupOptions) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }>((done) =>
      lookup(hostname, options, (err, address, family) => done({ err, address, family })),
    );

  it('answers only with the addresses that were checked, however DNS answers later', async () => {
    // A rebinding name: public when checked, loopback on every later query.
    let queries = 0;
    const rebinding = async (): Promise<ResolvedAddress[]> => [{ address: queries++ === 0 ? '93.184.215.14' : '127.0.0.1', family: 4 }];
    const target = await resolvePublicTarget('http://rebind.example/hook', production(rebinding));
    expect(await rebinding()).toEqual([{ address: '127.0.0.1', family: 4 }]); // DNS has switched
    const lookup = pinnedLookup(target);
    expect(await lookupOnce(lookup, 'rebind.example', { all: true })).toEqual({ err: null, address: [{ address: '93.184.215.14', family: 4 }], family: undefined });
    expect(await lookupOnce(lookup, 'rebind.example', {})).toEqual({ err: null, address: '93.184.215.14', family: 4 });
    expect(await lookupOnce(lookup, 'rebind.example', { family: 4 })).toMatchObject({ address: '93.184.215.14' });
    expect((await lookupOnce(lookup, 'rebind.example', { family: 6 })).err?.code).toBe('ENOTFOUND');
    expect((await lookupOnce(lookup, 'other.example', {})).err?.code).toBe('ENOTFOUND');
    expect(queries).toBe(2); // the check, and this test's own look: the pinned lookup never asks
    expect(systemLookups).toEqual([]);
  });

  it('filters by the family the socket asks for', async () => {
    const target: OutboundTarget = await resolvePublicTarget('http://dual.example/', production(answers('2606:4700:4700::1111', '8.8.8.8')));
    const lookup = pinnedLookup(target);
    expect(await lookupOnce(lookup, 'dual.example', { family: 'IPv6', all: true })).toMatchObject({ address: [{ address: '2606:4700:4700::1111', family: 6 }] });
    expect(await lookupOnce(lookup, 'dual.example', { family: 4 })).toMatchObject({ address: '8.8.8.8', family: 4 });
  });
});

describe('fetchPinned (end to end on 127.0.0.1 only)', () => {
  type Seen = { method?: string; url?: string; headers: IncomingHttpHeaders; body: string };
  const seen: Seen[] = [];
  let reply: (res: import('node:http').ServerResponse) => void = (res) => res.end();
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        reply(res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    seen.length = 0;
    reply = (res) => res.end('ok');
  });

  it('connects a name to the checked address without asking DNS again, and sends the request as given', async () => {
    const resolve = vi.fn(answers('127.0.0.1'));
    const target = await resolvePublicTarget(`http://hooks.example:${port}/in?x=1`, development(resolve));
    reply = (res) => res.writeHead(201, { 'x-reply': 'yes' }).end('created');
    const res = await fetchPinned(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}', timeoutMs: 5_000 });
    expect(res).toMatchObject({ status: 201, headers: { 'x-reply': 'yes' } });
    expect(res.body.toString()).toBe('created');
    expect(seen).toEqual([
      expect.objectContaining({ method: 'POST', url: '/in?x=1', body: '{"a":1}', headers: expect.objectContaining({ host: `hooks.example:${port}` }) }),
    ]);
    expect(resolve).toHaveBeenCalledOnce();
    expect(systemLookups).toEqual([]); // 'hooks.example' exists nowhere: only the pin could connect it
  });

  it('connects an IP literal directly', async () => {
    const res = await fetchPinned(await resolvePublicTarget(`http://127.0.0.1:${port}/`, development()), { timeoutMs: 5_000 });
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(1);
  });

  it('does not follow redirects: a 3xx comes back as it is', async () => {
    reply = (res) => res.writeHead(302, { location: `http://127.0.0.1:${port}/elsewhere` }).end();
    const res = await fetchPinned(await resolvePublicTarget(`http://127.0.0.1:${port}/start`, development()), { method: 'POST', timeoutMs: 5_000 });
    expect(res.status).toBe(302);
    expect(seen.map((s) => s.url)).toEqual(['/start']);
  });

  it('caps the response body, can discard it, and times out', async () => {
    const target = await resolvePublicTarget(`http://127.0.0.1:${port}/`, development());
    reply = (res) => res.end(Buffer.alloc(2048, 1));
    await expect(fetchPinned(target, { timeoutMs: 5_000, maxResponseBytes: 1024 })).rejects.toThrow('response body larger than 1024 bytes');
    await expect(fetchPinned(target, { timeoutMs: 5_000, maxResponseBytes: 1024, discardBody: true })).resolves.toMatchObject({ status: 200, body: Buffer.alloc(0) });
    reply = () => undefined; // never answers
    const started = Date.now();
    await expect(fetchPinned(target, { timeoutMs: 300 })).rejects.toThrow('no complete response within 300 ms');
    expect(Date.now() - started).toBeLessThan(3_000);
    reply = (res) => res.writeHead(200).write('partial'); // headers, then a body that never ends
    await expect(fetchPinned(target, { timeoutMs: 300 })).rejects.toThrow('no complete response within 300 ms');
  });
});
