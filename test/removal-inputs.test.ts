import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { readdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditsService } from '@app/credits';
import { PrismaService } from '@app/prisma';
import { createTestApi, createTestWorker, testConfig } from './support/app';
import { expectError, RegisteredUser, registerUser } from './support/http';
import { sharp } from '../libs/images/src/testing/test-images';
import { imageInfo, productPhoto } from './support/images';
import { multipart, multipartParts, MultipartField, MultipartFile } from './support/multipart';

interface Job {
  id: string;
  status: string;
  originalFilename: string | null;
  creditCharged: number;
  options: { outputSize?: string };
  outputUrl: string | null;
}

/** A 127.0.0.1 origin the tests control: path → handler; it records every request it gets. */
class ImageOrigin {
  readonly requests: string[] = [];
  private server!: Server;
  constructor(private readonly routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void>) {}
  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.requests.push(req.url ?? '');
      const route = this.routes[(req.url ?? '').split('?')[0]!];
      if (route) route(req, res);
      else res.writeHead(404).end('not here');
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }
  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe('Background Remover inputs and sizes: imageUrl, imageBase64, size pricing, image responses', () => {
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaService;
  let origin: ImageOrigin;
  let photo: Buffer;
  let bigPhoto: Buffer;
  let backdrop: Buffer;

  beforeAll(async () => {
    photo = await productPhoto(480, 360);
    bigPhoto = await productPhoto(1200, 900);
    backdrop = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#00ff00' } }).png().toBuffer();
    const sendImage = (bytes: Buffer, type: string) => (_req: IncomingMessage, res: ServerResponse) => res.writeHead(200, { 'content-type': type }).end(bytes);
    origin = new ImageOrigin({
      '/photo.jpg': sendImage(photo, 'image/jpeg'),
      '/big.jpg': sendImage(bigPhoto, 'image/jpeg'),
      '/backdrop.png': (req, res) => sendImage(backdrop, 'image/png')(req, res),
      '/moved': (_req, res) => res.writeHead(302, { location: '/photo.jpg' }).end(),
      '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
      '/page.html': sendImage(Buffer.from('<html><body>not an image</body></html>'), 'text/html'),
      '/huge.jpg': (_req, res) => {
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        res.end(Buffer.alloc(3 * 1024 * 1024, 0xff)); // over the 2 MiB upload limit below
      },
      '/slow.jpg': (_req, res) => void setTimeout(() => res.writeHead(200).end(photo), 3_000).unref(),
    });
    await origin.start();
    app = await createTestApi({ UPLOAD_MAX_BYTES: String(2 * 1024 * 1024), IMAGE_URL_TIMEOUT_MS: '1000' });
    worker = await createTestWorker();
    prisma = app.get(PrismaService);
  });
  afterAll(async () => {
    await worker?.close();
    await app?.close();
    await origin?.stop();
  });

  function remove(user: RegisteredUser, parts: (MultipartField | MultipartFile)[], headers: Record<string, string> = {}) {
    const body = multipartParts(parts);
    return app.inject({ method: 'POST', url: '/api/background-remover/remove', payload: body.payload, headers: { ...body.headers, ...user.auth, ...headers } });
  }
  const field = (name: string, value: string): MultipartField => ({ name, value });
  const file = (data: Buffer, name = 'photo.jpg', fieldName = 'image'): MultipartFile => ({ field: fieldName, filename: name, contentType: 'image/jpeg', data });

  async function balance(userId: string): Promise<number> {
    const rows = await prisma.creditTransaction.findMany({ where: { userId } });
    const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
    expect(rows.reduce((sum, r) => sum + r.amount, 0)).toBe(user.creditBalance); // ledger == balance, always
    return user.creditBalance;
  }

  describe('imageUrl and imageBase64', () => {
    it('fetches an imageUrl (following a redirect) and removes its background like an upload', async () => {
      const user = await registerUser(app, 'url');
      const res = await remove(user, [field('tier', 'basic'), field('imageUrl', origin.url('/moved'))], { prefer: 'wait=30' });
      expect(res.statusCode, res.body).toBe(200);
      const job = res.json<Job>();
      expect(job).toMatchObject({ status: 'SUCCEEDED', originalFilename: 'photo.jpg', creditCharged: 3 });
      const output = await app.inject({ method: 'GET', url: job.outputUrl! });
      expect(await imageInfo(output.rawPayload)).toMatchObject({ format: 'png', width: 480, height: 360, hasAlpha: true });
      expect(await balance(user.id)).toBe(97);
    });

    it('takes imageBase64 as plain base64 and as a data: URL', async () => {
      const user = await registerUser(app, 'b64');
      for (const value of [photo.toString('base64'), `data:image/jpeg;base64,${photo.toString('base64')}`]) {
        const res = await remove(user, [field('tier', 'basic'), field('imageBase64', value)], { prefer: 'wait=30' });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json<Job>()).toMatchObject({ status: 'SUCCEEDED', creditCharged: 3 });
      }
      expect(await balance(user.id)).toBe(94);
    });

    it('wants exactly one image: none, or a file and a URL, is 400 naming the fields, nothing charged', async () => {
      const user = await registerUser(app, 'one');
      const none = expectError(await remove(user, [field('tier', 'basic')]), 400, 'VALIDATION_FAILED');
      expect(JSON.stringify(none.details)).toContain('imageUrl');
      expectError(await remove(user, [field('tier', 'basic'), field('imageUrl', origin.url('/photo.jpg')), file(photo)]), 400, 'VALIDATION_FAILED');
      expectError(await remove(user, [field('tier', 'basic'), field('imageUrl', origin.url('/photo.jpg')), field('imageBase64', photo.toString('base64'))]), 400, 'VALIDATION_FAILED');
      expect(await balance(user.id)).toBe(100);
    });

    it('a failed fetch is a 4xx naming the reason, and nothing is charged', async () => {
      const user = await registerUser(app, 'badurl');
      const cases: [string, number, string, RegExp][] = [
        ['/missing.jpg', 422, 'IMAGE_FETCH_FAILED', /HTTP 404/],
        ['/slow.jpg', 422, 'IMAGE_FETCH_FAILED', /within 1000 ms/],
        ['/loop', 422, 'IMAGE_FETCH_FAILED', /redirects/],
        ['/huge.jpg', 413, 'PAYLOAD_TOO_LARGE', /imageUrl/],
        ['/page.html', 415, 'UNSUPPORTED_IMAGE', /./],
      ];
      for (const [path, status, code, message] of cases) {
        const body = expectError(await remove(user, [field('tier', 'basic'), field('imageUrl', origin.url(path))]), status, code);
        expect(body.message, path).toMatch(message);
      }
      const closed = origin.url('/photo.jpg').replace(/:\d+\//, ':1/'); // nothing listens on port 1
      expect(expectError(await remove(user, [field('tier', 'basic'), field('imageUrl', closed)]), 422, 'IMAGE_FETCH_FAILED').message).toMatch(/could not be reached/);
      expectError(await remove(user, [field('tier', 'basic'), field('imageUrl', 'ftp://127.0.0.1/photo.jpg')]), 400, 'VALIDATION_FAILED');
      expectError(await remove(user, [field('tier', 'basic'), field('imageBase64', 'not base64 at all!')]), 400, 'VALIDATION_FAILED');
      expectError(await remove(user, [field('tier', 'basic'), field('imageBase64', Buffer.alloc(3 * 1024 * 1024).toString('base64'))]), 413, 'PAYLOAD_TOO_LARGE');
      expect(await balance(user.id)).toBe(100);
      expect(await prisma.backgroundRemovalJob.count({ where: { userId: user.id } })).toBe(0);
    });

    it('in production a loopback imageUrl is refused before any connection is made', async () => {
      // NODE_ENV=production with no IMAGE_URL_ALLOW_PRIVATE_TARGETS: the default policy there allows public addresses only.
      const strict = await createTestApi({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40), WEBHOOK_SIGNING_SECRET: 'w'.repeat(32), LOG_LEVEL: 'silent' });
      try {
        const user = await registerUser(strict, 'ssrf');
        const before = origin.requests.length;
        for (const url of [origin.url('/photo.jpg'), origin.url('/photo.jpg').replace('127.0.0.1', '[::1]'), 'http://169.254.169.254/latest/meta-data']) {
          const body = multipart({ tier: 'basic', imageUrl: url }, []);
          const res = await strict.inject({ method: 'POST', url: '/api/background-remover/remove', payload: body.payload, headers: { ...body.headers, ...user.auth } });
          expect(expectError(res, 400, 'VALIDATION_FAILED').details).toMatchObject({ fields: [{ field: 'imageUrl' }] });
        }
        expect(origin.requests.length).toBe(before); // no packet reached the origin
      } finally {
        await strict.close();
      }
    });

    it('a batch keeps files, URLs and base64 images in the order they were sent', async () => {
      const user = await registerUser(app, 'mixed');
      const body = multipartParts([
        field('tier', 'basic'),
        file(await productPhoto(100, 80), 'first.jpg', 'images'),
        field('imageUrl', origin.url('/photo.jpg')),
        field('imageBase64', (await productPhoto(90, 70)).toString('base64')),
        file(await productPhoto(110, 80), 'last.jpg', 'images'),
      ]);
      const res = await app.inject({ method: 'POST', url: '/api/background-remover/batch', payload: body.payload, headers: { ...body.headers, ...user.auth } });
      expect(res.statusCode, res.body).toBe(202);
      const batch = await app.inject({ method: 'GET', url: `/api/background-remover/batch/${res.json<{ id: string }>().id}`, headers: user.auth });
      const items = batch.json<{ items: Job[] }>().items;
      expect(items.map((i) => i.originalFilename)).toEqual(['first.jpg', 'photo.jpg', null, 'last.jpg']);
      const rows = await prisma.backgroundRemovalJob.findMany({ where: { userId: user.id }, orderBy: { position: 'asc' } });
      expect(rows.map((r) => r.width)).toEqual([100, 480, 90, 110]);
    });

    it('a batch with one unreachable URL is refused whole: nothing charged, nothing left in storage', async () => {
      const user = await registerUser(app, 'batchbad');
      const body = multipartParts([field('tier', 'basic'), file(photo, 'ok.jpg', 'images'), field('imageUrl', origin.url('/missing.jpg'))]);
      const res = await app.inject({ method: 'POST', url: '/api/background-remover/batch', payload: body.payload, headers: { ...body.headers, ...user.auth } });
      expectError(res, 422, 'IMAGE_FETCH_FAILED');
      expect(await balance(user.id)).toBe(100);
      expect(await prisma.backgroundRemovalBatch.count({ where: { userId: user.id } })).toBe(0);
      const uploads = join(testConfig().STORAGE_ROOT, 'private', 'background-remover', user.id, 'uploads');
      expect(await readdir(uploads).catch(() => [])).toEqual([]); // the stored file part was removed
    });
  });

  describe('bgImageUrl: the background image by URL', () => {
    const corner = async (bytes: Buffer) => Array.from((await sharp(bytes).raw().toBuffer({ resolveWithObject: true })).data.subarray(0, 3));

    it('is fetched like imageUrl and composited behind the subject (jpg needs no bgColor then)', async () => {
      const user = await registerUser(app, 'bgurl');
      const res = await remove(user, [field('tier', 'basic'), field('format', 'jpg'), field('bgImageUrl', origin.url('/backdrop.png')), file(photo)], { prefer: 'wait=30' });
      expect(res.statusCode, res.body).toBe(200);
      const output = (await app.inject({ method: 'GET', url: res.json<Job>().outputUrl! })).rawPayload;
      expect(await imageInfo(output)).toMatchObject({ format: 'jpeg', width: 480, height: 360 });
      const [r, g, b] = await corner(output);
      expect(g).toBeGreaterThan(200); // the green backdrop shows where the background was removed
      expect(r! + b!).toBeLessThan(80);
    });

    it('a batch takes one bgImageUrl for every item', async () => {
      const user = await registerUser(app, 'bgurlbatch');
      const body = multipartParts([field('tier', 'basic'), field('bgImageUrl', origin.url('/backdrop.png')), file(photo, 'a.jpg', 'images'), file(photo, 'b.jpg', 'images')]);
      const res = await app.inject({ method: 'POST', url: '/api/background-remover/batch', payload: body.payload, headers: { ...body.headers, ...user.auth } });
      expect(res.statusCode, res.body).toBe(202);
      const rows = await prisma.backgroundRemovalJob.findMany({ where: { userId: user.id } });
      expect(rows).toHaveLength(2);
      expect(new Set(rows.map((r) => r.bgImageKey)).size).toBe(1);
      expect(rows[0]!.bgImageKey).toBeTruthy();
    });

    it('refuses a file and a URL together, an unreachable URL naming bgImageUrl; nothing charged', async () => {
      const user = await registerUser(app, 'bgurlbad');
      const both = await remove(user, [field('tier', 'basic'), field('bgImageUrl', origin.url('/backdrop.png')), file(photo), file(backdrop, 'bg.png', 'bgImage')]);
      expect(JSON.stringify(expectError(both, 400, 'VALIDATION_FAILED').details)).toContain('bgImageUrl');
      const missing = expectError(await remove(user, [field('tier', 'basic'), field('bgImageUrl', origin.url('/nope.png')), file(photo)]), 422, 'IMAGE_FETCH_FAILED');
      expect(missing.message).toContain('bgImageUrl');
      expectError(await remove(user, [field('tier', 'basic'), field('bgImageUrl', origin.url('/page.html')), file(photo)]), 415, 'UNSUPPORTED_IMAGE');
      expect(await balance(user.id)).toBe(100);
    });
  });

  describe('size: preview, full, auto', () => {
    it('/pricing lists the preview price beside the full price, and a preview costs less', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/background-remover/pricing' });
      const tiers = res.json<{ tiers: { tier: string; credits: number; previewCredits: number }[] }>().tiers;
      expect(tiers.map((t) => [t.tier, t.previewCredits, t.credits])).toEqual([['basic', 1, 3], ['standard', 2, 8], ['professional', 4, 15], ['industry', 6, 25]]);
    });

    it('auto without dimensions is a 400 on /pricing/calculate; an unknown size is a 400 on /remove', async () => {
      const user = await registerUser(app, 'sizebad');
      const res = await app.inject({ method: 'POST', url: '/api/background-remover/pricing/calculate', payload: { tier: 'basic', imageCount: 1, size: 'auto' }, headers: user.auth });
      expectError(res, 400, 'VALIDATION_FAILED');
      expectError(await remove(user, [field('tier', 'basic'), field('size', 'huge'), file(photo)]), 400, 'VALIDATION_FAILED');
      expect(await balance(user.id)).toBe(100);
    });

    it('a preview output has at most 0.25 megapixels; full keeps the original size', { timeout: 60_000 }, async () => {
      const user = await registerUser(app, 'previewout');
      const preview = await remove(user, [field('tier', 'basic'), field('size', 'preview'), file(bigPhoto)], { prefer: 'wait=30' });
      expect(preview.statusCode, preview.body).toBe(200);
      const small = await imageInfo((await app.inject({ method: 'GET', url: preview.json<Job>().outputUrl! })).rawPayload);
      expect(small.width! * small.height!).toBeLessThanOrEqual(250_000);
      expect(small.width! / small.height!).toBeCloseTo(1200 / 900, 1);
      const full = await remove(user, [field('tier', 'basic'), field('size', 'full'), file(bigPhoto)], { prefer: 'wait=30' });
      expect(await imageInfo((await app.inject({ method: 'GET', url: full.json<Job>().outputUrl! })).rawPayload)).toMatchObject({ width: 1200, height: 900 });
    });
  });

  describe('Accept: image/* answers the image itself', () => {
    it('Accept: image/png → PNG bytes with the credit headers; image/webp → WebP; image/jpeg → JPEG (needs a background); */* → JSON', async () => {
      const user = await registerUser(app, 'binary');
      const png = await remove(user, [field('tier', 'basic'), file(photo)], { prefer: 'wait=30', accept: 'image/png' });
      expect(png.statusCode, png.body.slice(0, 200)).toBe(200);
      expect(png.headers['content-type']).toBe('image/png');
      expect(png.headers['x-credits-charged']).toBe('3');
      expect(png.headers['x-job-id']).toBeTruthy();
      expect(await imageInfo(png.rawPayload)).toMatchObject({ format: 'png', width: 480, height: 360, hasAlpha: true });

      const webp = await remove(user, [field('tier', 'basic'), file(photo)], { prefer: 'wait=30', accept: 'image/webp' });
      expect(webp.headers['content-type']).toBe('image/webp');
      expect(await imageInfo(webp.rawPayload)).toMatchObject({ format: 'webp' });

      const jpeg = await remove(user, [field('tier', 'basic'), field('bgColor', '#ffffff'), file(photo)], { prefer: 'wait=30', accept: 'image/jpeg' });
      expect(jpeg.headers['content-type']).toBe('image/jpeg');
      expect([jpeg.headers['x-width'], jpeg.headers['x-height']]).toEqual(['480', '360']);
      expect(await imageInfo(jpeg.rawPayload)).toMatchObject({ format: 'jpeg', width: 480 });
      // JPEG has no alpha: without a background it is refused before anything is charged.
      expect(expectError(await remove(user, [field('tier', 'basic'), file(photo)], { accept: 'image/jpeg' }), 400, 'VALIDATION_FAILED').message).toMatch(/Accept: image\/jpeg/);

      const json = await remove(user, [field('tier', 'basic'), file(photo)], { prefer: 'wait=30', accept: '*/*' });
      expect(json.headers['content-type']).toMatch(/application\/json/);
      expect(json.json<Job>().status).toBe('SUCCEEDED');
    });

    it('an idempotent replay with Accept: image/png answers the same bytes without a second charge', async () => {
      const user = await registerUser(app, 'binreplay');
      const headers = { prefer: 'wait=30', accept: 'image/png', 'idempotency-key': `k-${user.id}` };
      const parts = [field('tier', 'basic'), file(photo)];
      const first = await remove(user, parts, headers);
      const again = await remove(user, parts, headers);
      expect(again.statusCode).toBe(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.rawPayload.equals(first.rawPayload)).toBe(true);
      expect(await balance(user.id)).toBe(97);
    });

    it('a job still running when the wait ends answers 202 JSON with a Location, whatever Accept says', async () => {
      const user = await registerUser(app, 'binwait');
      const res = await remove(user, [field('tier', 'basic'), file(photo)], { prefer: 'wait=0', accept: 'image/png' });
      expect(res.statusCode).toBe(202);
      expect(res.headers.location).toMatch(/\/api\/background-remover\/jobs\//);
      expect(res.json<Job>().status).toMatch(/QUEUED|PROCESSING/);
    });
  });

  // Last: it queues ~90 jobs that the worker then drains, which would delay the tests that wait for a result.
  describe('calculate equals charge', () => {
    async function calculate(user: RegisteredUser, payload: Record<string, unknown>) {
      const res = await app.inject({ method: 'POST', url: '/api/background-remover/pricing/calculate', payload, headers: user.auth });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ total: number; size: string; unitPrice: number }>();
    }
    const TIERS = ['basic', 'standard', 'professional', 'industry'];

    it('the charge equals /pricing/calculate for every size × tier, single and batch', async () => {
      const user = await registerUser(app, 'sizes');
      await app.get(CreditsService).grant(user.id, 5000, { referenceType: 'test_topup', referenceId: user.id });
      const images = { small: await productPhoto(400, 300), big: bigPhoto }; // 0.12 MP and 1.08 MP
      const queued: string[] = [];
      for (const tier of TIERS) {
        for (const size of ['preview', 'full', 'auto']) {
          for (const [name, data] of Object.entries(images)) {
            const dims = name === 'small' ? { width: 400, height: 300 } : { width: 1200, height: 900 };
            const quote = await calculate(user, { tier, imageCount: 1, size, ...dims });
            const res = await remove(user, [field('tier', tier), field('size', size), file(data)], { prefer: 'wait=0' });
            expect([200, 202], res.body).toContain(res.statusCode);
            expect(Number(res.headers['x-credits-charged']), `${tier} ${size} ${name}`).toBe(quote.total);
            expect(res.json<Job>().options.outputSize).toBe(quote.size);
            queued.push(`jobs/${res.json<Job>().id}`);
          }
        }
        const quote = await calculate(user, { tier, imageCount: 10, size: 'preview' });
        const files = await Promise.all(Array.from({ length: 10 }, async (_, i) => file(await productPhoto(120 + i, 90), `p${i}.jpg`, 'images')));
        const body = multipart({ tier, size: 'preview' }, files);
        const res = await app.inject({ method: 'POST', url: '/api/background-remover/batch', payload: body.payload, headers: { ...body.headers, ...user.auth } });
        expect(res.statusCode, res.body).toBe(202);
        expect(Number(res.headers['x-credits-charged'])).toBe(quote.total);
        queued.push(`batch/${res.json<{ id: string }>().id}`);
      }
      // Only the charges were under test: cancel what has not run, so later files' workers do not inherit ~90 jobs.
      for (const path of queued) {
        const cancel = await app.inject({ method: 'POST', url: `/api/background-remover/${path}/cancel`, headers: user.auth });
        expect([200, 409], cancel.body).toContain(cancel.statusCode);
      }
      await balance(user.id);
    });
  });
});
