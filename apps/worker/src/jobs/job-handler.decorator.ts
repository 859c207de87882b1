import { SetMetadata } from '@nestjs/common';
import type { JobName } from '@app/jobs';

export const JOB_HANDLER = 'worker:jobHandler';

/** Marks a provider method as the handler of one job name. Exactly one handler per job name, checked at boot. */
export const JobHandler = (name: JobName) => SetMetadata(JOB_HANDLER, name);
