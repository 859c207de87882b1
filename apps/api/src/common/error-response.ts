import { HttpException } from '@nestjs/common';
import { ERROR_CODES, ErrorCode, isDomainError } from '@app/common';
import { mapPrismaError } from '@app/prisma';

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
  requestId: string;
}

export interface ErrorResponse {
  body: ErrorBody;
  headers: Record<string, string>;
  /** True for errors we did not anticipate: log them with the stack. */
  unexpected: boolean;
}

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'ROUTE_NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'DATABASE_UNAVAILABLE',
};

/** Every 503 tells the client when to come back: saturation clears fast, an outage or a deploy step less so. */
const RETRY_AFTER_SECONDS: Partial<Record<ErrorCode, number>> = {
  DATABASE_BUSY: 1,
  SERVER_BUSY: 1,
  QUEUE_UNAVAILABLE: 5,
  DATABASE_UNAVAILABLE: 5,
  SCHEMA_NOT_MIGRATED: 30,
  CATALOG_EMPTY: 30,
  PROVIDER_UNAVAILABLE: 30,
};

/**
 * The one translation from any thrown thing to the error contract
 * `{statusCode, code, message, details?, requestId}`. Never includes a stack trace, SQL or internals.
 */
export function toErrorResponse(err: unknown, requestId: string): ErrorResponse {
  const domain = isDomainError(err) ? err : mapPrismaError(err);
  if (domain) {
    const statusCode = ERROR_CODES[domain.code];
    const headers: Record<string, string> = {};
    const retryAfter = typeof domain.details?.retryAfterSeconds === 'number' ? domain.details.retryAfterSeconds : RETRY_AFTER_SECONDS[domain.code];
    if (retryAfter) headers['retry-after'] = String(retryAfter);
    return {
      body: { statusCode, code: domain.code, message: domain.message, ...(domain.details ? { details: domain.details } : {}), requestId },
      headers,
      unexpected: false,
    };
  }
  if (err instanceof HttpException) {
    const statusCode = err.getStatus();
    const code = STATUS_CODES[statusCode] ?? (statusCode >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST');
    const response = err.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : typeof (response as { message?: unknown }).message === 'string'
          ? (response as { message: string }).message
          : err.message;
    return { body: { statusCode, code, message, requestId }, headers: {}, unexpected: statusCode >= 500 };
  }
  // Fastify and plugin errors (body parsing, multipart limits) carry a 4xx statusCode and an FST_ code.
  const fastifyError = err as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const statusCode = fastifyError.statusCode;
    return {
      body: {
        statusCode,
        code: STATUS_CODES[statusCode] ?? 'BAD_REQUEST',
        message: typeof fastifyError.message === 'string' ? fastifyError.message : 'Bad request',
        requestId,
      },
      headers: {},
      unexpected: false,
    };
  }
  return {
    body: {
      statusCode: 500,
      code: 'INTERNAL_ERROR',
      message: 'An unexpected error occurred; quote the requestId when reporting it',
      requestId,
    },
    headers: {},
    unexpected: true,
  };
}
