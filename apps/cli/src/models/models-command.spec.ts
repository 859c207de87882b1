import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ModelRegistryEntry } from '@app/ai-providers';
import { ModelServer, startModelServer } from '@app/ai-providers/models/testing/model-server';
import { runModelsCommand } from './models-command';

let server: ModelServer;
let dir: string;
let out: string[];
let err: string[];
let progress: string[];

beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => server.close());
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'models-cli-'));
  server.requests.length = 0;
  out = [];
  err = [];
  progress = [];
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

/** Runs the command against a registry of test entries served by the local server only. */
function run(args: string[], registry: ModelRegistryEntry[] = [server.entry()], isTTY = false): Promise<number> {
  return runModelsCommand(args, {
    modelsDir: dir,
    registry,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    progress: { isTTY, write: (t) => progress.push(t) },
  });
}

describe('models pull', () => {
  it('installs a model, says where it came from, and logs progress lines without a TTY', async () => {
    expect(await run(['pull', 'tiny-test'])).toBe(0);
    expect(await readdir(dir)).toEqual(['tiny-test.onnx']);
    expect(out.at(-1)).toBe(
      `tiny-test: installed ${join(dir, 'tiny-test.onnx')} (${server.model.length} B, md5:${server.md5} verified) from ${server.baseUrl}/files/tiny.onnx`,
    );
    expect(progress[0]).toMatch(/^tiny-test: \d+% \d+ B of \d+ B .*\/s\n$/);
    expect(err).toEqual([]);
  });

  it('draws a bar on a TTY', async () => {
    expect(await run(['pull', 'tiny-test'], undefined, true)).toBe(0);
    expect(progress[0]).toMatch(/^\r\x1b\[2K\[#+\.*\] tiny-test: 100%/);
    expect(progress.at(-1)).toBe('\n');
  });

  it('does not download a model that is already installed and verified', async () => {
    await run(['pull', 'tiny-test']);
    expect(await run(['pull', 'tiny-test'])).toBe(0);
    expect(out.at(-1)).toBe(`tiny-test: already installed and verified (md5:${server.md5}) at ${join(dir, 'tiny-test.onnx')}`);
    expect(server.requests).toEqual(['/files/tiny.onnx']);
  });

  it('exits 1 naming expected and actual checksum on the wrong file, and installs nothing', async () => {
    expect(await run(['pull', 'tiny-test'], [server.entry('/files/other.onnx')])).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(new RegExp(`^tiny-test: FAILED: checksum mismatch .* expected md5:${server.md5}, got md5:[0-9a-f]{32}\\. Nothing was installed\\.$`));
    expect(await readdir(dir)).toEqual([]);
  });

  it('exits 1 on 404, a truncated body and a timeout, and keeps going with the other names', async () => {
    const registry = [
      server.entry('/nope.onnx', { name: 'missing', fileName: 'missing.onnx' }),
      server.entry('/truncated', { name: 'cut', fileName: 'cut.onnx' }),
      server.entry('/stall-body', { name: 'slow', fileName: 'slow.onnx' }),
      server.entry(),
    ];
    expect(await run(['pull', 'missing', 'cut', 'slow', 'tiny-test', '--timeout-ms', '300'], registry)).toBe(1);
    expect(err).toEqual([
      `missing: FAILED: HTTP 404 Not Found from ${server.baseUrl}/nope.onnx. Nothing was installed.`,
      expect.stringMatching(/^cut: FAILED: download from .*\/truncated cut off: received \d+ of \d+ announced bytes\./),
      `slow: FAILED: timed out: no data from ${server.baseUrl}/stall-body for 300 ms (after 64 bytes). Nothing was installed.`,
    ]);
    expect(await readdir(dir)).toEqual(['tiny-test.onnx']);
  });

  it('reports the redirect chain and the URL that finally served the file', async () => {
    expect(await run(['pull', 'tiny-test'], [server.entry('/redirect')])).toBe(0);
    expect(out).toContain(`tiny-test:   → redirected to ${server.baseUrl}/files/tiny.onnx`);
    expect(out.at(-1)).toMatch(new RegExp(`from ${server.baseUrl}/files/tiny\\.onnx$`));
  });

  it('fetches <mirror>/<file name> with --mirror', async () => {
    expect(await run(['pull', 'tiny-test', '--mirror', `${server.baseUrl}/mirror`], [server.entry('/nope.onnx')])).toBe(0);
    expect(server.requests).toEqual(['/mirror/tiny-test.onnx']);
    expect(out.at(-1)).toMatch(new RegExp(`from ${server.baseUrl}/mirror/tiny-test\\.onnx$`));
  });

  it('installs a good local file with --from and refuses a bad one', async () => {
    const source = await mkdtemp(join(tmpdir(), 'models-cli-src-'));
    try {
      await writeFile(join(source, 'bad.onnx'), 'not the model');
      expect(await run(['pull', 'tiny-test', '--from', join(source, 'bad.onnx')])).toBe(1);
      expect(err[0]).toContain(`expected md5:${server.md5}, got md5:`);
      expect(await readdir(dir)).toEqual([]);

      await writeFile(join(source, 'good.onnx'), server.model);
      expect(await run(['pull', 'tiny-test', '--from', join(source, 'good.onnx')])).toBe(0);
      expect(await readdir(dir)).toEqual(['tiny-test.onnx']);
      expect(server.requests).toEqual([]);
    } finally {
      await rm(source, { recursive: true, force: true });
    }
  });

  it('warns before pulling weights not cleared for commercial use', async () => {
    expect(await run(['pull', 'tiny-test'], [server.entry(undefined, { commercialUse: false, licence: { code: 'x', weights: 'CC-BY-NC-4.0' } })])).toBe(0);
    expect(out[0]).toBe('note: tiny-test weights are CC-BY-NC-4.0: NOT cleared for commercial use');
  });

  it.each([
    [['pull'], /pull needs model names: tiny-test/],
    [['pull', 'nope'], /unknown model\(s\) nope; known: tiny-test/],
    [['pull', 'tiny-test', 'tiny-test', '--from', 'x'], /--from installs one file/],
    [['pull', 'tiny-test', '--from', 'x', '--mirror', 'http://127.0.0.1:9'], /exclude each other/],
    [['pull', 'tiny-test', '--timeout-ms', 'soon'], /--timeout-ms must be a positive integer/],
    [['pull', '--bogus'], /Unknown option '--bogus'/],
    [['fetch'], /Usage: npm run models/],
  ])('exits 2 on bad usage: %j', async (args, message) => {
    expect(await run(args)).toBe(2);
    expect(err.join('\n')).toMatch(message);
    expect(server.requests).toEqual([]);
  });
});

describe('models list and verify', () => {
  const two = () => [server.entry(), server.entry(undefined, { name: 'other', fileName: 'other.onnx', commercialUse: false, licence: { code: 'x', weights: 'CC-BY-NC-4.0' } })];

  it('lists size, licence, commercial use, tier, installed and checksum state', async () => {
    await run(['pull', 'tiny-test'], two());
    await writeFile(join(dir, 'other.onnx'), 'corrupt');
    out = [];
    expect(await run(['list'], two())).toBe(0);
    const [header, tiny, other] = out[0]!.split('\n');
    expect(header).toMatch(/^NAME\s+SIZE\s+WEIGHTS LICENCE\s+COMMERCIAL\s+TIER\s+INSTALLED\s+CHECKSUM$/);
    expect(tiny!.split(/\s{2,}/)).toEqual(['tiny-test', `${server.model.length} B`, 'MIT', 'yes', 'basic', 'yes', 'ok']);
    expect(other!.split(/\s{2,}/)).toEqual(['other', '7 B', 'CC-BY-NC-4.0', 'NO', 'basic', 'yes', 'MISMATCH']);
    await rm(join(dir, 'other.onnx'));
    out = [];
    await run(['list'], two());
    expect(out[0]!.split('\n')[2]!.split(/\s{2,}/)).toEqual(['other', '—', 'CC-BY-NC-4.0', 'NO', 'basic', 'no', '—']);
  });

  it('verify exits 0 when every installed file matches and 1 when one is corrupt', async () => {
    expect(await run(['verify'], two())).toBe(0);
    expect(out).toEqual([`no registry model installed in ${dir}`]);
    await run(['pull', 'tiny-test'], two());
    out = [];
    expect(await run(['verify'], two())).toBe(0);
    expect(out).toEqual([`ok        tiny-test (md5:${server.md5})`, '1 installed model file(s) verified']);

    await writeFile(join(dir, 'tiny-test.onnx'), Buffer.concat([server.model, Buffer.from([1])]));
    out = [];
    expect(await run(['verify'], two())).toBe(1);
    expect(err.at(-1)).toMatch(
      new RegExp(`^MISMATCH  tiny-test: checksum md5:[0-9a-f]{32}, expected md5:${server.md5}; fix: npm run models -- pull tiny-test$`),
    );
    expect(out.at(-1)).toBe('1 of 1 installed model file(s) failed verification');
  });
});
