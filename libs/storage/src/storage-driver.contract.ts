import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageArea, StorageDriver } from './storage-driver';

/**
 * Behaviour every StorageDriver must have. Run it per driver from a spec:
 * runStorageContract('s3', async () => ({ driver, cleanup })). Keys live under a random prefix per test, so a
 * shared bucket works. Not exported from the lib's barrel (it imports vitest).
 */
export interface StorageContractHarness {
  driver: StorageDriver;
  /** Every entry physically present under an area, hidden ones included (relative paths); enables leftover checks. */
  listRaw?: (area: StorageArea) => Promise<string[]>;
  cleanup?: () => Promise<void>;
}

const BAD_KEYS = [
  '',
  '../x',
  'a/../../b',
  '..',
  '.env',
  'a/.hidden',
  'a/./b',
  '/abs',
  '/etc/passwd',
  'a//b',
  'a/',
  'a\\b',
  'a b',
  'a/%2e%2e/b',
  'x'.repeat(513),
];

async function rejectionCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return (err as { code?: string }).code ?? 'NO_CODE';
  }
  return undefined;
}

/** A stream that yields `chunks`, waiting `delayMs` before each, optionally failing after `failAfter` chunks. */
function slowStream(chunks: Buffer[], delayMs: number, failAfter?: number): Readable {
  async function* gen() {
    for (let i = 0; i < chunks.length; i++) {
      if (failAfter !== undefined && i === failAfter) throw new Error('client went away');
      await new Promise((r) => setTimeout(r, delayMs));
      yield chunks[i]!;
    }
  }
  return Readable.from(gen());
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(parts);
}

