import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import type { Types } from '@prisma/client/runtime/client';
import { Client, ClientConfig } from 'pg';
import { AppConfig } from '@app/config';
import { Prisma, PrismaClient } from './generated/client';
import { collectCommitEffects, createGuardedPool, runInTransactionScope } from './transaction-guard';

const connectionLog = new Logger('Database');

/** How long a query or transaction waits for a pooled connection before the request is answered 503 DATABASE_BUSY. */
export const POOL_ACQUIRE_TIMEOUT_MS = 5_000;

type TransactionOptions = { maxWait?: number; timeout?: number; isolationLevel?: Prisma.TransactionIsolationLevel };

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
  private readonly guarded: boolean;

  constructor(config: AppConfig) {
    // Connections are opened lazily by the pg pool, so a down database does not stop the process booting:
    // readiness reports it instead and the pool reconnects by itself.
    const pool = createGuardedPool(
      {
        connectionString: config.DATABASE_URL,
        max: config.DATABASE_POOL_SIZE,
        connectionTimeoutMillis: POOL_ACQUIRE_TIMEOUT_MS,
        idleTimeoutMillis: 30_000,
        Client: ResilientPgClient,
      },
      config.DATABASE_TX_GUARD,
    );
    super({
      adapter: new PrismaPg(pool, { disposeExternalPool: true }),
      transactionOptions: { maxWait: 10_000, timeout: 15_000 },
    });
    this.guarded = config.DATABASE_TX_GUARD !== 'off';
  }

  /**
   * Interactive transactions run their callback inside the guard's scope (unless the guard is off), so a query through
   * the root client from inside the callback (a nested connection acquisition) is caught; afterCommit() effects on
   * `tx` run only once the transaction has committed. See transaction-guard.ts.
   */
  override $transaction<P extends Prisma.PrismaPromise<unknown>[]>(arg: [...P], options?: TransactionOptions): Promise<Types.Utils.UnwrapTuple<P>>;
  override $transaction<R>(fn: (tx: Prisma.TransactionClient) => Promise<R>, options?: TransactionOptions): Promise<R>;
  override async $transaction(arg: unknown, options?: TransactionOptions): Promise<unknown> {
    if (typeof arg === 'function') {
      const fn = arg as (tx: Prisma.TransactionClient) => Promise<unknown>;
      const onCommit: (() => void)[] = [];
      const result = await super.$transaction((tx) => {
        collectCommitEffects(tx, onCommit);
        return this.guarded ? runInTransactionScope(() => fn(tx)) : fn(tx);
      }, options);
      for (const effect of onCommit) effect();
      return result;
    }
    return super.$transaction(arg as Prisma.PrismaPromise<unknown>[], options);
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
