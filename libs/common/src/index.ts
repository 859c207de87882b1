export * from './bearer-token';
export * from './domain-error';
export * from './error-codes';
export * from './logging';
export * from './pagination';
export * from './outbound';
export * from './concurrency';
