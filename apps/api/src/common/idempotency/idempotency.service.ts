import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { AppConfig } from '@app/config';
import { Prisma, PrismaService, isUniqueViolation } from '@app/prisma';

export interface StoredResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` for paid POSTs. The first request with a key runs and its response is stored; a retry with
 * the same key and the same request replays that response (nothing is charged twice); the same key with a different
 * request → 409 IDEMPOTENCY_KEY_REUSED. Keys are per user and expire after IDEMPOTENCY_TTL_HOURS.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  /** Validates the header value; undefined when the client sent none. */
  parseKey(header: string | string[] | undefined): string | undefined {
    if (header === undefined) return undefined;
    const key = Array.isArray(header) ? header[0] : header;
    if (!key || !KEY_FORMAT.test(key)) {
      throw new DomainError('VALIDATION_FAILED', 'Idempotency-Key must be 1-255 printable ASCII characters', {
        fields: [{ field: 'Idempotency-Key', errors: ['invalid format'] }],
      });
    }
    return key;
  }

  async run(
    scope: { userId: string; key: string | undefined; method: string; path: string; requestHash: string },
    execute: () => Promise<StoredResponse>,
  ): Promise<StoredResponse & { replayed: boolean }> {
    if (!scope.key) return { ...(await execute()), replayed: false };
    const { userId, key, method, path, requestHash } = scope;

    try {
      await this.prisma.idempotencyKey.create({
        data: {
          userId,
          key,
          method,
          path,
          requestHash,
          expiresAt: new Date(Date.now() + this.config.IDEMPOTENCY_TTL_HOURS * 3600_000),
        },
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return { ...(await this.replay(userId, key, method, path, requestHash)), replayed: true };
    }

    try {
      const response = await execute();
      await this.prisma.idempotencyKey.update({
        where: { userId_key: { userId, key } },
        data: {
          status: 'COMPLETED',
          responseStatus: response.status,
          responseBody: response.body as Prisma.InputJsonValue,
          responseHeaders: response.headers,
        },
      });
      return { ...response, replayed: false };
    } catch (err) {
      // Failed requests charge nothing (they roll back), so the key is released and a retry runs afresh.
      await this.prisma.idempotencyKey.deleteMany({ where: { userId, key, status: 'IN_PROGRESS' } });
      throw err;
    }
  }

  private async replay(userId: string, key: string, method: string, path: string, requestHash: string): Promise<StoredResponse> {
    const existing = await this.prisma.idempotencyKey.findUnique({ where: { userId_key: { userId, key } } });
    if (!existing) throw new DomainError('IDEMPOTENCY_REQUEST_IN_PROGRESS', 'A request with this Idempotency-Key just failed; retry');
    if (existing.requestHash !== requestHash || existing.method !== method || existing.path !== path) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request');
    }
    if (existing.status !== 'COMPLETED' || existing.responseStatus === null) {
      throw new DomainError('IDEMPOTENCY_REQUEST_IN_PROGRESS', 'A request with this Idempotency-Key is still in progress; retry shortly');
    }
    return {
      status: existing.responseStatus,
      body: existing.responseBody,
      headers: (existing.responseHeaders ?? {}) as Record<string, string>,
    };
  }
}
