import { describe, expect, it } from 'vitest';
import { assertPasswordPolicy, passwordWeakness } from './password-policy';

describe('password policy', () => {
  it.each(['password', 'password1', 'short pw'])('refuses %s as too short', (pw) => {
    expect(passwordWeakness(pw)).toMatch(/at least 10/);
  });

  it.each(['1234567890', 'qwertyuiop', 'Password123', 'PASSWORD123'])('refuses the common password %s', (pw) => {
    expect(passwordWeakness(pw)).toMatch(/commonly used/);
  });

  it('refuses a repeated character and an over-long password', () => {
    expect(passwordWeakness('aaaaaaaaaaaa')).toMatch(/repeated/);
    expect(passwordWeakness('x'.repeat(60) + 'y'.repeat(69))).toMatch(/at most 128/);
  });

  it('accepts a long uncommon passphrase', () => {
    expect(passwordWeakness('correct horse battery staple')).toBeNull();
    expect(() => assertPasswordPolicy('correct horse battery staple')).not.toThrow();
  });

  it('throws WEAK_PASSWORD naming the field', () => {
    expect(() => assertPasswordPolicy('password123')).toThrow(expect.objectContaining({ code: 'WEAK_PASSWORD' }));
  });
});
