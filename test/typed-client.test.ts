import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchEvent, createLumikuClient, JobEvent, LumikuApiError, newIdempotencyKey, unwrap } from '../clients/typescript/src/index.js';
import { createTestApi, createTestWorker } from './support/app';
import { imageInfo, productPhoto, zipEntries } from './support/images';

/**
 * The typed client (clients/typescript) as an SPA would use it: real HTTP to a listening API on loopback, with a
 * worker consuming the queue, real PostgreSQL and Redis. Everything goes through the client's public surface.
 */
describe('typed TypeScript client against the real API + worker', () => {
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let baseUrl: string;

  beforeAll(async () => {
    app = await createTestApi();
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    worker = await createTestWorker();
  });
  afterAll(async () => {
    await worker?.close();
    await app?.close();
  });

  const jpeg = async (name: string, width = 320, height = 240) => ({ data: new Uint8Array(await productPhoto(width, height)), filename: name, contentType: 'image/jpeg' });

  it('register → remove (Prefer: wait, idempotency key) → batch → live events → ZIP download', async () => {
    const client = createLumikuClient({ baseUrl });
    const auth = await client.register({ email: `client-${randomUUID()}@example.com`, password: 'correct horse battery staple' });
    expect(client.token).toBe(auth.accessToken);
    expect((await client.me()).creditBalance).toBe(100);

    // One image, waited for: 200 with the finished job and the charge in the headers.
    const photo = await jpeg('photo.jpg');
    const idempotencyKey = newIdempotencyKey();
    const single = await client.removeBackground(photo, { tier: 'basic', wait: 20, idempotencyKey });
    expect(single).toMatchObject({ status: 200, creditsCharged: 3, creditsRemaining: 97, replayed: false });
    expect(single.result).toMatchObject({ status: 'SUCCEEDED', tier: 'basic', originalFilename: 'photo.jpg', width: 320, height: 240 });
    const output = await fetch(client.url(single.result.outputUrl!));
    expect(output.status).toBe(200);
    expect(await imageInfo(Buffer.from(await output.arrayBuffer()))).toMatchObject({ format: 'png', width: 320, height: 240, hasAlpha: true });

    // The same request with the same key is replayed, not charged again.
    const replay = await client.removeBackground(photo, { tier: 'basic', wait: 20, idempotencyKey });
    expect(replay.replayed).toBe(true);
    expect(replay.result.id).toBe(single.result.id);
    expect((await client.me()).creditBalance).toBe(97);

    // A batch of three: 202, then the event stream until the end, then the ZIP of all three.
    const accepted = await client.createBatch([await jpeg('a.jpg', 120, 90), await jpeg('b.jpg', 130, 90), await jpeg('c.jpg', 140, 90)], { tier: 'basic' });
    expect(accepted.status).toBe(202);
    expect(accepted.result.totalItems).toBe(3);
    const events: BatchEvent[] = [];
    for await (const event of client.batchEvents(accepted.result.id, { signal: AbortSignal.timeout(90_000) })) events.push(event);
    expect(events.at(-1)).toEqual({ type: 'end' });
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e.batch] : []));
    expect(progress.at(-1)).toMatchObject({ id: accepted.result.id, status: 'COMPLETED', succeededItems: 3, failedItems: 0 });
    expect(progress.at(-1)).not.toHaveProperty('items');

    const batch = await client.waitForBatch(accepted.result.id, { timeoutMs: 5_000 });
    expect(batch.items?.map((item) => item.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    const zip = await client.downloadBatchZip(accepted.result.id);
    expect(zipEntries(Buffer.from(await zip.arrayBuffer()))).toHaveLength(3);
  });

  it('a job accepted without waiting: its event stream ends after SUCCEEDED, and polling agrees', async () => {
    const client = createLumikuClient({ baseUrl });
    await client.register({ email: `client-${randomUUID()}@example.com`, password: 'correct horse battery staple' });
    const accepted = await client.removeBackground(await jpeg('later.jpg'), { tier: 'basic', wait: 0 });
    expect([200, 202]).toContain(accepted.status);
    const events: JobEvent[] = [];
    for await (const event of client.jobEvents(accepted.result.id, { signal: AbortSignal.timeout(60_000) })) events.push(event);
    expect(events.at(-1)).toEqual({ type: 'end' });
    const last = events.at(-2);
    expect(last?.type === 'progress' && last.job).toMatchObject({ id: accepted.result.id, status: 'SUCCEEDED' });
    const job = await client.waitForJob(accepted.result.id, { timeoutMs: 5_000, intervalMs: 200 });
    expect(job.status).toBe('SUCCEEDED');
  });

  it('any route through the raw typed client; an avatar upload (multipart) through the helper', async () => {
    const client = createLumikuClient({ baseUrl });
    await client.register({ email: `client-${randomUUID()}@example.com`, password: 'correct horse battery staple' });
    const project = unwrap(await client.api.POST('/api/apps/avatar-creator/projects', { body: { name: 'Team' } }));
    const avatar = await client.uploadAvatar(project.id, await jpeg('me.jpg'), { name: 'Me' });
    expect(avatar).toMatchObject({ projectId: project.id, name: 'Me', source: 'UPLOAD' });
    expect((await fetch(client.url(avatar.imageUrl))).status).toBe(200);
    const listed = unwrap(await client.api.GET('/api/apps/avatar-creator/projects/{id}/avatars', { params: { path: { id: project.id } } }));
    expect(listed.items.map((a) => a.id)).toEqual([avatar.id]);
  });

  it('failures are LumikuApiError with the API code, status, details and request id; login restores a session', async () => {
    const anonymous = createLumikuClient({ baseUrl });
    const unauthorized = await anonymous.me().catch((err: unknown) => err);
    expect(unauthorized).toBeInstanceOf(LumikuApiError);
    expect(unauthorized).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect((unauthorized as LumikuApiError).requestId).toBeTruthy();

    const email = `client-${randomUUID()}@example.com`;
    const password = 'correct horse battery staple';
    await anonymous.register({ email, password });
    const notAnImage = await anonymous
      .removeBackground({ data: new TextEncoder().encode('plain text, not a picture'), filename: 'notes.jpg', contentType: 'image/jpeg' }, { tier: 'basic' })
      .catch((err: unknown) => err);
    expect(notAnImage).toMatchObject({ name: 'LumikuApiError', status: 415, code: 'UNSUPPORTED_IMAGE' });

    const tooExpensive = await anonymous
      .createBatch(await Promise.all(Array.from({ length: 5 }, (_, i) => jpeg(`big-${i}.jpg`, 64, 48))), { tier: 'industry' })
      .catch((err: unknown) => err);
    expect(tooExpensive).toMatchObject({ status: 402, code: 'INSUFFICIENT_CREDITS' });
    expect((tooExpensive as LumikuApiError).details).toMatchObject({ balance: 100 });

    const again = createLumikuClient({ baseUrl });
    await expect(again.login({ email, password: 'wrong password, surely' })).rejects.toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
    await again.login({ email, password });
    expect((await again.me()).email).toBe(email);
  });
});
