import {
  InferenceClientHubApiError,
  InferenceClientInputError,
  InferenceClientProviderApiError,
  InferenceClientProviderOutputError,
  InferenceClientRoutingError,
} from '@huggingface/inference';
import { ProviderError } from '../../ai-provider.types';
import type { ResponseProbe } from './hf-response-probe';

/** One failed attempt, classified. `retryAfterMs` is the server's own hint (503 estimated_time, Retry-After). */
export interface HfFailure {
  transient: boolean;
  message: string;
  status?: number;
  retryAfterMs?: number;
  requestId?: string;
}

/** Statuses worth retrying besides 5xx: 408 request timeout, 425 too early, 429 rate limited. */
const TRANSIENT_4XX = new Set([408, 425, 429]);

export function isTransientStatus(status: number): boolean {
  return status >= 500 || TRANSIENT_4XX.has(status);
}

/**
 * Classifies what one attempt threw. Verified against @huggingface/inference 4.13 (src/utils/request.ts):
 * non-2xx → InferenceClientProviderApiError with httpResponse {status, requestId, body: parsed JSON or text};
 * a 2xx of the wrong shape → InferenceClientProviderOutputError; bad arguments → InferenceClientInputError;
 * a network failure is fetch's own TypeError; a JSON body that does not parse surfaces as a SyntaxError.
 */
export function classifyHfError(err: unknown, probe: ResponseProbe, timedOutAfterMs?: number): HfFailure {
  const requestId = probe.requestId || undefined;
  if (timedOutAfterMs !== undefined) {
    return { transient: true, message: `no complete response within ${timedOutAfterMs} ms`, requestId };
  }
  if (err instanceof ProviderError) {
    return { transient: err.transient, message: err.message, status: err.extra.status, requestId };
  }
  if (err instanceof InferenceClientProviderApiError || err instanceof InferenceClientHubApiError) {
    const { status, body } = err.httpResponse;
    return {
      transient: isTransientStatus(status),
      message: `HTTP ${status}: ${err.message}`,
      status,
      retryAfterMs: retryAfterMs(status, body, probe.retryAfter),
      requestId: err.httpResponse.requestId || requestId,
    };
  }
  if (err instanceof InferenceClientProviderOutputError) {
    return { transient: false, message: `malformed response: ${err.message}`, status: probe.status, requestId };
  }
  if (err instanceof InferenceClientInputError || err instanceof InferenceClientRoutingError) {
    return { transient: false, message: err.message, requestId };
  }
  const reason = err instanceof Error ? err.message : String(err);
  if (probe.status === undefined) {
    // No response at all: DNS, refused, reset. The network or the endpoint may recover.
    return { transient: true, message: `network error: ${reason}`, requestId };
  }
  if (probe.status >= 200 && probe.status < 300) {
    // A success status with a body the library could not read (e.g. invalid JSON).
    return { transient: false, message: `malformed response: ${reason}`, status: probe.status, requestId };
  }
  return {
    transient: isTransientStatus(probe.status),
    message: `HTTP ${probe.status}: ${reason}`,
    status: probe.status,
    retryAfterMs: retryAfterMs(probe.status, undefined, probe.retryAfter),
    requestId,
  };
}

/** Retry-After (seconds or an HTTP date) wins; a 503 "model loading" body's `estimated_time` (seconds) next. */
function retryAfterMs(status: number, body: unknown, retryAfterHeader: string | undefined): number | undefined {
  const fromHeader = parseRetryAfter(retryAfterHeader);
  if (fromHeader !== undefined) return fromHeader;
  if (status === 503 && body !== null && typeof body === 'object' && 'estimated_time' in body) {
    const seconds = Number(body.estimated_time);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  }
  return undefined;
}

export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  // HTTP-date ("Sun, 06 Nov 1994 08:49:37 GMT"); Date.parse alone would accept "-5" as a year.
  if (!/^[A-Za-z]{3},/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
