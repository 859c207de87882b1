import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { readLog, RUN_DIR } from '../support/deployment';

/**
 * Scenario 8 helpers: the secrets the suite used (bearer tokens, passwords) are recorded as they are created, and
 * captured process logs are searched for them — whole, and for the JWT signature alone (a token cut in half still
 * leaks its signature).
 */
const SECRETS_FILE = join(RUN_DIR, 'secrets.jsonl');

export interface Secrets {
  token?: string;
  password?: string;
}

export function recordSecrets(...items: Secrets[]): void {
  mkdirSync(RUN_DIR, { recursive: true });
  for (const s of items) appendFileSync(SECRETS_FILE, `${JSON.stringify(s)}\n`);
}

export function recordedSecrets(): Secrets[] {
  return readLog(SECRETS_FILE)
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Secrets);
}

/** Every needle that must not appear in a log. */
export function needles(items: Secrets[]): string[] {
  const out = new Set<string>();
  for (const s of items) {
    if (s.password) out.add(s.password);
    if (s.token) {
      out.add(s.token);
      const signature = s.token.split('.')[2];
      if (signature && signature.length >= 16) out.add(signature);
    }
  }
  return [...out];
}

export function findSecrets(logText: string, items: Secrets[]): string[] {
  return needles(items).filter((n) => logText.includes(n));
}

export function expectNoSecretsInLogs(logText: string, items: Secrets[]): void {
  recordSecrets(...items);
  expect(items.length, 'the scan needs secrets to look for').toBeGreaterThan(0);
  expect(logText.length, 'the scan needs captured logs').toBeGreaterThan(0);
  const leaked = findSecrets(logText, items);
  expect(leaked.map((l) => `${l.slice(0, 6)}…(${l.length} chars)`), 'secrets found in the captured logs').toEqual([]);
}
