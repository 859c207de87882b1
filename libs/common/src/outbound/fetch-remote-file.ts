import { DomainError } from '../domain-error';
import { fetchPinned, OutboundPolicy, OutboundRequestError, resolvePublicTarget } from './outbound-request';

export interface RemoteFileLimits extends OutboundPolicy {
  /** Whole fetch, redirects included. */
  timeoutMs: number;
  /** A longer body → 413, read no further. */
  maxBytes: number;
  maxRedirects?: number;
}

export interface RemoteFile {
  /** Last path segment of the final URL, for display only. */
  filename: string;
  data: Buffer;
}

/**
 * GETs a user-supplied URL under the outbound policy: every hop (redirects included) is resolved and checked, then
 * connected to its checked address; the body is read up to `maxBytes`. Failures are client errors naming the field:
 * a refused address is 400 VALIDATION_FAILED, a body too large 413, anything else 422 IMAGE_FETCH_FAILED with the reason.
 * The bytes are not trusted: callers sniff them like an upload.
 */
export async function fetchRemoteFile(url: string, limits: RemoteFileLimits): Promise<RemoteFile> {
  const deadline = Date.now() + limits.timeoutMs;
  const maxRedirects = limits.maxRedirects ?? 3;
  let current = url;
  for (let hop = 0; hop <= maxRedirects; hop++) {
    const target = await resolvePublicTarget(current, limits);
    const timeoutMs = deadline - Date.now();
    if (timeoutMs <= 0) throw fetchFailed(limits.field, `no complete response within ${limits.timeoutMs} ms`);
    const response = await fetchPinned(target, {
      timeoutMs,
      maxResponseBytes: limits.maxBytes,
      headers: { accept: 'image/*', 'user-agent': 'Lumiku-ImageFetcher/1' },
    }).catch((err: unknown) => {
      if (err instanceof OutboundRequestError && err.reason === 'too_large') {
        throw new DomainError('PAYLOAD_TOO_LARGE', `${limits.field}: the image is larger than ${limits.maxBytes} bytes`, { field: limits.field });
      }
      if (err instanceof OutboundRequestError && err.reason === 'timeout') {
        throw fetchFailed(limits.field, `no complete response within ${limits.timeoutMs} ms`);
      }
      throw fetchFailed(limits.field, 'the server could not be reached');
    });
    const location = response.headers.location;
    if (response.status >= 300 && response.status < 400 && location) {
      current = new URL(location, target.url).toString(); // the next hop is checked like the first
      continue;
    }
    if (response.status !== 200) throw fetchFailed(limits.field, `the server answered HTTP ${response.status}`);
    if (response.body.length === 0) throw fetchFailed(limits.field, 'the server sent an empty body');
    return { filename: decodeURIComponentSafe(target.url.pathname.split('/').pop() ?? ''), data: response.body };
  }
  throw fetchFailed(limits.field, `more than ${maxRedirects} redirects`);
}

function fetchFailed(field: string, reason: string): DomainError {
  return new DomainError('IMAGE_FETCH_FAILED', `Could not fetch ${field}: ${reason}`, { field, reason });
}

function decodeURIComponentSafe(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
