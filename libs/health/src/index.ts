export * from './health.module';
export * from './readiness.service';
export * from './readiness.types';
export * from './schema-files';
