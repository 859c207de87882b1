import type { INestApplication, Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ERROR_CODES, ErrorCode } from '@app/common';
import { IS_PUBLIC } from '../../auth/auth.decorators';
import { API_ERROR_CODES, API_SUCCESS_HEADERS, AUTHENTICATED_ERRORS, NO_STANDARD_ERRORS, PUBLIC_ERRORS, SuccessHeader } from './api-errors.decorator';

type Operation = { operationId?: string; security?: unknown[]; responses: Record<string, Response> };
type Response = { description: string; content?: Record<string, unknown>; headers?: Record<string, unknown> };

const REF = (name: string) => ({ $ref: `#/components/headers/${name}` });

/** What a client typically reads for each code (examples only; real messages say more). */
const EXAMPLE_MESSAGES: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'Request validation failed',
  BAD_REQUEST: 'Body is not valid JSON',
  WEAK_PASSWORD: 'The password is one of the most commonly used passwords',
  UNAUTHORIZED: 'A bearer token is required',
  INVALID_CREDENTIALS: 'Email or password is wrong',
  INSUFFICIENT_CREDITS: 'This needs 8 credits; the balance is 3',
  FORBIDDEN: 'This action needs another role',
  MODEL_TIER_FORBIDDEN: 'This model needs the pro tier',
  NOT_FOUND: 'Job not found',
  ROUTE_NOT_FOUND: 'Route GET /api/nope not found',
  CONFLICT: 'You already have an active subscription; cancel it first',
  EMAIL_TAKEN: 'An account with this email already exists',
  IDEMPOTENCY_KEY_REUSED: 'This Idempotency-Key was used for a different request',
  IDEMPOTENCY_REQUEST_IN_PROGRESS: 'A request with this Idempotency-Key is still being processed',
  JOB_ALREADY_RUNNING: 'The job is already running and will finish; it can no longer be canceled',
  JOB_ALREADY_FINISHED: 'The job has already succeeded; there is nothing to cancel',
  BATCH_ALREADY_FINISHED: 'The batch has already finished (completed); there is nothing to cancel',
  PAYLOAD_TOO_LARGE: 'Each file may be at most 20971520 bytes',
  IMAGE_TOO_LARGE: 'The image has too many pixels',
  UNSUPPORTED_MEDIA_TYPE: 'Send the image as multipart/form-data',
  UNSUPPORTED_IMAGE: 'Only JPEG, PNG and WebP images are accepted',
  UNDECODABLE_IMAGE: 'The image could not be decoded (truncated or corrupt)',
  IMAGE_FETCH_FAILED: 'Could not fetch imageUrl: the server answered HTTP 404',
  RATE_LIMITED: 'Too many requests; retry after the time in Retry-After',
  INTERNAL_ERROR: 'An unexpected error occurred; quote the requestId when reporting it',
  PROVIDER_ERROR: 'The AI provider refused the input (HTTP 400)',
  SCHEMA_NOT_MIGRATED: 'The database schema is not migrated; run `npm run db:deploy`',
  CATALOG_EMPTY: 'No enabled models for background-remover',
  QUEUE_UNAVAILABLE: 'The job queue is unavailable; try again shortly',
  DATABASE_UNAVAILABLE: 'The database is unavailable; try again shortly',
  DATABASE_BUSY: 'The service is busy; retry after the time in Retry-After',
  SERVER_BUSY: 'Too many uploads are being accepted right now; retry after the time in Retry-After',
  PROVIDER_UNAVAILABLE: 'The model provider is not configured here',
};

/**
 * Completes the generated document with the error contract: one `ErrorResponse` schema whose `code` enum is the
 * error-code table, the error responses each operation can produce (from @ApiErrorCodes on its controller and method,
 * plus the family every authenticated or public route shares), response headers, and `security: []` on public
 * operations. Reads the same route metadata the guards use, so what is documented is what is enforced.
 */
export function addErrorContract(app: INestApplication, document: OpenAPIObject): void {
  const components = (document.components ??= {});
  components.schemas = { ...components.schemas, ErrorResponse: errorResponseSchema() };
  components.headers = { ...components.headers, ...HEADERS };
  document.security = [{ bearer: [] }];

  const operations = new Map<string, Operation>();
  for (const pathItem of Object.values(document.paths)) {
    for (const op of Object.values(pathItem as Record<string, Operation>)) if (op.operationId) operations.set(op.operationId, op);
  }
  for (const controller of controllers(app)) {
    for (const method of Object.getOwnPropertyNames(controller.prototype)) {
      const op = operations.get(`${controller.name}_${method}`);
      if (!op) continue;
      const handler = controller.prototype[method] as object;
      const meta = <T>(key: string): T | undefined => (Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller)) as T | undefined;
      const isPublic = meta<boolean>(IS_PUBLIC) === true;
      if (isPublic) op.security = [];
      else delete op.security; // the document-wide bearer requirement applies
      const own = [...((Reflect.getMetadata(API_ERROR_CODES, controller) as ErrorCode[] | undefined) ?? []), ...((Reflect.getMetadata(API_ERROR_CODES, handler) as ErrorCode[] | undefined) ?? [])];
      const base = meta<boolean>(NO_STANDARD_ERRORS) ? [] : isPublic ? PUBLIC_ERRORS : AUTHENTICATED_ERRORS;
      const codes = new Set<ErrorCode>([...base, ...own]);
      addErrorResponses(op, [...codes]);
      addSuccessHeaders(op, (Reflect.getMetadata(API_SUCCESS_HEADERS, handler) as SuccessHeader[] | undefined) ?? []);
    }
  }
}

