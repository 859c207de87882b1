import { SetMetadata } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { JobName, JobPayloads } from './job-types';
import type { PaidJobName, PaidJobOutcome } from './paid-job-lifecycle';

export const JOB_HANDLER = 'worker:jobHandler';

/**
 * What a handler of job `N` may look like: it receives that job's payload (and the BullMQ job), nothing else; a paid
 * job's handler answers with how the run ended (one outcome type for both products).
 */
type HandlerOf<N extends JobName> = (
  payload: JobPayloads[N],
  job: Job<JobPayloads[N]>,
) => Promise<N extends PaidJobName ? PaidJobOutcome : unknown>;

/**
 * Marks a provider method as the handler of one job name. Typed by the name: `@JobHandler('remove-background')` only
 * compiles on a method whose payload parameter accepts `JobPayloads['remove-background']` and (a paid job) that
 * resolves to a PaidJobOutcome. Exactly one handler per job name, checked at boot.
 */
export function JobHandler<N extends JobName>(name: N) {
  return <H extends HandlerOf<N>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<H>): void => {
    SetMetadata(JOB_HANDLER, name)(target, key, descriptor);
  };
}