export function runStorageContract(name: string, makeDriver: () => Promise<StorageContractHarness>): void {
  describe(`StorageDriver contract: ${name}`, () => {
    let h: StorageContractHarness;
    let driver: StorageDriver;
    const prefix = () => `contract-${randomUUID()}`;

    beforeAll(async () => {
      h = await makeDriver();
      driver = h.driver;
    });
    afterAll(async () => {
      await h?.cleanup?.();
    });

    async function leftovers(area: StorageArea, base: string): Promise<string[]> {
      if (!h.listRaw) return [];
      return (await h.listRaw(area)).filter((p) => p.startsWith(`${base}/`));
    }

    it('puts and gets a Buffer', async () => {
      const key = `${prefix()}/dir/file.png`;
      const data = Buffer.from('hello storage');
      await expect(driver.put('public', key, data, { contentType: 'image/png' })).resolves.toEqual({
        key,
        size: data.length,
      });
      expect(await driver.get('public', key)).toEqual(data);
      expect(await readAll(await driver.openReadStream('public', key))).toEqual(data);
    });

    it('pipes a stream (1 MiB in chunks) and reads it back as a stream', async () => {
      const key = `${prefix()}/big.bin`;
      const chunks = Array.from({ length: 16 }, (_, i) => Buffer.alloc(64 * 1024, i));
      const res = await driver.put('private', key, Readable.from(chunks));
      expect(res).toEqual({ key, size: 1024 * 1024 });
      const back = await readAll(await driver.openReadStream('private', key));
      expect(back.equals(Buffer.concat(chunks))).toBe(true);
    });

    it('overwrites', async () => {
      const key = `${prefix()}/f.txt`;
      await driver.put('private', key, Buffer.from('first version'));
      await driver.put('private', key, Buffer.from('v2'));
      expect((await driver.get('private', key)).toString()).toBe('v2');
      expect(await driver.stat('private', key)).toEqual({ size: 2 });
    });

    it('exists / stat', async () => {
      const key = `${prefix()}/a/b.txt`;
      expect(await driver.exists('private', key)).toBe(false);
      expect(await driver.stat('private', key)).toBeNull();
      await driver.put('private', key, Buffer.from('12345'));
      expect(await driver.exists('private', key)).toBe(true);
      expect(await driver.stat('private', key)).toEqual({ size: 5 });
      // A "directory" is not an object.
      expect(await driver.exists('private', key.split('/').slice(0, 2).join('/'))).toBe(false);
    });

    it('get / openReadStream of a missing key → NOT_FOUND', async () => {
      const key = `${prefix()}/missing.png`;
      expect(await rejectionCode(driver.get('public', key))).toBe('NOT_FOUND');
      expect(await rejectionCode(driver.openReadStream('public', key))).toBe('NOT_FOUND');
    });

    it('deletes; deleting a missing key is fine', async () => {
      const key = `${prefix()}/x.txt`;
      await driver.put('public', key, Buffer.from('x'));
      await driver.delete('public', key);
      expect(await driver.exists('public', key)).toBe(false);
      await expect(driver.delete('public', key)).resolves.toBeUndefined();
      await expect(driver.delete('public', `${prefix()}/never/was`)).resolves.toBeUndefined();
    });

    it('deletePrefix removes whole-segment descendants only', async () => {
      const base = prefix();
      const keep = [`${base}/ab/3.txt`, `${base}/other.txt`];
      const gone = [`${base}/a/1.txt`, `${base}/a/b/2.txt`];
      for (const key of [...keep, ...gone]) await driver.put('public', key, Buffer.from(key));
      await driver.deletePrefix('public', `${base}/a`);
      for (const key of gone) expect(await driver.exists('public', key)).toBe(false);
      for (const key of keep) expect(await driver.exists('public', key)).toBe(true);
      await driver.deletePrefix('public', `${base}/ab/`);
      expect(await driver.exists('public', keep[0]!)).toBe(false);
      await expect(driver.deletePrefix('public', `${base}/nothing-here`)).resolves.toBeUndefined();
    });

    it('is atomic: a streaming write is invisible until complete, old content stays readable', async () => {
      const base = prefix();
      const key = `${base}/out.png`;
      await driver.put('public', key, Buffer.from('old'));
      const newKey = `${base}/new.png`;
      const chunks = Array.from({ length: 5 }, () => Buffer.alloc(1000, 7));
      const writing = Promise.all([
        driver.put('public', key, slowStream(chunks, 20)),
        driver.put('public', newKey, slowStream(chunks, 20)),
      ]);
      await new Promise((r) => setTimeout(r, 50));
      expect((await driver.get('public', key)).toString()).toBe('old');
      expect(await driver.exists('public', newKey)).toBe(false);
      expect(await rejectionCode(driver.get('public', newKey))).toBe('NOT_FOUND');
      await writing;
      expect((await driver.get('public', key)).length).toBe(5000);
      expect((await driver.get('public', newKey)).length).toBe(5000);
      expect((await leftovers('public', base)).sort()).toEqual([key, newKey].sort());
    });

    it('a failed stream stores nothing and leaves no temp file', async () => {
      const base = prefix();
      const key = `${base}/broken.png`;
      const chunks = Array.from({ length: 4 }, () => Buffer.alloc(1000, 1));
      await expect(driver.put('public', key, slowStream(chunks, 5, 2))).rejects.toThrow('client went away');
      expect(await driver.exists('public', key)).toBe(false);
      expect(await leftovers('public', base)).toEqual([]);
    });

    it('maxBytes aborts an oversized body with PAYLOAD_TOO_LARGE and stores nothing', async () => {
      const base = prefix();
      const key = `${base}/upload.jpg`;
      const chunks = Array.from({ length: 4 }, () => Buffer.alloc(1000, 1));
      expect(await rejectionCode(driver.put('private', key, Readable.from(chunks), { maxBytes: 2500 }))).toBe(
        'PAYLOAD_TOO_LARGE',
      );
      expect(await rejectionCode(driver.put('private', key, Buffer.alloc(2501), { maxBytes: 2500 }))).toBe(
        'PAYLOAD_TOO_LARGE',
      );
      expect(await driver.exists('private', key)).toBe(false);
      expect(await leftovers('private', base)).toEqual([]);
      await expect(driver.put('private', key, Readable.from(chunks), { maxBytes: 4000 })).resolves.toEqual({
        key,
        size: 4000,
      });
    });

    it.each(BAD_KEYS.map((k) => [JSON.stringify(k.length > 40 ? `${k.slice(0, 10)}…(${k.length})` : k), k]))(
      'rejects key %s with BAD_REQUEST everywhere',
      async (_label, key) => {
        const area: StorageArea = 'public';
        expect(await rejectionCode(driver.put(area, key, Buffer.from('x')))).toBe('BAD_REQUEST');
        expect(await rejectionCode(driver.put(area, key, Readable.from([Buffer.from('x')])))).toBe('BAD_REQUEST');
        expect(await rejectionCode(driver.get(area, key))).toBe('BAD_REQUEST');
        expect(await rejectionCode(driver.openReadStream(area, key))).toBe('BAD_REQUEST');
        expect(await rejectionCode(driver.exists(area, key))).toBe('BAD_REQUEST');
        expect(await rejectionCode(driver.stat(area, key))).toBe('BAD_REQUEST');
        expect(await rejectionCode(driver.delete(area, key))).toBe('BAD_REQUEST');
        // deletePrefix accepts one trailing '/' ('a/' means the folder 'a'), so 'a/' is a valid prefix.
        if (key !== 'a/') expect(await rejectionCode(driver.deletePrefix(area, key))).toBe('BAD_REQUEST');
      },
    );

    it.each(['', '/', '../', '.git/', 'a//'])('rejects prefix %j with BAD_REQUEST', async (bad) => {
      expect(await rejectionCode(driver.deletePrefix('public', bad))).toBe('BAD_REQUEST');
    });

    it('rejects an unknown area', async () => {
      const bad = 'secret' as StorageArea;
      expect(await rejectionCode(driver.get(bad, `${prefix()}/a`))).toBe('BAD_REQUEST');
    });

    it('keeps areas isolated', async () => {
      const key = `${prefix()}/same-key.txt`;
      await driver.put('private', key, Buffer.from('private bytes'));
      expect(await driver.exists('public', key)).toBe(false);
      expect(await rejectionCode(driver.get('public', key))).toBe('NOT_FOUND');
      await driver.put('public', key, Buffer.from('public bytes'));
      expect((await driver.get('private', key)).toString()).toBe('private bytes');
      expect((await driver.get('public', key)).toString()).toBe('public bytes');
      await driver.delete('public', key);
      expect(await driver.exists('private', key)).toBe(true);
    });

    it('checkWritable passes on a healthy store', async () => {
      await expect(driver.checkWritable()).resolves.toBeUndefined();
    });
  });
}
