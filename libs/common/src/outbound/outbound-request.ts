import { promises as dns } from 'node:dns';
import { request as httpRequest, IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { DomainError } from '../domain-error';
import { canonicalIPv6, isAllowedAddress } from './address-policy';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface OutboundPolicy {
  /** The request field the URL came from; named in validation errors (e.g. `webhookUrl`). */
  field: string;
  /** Development and tests only: also allow loopback and private addresses. */
  allowPrivate: boolean;
  /** Name resolution; defaults to the system resolver. Injectable so tests never query DNS. */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
}

/** A URL whose host was resolved once and whose every address passed the policy. Connect only to these. */
export interface OutboundTarget {
  readonly url: URL;
  /** Host as given to the socket layer: the name (for SNI, certificate and Host) or the bare IP literal. */
  readonly host: string;
  readonly addresses: readonly ResolvedAddress[];
}

/**
 * Guards requests to user-supplied URLs against SSRF: http(s) only, no credentials, and the host must resolve
 * only to addresses the policy allows. Call it when the URL is accepted and again right before each request,
 * then connect with {@link fetchPinned} so a DNS answer that changes after the check cannot redirect it.
 */
export async function resolvePublicTarget(raw: string, policy: OutboundPolicy): Promise<OutboundTarget> {
  let url: URL;
  try {
    url = new URL(raw); // WHATWG parsing also turns 2130706433 or 0x7f.1 into 127.0.0.1
  } catch {
    throw invalid(policy.field, 'is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(policy.field, 'must be http(s)');
  if (url.username || url.password) throw invalid(policy.field, 'must not contain credentials');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = isIP(host);
  let addresses: ResolvedAddress[];
  if (literal) {
    addresses = [{ address: host, family: literal as 4 | 6 }];
  } else {
    addresses = await (policy.resolve ?? systemResolve)(host).catch(() => []);
  }
  if (addresses.length === 0) throw invalid(policy.field, 'does not resolve');
  // Every address must pass: the socket layer may pick any of them.
  if (!addresses.every((a) => isAllowedAddress(a.address, policy.allowPrivate))) {
    throw invalid(policy.field, 'must point to a public address');
  }
  const pinned = addresses.map((a) => ({ address: a.family === 6 ? canonicalIPv6(a.address) : a.address, family: a.family }));
  return { url, host: literal ? pinned[0]!.address : host, addresses: pinned };
}

/** A `lookup` for the socket layer that answers only with the target's checked addresses and never asks DNS. */
export function pinnedLookup(target: OutboundTarget): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    const candidates = target.addresses.filter((a) => !family || a.family === family);
    if (hostname !== target.host || candidates.length === 0) {
      const err: NodeJS.ErrnoException = new Error(`no checked address for ${hostname}`);
      err.code = 'ENOTFOUND';
      return callback(err, '');
    }
    if (options.all) return callback(null, candidates.map((a) => ({ ...a })));
    callback(null, candidates[0]!.address, candidates[0]!.family);
  };
}

export interface PinnedRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Whole exchange: connect, response and body. */
  timeoutMs: number;
  /** A longer response body rejects. Default 1 MiB. */
  maxResponseBytes?: number;
  /** Resolve as soon as the status arrives and drop the body (e.g. webhooks). */
  discardBody?: boolean;
}

/** Why an outbound exchange failed before a complete response arrived. */
export class OutboundRequestError extends Error {
  constructor(
    readonly reason: 'timeout' | 'too_large' | 'network',
    message: string,
  ) {
    super(message);
    this.name = 'OutboundRequestError';
  }
}

export interface PinnedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One HTTP(S) request to a target from {@link resolvePublicTarget}, connected only to its checked addresses.
 * Redirects are never followed: a 3xx is returned like any other status. TLS still verifies the host name.
 */
export function fetchPinned(target: OutboundTarget, init: PinnedRequest): Promise<PinnedResponse> {
  const maxBytes = init.maxResponseBytes ?? 1024 * 1024;
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  const signal = AbortSignal.timeout(init.timeoutMs);
  return new Promise((resolve, reject) => {
    const req = send(
      {
        host: target.host,
        port: target.url.port || undefined,
        path: `${target.url.pathname}${target.url.search}`,
        method: init.method ?? 'GET',
        headers: init.headers,
        lookup: pinnedLookup(target),
        agent: false, // a fresh socket: never one pooled for another target
        signal,
      },
      (res) => {
        const result = { status: res.statusCode ?? 0, headers: res.headers };
        if (init.discardBody) {
          res.destroy();
          return resolve({ ...result, body: Buffer.alloc(0) });
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            reject(new OutboundRequestError('too_large', `response body larger than ${maxBytes} bytes`));
            return res.destroy(); // a later 'end' cannot resolve: the promise is already settled
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ ...result, body: Buffer.concat(chunks) }));
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end(init.body);

    function fail(err: Error): void {
      reject(
        signal.aborted
          ? new OutboundRequestError('timeout', `no complete response within ${init.timeoutMs} ms`)
          : new OutboundRequestError('network', err.message),
      );
    }
  });
}

async function systemResolve(hostname: string): Promise<ResolvedAddress[]> {
  const found = await dns.lookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

function invalid(field: string, why: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `${field} ${why}`, { fields: [{ field, errors: [why] }] });
}
