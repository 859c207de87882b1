/* eslint-disable @typescript-eslint/no-explicit-any -- bodies from a live server are untyped JSON; the tests check them with expect() */
import { createHmac, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Client } from 'pg';
import { multipart, MultipartFile } from './multipart';

/**
 * Requests against a real api process over loopback (fetch), plus the checks the reliability suite repeats:
 * the error contract, and the credits ledger invariant read straight from PostgreSQL.
 */

export interface LiveResponse<T = any> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

export interface LiveUser {
  id: string;
  email: string;
  password: string;
  token: string;
  auth: { authorization: string };
}

export interface RequestOptions {
  token?: string;
  json?: unknown;
  body?: Buffer | string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export class LiveClient {
  constructor(readonly baseUrl: string) {}

  async request<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<LiveResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: Buffer | string | undefined = opts.body;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    }
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body as RequestInit['body'],
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, text, body: parsed as T };
  }

  get<T = any>(path: string, opts: RequestOptions = {}) {
    return this.request<T>('GET', path, opts);
  }

  post<T = any>(path: string, opts: RequestOptions = {}) {
    return this.request<T>('POST', path, opts);
  }

  multipart<T = any>(path: string, fields: Record<string, string>, files: MultipartFile[], opts: RequestOptions = {}) {
    const mp = multipart(fields, files);
    return this.request<T>('POST', path, { ...opts, body: mp.payload, headers: { ...mp.headers, ...opts.headers } });
  }

  async register(prefix = 'rel'): Promise<LiveUser> {
    const email = `${prefix}-${randomUUID()}@example.com`;
    // Unique per user, so the log scan can look for each one.
    const password = `pw-${randomUUID()}`;
    const res = await this.post('/api/auth/register', { json: { email, password } });
    expect(res.status, res.text).toBe(201);
    const token = res.body.accessToken as string;
    return { id: res.body.user.id, email, password, token, auth: { authorization: `Bearer ${token}` } };
  }
}

/** The error contract: `{statusCode, code, message, details?, requestId}`, X-Request-Id echoed, no stack frames. */
export function expectLiveError(res: LiveResponse, status: number | ((s: number) => boolean), code?: string | RegExp): void {
  const ctx = `${res.status} ${res.text.slice(0, 500)}`;
  if (typeof status === 'number') expect(res.status, ctx).toBe(status);
  else expect(status(res.status), ctx).toBe(true);
  expectErrorShape(res);
  if (typeof code === 'string') expect(res.body.code, ctx).toBe(code);
  else if (code) expect(res.body.code, ctx).toMatch(code);
}

export function expectErrorShape(res: LiveResponse): void {
  const ctx = `${res.status} ${res.text.slice(0, 500)}`;
  expect(res.body, ctx).toBeTypeOf('object');
  expect(res.body.statusCode, ctx).toBe(res.status);
  expect(res.body.code, ctx).toMatch(/^[A-Z][A-Z_]+$/);
  expect(res.body.message, ctx).toBeTypeOf('string');
  expect(res.body.requestId, ctx).toBeTruthy();
  expect(res.headers.get('x-request-id'), ctx).toBe(res.body.requestId);
  expect(res.text, ctx).not.toMatch(/\bat .+\.(ts|js):\d+/);
}

export interface LedgerRow {
  user_id: string;
  balance: number;
  ledger_sum: number;
}

/** Users whose balance differs from the sum of their ledger (must be none). */
export async function ledgerMismatches(db: Client): Promise<LedgerRow[]> {
  const { rows } = await db.query<LedgerRow>(`
    SELECT u.id AS user_id, u.credit_balance AS balance, COALESCE(SUM(t.amount), 0)::int AS ledger_sum
      FROM users u LEFT JOIN credit_transactions t ON t.user_id = u.id
     GROUP BY u.id, u.credit_balance
    HAVING u.credit_balance <> COALESCE(SUM(t.amount), 0)`);
  return rows;
}

export async function balanceOf(db: Client, userId: string): Promise<number> {
  const { rows } = await db.query<{ credit_balance: number }>('SELECT credit_balance FROM users WHERE id = $1', [userId]);
  return rows[0]!.credit_balance;
}

export const image = (data: Buffer, field = 'image', filename = 'photo.jpg', contentType = 'image/jpeg'): MultipartFile => ({
  field,
  filename,
  contentType,
  data,
});

/** An HS256 bearer token as the api signs them (for a user id that may not exist, e.g. on an unmigrated database). */
export function signTestJwt(secret: string, sub: string, role = 'USER'): string {
  const b64 = (v: object | Buffer) => (Buffer.isBuffer(v) ? v : Buffer.from(JSON.stringify(v))).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, role, iat: now, exp: now + 3600 })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
