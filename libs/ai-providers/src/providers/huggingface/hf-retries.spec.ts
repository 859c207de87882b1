import { Logger } from '@nestjs/common';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, MockInstance, vi } from 'vitest';
import { FakeHfServer } from './testing/fake-hf-server';
import { ProviderError } from '../../ai-provider.types';
import { FLUX_DEV, hfKit, HfKit, TEST_TOKEN, TEXT_TO_IMAGE_PATH } from './testing/hf-test-kit';

/**
 * Retry policy against the fake server: timings use small server hints (estimated_time 0.2 s, Retry-After 1 s)
 * and a 300 ms timeout; assertions on time are lower bounds (the hint was honoured) or generous upper bounds.
 */
let fake: FakeHfServer;
let kit: HfKit;
let warn: MockInstance<Logger['warn']>;
const request = () => ({ prompt: 'portrait', width: 64, height: 64, model: FLUX_DEV });
const path = TEXT_TO_IMAGE_PATH;

async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

function gaps(): number[] {
  const at = fake.requestsTo(path).map((r) => r.at);
  return at.slice(1).map((t, i) => t - at[i]!);
}

beforeAll(async () => {
  fake = await FakeHfServer.start();
  kit = hfKit(fake, { HF_TIMEOUT_MS: '300', HF_MAX_ATTEMPTS: '3', HF_MAX_RETRY_WAIT_MS: '5000' });
});
beforeEach(() => {
  // Retry warnings are expected here; keep them out of the test output (and inspect them below).
  warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  fake.reset();
  vi.restoreAllMocks();
});
afterAll(async () => fake.close());

