import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFileChecker } from './model-file-check';
import type { ModelRegistryEntry } from './model-registry';

const good = Buffer.from('pretend this is an ONNX model');
const entry: ModelRegistryEntry = {
  name: 'checked',
  fileName: 'checked.onnx',
  urls: ['http://127.0.0.1:9/unused'],
  checksum: { algorithm: 'sha256', value: createHash('sha256').update(good).digest('hex') },
  publishedIn: 'test',
  licence: { code: 'MIT', weights: 'MIT' },
  commercialUse: true,
  onnx: { profile: 'u2net' },
  suggestedTier: 'basic',
  description: 'test',
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'model-file-check-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('ModelFileChecker', () => {
  it('reports missing, then pending, then verified, hashing each file version once', async () => {
    const checker = new ModelFileChecker();
    const path = join(dir, 'a.onnx');
    expect(await checker.check(entry, path)).toEqual({ state: 'missing' });
    await writeFile(path, good);
    expect(await checker.check(entry, path)).toEqual({ state: 'pending' });
    await checker.settled();
    const verified = { state: 'verified', checksum: `sha256:${entry.checksum.value}` };
    expect(await checker.check(entry, path)).toEqual(verified);
    expect(await checker.check(entry, path)).toEqual(verified); // cached: no new 'pending'
  });

  it('re-checks a replaced file and reports the wrong bytes as corrupt', async () => {
    const checker = new ModelFileChecker();
    const path = join(dir, 'b.onnx');
    await writeFile(path, good);
    await checker.check(entry, path);
    await checker.settled();
    await rm(path);
    await writeFile(path, Buffer.concat([good, Buffer.from('!')]));
    expect(await checker.check(entry, path)).toEqual({ state: 'pending' });
    await checker.settled();
    const result = await checker.check(entry, path);
    expect(result).toMatchObject({ state: 'corrupt' });
    expect((result as { reason: string }).reason).toMatch(new RegExp(`^checksum sha256:[0-9a-f]{64}, expected sha256:${entry.checksum.value}$`));
  });

  it('rejects a file of the wrong published size without hashing it', async () => {
    const checker = new ModelFileChecker();
    const path = join(dir, 'c.onnx');
    await writeFile(path, good.subarray(0, 5));
    expect(await checker.check({ ...entry, bytes: good.length }, path)).toEqual({
      state: 'corrupt',
      reason: `5 bytes, expected ${good.length}`,
    });
  });
});
