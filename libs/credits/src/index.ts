export * from './credits.module';
export * from './credits.service';
