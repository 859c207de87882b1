import { describe, expect, it } from 'vitest';
import { DomainError } from '@app/common';
import { ProviderError } from '@app/ai-providers';
import { Prisma } from '@app/prisma';
import { classifyJobFailure, paidJobBackoffMs } from './paid-job-lifecycle';

describe('classifyJobFailure (one rule for both products)', () => {
  it('provider errors: transient or permanent as the provider said, in our own words, with its Retry-After', () => {
    const loading = classifyJobFailure(new ProviderError('model loading: internal text', true, { status: 503, retryAfterMs: 20_000 }));
    expect(loading).toEqual({ transient: true, code: 'PROVIDER_UNAVAILABLE', message: 'The AI provider was unavailable (HTTP 503); try again later', retryAfterMs: 20_000 });
    const refused = classifyJobFailure(new ProviderError('Input validation error: secret prompt', false, { status: 400 }));
    expect(refused).toMatchObject({ transient: false, code: 'PROVIDER_ERROR', message: 'The AI provider refused the input (HTTP 400)' });
    expect(refused.message).not.toMatch(/secret prompt/);
  });

  it('infrastructure outages and saturation retry; bad input does not', () => {
    for (const code of ['QUEUE_UNAVAILABLE', 'DATABASE_UNAVAILABLE', 'DATABASE_BUSY'] as const) {
      expect(classifyJobFailure(new DomainError(code, 'x')).transient, code).toBe(true);
    }
    for (const code of ['UNDECODABLE_IMAGE', 'IMAGE_TOO_LARGE', 'CATALOG_EMPTY'] as const) {
      expect(classifyJobFailure(new DomainError(code, 'x')).transient, code).toBe(false);
    }
  });

  it('maps driver errors like the API does (a lost connection retries) and retries unknown errors as INTERNAL_ERROR', () => {
    const lost = new Prisma.PrismaClientKnownRequestError('x', { code: 'P1001', clientVersion: 'test' });
    expect(classifyJobFailure(lost)).toMatchObject({ transient: true, code: 'DATABASE_UNAVAILABLE' });
    expect(classifyJobFailure(new TypeError('cannot read x of undefined'))).toEqual({
      transient: true,
      code: 'INTERNAL_ERROR',
      message: 'Processing failed unexpectedly',
    });
  });
});

describe('paidJobBackoffMs', () => {
  it('is exponential from the base delay', () => {
    expect([1, 2, 3, 4].map((n) => paidJobBackoffMs(n, 2_000))).toEqual([2_000, 4_000, 8_000, 16_000]);
  });

  it("waits as long as the provider asked when that is longer, capped", () => {
    const hinted = new ProviderError('loading', true, { retryAfterMs: 45_000 });
    expect(paidJobBackoffMs(1, 2_000, hinted)).toBe(45_000);
    expect(paidJobBackoffMs(6, 2_000, hinted)).toBe(64_000);
    expect(paidJobBackoffMs(1, 2_000, new ProviderError('x', true, { retryAfterMs: 3_600_000 }))).toBe(600_000);
  });
});
