import { describe, expect, it } from 'vitest';
import { DomainError } from '@app/common';
import type { AppConfig } from '@app/config';
import { UploadAdmissionService } from './upload-admission.service';

const admission = (concurrency: number, queue: number, waitMs = 1_000) =>
  new UploadAdmissionService({ UPLOAD_ADMISSION_CONCURRENCY: concurrency, UPLOAD_ADMISSION_QUEUE: queue, UPLOAD_ADMISSION_WAIT_MS: waitMs } as AppConfig);

describe('UploadAdmissionService', () => {
  it('admits up to the bound, queues FIFO up to the queue length, sheds the rest with SERVER_BUSY', async () => {
    const a = admission(2, 1);
    const first = await a.acquire();
    await a.acquire();
    const order: string[] = [];
    const queued = a.acquire().then((p) => {
      order.push('queued');
      return p;
    });
    await expect(a.acquire()).rejects.toMatchObject({ code: 'SERVER_BUSY' });
    expect(a.stats()).toEqual({ active: 2, queued: 1 });
    first.release();
    first.release(); // a second release is harmless
    const third = await queued;
    expect(order).toEqual(['queued']);
    expect(a.stats()).toEqual({ active: 2, queued: 0 });
    third.release();
    expect(a.stats()).toEqual({ active: 1, queued: 0 });
  });

  it('a queued request that waits too long is shed and leaves the queue', async () => {
    const a = admission(1, 5, 20);
    await a.acquire();
    const err = await a.acquire().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('SERVER_BUSY');
    expect(a.stats()).toEqual({ active: 1, queued: 0 });
  });
});
