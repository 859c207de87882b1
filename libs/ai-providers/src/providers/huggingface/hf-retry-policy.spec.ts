import { describe, expect, it } from 'vitest';
import { isTransientStatus, parseRetryAfter } from './hf-errors';
import { nextDelay } from './hf-retry';

const backoff = (random: number) => ({ baseDelayMs: 1_000, maxDelayMs: 30_000, random: () => random });

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(parseRetryAfter('1', now)).toBe(1_000);
    expect(parseRetryAfter(' 2.5 ', now)).toBe(2_500);
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now)).toBe(0);
  });

  it('ignores junk', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-5')).toBeUndefined();
  });
});

describe('nextDelay', () => {
  it('honours the server hint as a floor with at most 10% jitter', () => {
    expect(nextDelay(1, 2_000, backoff(0))).toBe(2_000);
    expect(nextDelay(3, 2_000, backoff(0.999))).toBeLessThanOrEqual(2_200);
  });

  it('backs off exponentially with equal jitter, capped', () => {
    expect([1, 2, 3].map((n) => nextDelay(n, undefined, backoff(0)))).toEqual([500, 1_000, 2_000]);
    expect([1, 2, 3].map((n) => nextDelay(n, undefined, backoff(0.999)))).toEqual([1_000, 1_999, 3_998]);
    expect(nextDelay(20, undefined, backoff(0.999))).toBeLessThanOrEqual(30_000);
  });
});

describe('isTransientStatus', () => {
  it('retries 5xx, 408, 425 and 429 only', () => {
    expect([500, 502, 503, 504, 408, 425, 429].every(isTransientStatus)).toBe(true);
    expect([400, 401, 403, 404, 413, 422].some(isTransientStatus)).toBe(false);
  });
});
