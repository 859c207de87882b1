/**
 * The Background Remover product: its rules in one place. Pricing and plans, the catalogue, subscriptions and daily
 * quota, accepting paid removals, the job store (every status change one conditional update; refunds exactly once) and
 * the worker's job handlers. The API adds controllers and DTOs; the worker registers BackgroundRemoverWorkerModule.
 */
export * from './background-remover-core.module';
export * from './pricing/pricing';
export * from './pricing/output-size';
export * from './pricing/subscription-plans';
export * from './catalog/removal-catalog.service';
export * from './subscriptions/subscription.service';
export * from './subscriptions/subscription-quota.service';
export * from './acceptance/removal.service';
export * from './acceptance/removal-inputs';
export * from './jobs/removal-refund.service';
export * from './jobs/removal-settlement.service';
export * from './jobs/removal-cancellation.service';
export * from './webhooks/job-webhook-events';
export * from './webhooks/webhook-sender.service';
export * from './worker/background-remover-worker.module';
export * from './worker/remove-background.handler';
export * from './worker/removal-reconcile.sources';
export * from './worker/removal-retention.sweeper';
export * from './credit-references';
export * from './pricing/payment-policy';
