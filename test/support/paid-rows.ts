import { randomUUID } from 'node:crypto';
import { avatarGenerationCreditReference } from '@app/avatar-creator';
import { removalCreditReference } from '@app/background-remover';
import { CreditsService } from '@app/credits';
import { PrismaService } from '@app/prisma';
import { uniqueEmail } from './http';

/**
 * Paid rows exactly as the API commits them (charge + row), made directly in the database and never enqueued, for
 * tests that drive the job stores and handlers by hand.
 */

const STARTING_BALANCE = 100;

async function userWithCredits(prisma: PrismaService, credits: CreditsService, prefix: string): Promise<string> {
  const user = await prisma.user.create({ data: { email: uniqueEmail(prefix), passwordHash: 'not-a-login' } });
  await credits.grant(user.id, STARTING_BALANCE, { referenceType: 'test_topup', referenceId: user.id });
  return user.id;
}

/** A single removal paid with 3 credits, QUEUED, with `attempts` already used. */
export async function paidRemovalJob(prisma: PrismaService, credits: CreditsService, attempts = 0) {
  const userId = await userWithCredits(prisma, credits, 'removal');
  const id = randomUUID();
  await credits.charge(userId, 3, removalCreditReference.job(id, 'test charge'));
  const row = await prisma.backgroundRemovalJob.create({
    data: {
      id,
      userId,
      tier: 'basic',
      modelKey: 'background-remover:basic',
      paidWith: 'CREDITS',
      creditCharged: 3,
      inputKey: `background-remover/${userId}/${id}/input.jpg`,
      inputMime: 'image/jpeg',
      inputBytes: 1000,
      width: 10,
      height: 10,
      attempts,
    },
  });
  return { row, userId };
}

/** An avatar generation (or preview) paid with 8 credits, QUEUED in a project of its own, with `attempts` used. */
export async function paidAvatarGeneration(prisma: PrismaService, credits: CreditsService, options: { attempts?: number; isPreview?: boolean } = {}) {
  const userId = await userWithCredits(prisma, credits, 'avatar');
  const project = await prisma.avatarProject.create({ data: { userId, name: 'test project' } });
  const id = randomUUID();
  await credits.charge(userId, 8, avatarGenerationCreditReference(id, 'test charge'));
  const generation = await prisma.avatarGeneration.create({
    data: {
      id,
      userId,
      projectId: project.id,
      modelKey: 'avatar-creator:flux-dev-base',
      name: 'Ada',
      prompt: 'a portrait',
      params: { width: 256, height: 256, seed: 1 },
      isPreview: options.isPreview ?? false,
      creditCharged: 8,
      attempts: options.attempts ?? 0,
    },
  });
  return { generation, userId };
}

/** The user's ledger without the starting grant, oldest first. */
export async function paidMovements(prisma: PrismaService, userId: string) {
  return prisma.creditTransaction.findMany({
    where: { userId, kind: { not: 'GRANT' } },
    // A charge and its refund can share a millisecond: CHARGE sorts before REFUND then, as it happened.
    orderBy: [{ createdAt: 'asc' }, { kind: 'asc' }],
    select: { kind: true, amount: true },
  });
}

/** The wallet invariant: the balance equals the sum of the ledger. */
export async function balanceMatchesLedger(prisma: PrismaService, credits: CreditsService, userId: string): Promise<boolean> {
  const sum = (await prisma.creditTransaction.aggregate({ where: { userId }, _sum: { amount: true } }))._sum.amount;
  return sum === (await credits.getBalance(userId));
}
