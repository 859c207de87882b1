import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Client, ClientConfig } from 'pg';
import { AppConfig } from '@app/config';
import { PrismaClient } from './generated/client';

const connectionLog = new Logger('Database');

/**
 * A pg client that always has an 'error' listener. A connection can die while the pool has it checked out and no
 * query is running on it (the server terminated the backend, a failover, a network cut): node-postgres then emits
 * 'error' on the client, and with no listener that event would crash the process. The dead client is already
 * unusable (its next query fails → 503 DATABASE_UNAVAILABLE) and the pool discards it on release.
 */
class ResilientPgClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    this.on('error', (err: Error) => connectionLog.warn({ err: err.message }, 'database connection lost'));
  }
}

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(config: AppConfig) {
    // Connections are opened lazily by the pg pool, so a down database does not stop the process booting:
    // readiness reports it instead and the pool reconnects by itself.
    super({
      adapter: new PrismaPg({
        connectionString: config.DATABASE_URL,
        max: config.DATABASE_POOL_SIZE,
        connectionTimeoutMillis: 5_000,
        idleTimeoutMillis: 30_000,
        Client: ResilientPgClient,
      }),
      transactionOptions: { maxWait: 10_000, timeout: 15_000 },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
