import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkInstalled, ModelInstallError, pullModel } from './model-installer';
import { ModelServer, startModelServer } from './testing/model-server';

let server: ModelServer;
let dir: string;

beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => server.close());
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'model-installer-'));
  server.requests.length = 0;
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

async function failure(promise: Promise<unknown>): Promise<ModelInstallError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelInstallError);
  return err as ModelInstallError;
}

describe('pullModel', () => {
  it('downloads, verifies and installs a model ONNX Runtime can load; nothing else is left behind', async () => {
    const entry = server.entry();
    const seen: number[] = [];
    const result = await pullModel(entry, { dir, onProgress: (p) => seen.push(p.received) });
    expect(result).toEqual({
      status: 'installed',
      path: join(dir, 'tiny-test.onnx'),
      checksum: `md5:${server.md5}`,
      bytes: server.model.length,
      source: `${server.baseUrl}/files/tiny.onnx`,
    });
    expect(await readdir(dir)).toEqual(['tiny-test.onnx']);
    expect(seen.at(-1)).toBe(server.model.length);
    const session = await InferenceSession.create(join(dir, 'tiny-test.onnx'));
    expect(session.inputNames).toEqual(['input']);
    await session.release();
  });

  it('verifies sha256 where the source publishes it', async () => {
    const entry = server.entry(undefined, { checksum: { algorithm: 'sha256', value: server.sha256 } });
    expect(await pullModel(entry, { dir })).toMatchObject({ status: 'installed', checksum: `sha256:${server.sha256}` });
  });

  it('refuses the wrong bytes, naming expected and actual checksum, and leaves nothing', async () => {
    const err = await failure(pullModel(server.entry('/files/other.onnx'), { dir }));
    expect(err.message).toContain(`expected md5:${server.md5}, got md5:`);
    expect(err.message).toContain(`from ${server.baseUrl}/files/other.onnx`);
    expect(err.message).not.toContain(`got md5:${server.md5}`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a published size that does not match', async () => {
    const err = await failure(pullModel(server.entry(undefined, { bytes: server.model.length + 1 }), { dir }));
    expect(err.message).toMatch(/size mismatch .* expected \d+ bytes, got \d+/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails on a body shorter than its Content-Length (connection dropped) and leaves nothing', async () => {
    const err = await failure(pullModel(server.entry('/truncated'), { dir }));
    expect(err.message).toMatch(new RegExp(`${server.baseUrl}/truncated cut off: received \\d+ of ${server.model.length} announced bytes`));
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails when a chunked download is cut off', async () => {
    const err = await failure(pullModel(server.entry('/cut-chunked'), { dir }));
    expect(err.message).toContain(`download from ${server.baseUrl}/cut-chunked failed`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails on an HTTP error status and leaves nothing', async () => {
    const err = await failure(pullModel(server.entry('/nope.onnx'), { dir }));
    expect(err.message).toBe(`HTTP 404 Not Found from ${server.baseUrl}/nope.onnx`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('times out a server that stops sending, and one that never answers', async () => {
    const stalled = await failure(pullModel(server.entry('/stall-body'), { dir, timeoutMs: 300 }));
    expect(stalled.message).toBe(`timed out: no data from ${server.baseUrl}/stall-body for 300 ms (after 64 bytes)`);
    const silent = await failure(pullModel(server.entry('/stall-headers'), { dir, timeoutMs: 300 }));
    expect(silent.message).toBe(`timed out: no data from ${server.baseUrl}/stall-headers for 300 ms (after 0 bytes)`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('follows redirects and says which URL finally served the file', async () => {
    const hops: string[] = [];
    const result = await pullModel(server.entry('/redirect'), { dir, onInfo: (m) => hops.push(m) });
    expect(result).toMatchObject({ status: 'installed', source: `${server.baseUrl}/files/tiny.onnx` });
    expect(hops).toEqual([
      `GET ${server.baseUrl}/redirect`,
      `  → redirected to ${server.baseUrl}/hop`,
      `  → redirected to ${server.baseUrl}/files/tiny.onnx`,
    ]);
  });

  it('stops after a bounded number of redirects', async () => {
    const err = await failure(pullModel(server.entry('/loop'), { dir, maxRedirects: 3 }));
    expect(err.message).toContain('too many redirects (more than 3)');
    expect(server.requests.filter((p) => p === '/loop')).toHaveLength(4);
    expect(await readdir(dir)).toEqual([]);
  });

  it('downloads <mirror>/<file name> instead of the source URL with --mirror', async () => {
    const entry = server.entry('/nope.onnx');
    const result = await pullModel(entry, { dir, mirror: `${server.baseUrl}/mirror/` });
    expect(result).toMatchObject({ status: 'installed', source: `${server.baseUrl}/mirror/tiny-test.onnx` });
    expect(server.requests).toEqual(['/mirror/tiny-test.onnx']);
  });

  it('installs a local file with --from only when it verifies', async () => {
    const good = join(dir, '..', `${Date.now()}-good.onnx`);
    const bad = join(dir, '..', `${Date.now()}-bad.onnx`);
    await writeFile(good, server.model);
    await writeFile(bad, Buffer.concat([server.model, Buffer.from([0])]));
    try {
      const err = await failure(pullModel(server.entry(), { dir, from: bad }));
      expect(err.message).toContain(`from file ${bad}: expected md5:${server.md5}`);
      expect(await readdir(dir)).toEqual([]);
      expect(await pullModel(server.entry(), { dir, from: good })).toMatchObject({ status: 'installed', source: `file ${good}` });
      expect(await readFile(join(dir, 'tiny-test.onnx'))).toEqual(server.model);
      expect(server.requests).toEqual([]);
    } finally {
      await Promise.all([rm(good, { force: true }), rm(bad, { force: true })]);
    }
  });

  it('does not download again when a verified file is in place, but replaces a corrupt one', async () => {
    const entry = server.entry();
    await pullModel(entry, { dir });
    expect(await pullModel(entry, { dir })).toMatchObject({ status: 'already-installed' });
    expect(server.requests).toEqual(['/files/tiny.onnx']);

    await writeFile(join(dir, 'tiny-test.onnx'), 'garbage');
    expect((await checkInstalled(entry, dir)).state).toBe('mismatch');
    expect(await pullModel(entry, { dir })).toMatchObject({ status: 'installed' });
    expect((await checkInstalled(entry, dir)).state).toBe('ok');
  });

  it('keeps a corrupt file where it is when the replacement fails too', async () => {
    await writeFile(join(dir, 'tiny-test.onnx'), 'garbage');
    await failure(pullModel(server.entry('/truncated'), { dir }));
    expect(await readdir(dir)).toEqual(['tiny-test.onnx']);
  });

  it('removes the temp file when interrupted', async () => {
    const interrupt = new AbortController();
    const pending = pullModel(server.entry('/stall-body'), { dir, signal: interrupt.signal, onProgress: () => interrupt.abort() });
    const err = await failure(pending);
    expect(err.message).toBe('pull of tiny-test interrupted');
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a file name that would leave MODELS_DIR', async () => {
    await failure(pullModel(server.entry(undefined, { fileName: '../escape.onnx' }), { dir }));
    expect(server.requests).toEqual([]);
  });
});
