export * from './password';
export * from './password-policy';
export * from './users.module';
export * from './users.service';
