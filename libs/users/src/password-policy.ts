import { dictionary } from '@zxcvbn-ts/language-common';
import { DomainError } from '@app/common';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * The 10,000 most common passwords of zxcvbn-ts's frequency-ranked list (MIT, bundled in the npm package, no network),
 * compared case-insensitively: `Password123` is as guessable as `password123`.
 */
const COMMON_PASSWORDS = new Set(dictionary['passwords-common'].slice(0, 10_000).map((p) => p.toLowerCase()));

/** Why `password` is not acceptable, or null. */
export function passwordWeakness(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (COMMON_PASSWORDS.has(password.toLowerCase())) return 'is one of the most commonly used passwords';
  if (new Set(password).size < 3) return 'must not be one character repeated';
  return null;
}

/** Throws 400 WEAK_PASSWORD (with the reason under `details.fields`) unless the password meets the policy. */
export function assertPasswordPolicy(password: string): void {
  const weakness = passwordWeakness(password);
  if (weakness) {
    throw new DomainError('WEAK_PASSWORD', `The password ${weakness}`, { fields: [{ field: 'password', errors: [weakness] }] });
  }
}
