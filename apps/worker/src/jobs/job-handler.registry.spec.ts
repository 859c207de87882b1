import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { JobName } from '@app/jobs';
import { JobHandler } from './job-handler.decorator';
import { JobHandlerRegistry } from './job-handler.registry';

@Injectable()
class OnlyReconcile {
  @JobHandler(JobName.Reconcile)
  async reconcile(): Promise<string> {
    return 'reconciled';
  }
}

@Injectable()
class AllJobs extends OnlyReconcile {
  @JobHandler(JobName.RetentionSweep)
  async sweep(): Promise<string> {
    return 'swept';
  }
}

@Injectable()
class SecondReconcile {
  @JobHandler(JobName.Reconcile)
  async again(): Promise<void> {}
}

async function boot(...providers: (new (...args: never[]) => unknown)[]) {
  const moduleRef = await Test.createTestingModule({ imports: [DiscoveryModule], providers: [JobHandlerRegistry, ...providers] }).compile();
  return moduleRef.init();
}

describe('JobHandlerRegistry', () => {
  it('refuses to boot when a job name has no handler', async () => {
    await expect(boot(OnlyReconcile)).rejects.toThrow(/job "retention-sweep" has no handler/);
  });

  it('refuses to boot when a job name has two handlers', async () => {
    await expect(boot(AllJobs, SecondReconcile)).rejects.toThrow(/job "reconcile" has 2 handlers/);
  });

  it('dispatches each job to its handler', async () => {
    const app = await boot(AllJobs);
    const registry = app.get(JobHandlerRegistry);
    await expect(registry.dispatch({ name: 'retention-sweep', data: {} } as never)).resolves.toBe('swept');
    await expect(registry.dispatch({ name: 'nope', data: {} } as never)).rejects.toThrow(/No handler/);
    await app.close();
  });
});
