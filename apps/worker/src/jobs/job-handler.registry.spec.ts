import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { ALL_JOBS, JOB_HANDLER, JobHandler, JobName, PaidJobOutcome } from '@app/jobs';
import { JobHandlerRegistry } from './job-handler.registry';

/** A provider class with one @JobHandler method per given job name, each answering "handled <name>". */
function handlersFor(names: readonly JobName[]): new () => object {
  @Injectable()
  class Handlers {}
  for (const name of names) {
    const method = `handle_${name.replace(/-/g, '_')}`;
    Object.defineProperty(Handlers.prototype, method, { value: async () => `handled ${name}`, writable: true, configurable: true });
    JobHandler(name)(Handlers.prototype, method, Object.getOwnPropertyDescriptor(Handlers.prototype, method)!);
  }
  return Handlers;
}

async function boot(...providers: (new () => object)[]) {
  const moduleRef = await Test.createTestingModule({ imports: [DiscoveryModule], providers: [JobHandlerRegistry, ...providers] }).compile();
  return moduleRef.init();
}

describe('JobHandlerRegistry', () => {
  it('refuses to boot when a job name has no handler', async () => {
    const missing = ALL_JOBS.at(-1)!;
    await expect(boot(handlersFor(ALL_JOBS.filter((n) => n !== missing)))).rejects.toThrow(`job "${missing}" has no handler`);
  });

  it('refuses to boot when a job name has two handlers', async () => {
    await expect(boot(handlersFor(ALL_JOBS), handlersFor([JobName.Reconcile]))).rejects.toThrow(/job "reconcile" has 2 handlers/);
  });

  it('dispatches each job to its handler', async () => {
    const app = await boot(handlersFor(ALL_JOBS));
    const registry = app.get(JobHandlerRegistry);
    for (const name of ALL_JOBS) await expect(registry.dispatch({ name, data: {} } as never)).resolves.toBe(`handled ${name}`);
    await expect(registry.dispatch({ name: 'nope', data: {} } as never)).rejects.toThrow(/No handler/);
    await app.close();
  });

  it('is typed by job name: a handler whose payload or (paid job) outcome does not fit its job does not compile (npm run typecheck)', () => {
    class Typed {
      @JobHandler(JobName.RemoveBackground)
      async fits(payload: { jobId: string }): Promise<PaidJobOutcome> {
        return payload.jobId ? 'succeeded' : 'gone';
      }

      // @ts-expect-error a paid job answers with a PaidJobOutcome, not free text
      @JobHandler(JobName.GenerateAvatar)
      async freeText(payload: { generationId: string }) {
        return `done ${payload.generationId}`;
      }

      @JobHandler(JobName.FinalizeBatch)
      async anyResult(payload: { batchId: string }) {
        return { finalized: payload.batchId };
      }

      // @ts-expect-error finalize-batch carries { batchId }: a method expecting { jobId } is refused by the compiler
      @JobHandler(JobName.FinalizeBatch)
      async doesNotFit(payload: { jobId: string }) {
        return payload.jobId;
      }
    }
    expect(Reflect.getMetadata(JOB_HANDLER, Typed.prototype.fits)).toBe(JobName.RemoveBackground);
  });
});
