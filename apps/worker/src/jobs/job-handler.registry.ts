import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { Job } from 'bullmq';
import { ALL_JOBS, JOB_HANDLER, JobName } from '@app/jobs';

type Handler = (payload: unknown, job: Job) => Promise<unknown>;

/**
 * Finds every @JobHandler method and refuses to start unless each job name has exactly one handler,
 * so a job can never sit in a queue that nothing will ever process.
 */
@Injectable()
export class JobHandlerRegistry implements OnModuleInit {
  private readonly logger = new Logger(JobHandlerRegistry.name);
  private readonly handlers = new Map<JobName, Handler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const found = new Map<JobName, string[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object') continue;
      const proto = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const fn = (instance as Record<string, unknown>)[method];
        if (typeof fn !== 'function') continue;
        const name = this.reflector.get<JobName | undefined>(JOB_HANDLER, fn as () => unknown);
        if (!name) continue;
        found.set(name, [...(found.get(name) ?? []), `${instance.constructor.name}.${method}`]);
        this.handlers.set(name, (fn as Handler).bind(instance));
      }
    }
    const problems = [
      ...ALL_JOBS.filter((n) => !found.has(n)).map((n) => `job "${n}" has no handler`),
      ...[...found].filter(([, where]) => where.length > 1).map(([n, where]) => `job "${n}" has ${where.length} handlers: ${where.join(', ')}`),
      ...[...found.keys()].filter((n) => !ALL_JOBS.includes(n)).map((n) => `handler for unknown job "${n}"`),
    ];
    if (problems.length) throw new Error(`Worker job handlers are incomplete:\n  - ${problems.join('\n  - ')}`);
    this.logger.log(`Job handlers registered: ${[...found.keys()].join(', ')}`);
  }

  async dispatch(job: Job): Promise<unknown> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) throw new Error(`No handler for job "${job.name}"`);
    return handler(job.data, job);
  }
}
