export * from './credits.module';
export * from './credits.service';
export * from './pricing';
export * from './subscription-plans';
export * from './subscription-quota.service';
export * from './credit-references';
export * from './removal-refund.service';
