import { describe, expect, it } from 'vitest';
import { LumikuMetrics } from '@app/metrics';
import { ProviderError } from '../ai-provider.types';
import { measureProviderCall, withMeasuredMethod } from './measured-provider';

const labels = { provider: 'huggingface', model: 'avatar-creator:flux-dev-base' };

async function sample(metrics: LumikuMetrics, name: string, match: Record<string, string>): Promise<number | undefined> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => Object.entries(match).every(([k, val]) => String(v.labels[k]) === val))?.value;
}

describe('provider call metrics', () => {
  it('times every call and counts failures by kind', async () => {
    const metrics = new LumikuMetrics('worker');
    expect(await measureProviderCall(metrics, labels, async () => 'ok')).toBe('ok');
    await expect(measureProviderCall(metrics, labels, () => Promise.reject(new ProviderError('503', true)))).rejects.toThrow('503');
    await expect(measureProviderCall(metrics, labels, () => Promise.reject(new ProviderError('400', false)))).rejects.toThrow('400');

    expect(await sample(metrics, 'lumiku_provider_request_duration_seconds', { ...labels, le: '+Inf' })).toBe(3);
    expect(await sample(metrics, 'lumiku_provider_errors_total', { ...labels, error: 'transient' })).toBe(1);
    expect(await sample(metrics, 'lumiku_provider_errors_total', { ...labels, error: 'permanent' })).toBe(1);
  });

  it('the measured view keeps the instance class and its other members', async () => {
    class Remover {
      readonly providerId = 'embedded';
      calls = 0;
      async removeBackground(): Promise<string> {
        this.calls++;
        return 'mask';
      }
    }
    const instance = new Remover();
    const view = withMeasuredMethod(instance, 'removeBackground', async () => `measured ${await instance.removeBackground()}`);
    expect(view).toBeInstanceOf(Remover);
    expect(view.providerId).toBe('embedded');
    expect(await view.removeBackground()).toBe('measured mask');
    expect(instance.calls).toBe(1);
  });
});