describe('Hugging Face retries', () => {
  it('waits out a 503 "model loading" for its estimated_time, then succeeds', async () => {
    fake.script(path, { kind: 'loading', estimatedTimeSeconds: 0.2 });
    const { data } = await kit.generator.generate(request());
    expect(data.length).toBeGreaterThan(0);
    expect(fake.requestsTo(path)).toHaveLength(2);
    expect(gaps()[0]).toBeGreaterThanOrEqual(190);
  });

  it('waits Retry-After on a 429, then succeeds', async () => {
    fake.script(path, { kind: 'rate-limited', retryAfter: '1' });
    await kit.generator.generate(request());
    expect(fake.requestsTo(path)).toHaveLength(2);
    expect(gaps()[0]).toBeGreaterThanOrEqual(990);
  });

  it('retries a 500 with backoff and succeeds', async () => {
    fake.script(path, { kind: 'error', status: 500 }, { kind: 'error', status: 502 });
    await kit.generator.generate(request());
    expect(fake.requestsTo(path)).toHaveLength(3);
  });

  it('does not retry a permanent 400: exactly one request', async () => {
    fake.script(path, { kind: 'error', status: 400, message: 'width must be a multiple of 16' });
    const err = await failure(kit.generator.generate(request()));
    expect(fake.requestsTo(path)).toHaveLength(1);
    expect(err).toMatchObject({ transient: false, code: 'PROVIDER_ERROR', extra: { status: 400 } });
    expect(err.message).toContain('width must be a multiple of 16');
    expect(err.extra.providerRequestId).toMatch(/^fake-/);
  });

  it.each([401, 403, 404, 422])('treats %i as permanent', async (status) => {
    fake.script(path, { kind: 'error', status });
    expect((await failure(kit.generator.generate(request()))).transient).toBe(false);
    expect(fake.requestsTo(path)).toHaveLength(1);
  });

  it('bounds the attempts (HF_MAX_ATTEMPTS) and then fails transiently with a retry hint for the queue', async () => {
    fake.onDefault(path, () => ({ kind: 'error', status: 500 }));
    const err = await failure(kit.generator.generate(request()));
    expect(fake.requestsTo(path)).toHaveLength(3);
    expect(err).toMatchObject({ transient: true, code: 'PROVIDER_UNAVAILABLE', extra: { status: 500 } });
    expect(err.extra.retryAfterMs).toBeGreaterThan(0);
    expect(err.message).toMatch(/after 3 attempt/);
  });

  it('bounds the total wait (HF_MAX_RETRY_WAIT_MS): a longer estimated_time is handed to the queue instead', async () => {
    fake.script(path, { kind: 'loading', estimatedTimeSeconds: 30 });
    const started = Date.now();
    const err = await failure(kit.generator.generate(request()));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(fake.requestsTo(path)).toHaveLength(1);
    expect(err).toMatchObject({ transient: true, extra: { status: 503 } });
    expect(err.extra.retryAfterMs).toBeGreaterThanOrEqual(30_000);
  });

  it('stops retrying once the accumulated waits would pass the budget', async () => {
    const tight = hfKit(fake, { HF_MAX_ATTEMPTS: '10', HF_MAX_RETRY_WAIT_MS: '500' });
    fake.onDefault(path, () => ({ kind: 'loading', estimatedTimeSeconds: 0.2 }));
    const err = await failure(tight.generator.generate(request()));
    // 0.2 s + 0.2 s fit in 500 ms (with ≤10% jitter each), a third wait does not.
    expect(fake.requestsTo(path)).toHaveLength(3);
    expect(err.transient).toBe(true);
  });

  it('times out a hung response (HF_TIMEOUT_MS) and retries, then fails transiently', async () => {
    fake.onDefault(path, () => ({ kind: 'hang' }));
    const started = Date.now();
    const err = await failure(kit.generator.generate(request()));
    expect(fake.requestsTo(path)).toHaveLength(3);
    expect(err.transient).toBe(true);
    expect(err.message).toContain('no complete response within 300 ms');
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 290);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('times out a body that stalls after the headers', async () => {
    fake.script(path, { kind: 'hang', afterHeaders: true });
    await kit.generator.generate(request());
    expect(fake.requestsTo(path)).toHaveLength(2);
    expect(warn.mock.calls[0]![0]).toContain('no complete response within 300 ms');
  });

  it('accepts a slow response that finishes within the timeout', async () => {
    fake.script(path, { kind: 'delay', ms: 100, then: { kind: 'image' } });
    await kit.generator.generate(request());
    expect(fake.requestsTo(path)).toHaveLength(1);
  });

  it('treats an unreachable endpoint as transient (network error)', async () => {
    const port = await closedPort();
    const offline = hfKit(fake, { HF_ENDPOINT_URL: `http://127.0.0.1:${port}/flux`, HF_MAX_ATTEMPTS: '2' });
    const err = await failure(offline.generator.generate(request()));
    expect(err.transient).toBe(true);
    expect(err.message).toMatch(/network error/);
  });

  it('stops waiting when the caller aborts during a backoff', async () => {
    fake.onDefault(path, () => ({ kind: 'loading', estimatedTimeSeconds: 2 }));
    const controller = new AbortController();
    const reason = new Error('shutdown');
    setTimeout(() => controller.abort(reason), 150);
    const started = Date.now();
    await expect(kit.generator.generate({ ...request(), signal: controller.signal })).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(fake.requestsTo(path)).toHaveLength(1);
  });

  it('never logs or returns the token', async () => {
    fake.script(path, { kind: 'error', status: 503, message: 'overloaded' });
    fake.onDefault(path, () => ({ kind: 'error', status: 401, message: 'bad token' }));
    const err = await failure(kit.generator.generate(request()));
    expect(warn).toHaveBeenCalled();
    const everything = JSON.stringify([warn.mock.calls, err.message, err.extra, err.details ?? null]);
    expect(everything).not.toContain(TEST_TOKEN);
  });
});

describe('Hugging Face malformed answers are permanent', () => {
  it.each([
    ['image bytes that do not decode', { kind: 'raw', status: 200, contentType: 'image/png', body: Buffer.from('\x89PNG\r\n\x1a\n broken') }],
    ['HTML instead of an image', { kind: 'raw', status: 200, contentType: 'text/html', body: '<html>hi</html>' }],
    ['JSON of the wrong shape', { kind: 'raw', status: 200, contentType: 'application/json', body: '{"foo":1}' }],
    ['invalid JSON', { kind: 'raw', status: 200, contentType: 'application/json', body: '{"unterminated' }],
  ] as const)('%s', async (_name, reply) => {
    fake.script(path, reply);
    const err = await failure(kit.generator.generate(request()));
    expect(err.transient).toBe(false);
    expect(fake.requestsTo(path)).toHaveLength(1);
  });

  it.each([false, true])('a response larger than PROVIDER_OUTPUT_MAX_BYTES (chunked: %s)', async (chunked) => {
    const small = hfKit(fake, { PROVIDER_OUTPUT_MAX_BYTES: '2048' });
    fake.script(path, { kind: 'raw', status: 200, contentType: 'image/png', body: Buffer.alloc(10_000, 7), chunked });
    const err = await failure(small.generator.generate(request()));
    expect(err.transient).toBe(false);
    expect(err.message).toMatch(/larger than 2048 bytes/);
    expect(fake.requestsTo(path)).toHaveLength(1);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