function addErrorResponses(op: Operation, codes: ErrorCode[]): void {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_CODES[code], [...(byStatus.get(ERROR_CODES[code]) ?? []), code]);
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const sorted = [...new Set(list)].sort();
    // A route's own @Api…Response description (e.g. which details a CONFLICT carries) is kept in front.
    const own = op.responses[String(status)]?.description;
    op.responses[String(status)] = {
      description: own ? `${own} (${sorted.join(', ')})` : `Error: ${sorted.join(', ')}`,
      headers: { 'X-Request-Id': REF('X-Request-Id'), ...(status === 429 || status === 503 ? { 'Retry-After': REF('Retry-After') } : {}) },
      content: {
        'application/json': {
          schema: { $ref: '#/components/schemas/ErrorResponse' },
          examples: Object.fromEntries(sorted.map((code) => [code, { value: example(code, status) }])),
        },
      },
    };
  }
}

const OUTPUT_SIZE_HEADERS = new Set<SuccessHeader>(['X-Width', 'X-Height']);

function addSuccessHeaders(op: Operation, extra: SuccessHeader[]): void {
  for (const [status, response] of Object.entries(op.responses)) {
    if (!status.startsWith('2')) continue;
    // Location points at work still running (202); the output size exists once it has finished (200).
    const names: SuccessHeader[] = extra.filter((h) => (status === '202' ? !OUTPUT_SIZE_HEADERS.has(h) : h !== 'Location'));
    response.headers = { ...response.headers, 'X-Request-Id': REF('X-Request-Id'), ...Object.fromEntries(names.map((h) => [h, REF(h)])) };
  }
}

function example(code: ErrorCode, statusCode: number) {
  return {
    statusCode,
    code,
    message: EXAMPLE_MESSAGES[code],
    ...(code === 'INSUFFICIENT_CREDITS' ? { details: { required: 8, balance: 3 } } : {}),
    ...(code === 'VALIDATION_FAILED' ? { details: { fields: [{ field: 'tier', errors: ['tier must be one of the following values: basic, standard, professional, industry'] }] } } : {}),
    requestId: '0b7c2a9e-5d1f-4c1e-9a53-3f2d1e0c9b8a',
  };
}

function errorResponseSchema() {
  return {
    type: 'object',
    description: 'Every error answer has this shape; no stack trace or SQL ever appears in it.',
    required: ['statusCode', 'code', 'message', 'requestId'],
    additionalProperties: false,
    properties: {
      statusCode: { type: 'integer', minimum: 400, maximum: 599, description: 'The HTTP status, repeated' },
      code: { type: 'string', enum: Object.keys(ERROR_CODES).sort(), description: 'Stable machine-readable reason' },
      message: { type: 'string', description: 'Human-readable; may change' },
      details: {
        type: 'object',
        additionalProperties: true,
        description:
          'Depends on the code: `fields` (VALIDATION_FAILED, WEAK_PASSWORD), `required`/`balance` (INSUFFICIENT_CREDITS), ' +
          '`retryAfterSeconds` (RATE_LIMITED from a daily allowance), `index`/`filename` (a bad file in a batch)',
        properties: {
          fields: {
            type: 'array',
            items: {
              type: 'object',
              required: ['field', 'errors'],
              properties: { field: { type: 'string' }, errors: { type: 'array', items: { type: 'string' } } },
            },
          },
          required: { type: 'integer' },
          balance: { type: 'integer' },
          retryAfterSeconds: { type: 'integer' },
        },
      },
      requestId: { type: 'string', description: 'Also in the X-Request-Id header and in our logs' },
    },
  };
}

const HEADERS = {
  'X-Request-Id': { description: 'Correlation id (the client’s own X-Request-Id when well-formed)', schema: { type: 'string' } },
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
  'X-Credits-Charged': { description: 'Credits this request cost (0 when paid by subscription quota or test mode)', schema: { type: 'integer' } },
  'X-Credits-Remaining': { description: 'Credit balance after this request', schema: { type: 'integer' } },
  'X-Credits-Refunded': { description: 'Credits this request gave back (0 when repeated: nothing is refunded twice)', schema: { type: 'integer' } },
  Location: { description: 'Where to poll the accepted job or batch', schema: { type: 'string' } },
  'X-Width': { description: 'Output width in pixels (a finished, succeeded job)', schema: { type: 'integer' } },
  'X-Height': { description: 'Output height in pixels (a finished, succeeded job)', schema: { type: 'integer' } },
  'Idempotent-Replayed': { description: '`true` when this is the stored answer to an earlier request with the same Idempotency-Key', schema: { type: 'string' } },
};

function controllers(app: INestApplication): Type[] {
  const found: Type[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) if (wrapper.metatype) found.push(wrapper.metatype as Type);
  }
  return found;
}
