import type { components } from './schema.js';

/** The API's error body, on every 4xx/5xx: `{statusCode, code, message, details?, requestId}`. */
export type ErrorBody = components['schemas']['ErrorResponse'];

/**
 * A non-2xx answer from the API. `code` is the stable machine-readable reason (e.g. `INSUFFICIENT_CREDITS`),
 * `requestId` is what support needs, `retryAfterSeconds` comes from `Retry-After` (every 503 and 429 carry one).
 */
export class LumikuApiError extends Error {
  override readonly name = 'LumikuApiError';
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(response: Response, body: unknown) {
    const parsed = isErrorBody(body) ? body : undefined;
    super(parsed?.message ?? `HTTP ${response.status} ${response.statusText}`.trim());
    this.status = response.status;
    this.code = parsed?.code ?? `HTTP_${response.status}`;
    this.details = parsed?.details as Record<string, unknown> | undefined;
    this.requestId = parsed?.requestId ?? response.headers.get('x-request-id') ?? undefined;
    const retryAfter = Number(response.headers.get('retry-after'));
    this.retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
  }
}

function isErrorBody(body: unknown): body is ErrorBody {
  return typeof body === 'object' && body !== null && typeof (body as ErrorBody).code === 'string' && typeof (body as ErrorBody).message === 'string';
}

/** openapi-fetch's `{data, error, response}` → the data, or a thrown LumikuApiError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (!result.response.ok) throw new LumikuApiError(result.response, result.error);
  return result.data as T;
}
