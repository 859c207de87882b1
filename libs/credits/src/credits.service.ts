import { Injectable, Optional } from '@nestjs/common';
import { DomainError, NotFoundError } from '@app/common';
import { LumikuMetrics } from '@app/metrics';
import { afterCommit, CreditTransactionKind, Prisma, PrismaService, isUniqueViolation } from '@app/prisma';

/** Pass a transaction client to make a movement part of a larger transaction (e.g. charge + create the job row). */
export type Db = Prisma.TransactionClient | PrismaService;

/** What a credit movement is for; (type, id, kind) is unique, which makes every movement idempotent. */
export interface CreditReference {
  referenceType: string;
  referenceId: string;
  description?: string;
}

export interface CreditMovement {
  /** False when the same (reference, kind) was already applied: nothing changed this time. */
  applied: boolean;
  balance: number;
  transactionId: string | null;
}

interface LedgerRow {
  id: string;
  balance_after: number;
}

/**
 * The only code that changes users.credit_balance. Each movement is ONE SQL statement: the conditional
 * balance update and the ledger insert in a data-modifying CTE, so they commit or fail together, and a
 * concurrent overdraft is impossible (the UPDATE re-checks `credit_balance + delta >= 0` under the row lock).
 * Nothing here is held across an AI provider call: there is nothing to hold.
 */
@Injectable()
export class CreditsService {
  constructor(
    private readonly prisma: PrismaService,
    // Absent in the CLI (no metrics there).
    @Optional() private readonly metrics?: LumikuMetrics,
  ) {}

  async getBalance(userId: string, db: Db = this.prisma): Promise<number> {
    const user = await db.user.findUnique({ where: { id: userId }, select: { creditBalance: true } });
    if (!user) throw new NotFoundError('User');
    return user.creditBalance;
  }

  /** Debits `amount` or throws 402 INSUFFICIENT_CREDITS. A repeated charge for the same reference is a no-op. */
  async charge(userId: string, amount: number, ref: CreditReference, db: Db = this.prisma): Promise<CreditMovement> {
    assertAmount(amount);
    if (amount === 0) return { applied: false, balance: await this.getBalance(userId, db), transactionId: null };
    const moved = await this.tryMove(db, userId, -amount, 'CHARGE', ref);
    if (moved) return moved;
    // Nothing debited: already charged, unknown user, or not enough credits.
    const existing = await this.findMovement(db, ref, 'CHARGE');
    if (existing) return { applied: false, balance: await this.getBalance(userId, db), transactionId: existing.id };
    const balance = await this.getBalance(userId, db);
    throw new DomainError('INSUFFICIENT_CREDITS', `This needs ${amount} credits; the balance is ${balance}`, {
      required: amount,
      balance,
    });
  }

  /** Credits back `amount` for a reference, exactly once. */
  refund(userId: string, amount: number, ref: CreditReference, db: Db = this.prisma): Promise<CreditMovement> {
    return this.credit(db, userId, amount, 'REFUND', ref);
  }

  grant(userId: string, amount: number, ref: CreditReference, db: Db = this.prisma): Promise<CreditMovement> {
    return this.credit(db, userId, amount, 'GRANT', ref);
  }

  private async credit(
    db: Db,
    userId: string,
    amount: number,
    kind: CreditTransactionKind,
    ref: CreditReference,
  ): Promise<CreditMovement> {
    assertAmount(amount);
    if (amount === 0) return { applied: false, balance: await this.getBalance(userId, db), transactionId: null };
    const moved = await this.tryMove(db, userId, amount, kind, ref);
    if (moved) return moved;
    const existing = await this.findMovement(db, ref, kind);
    if (existing) return { applied: false, balance: await this.getBalance(userId, db), transactionId: existing.id };
    throw new NotFoundError('User');
  }

  /** Returns null when no row changed (insufficient balance, unknown user, or the movement already exists). */
  private async tryMove(
    db: Db,
    userId: string,
    delta: number,
    kind: CreditTransactionKind,
    ref: CreditReference,
  ): Promise<CreditMovement | null> {
    try {
      const rows = await db.$queryRaw<LedgerRow[]>`
        WITH moved AS (
          UPDATE users
             SET credit_balance = credit_balance + ${delta}, updated_at = now()
           WHERE id = ${userId}::uuid
             AND credit_balance + ${delta} >= 0
             AND NOT EXISTS (
               SELECT 1 FROM credit_transactions
                WHERE reference_type = ${ref.referenceType} AND reference_id = ${ref.referenceId}
                  AND kind = ${kind}::"CreditTransactionKind")
          RETURNING credit_balance
        )
        INSERT INTO credit_transactions
               (id, user_id, amount, balance_after, kind, reference_type, reference_id, description)
        SELECT gen_random_uuid(), ${userId}::uuid, ${delta}, credit_balance, ${kind}::"CreditTransactionKind",
               ${ref.referenceType}, ${ref.referenceId}, ${ref.description ?? null}
          FROM moved
        RETURNING id, balance_after`;
      const row = rows[0];
      if (!row) return null;
      this.countMovement(db, kind, ref, Math.abs(delta));
      return { applied: true, balance: row.balance_after, transactionId: row.id };
    } catch (err) {
      // Two concurrent movements of the same reference: the loser's whole statement rolls back.
      // (Inside a caller's transaction the error aborts that transaction, so callers there see it propagate.)
      if (isUniqueViolation(err) && db === this.prisma) return null;
      throw err;
    }
  }

  /** Charges and refunds for the metrics, counted once the movement has committed (a rolled-back charge never was). */
  private countMovement(db: Db, kind: CreditTransactionKind, ref: CreditReference, amount: number): void {
    const counter = kind === 'CHARGE' ? this.metrics?.creditsCharged : kind === 'REFUND' ? this.metrics?.creditsRefunded : undefined;
    if (counter) afterCommit(db, () => counter.inc({ reference_type: ref.referenceType }, amount));
  }

  private findMovement(db: Db, ref: CreditReference, kind: CreditTransactionKind) {
    return db.creditTransaction.findUnique({
      where: {
        referenceType_referenceId_kind: { referenceType: ref.referenceType, referenceId: ref.referenceId, kind },
      },
      select: { id: true },
    });
  }
}

function assertAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`Invalid credit amount: ${amount}`);
}
