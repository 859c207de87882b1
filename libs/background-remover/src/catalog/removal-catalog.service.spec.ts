import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AiModel, PrismaService } from '@app/prisma';
import { RemovalCatalogService } from './removal-catalog.service';

/** A stand-in for the one query the tier list makes, counting calls; each call answers after a tick, like a pool. */
function catalogue(rows: Partial<AiModel>[]): { prisma: PrismaService; queries: () => number } {
  let queries = 0;
  const findMany = async () => {
    queries++;
    await new Promise((r) => setTimeout(r, 5));
    return rows.map((r) => ({ ...r }));
  };
  return { prisma: { aiModel: { findMany } } as unknown as PrismaService, queries: () => queries };
}

describe('RemovalCatalogService.listTiers', () => {
  afterEach(() => vi.useRealTimers());

  it('requests arriving while the cache is empty or stale share one query', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { prisma, queries } = catalogue([{ modelKey: 'a', qualityTier: 'basic' }]);
    const catalog = new RemovalCatalogService(prisma);

    const first = await Promise.all(Array.from({ length: 20 }, () => catalog.listTiers()));
    expect(queries()).toBe(1);
    expect(new Set(first).size).toBe(1);

    await catalog.listTiers();
    expect(queries()).toBe(1); // fresh: from memory

    vi.setSystemTime(Date.now() + 6_000);
    const refreshed = await Promise.all(Array.from({ length: 20 }, () => catalog.listTiers()));
    expect(queries()).toBe(2);
    expect(refreshed[0]).not.toBe(first[0]);
  });

  it('an empty catalogue is CATALOG_EMPTY for every waiting request, and the next request asks again', async () => {
    const { prisma, queries } = catalogue([]);
    const catalog = new RemovalCatalogService(prisma);
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => catalog.listTiers()));
    expect(results.every((r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'CATALOG_EMPTY')).toBe(true);
    expect(queries()).toBe(1);
    await expect(catalog.listTiers()).rejects.toMatchObject({ code: 'CATALOG_EMPTY' });
    expect(queries()).toBe(2);
  });
});
