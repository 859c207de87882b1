import { SetMetadata } from '@nestjs/common';
import type { ErrorCode } from '@app/common';

export const API_ERROR_CODES = 'openapi:errorCodes';

/**
 * Documents the error codes an operation (or every operation of a controller) can answer with. The OpenAPI builder
 * (error-responses.ts) merges class and method codes with the family every route has (auth or public), groups them
 * by HTTP status and writes one `ErrorResponse` response per status, with an example per code.
 */
export const ApiErrorCodes = (...codes: ErrorCode[]) => SetMetadata(API_ERROR_CODES, codes);

export const NO_STANDARD_ERRORS = 'openapi:noStandardErrors';

/** Routes that answer from memory, unthrottled and without the database (health): only their own codes apply. */
export const ApiNoStandardErrors = () => SetMetadata(NO_STANDARD_ERRORS, true);

/** Body, query or path input validated by a DTO (and malformed or oversized JSON). */
export const VALIDATION_ERRORS: ErrorCode[] = ['VALIDATION_FAILED', 'BAD_REQUEST', 'PAYLOAD_TOO_LARGE'];

/** An owner-scoped id in the path: another user's object is 404, like a missing one. */
export const OWNED_RESOURCE_ERRORS: ErrorCode[] = ['VALIDATION_FAILED', 'NOT_FOUND'];

/** Uploads sniffed by content, with limits enforced while streaming. */
export const IMAGE_UPLOAD_ERRORS: ErrorCode[] = [
  'VALIDATION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'IMAGE_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNSUPPORTED_IMAGE',
  'UNDECODABLE_IMAGE',
];

/** Images given as `imageUrl` (fetched under the outbound policy) or `imageBase64`, besides file parts. */
export const IMAGE_INPUT_ERRORS: ErrorCode[] = [...IMAGE_UPLOAD_ERRORS, 'IMAGE_FETCH_FAILED'];

/** Paid requests: credits, idempotency keys, the catalogue and the queue. */
export const PAID_ERRORS: ErrorCode[] = [
  'INSUFFICIENT_CREDITS',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_REQUEST_IN_PROGRESS',
  'CATALOG_EMPTY',
  'QUEUE_UNAVAILABLE',
];

/** Every authenticated route. */
export const AUTHENTICATED_ERRORS: ErrorCode[] = ['UNAUTHORIZED', 'RATE_LIMITED', 'SCHEMA_NOT_MIGRATED', 'DATABASE_UNAVAILABLE', 'DATABASE_BUSY', 'INTERNAL_ERROR'];

/** Every public route that is rate limited and reads the database. */
export const PUBLIC_ERRORS: ErrorCode[] = ['RATE_LIMITED', 'SCHEMA_NOT_MIGRATED', 'DATABASE_UNAVAILABLE', 'DATABASE_BUSY', 'INTERNAL_ERROR'];

export const API_SUCCESS_HEADERS = 'openapi:successHeaders';
export type SuccessHeader = 'X-Credits-Charged' | 'X-Credits-Remaining' | 'X-Credits-Refunded' | 'Location' | 'Idempotent-Replayed' | 'X-Width' | 'X-Height';

/** Response headers a successful answer of this operation carries (documented on its 2xx responses). */
export const ApiSuccessHeaders = (...headers: SuccessHeader[]) => SetMetadata(API_SUCCESS_HEADERS, headers);
