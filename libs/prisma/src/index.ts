export * from './prisma.module';
export * from './prisma.service';
export * from './prisma-errors';
export * from './generated/client';
export * from './transaction-guard';
