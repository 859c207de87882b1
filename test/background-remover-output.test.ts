import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemovalRetentionSweeper } from '@app/background-remover';
import { AppConfig } from '@app/config';
import { CreditsService } from '@app/credits';
import { alphaBoundingBox } from '@app/images';
import { PrismaService } from '@app/prisma';
import { StorageService } from '@app/storage';
import { sharp } from '../libs/images/src/testing/test-images';
import { createTestApi, createTestWorker } from './support/app';
import { expectError, RegisteredUser, registerUser } from './support/http';
import { productPhoto, zipEntries } from './support/images';
import { multipart, MultipartFile } from './support/multipart';

interface Job {
  id: string;
  status: string;
  outputUrl: string | null;
  outputWidth: number | null;
  outputHeight: number | null;
  options: Record<string, unknown>;
}

const W = 480;
const H = 360;
const image = (data: Buffer, field = 'image', name = 'photo.jpg'): MultipartFile => ({ field, filename: name, contentType: 'image/jpeg', data });

/** Issue 13 part 3: the output options, end to end through the real API, PostgreSQL, Redis and worker. */
describe('Background Remover output options (API + worker)', () => {
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaService;
  let credits: CreditsService;
  let storage: StorageService;
  let photo: Buffer;
  let user: RegisteredUser;
  /** Subject box of the plain cut-out: what crop/position/scale are measured against. */
  let subject: { left: number; top: number; width: number; height: number };

  beforeAll(async () => {
    app = await createTestApi();
    worker = await createTestWorker();
    prisma = app.get(PrismaService);
    credits = app.get(CreditsService);
    storage = app.get(StorageService);
    photo = await productPhoto(W, H);
    user = await registerUser(app, 'output-options');
    await credits.grant(user.id, 400, { referenceType: 'test', referenceId: user.id });
    const plain = await removeOk({ tier: 'basic' });
    subject = await subjectBox(await download(plain.outputUrl!));
  });
  afterAll(async () => {
    await worker?.close();
    await app?.close();
  });

  async function remove(fields: Record<string, string>, files: MultipartFile[] = [image(photo)], who = user) {
    const body = multipart(fields, files);
    return app.inject({ method: 'POST', url: '/api/background-remover/remove', payload: body.payload, headers: { ...body.headers, ...who.auth, prefer: 'wait=30' } });
  }
  async function removeOk(fields: Record<string, string>, files?: MultipartFile[]): Promise<Job> {
    const res = await remove(fields, files);
    expect(res.statusCode, res.body).toBe(200);
    const job = res.json<Job>();
    expect(job.status, JSON.stringify(job)).toBe('SUCCEEDED');
    return job;
  }
  async function download(url: string): Promise<Buffer> {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    return res.rawPayload;
  }
  async function rgba(bytes: Buffer) {
    const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  }
  async function subjectBox(bytes: Buffer) {
    const img = await rgba(bytes);
    const box = alphaBoundingBox(img.data, img.width, img.height);
    expect(box, 'the output has a subject').not.toBeNull();
    return box!;
  }
  const pixel = (img: { data: Buffer; width: number }, x: number, y: number) => [...img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4)];
  const solidImage = (colour: string, width: number, height: number) => sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer();

  it('format=jpg with bgColor → a flattened JPEG served as image/jpeg; X-Width/X-Height and outputWidth/outputHeight', async () => {
    const res = await remove({ tier: 'basic', format: 'jpg', bgColor: '#0000ff' });
    expect(res.statusCode, res.body).toBe(200);
    expect([res.headers['x-width'], res.headers['x-height']]).toEqual([String(W), String(H)]);
    expect(res.headers['x-credits-charged']).toBe('3');
    const job = res.json<Job>();
    expect(job).toMatchObject({ outputWidth: W, outputHeight: H, options: { format: 'jpg', bgColor: '#0000ff' } });
    expect(job.outputUrl).toMatch(/\/output\.jpg$/);
    const served = await app.inject({ method: 'GET', url: job.outputUrl! });
    expect(served.headers['content-type']).toBe('image/jpeg');
    const meta = await sharp(served.rawPayload).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', channels: 3, hasAlpha: false, width: W, height: H });
    const img = await rgba(served.rawPayload);
    expect(pixel(img, 2, 2)[2]).toBeGreaterThan(220); // background became blue

    const again = await app.inject({ method: 'GET', url: `/api/background-remover/jobs/${job.id}`, headers: user.auth });
    expect([again.headers['x-width'], again.headers['x-height']]).toEqual([String(W), String(H)]);

    const alias = await removeOk({ tier: 'basic', format: 'jpeg', bgColor: '#ffffff' });
    expect(alias.options.format).toBe('jpg');
  });

  it('bgImage cover/contain is composited behind the subject; stored privately and removed by retention', async () => {
    const backdrop = await solidImage('#00ff00', 200, 100); // 2:1 onto a 4:3 canvas
    const cover = await removeOk({ tier: 'basic' }, [image(photo), image(backdrop, 'bgImage', 'bg.png')]);
    expect(cover.options).toMatchObject({ bgImageFit: 'cover' });
    const coverBytes = await download(cover.outputUrl!);
    expect((await sharp(coverBytes).metadata()).hasAlpha).toBe(false); // opaque everywhere
    const c = await rgba(coverBytes);
    expect(pixel(c, 0, 0).slice(0, 3)).toEqual([0, 255, 0]);
    expect(pixel(c, W - 1, H - 1).slice(0, 3)).toEqual([0, 255, 0]);
    const centre = pixel(c, subject.left + Math.floor(subject.width / 2), subject.top + Math.floor(subject.height / 3));
    expect(centre[1]).toBeLessThan(128); // the subject, not the green backdrop

    // contain: 480×240 centred → bars of bgColor on rows 0–59 and 300–359.
    const contain = await removeOk({ tier: 'basic', bgImageFit: 'contain', bgColor: '#ff00ff', format: 'jpg' }, [image(photo), image(backdrop, 'bgImage', 'bg.png')]);
    const ct = await rgba(await download(contain.outputUrl!));
    const near = (a: number[], b: number[]) => a.slice(0, 3).every((v, i) => Math.abs(v - b[i]!) < 12);
    expect(near(pixel(ct, 5, 5), [255, 0, 255]), String(pixel(ct, 5, 5))).toBe(true);
    expect(near(pixel(ct, 5, 100), [0, 255, 0]), String(pixel(ct, 5, 100))).toBe(true);
    expect(near(pixel(ct, 5, H - 5), [255, 0, 255])).toBe(true);

    const row = await prisma.backgroundRemovalJob.findUniqueOrThrow({ where: { id: cover.id } });
    expect(row.bgImageKey).toBe(`background-remover/${user.id}/${cover.id}/background.png`);
    expect((await storage.get('private', row.bgImageKey!)).equals(backdrop)).toBe(true);

    await prisma.backgroundRemovalJob.update({ where: { id: cover.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await worker.get(RemovalRetentionSweeper).sweep(new Date());
    await expect(storage.get('private', row.bgImageKey!)).rejects.toBeTruthy();
    expect((await prisma.backgroundRemovalJob.findUniqueOrThrow({ where: { id: cover.id } })).bgImageKey).toBeNull();
  });

  it('POST /batch: one bgImage applies to every item', async () => {
    const files = [image(await productPhoto(160, 120), 'images', 'a.jpg'), image(await productPhoto(200, 150), 'images', 'b.jpg'), image(await solidImage('#ff8000', 64, 64), 'bgImage', 'bg.png')];
    const body = multipart({ tier: 'basic', format: 'jpg' }, files);
    const res = await app.inject({ method: 'POST', url: '/api/background-remover/batch', payload: body.payload, headers: { ...body.headers, ...user.auth } });
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json<{ id: string }>().id;
    let batch: { status: string; totalItems: number; zipUrl: string | null; items: Job[] } | undefined;
    for (let i = 0; i < 300; i++) {
      batch = (await app.inject({ method: 'GET', url: `/api/background-remover/batch/${id}`, headers: user.auth })).json();
      if (['COMPLETED', 'PARTIAL', 'FAILED'].includes(batch!.status)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(batch).toMatchObject({ status: 'COMPLETED', totalItems: 2 });
    for (const item of batch!.items) {
      const out = await rgba(await download(item.outputUrl!));
      expect(pixel(out, 1, 1).slice(0, 3).map((v) => Math.round(v / 16))).toEqual([16, 8, 0]); // orange corner
    }
    const zip = await app.inject({ method: 'GET', url: batch!.zipUrl! });
    expect(zip.headers['content-type']).toBe('application/zip');
    expect(zipEntries(zip.rawPayload)).toEqual(['001-a.jpg', '002-b.jpg']);
    const rows = await prisma.backgroundRemovalJob.findMany({ where: { batchId: id } });
    expect(new Set(rows.map((r) => r.bgImageKey)).size).toBe(1);
    expect(rows[0]!.bgImageKey).toMatch(new RegExp(`^background-remover/${user.id}/uploads/`));
  });

  it('cropMargin: px, % of the subject, 1/2/4 values; the plain integer still works', async () => {
    const tight = await removeOk({ tier: 'basic', crop: 'true' });
    expect([tight.outputWidth, tight.outputHeight]).toEqual([subject.width, subject.height]);

    const legacy = await removeOk({ tier: 'basic', crop: 'true', cropMargin: '10' });
    expect([legacy.outputWidth, legacy.outputHeight]).toEqual([subject.width + 20, subject.height + 20]);
    expect(legacy.options.cropMargin).toBe(10);

    const two = await removeOk({ tier: 'basic', crop: 'true', cropMargin: '10px 5%' });
    const side = Math.round(subject.width * 0.05);
    expect([two.outputWidth, two.outputHeight]).toEqual([subject.width + 2 * side, subject.height + 20]);

    // 4 values, top right bottom left; 100% left pads past the image edge with transparency.
    const four = await removeOk({ tier: 'basic', crop: 'true', cropMargin: '0 0 0 100%' });
    expect([four.outputWidth, four.outputHeight]).toEqual([2 * subject.width, subject.height]);
    const img = await rgba(await download(four.outputUrl!));
    expect(pixel(img, 0, Math.floor(subject.height / 2))[3]).toBe(0);
    expect(await subjectBox(await download(four.outputUrl!))).toMatchObject({ left: subject.width, top: 0 });

    // Without crop the margin is ignored (remove.bg): the full frame.
    const ignored = await removeOk({ tier: 'basic', cropMargin: '50' });
    expect([ignored.outputWidth, ignored.outputHeight]).toEqual([W, H]);
  });

  it('position and scale place the subject on the original canvas (remove.bg semantics)', async () => {
    const topLeft = await removeOk({ tier: 'basic', position: '0% 0%' });
    expect([topLeft.outputWidth, topLeft.outputHeight]).toEqual([W, H]);
    expect(await subjectBox(await download(topLeft.outputUrl!))).toEqual({ left: 0, top: 0, width: subject.width, height: subject.height });

    const bottomRight = await removeOk({ tier: 'basic', position: '100%' });
    expect(await subjectBox(await download(bottomRight.outputUrl!))).toMatchObject({ left: W - subject.width, top: H - subject.height });

    // 50%: the subject fitted to half the canvas (the limiting axis is exactly half), centred (scale implies center).
    const half = await removeOk({ tier: 'basic', scale: '50%' });
    const box = await subjectBox(await download(half.outputUrl!));
    const ratio = Math.max(box.width / W, box.height / H);
    expect(ratio).toBeGreaterThan(0.48);
    expect(ratio).toBeLessThanOrEqual(0.51);
    expect(Math.abs(box.left + box.width / 2 - W / 2)).toBeLessThanOrEqual(2);
    expect(Math.abs(box.top + box.height / 2 - H / 2)).toBeLessThanOrEqual(2);
  });

  it('decontaminate removes the background colour spilled into the semi-transparent edge', async () => {
    // A white disc whose soft edge is white mixed with green-screen green, the green region already transparent
    // (an earlier cut-out): the worker multiplies the model's mask into that alpha, so the edge's true coverage is
    // known, whatever the model makes of the plain backdrop.
    const green = [16, 208, 48];
    const raw = Buffer.alloc(W * H * 4);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const d = Math.hypot(x - W / 2, y - H / 2);
        const a = Math.min(1, Math.max(0, (110 - d) / 10)); // opaque inside r=100, fading out to r=110
        const p = (y * W + x) * 4;
        for (let c = 0; c < 3; c++) raw[p + c] = Math.round(a * 255 + (1 - a) * green[c]!);
        raw[p + 3] = Math.round(a * 255);
      }
    }
    const greenScreen = await sharp(raw, { raw: { width: W, height: H, channels: 4 } }).png().toBuffer();
    const files = [{ field: 'image', filename: 'g.png', contentType: 'image/png', data: greenScreen }];
    const plain = await rgba(await download((await removeOk({ tier: 'basic' }, files)).outputUrl!));
    const clean = await rgba(await download((await removeOk({ tier: 'basic', decontaminate: 'true' }, files)).outputUrl!));
    // Green excess (how much greener than white a pixel is) over the semi-transparent edge.
    const spill = (img: { data: Buffer }, p: number) => img.data[p + 1]! - (img.data[p]! + img.data[p + 2]!) / 2;
    let edge = 0;
    let before = 0;
    let after = 0;
    for (let p = 0; p < plain.data.length; p += 4) {
      const a = plain.data[p + 3]!;
      if (a === 0 || a === 255) continue;
      expect(clean.data[p + 3]).toBe(a); // alpha untouched
      edge++;
      before += spill(plain, p);
      after += spill(clean, p);
    }
    console.log(`[decontaminate] ${edge} edge pixels: mean green excess ${(before / edge).toFixed(1)} → ${(after / edge).toFixed(1)}`);
    expect(edge, 'the output has a soft edge to clean').toBeGreaterThan(1000);
    expect(before / edge).toBeGreaterThan(20);
    expect(after / edge).toBeLessThan((before / edge) * 0.1);
  });

  it('every bad option value → 400/415 naming the field; nothing charged, no job, no stored file', async () => {
    const victim = await registerUser(app, 'output-bad');
    const before = await credits.getBalance(victim.id);
    const bg = image(await solidImage('#000000', 8, 8), 'bgImage', 'bg.png');
    const cases: [Record<string, string>, MultipartFile[], number, string, string][] = [
      [{ tier: 'basic', format: 'gif' }, [image(photo)], 400, 'VALIDATION_FAILED', 'format'],
      [{ tier: 'basic', format: 'jpg' }, [image(photo)], 400, 'VALIDATION_FAILED', 'format'],
      [{ tier: 'basic', crop: 'true', cropMargin: '1 2 3' }, [image(photo)], 400, 'VALIDATION_FAILED', 'cropMargin'],
      [{ tier: 'basic', crop: 'true', cropMargin: '2001' }, [image(photo)], 400, 'VALIDATION_FAILED', 'cropMargin'],
      [{ tier: 'basic', crop: 'true', cropMargin: '101%' }, [image(photo)], 400, 'VALIDATION_FAILED', 'cropMargin'],
      [{ tier: 'basic', crop: 'true', cropMargin: '-5' }, [image(photo)], 400, 'VALIDATION_FAILED', 'cropMargin'],
      [{ tier: 'basic', position: 'left' }, [image(photo)], 400, 'VALIDATION_FAILED', 'position'],
      [{ tier: 'basic', position: '50% 150%' }, [image(photo)], 400, 'VALIDATION_FAILED', 'position'],
      [{ tier: 'basic', scale: '5%' }, [image(photo)], 400, 'VALIDATION_FAILED', 'scale'],
      [{ tier: 'basic', scale: '2' }, [image(photo)], 400, 'VALIDATION_FAILED', 'scale'],
      [{ tier: 'basic', decontaminate: 'maybe' }, [image(photo)], 400, 'VALIDATION_FAILED', 'decontaminate'],
      [{ tier: 'basic', bgImageFit: 'stretch' }, [image(photo), bg], 400, 'VALIDATION_FAILED', 'bgImageFit'],
      [{ tier: 'basic', bgImageFit: 'contain' }, [image(photo)], 400, 'VALIDATION_FAILED', 'bgImageFit'],
      [{ tier: 'basic' }, [image(photo), bg, bg], 400, 'VALIDATION_FAILED', 'bgImage'],
      [{ tier: 'basic' }, [image(photo), image(Buffer.from('%PDF-1.7 not an image'), 'bgImage', 'bg.png')], 415, 'UNSUPPORTED_IMAGE', 'bgImage'],
      [{ tier: 'basic' }, [image(photo), image((await productPhoto(64, 64)).subarray(0, 300), 'bgImage', 'bg.jpg')], 422, 'UNDECODABLE_IMAGE', 'bgImage'],
    ];
    for (const [fields, files, status, code, field] of cases) {
      const body = expectError(await remove(fields, files, victim), status, code);
      expect(JSON.stringify(body), JSON.stringify(fields)).toContain(field);
    }
    // The batch route applies the same rules (and discards the streamed files).
    const batchBody = multipart({ tier: 'basic', scale: '500%' }, [image(photo, 'images'), bg]);
    expectError(await app.inject({ method: 'POST', url: '/api/background-remover/batch', payload: batchBody.payload, headers: { ...batchBody.headers, ...victim.auth } }), 400, 'VALIDATION_FAILED');
    const twoBg = multipart({ tier: 'basic', bgColor: '#ffffff' }, [image(photo, 'images'), bg, bg]);
    expectError(await app.inject({ method: 'POST', url: '/api/background-remover/batch', payload: twoBg.payload, headers: { ...twoBg.headers, ...victim.auth } }), 400, 'VALIDATION_FAILED');
    const badBg = multipart({ tier: 'basic' }, [image(photo, 'images'), image(Buffer.from('GIF89a....'), 'bgImage', 'x.gif')]);
    expectError(await app.inject({ method: 'POST', url: '/api/background-remover/batch', payload: badBg.payload, headers: { ...badBg.headers, ...victim.auth } }), 415, 'UNSUPPORTED_IMAGE');

    expect(await credits.getBalance(victim.id)).toBe(before);
    expect(await prisma.backgroundRemovalJob.count({ where: { userId: victim.id } })).toBe(0);
    const dir = join(app.get(AppConfig).STORAGE_ROOT, 'private', 'background-remover', victim.id);
    const left = existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()) : [];
    expect(left).toEqual([]);
  });
});
