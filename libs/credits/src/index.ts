export * from './credits.module';
export * from './credits.service';
export * from './pricing';
export * from './subscription-plans';
