export * from './cached';
export * from './lumiku-metrics';
export * from './metrics-access';
export * from './metrics.module';
