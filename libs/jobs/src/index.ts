export * from './job-producer.service';
export * from './job-types';
export * from './jobs.module';
export * from './redis-connection';
export * from './background-removal.types';
export * from './job-completion-waiter.service';
export * from './paid-job-lifecycle';
