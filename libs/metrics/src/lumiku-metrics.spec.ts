import { describe, expect, it } from 'vitest';
import { cachedFor } from './cached';
import { LumikuMetrics } from './lumiku-metrics';

describe('LumikuMetrics', () => {
  it('each process exposes only what it records, with its own registry', async () => {
    const api = new LumikuMetrics('api');
    const worker = new LumikuMetrics('worker');
    const [apiText, workerText] = [await api.render(), await worker.render()];
    expect(apiText).toContain('lumiku_http_request_duration_seconds');
    expect(apiText).toContain('lumiku_ready 0');
    expect(apiText).not.toContain('lumiku_job_duration_seconds');
    expect(workerText).toContain('lumiku_job_duration_seconds');
    expect(workerText).toContain('lumiku_provider_request_duration_seconds');
    expect(workerText).not.toContain('lumiku_ready');
    for (const text of [apiText, workerText]) {
      expect(text).toContain('lumiku_credits_charged_total');
      expect(text).toContain('process_cpu_seconds_total');
    }
  });

  it('leaves out the default process metrics when nobody can scrape them', async () => {
    const text = await new LumikuMetrics('api', { processMetrics: false }).render();
    expect(text).toContain('lumiku_http_request_duration_seconds');
    expect(text).not.toContain('process_cpu_seconds_total');
    expect(text).not.toContain('nodejs_gc_duration_seconds');
  });

  it('runs the scrape sources before rendering, and a failing source does not fail the scrape', async () => {
    const metrics = new LumikuMetrics('api');
    metrics.onScrape(() => Promise.reject(new Error('redis down')));
    metrics.onScrape(async () => metrics.queueJobs.set({ queue: 'q', state: 'waiting' }, 7));
    expect(await metrics.render()).toContain('lumiku_queue_jobs{queue="q",state="waiting"} 7');
  });

  it('cachedFor shares one run within its window', async () => {
    let runs = 0;
    const read = cachedFor(60_000, async () => {
      runs++;
    });
    await Promise.all([read(), read(), read()]);
    expect(runs).toBe(1);
    const always = cachedFor(0, async () => {
      runs++;
    });
    await always();
    await always();
    expect(runs).toBe(3);
  });
});
