import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStorageDriver } from './local-storage.driver';
import { runStorageContract } from './storage-driver.contract';
import { StorageNotWritableError } from './storage-driver';

runStorageContract('local', async () => {
  const root = await mkdtemp(join(tmpdir(), 'storage-contract-'));
  const driver = new LocalStorageDriver(root);
  await driver.prepare();
  return {
    driver,
    listRaw: async (area) => {
      const entries = await readdir(join(root, area), { recursive: true, withFileTypes: true });
      return entries
        .filter((e) => e.isFile())
        .map((e) => relative(join(root, area), join(e.parentPath, e.name)).split('\\').join('/'));
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describe('LocalStorageDriver specifics', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'storage-local-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('lays files out as <root>/<area>/<key> and resolves a relative root against cwd', async () => {
    const driver = new LocalStorageDriver(relative(process.cwd(), root));
    expect(driver.publicRoot()).toBe(join(root, 'public'));
    await driver.put('public', 'background-remover/u1/j1/output.png', Buffer.from('png'));
    await driver.put('private', 'uploads/u1/in.jpg', Buffer.from('jpg'));
    expect((await readFile(join(root, 'public/background-remover/u1/j1/output.png'))).toString()).toBe('png');
    expect((await readFile(join(root, 'private/uploads/u1/in.jpg'))).toString()).toBe('jpg');
  });

  it('prepare creates both area directories', async () => {
    const fresh = join(root, 'fresh');
    await new LocalStorageDriver(fresh).prepare();
    expect((await readdir(fresh)).sort()).toEqual(['private', 'public']);
  });

  it('checkWritable leaves no probe behind', async () => {
    const driver = new LocalStorageDriver(root);
    await driver.checkWritable();
    expect(await readdir(join(root, 'private', '.health'))).toEqual([]);
  });

  it('checkWritable fails with a clear message when the root cannot be written', async () => {
    // A root below a regular file cannot be created, even by root (chmod would not stop uid 0).
    const file = join(root, 'not-a-dir');
    await writeFile(file, 'x');
    const driver = new LocalStorageDriver(join(file, 'storage'));
    await expect(driver.checkWritable()).rejects.toBeInstanceOf(StorageNotWritableError);
    await expect(driver.checkWritable()).rejects.toThrow(/Storage root .*not-a-dir\/storage is not writable/);
  });

  it('reads in the chunk size asked for (64 KiB by default)', async () => {
    const driver = new LocalStorageDriver(root);
    const data = Buffer.alloc(3 * 1024 * 1024, 7);
    await driver.put('public', 'chunks/big.bin', data);
    const chunkSizes = async (stream: NodeJS.ReadableStream) => {
      const sizes: number[] = [];
      for await (const chunk of stream) sizes.push((chunk as Buffer).length);
      return sizes;
    };
    expect(await chunkSizes(await driver.openReadStream('public', 'chunks/big.bin', { chunkBytes: 1024 * 1024 }))).toEqual([1048576, 1048576, 1048576]);
    const byDefault = await chunkSizes(await driver.openReadStream('public', 'chunks/big.bin'));
    expect(byDefault).toHaveLength(48);
    expect(byDefault.reduce((a, b) => a + b, 0)).toBe(data.length);
  });

  it('a key naming a directory is not an object', async () => {
    const driver = new LocalStorageDriver(root);
    await driver.put('public', 'dir/child.txt', Buffer.from('c'));
    await expect(driver.get('public', 'dir')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(driver.openReadStream('public', 'dir')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(driver.delete('public', 'dir')).resolves.toBeUndefined();
    expect(await driver.exists('public', 'dir/child.txt')).toBe(true);
  });
});
