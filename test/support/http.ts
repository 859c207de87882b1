import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { expect } from 'vitest';

export interface RegisteredUser {
  id: string;
  email: string;
  password: string;
  token: string;
  auth: { authorization: string };
}

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomUUID()}@example.com`;
}

export async function registerUser(app: NestFastifyApplication, prefix = 'user'): Promise<RegisteredUser> {
  const email = uniqueEmail(prefix);
  const password = 'correct horse battery staple';
  const res = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password } });
  expect(res.statusCode, res.body).toBe(201);
  const body = res.json<{ accessToken: string; user: { id: string } }>();
  return { id: body.user.id, email, password, token: body.accessToken, auth: { authorization: `Bearer ${body.accessToken}` } };
}

/** Asserts the error contract and returns the body. */
export function expectError(
  res: { statusCode: number; json: <T>() => T; headers: Record<string, unknown> },
  status: number,
  code: string,
): { statusCode: number; code: string; message: string; details?: Record<string, unknown>; requestId: string } {
  const body = res.json<{ statusCode: number; code: string; message: string; requestId: string; stack?: unknown }>();
  expect(res.statusCode).toBe(status);
  expect(body).toMatchObject({ statusCode: status, code });
  expect(typeof body.message).toBe('string');
  expect(body.requestId).toBeTruthy();
  expect(res.headers['x-request-id']).toBe(body.requestId);
  expect(JSON.stringify(body)).not.toMatch(/\bat .+\.(ts|js):\d+/); // no stack frames
  return body;
}
