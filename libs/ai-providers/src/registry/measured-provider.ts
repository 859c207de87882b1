import type { LumikuMetrics } from '@app/metrics';
import { ProviderError } from '../ai-provider.types';

/**
 * Every provider call goes through the registry, so this is where its latency and errors are measured: by the
 * provider that serves the call here and the catalogue model (bounded label values).
 */
export async function measureProviderCall<T>(
  metrics: LumikuMetrics | undefined,
  labels: { provider: string; model: string },
  call: () => Promise<T>,
): Promise<T> {
  if (!metrics) return call();
  const stop = metrics.providerRequestDuration.startTimer(labels);
  try {
    return await call();
  } catch (err) {
    const error = err instanceof ProviderError ? (err.transient ? 'transient' : 'permanent') : 'internal';
    metrics.providerErrors.inc({ ...labels, error });
    throw err;
  } finally {
    stop();
  }
}

/** The instance itself (its class, fields and availability check) with one method replaced by a measured call. */
export function withMeasuredMethod<T extends object, K extends keyof T>(instance: T, method: K, measured: T[K]): T {
  return Object.create(instance, { [method]: { value: measured } }) as T;
}
