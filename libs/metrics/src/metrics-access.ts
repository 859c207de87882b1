import { createHash, timingSafeEqual } from 'node:crypto';
import { bearerToken } from '@app/common';
import type { AppConfig } from '@app/config';

/**
 * Who may read metrics, the same rule for the API's /api/metrics and the worker's /metrics:
 * - METRICS_TOKEN set: `Authorization: Bearer <METRICS_TOKEN>` only;
 * - unset in production: off (the API answers 404, the worker starts no server), so nothing leaks by default;
 * - unset elsewhere: open, so a developer can curl it.
 */
export type MetricsAccess = { mode: 'token'; token: string } | { mode: 'open' } | { mode: 'off' };

export function metricsAccess(config: Pick<AppConfig, 'METRICS_TOKEN' | 'NODE_ENV'>): MetricsAccess {
  if (config.METRICS_TOKEN) return { mode: 'token', token: config.METRICS_TOKEN };
  return config.NODE_ENV === 'production' ? { mode: 'off' } : { mode: 'open' };
}

export type ScrapeDecision = 'allowed' | 'unauthorized' | 'forbidden' | 'not-found';

/** 401 without a bearer token, 403 with a wrong one; compared in constant time. */
export function decideScrape(access: MetricsAccess, authorization: string | undefined): ScrapeDecision {
  if (access.mode === 'off') return 'not-found';
  if (access.mode === 'open') return 'allowed';
  const presented = bearerToken(authorization);
  if (!presented) return 'unauthorized';
  return timingSafeEqual(digest(presented), digest(access.token)) ? 'allowed' : 'forbidden';
}

// Equal-length digests, so the comparison time says nothing about the token's length either.
const digest = (value: string) => createHash('sha256').update(value).digest();
