/**
 * The Avatar Creator product: catalogue rules (which account tier may use which model), generation parameters (fixed
 * and stored when a generation is paid for), shared constants, and the worker side of a generation (the
 * generate-avatar handler, its settlement, reconcile source and preview retention). The API's services, controllers
 * and DTOs are in apps/api/src/avatar-creator (its services are the next to move here).
 */
export * from './avatar-creator.constants';
export * from './generation-params';
export * from './worker/avatar-creator-worker.module';
export * from './worker/avatar-generation-settlement.service';
export * from './worker/avatar-generation.reconcile-source';
export * from './worker/avatar-preview.retention-sweeper';
export * from './worker/generate-avatar.job';
export * from './credit-references';
