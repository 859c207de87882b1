/**
 * The Avatar Creator product: its rules in one place. Catalogue rules (which account tier may use which model),
 * projects and avatars (owner-scoped; deleting a project settles and refunds its in-flight generations), uploads,
 * accepting paid generations and previews (charge + row in one transaction, refunded if never queued), saving a
 * preview, generation parameters (fixed and stored when paid for), and the worker side of a generation (the
 * generate-avatar handler, its settlement, reconcile source and preview retention). The API adds controllers and
 * DTOs (AvatarCreatorCoreModule); the worker registers AvatarCreatorWorkerModule.
 */
export * from './avatar-creator.constants';
export * from './avatar-creator-core.module';
export * from './generation-params';
export * from './credit-references';
export * from './catalog/avatar-catalog.service';
export * from './projects/avatar-projects.service';
export * from './avatars/avatars.service';
export * from './avatars/avatar-upload.service';
export * from './generation/avatar-generation.service';
export * from './generation/avatar-preview.service';
export * from './worker/avatar-creator-worker.module';
export * from './worker/avatar-generation-settlement.service';
export * from './worker/avatar-generation.reconcile-source';
export * from './worker/avatar-preview.retention-sweeper';
export * from './worker/generate-avatar.job';
