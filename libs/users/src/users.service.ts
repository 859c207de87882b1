import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { AppConfig } from '@app/config';
import { PrismaService, User, UserRole, UserTier, isUniqueViolation } from '@app/prisma';
import { hashPassword } from './password';
import { assertPasswordPolicy } from './password-policy';

export interface CreateUserInput {
  email: string;
  password: string;
  name?: string | null;
  role?: UserRole;
  tier?: UserTier;
}

export const SIGNUP_GRANT_REFERENCE = 'signup_grant';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

@Injectable()
export class UsersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  findByEmail(email: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { email: normalizeEmail(email) } });
  }

  findById(id: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { id } });
  }

  /**
   * Creates the user and the signup grant in one nested write: balance and ledger start out equal.
   * Email uniqueness is enforced by the database (→ 409 EMAIL_TAKEN), not by a racy pre-check.
   */
  async create(input: CreateUserInput): Promise<User> {
    const id = randomUUID();
    const grant = this.config.SIGNUP_CREDITS;
    assertPasswordPolicy(input.password);
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.prisma.user.create({
        data: {
          id,
          email: normalizeEmail(input.email),
          passwordHash,
          name: input.name ?? null,
          role: input.role ?? 'USER',
          tier: input.tier ?? 'free',
          creditBalance: grant,
          creditTransactions:
            grant > 0
              ? {
                  create: {
                    amount: grant,
                    balanceAfter: grant,
                    kind: 'GRANT',
                    referenceType: SIGNUP_GRANT_REFERENCE,
                    referenceId: id,
                    description: 'Signup grant',
                  },
                }
              : undefined,
        },
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new DomainError('EMAIL_TAKEN', 'An account with this email already exists');
      throw err;
    }
  }

  setRole(id: string, role: UserRole): Promise<User> {
    return this.prisma.user.update({ where: { id }, data: { role } });
  }

  setTier(id: string, tier: UserTier): Promise<User> {
    return this.prisma.user.update({ where: { id }, data: { tier } });
  }
}
