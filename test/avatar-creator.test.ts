import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DomainError } from '@app/common';
import { CreditsService } from '@app/credits';
import { JobProducer, QueueName } from '@app/jobs';
import { PrismaService, UserTier } from '@app/prisma';
import { AvatarPreviewRetentionSweeper } from '@app/avatar-creator';
import { ReconcilerService } from '../apps/worker/src/maintenance/reconciler.service';
import { sharp } from '../libs/images/src/testing/test-images';
import { createTestApi, createTestWorker } from './support/app';
import { expectError, RegisteredUser, registerUser } from './support/http';
import { multipart } from './support/multipart';
import { waitFor } from './support/wait';

interface Project {
  id: string;
  name: string;
  description: string | null;
  avatarCount: number;
  latestThumbnails: string[];
}
interface Avatar {
  id: string;
  projectId: string;
  name: string;
  source: string;
  imageUrl: string;
  thumbnailUrl: string;
  width: number;
  height: number;
  generationId: string | null;
}
interface Generation {
  id: string;
  projectId: string;
  status: string;
  isPreview: boolean;
  modelKey: string;
  provider: string | null;
  width: number;
  height: number;
  seed: number;
  creditCharged: number;
  outputUrl: string | null;
  thumbnailUrl: string | null;
  avatarId: string | null;
  errorCode: string | null;
  savedAt: string | null;
  expiresAt: string | null;
}
interface Accepted {
  generation: Generation;
  creditUsed: number;
  creditBalance: number;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const BASE = '/api/apps/avatar-creator';
/** Small outputs keep the suite fast; every size rule is still exercised. */
const SMALL = { width: 256, height: 256 };

describe('Avatar Creator (API + worker, real PostgreSQL and Redis)', () => {
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaService;
  let credits: CreditsService;

  beforeAll(async () => {
    // Many users register here: lift the per-IP limit on password endpoints (auth.test.ts covers it).
    app = await createTestApi({ RATE_LIMIT_AUTH_PER_MINUTE: '10000' });
    worker = await createTestWorker();
    prisma = app.get(PrismaService);
    credits = app.get(CreditsService);
  });
  afterAll(async () => {
    await worker?.close();
    await app?.close();
  });

  const get = (user: RegisteredUser, url: string) => app.inject({ method: 'GET', url, headers: user.auth });
  const del = (user: RegisteredUser, url: string) => app.inject({ method: 'DELETE', url, headers: user.auth });
  const post = (user: RegisteredUser, url: string, payload: object, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, payload, headers: { ...user.auth, ...headers } });

  async function userWithTier(tier: UserTier, prefix = 'avatar'): Promise<RegisteredUser> {
    const user = await registerUser(app, prefix);
    if (tier !== 'free') await prisma.user.update({ where: { id: user.id }, data: { tier } });
    return user;
  }
  async function createProject(user: RegisteredUser, name = 'Headshots'): Promise<Project> {
    const res = await post(user, `${BASE}/projects`, { name, description: 'for tests' });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<Project>();
  }
  async function generate(user: RegisteredUser, projectId: string, body: object = {}, path = 'generate'): Promise<Accepted> {
    const res = await post(user, `${BASE}/projects/${projectId}/avatars/${path}`, { prompt: 'friendly portrait, soft light', name: 'Ada', ...SMALL, ...body });
    expect(res.statusCode, res.body).toBe(202);
    return res.json<Accepted>();
  }
  async function waitForGeneration(user: RegisteredUser, id: string, timeoutMs = 30_000): Promise<Generation> {
    return waitFor(`generation ${id} to settle`, async () => {
      const res = await get(user, `${BASE}/generations/${id}`);
      expect(res.statusCode, res.body).toBe(200);
      const g = res.json<Generation>();
      return g.status === 'SUCCEEDED' || g.status === 'FAILED' ? g : undefined;
    }, timeoutMs, 150);
  }
  async function balance(user: RegisteredUser): Promise<number> {
    return credits.getBalance(user.id);
  }
  async function ledgerSum(userId: string): Promise<number> {
    const agg = await prisma.creditTransaction.aggregate({ where: { userId }, _sum: { amount: true } });
    return agg._sum.amount ?? 0;
  }
  /** Downloads a URL the API returned and checks it is a decodable image of the expected format. */
  async function download(url: string, format: 'png' | 'webp'): Promise<{ width: number; height: number }> {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode, url).toBe(200);
    expect(res.headers['content-type']).toBe(`image/${format}`);
    const meta = await sharp(res.rawPayload).metadata();
    expect(meta.format).toBe(format);
    await sharp(res.rawPayload).raw().toBuffer(); // decodes fully
    return { width: meta.width, height: meta.height };
  }
  async function upload(user: RegisteredUser, projectId: string, data: Buffer, fields: Record<string, string> = {}, filename = 'me.png') {
    const body = multipart(fields, [{ field: 'image', filename, contentType: 'image/png', data }]);
    return app.inject({ method: 'POST', url: `${BASE}/projects/${projectId}/avatars/upload`, payload: body.payload, headers: { ...body.headers, ...user.auth } });
  }
  const photo = (width = 640, height = 480) =>
    sharp({ create: { width, height, channels: 3, background: { r: 90, g: 140, b: 200 } } }).png().toBuffer();

  describe('GET /models', () => {
    it('lists enabled models the tier allows, with credit costs (free < basic < pro < enterprise)', async () => {
      const keys = async (tier: UserTier) => {
        const res = await get(await userWithTier(tier), `${BASE}/models`);
        expect(res.statusCode, res.body).toBe(200);
        return res.json<{ models: { modelKey: string; creditCost: number; tier: string; width: number; servedBy: object }[] }>().models;
      };
      const free = await keys('free');
      expect(free).toEqual([
        expect.objectContaining({
          modelKey: 'avatar-creator:flux-dev-base',
          creditCost: 8,
          tier: 'free',
          width: 1024,
          // Tests run on the embedded default, and /models says so.
          servedBy: { providerId: 'embedded', available: true, substitute: true },
        }),
      ]);
      expect((await keys('basic')).map((m) => m.modelKey).sort()).toEqual(
        ['avatar-creator:flux-dev-base', 'avatar-creator:flux-dev-realism', 'avatar-creator:flux-schnell-fast'].sort(),
      );
      expect(await keys('pro')).toHaveLength(4);
      expect(await keys('enterprise')).toHaveLength(4);
    });

    it('an empty catalogue is 503 CATALOG_EMPTY, never a 500 (and generate says the same)', async () => {
      const user = await registerUser(app);
      const project = await createProject(user);
      await prisma.aiModel.updateMany({ where: { appId: 'avatar-creator' }, data: { enabled: false } });
      try {
        expectError(await get(user, `${BASE}/models`), 503, 'CATALOG_EMPTY');
        expectError(await post(user, `${BASE}/projects/${project.id}/avatars/generate`, { prompt: 'a portrait', name: 'x' }), 503, 'CATALOG_EMPTY');
        expect(await balance(user)).toBe(100);
      } finally {
        await prisma.aiModel.updateMany({ where: { appId: 'avatar-creator' }, data: { enabled: true } });
      }
    });

    it('needs a bearer token', async () => {
      expectError(await app.inject({ method: 'GET', url: `${BASE}/models` }), 401, 'UNAUTHORIZED');
    });
  });

  describe('projects', () => {
    it('create (201), get, patch, cursor-paginated list with avatar counts and latest thumbnails', async () => {
      const user = await registerUser(app);
      const created = await createProject(user, '  Team  ');
      expect(created).toMatchObject({ name: 'Team', description: 'for tests', avatarCount: 0, latestThumbnails: [] });

      const patched = await app.inject({ method: 'PATCH', url: `${BASE}/projects/${created.id}`, headers: user.auth, payload: { name: 'Team 2', description: null } });
      expect(patched.statusCode, patched.body).toBe(200);
      expect(patched.json()).toMatchObject({ id: created.id, name: 'Team 2', description: null });

      const avatar = (await upload(user, created.id, await photo())).json<Avatar>();
      const fetched = (await get(user, `${BASE}/projects/${created.id}`)).json<Project>();
      expect(fetched).toMatchObject({ avatarCount: 1, latestThumbnails: [avatar.thumbnailUrl] });

      for (let i = 0; i < 4; i++) await createProject(user, `P${i}`);
      const seen: Project[] = [];
      let cursor: string | null = null;
      do {
        const res = await get(user, `${BASE}/projects?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.statusCode, res.body).toBe(200);
        const page = res.json<Page<Project>>();
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen.map((p) => p.name)).toEqual(['P3', 'P2', 'P1', 'P0', 'Team 2']);
      expect(seen.find((p) => p.id === created.id)).toMatchObject({ avatarCount: 1, latestThumbnails: [avatar.thumbnailUrl] });
    });

    it('validates bodies, params and cursors', async () => {
      const user = await registerUser(app);
      expectError(await post(user, `${BASE}/projects`, { name: '' }), 400, 'VALIDATION_FAILED');
      expectError(await post(user, `${BASE}/projects`, { name: 'x'.repeat(101) }), 400, 'VALIDATION_FAILED');
      expectError(await post(user, `${BASE}/projects`, { name: 'ok', userId: randomUUID() }), 400, 'VALIDATION_FAILED');
      expectError(await get(user, `${BASE}/projects/not-a-uuid`), 400, 'VALIDATION_FAILED');
      expectError(await get(user, `${BASE}/projects?cursor=garbage`), 400, 'VALIDATION_FAILED');
      const project = await createProject(user);
      expectError(await app.inject({ method: 'PATCH', url: `${BASE}/projects/${project.id}`, headers: user.auth, payload: { name: null } }), 400, 'VALIDATION_FAILED');
    });
  });

  describe('generate', () => {
    it('register → project → generate (202) → SUCCEEDED → avatar listed with downloadable image; charged the model cost; usage logged', async () => {
      const user = await registerUser(app);
      const project = await createProject(user);
      const accepted = await generate(user, project.id, { seed: 42 });
      expect(accepted).toMatchObject({
        creditUsed: 8,
        creditBalance: 92,
        generation: { status: 'QUEUED', isPreview: false, modelKey: 'avatar-creator:flux-dev-base', seed: 42, ...SMALL, creditCharged: 8 },
      });

      const done = await waitForGeneration(user, accepted.generation.id);
      expect(done, JSON.stringify(done)).toMatchObject({ status: 'SUCCEEDED', errorCode: null, provider: 'embedded' });
      expect(done.avatarId).toBeTruthy();
      expect(done.outputUrl).toBeTruthy();

      const list = (await get(user, `${BASE}/projects/${project.id}/avatars`)).json<Page<Avatar>>();
      expect(list.items).toHaveLength(1);
      const avatar = list.items[0]!;
      expect(avatar).toMatchObject({ id: done.avatarId, source: 'GENERATED', name: 'Ada', generationId: done.id, imageUrl: done.outputUrl });
      const size = await download(avatar.imageUrl, 'png');
      expect(size).toEqual({ width: avatar.width, height: avatar.height });
      const thumb = await download(avatar.thumbnailUrl, 'webp');
      expect(Math.max(thumb.width, thumb.height)).toBeLessThanOrEqual(256);
      expect((await get(user, `${BASE}/avatars/${avatar.id}`)).json()).toMatchObject({ id: avatar.id, imageUrl: avatar.imageUrl });

      expect(await balance(user)).toBe(92);
      expect(await ledgerSum(user.id)).toBe(92);
      const logs = await prisma.aiUsageLog.findMany({ where: { userId: user.id } });
      expect(logs).toEqual([
        expect.objectContaining({
          appId: 'avatar-creator',
          modelKey: 'avatar-creator:flux-dev-base',
          provider: 'embedded',
          creditUsed: 8,
          status: 'SUCCEEDED',
          referenceType: 'avatar_generation',
          referenceId: done.id,
        }),
      ]);
      expect(logs[0]!.durationMs).toBeGreaterThanOrEqual(0);
    });

    it('picks the cheapest allowed model when none is requested; a basic user may request the realism model', async () => {
      const basic = await userWithTier('basic');
      const project = await createProject(basic);
      const cheapest = await generate(basic, project.id);
      expect(cheapest).toMatchObject({ creditUsed: 6, generation: { modelKey: 'avatar-creator:flux-schnell-fast' } });
      const realism = await generate(basic, project.id, { modelKey: 'avatar-creator:flux-dev-realism' });
      expect(realism).toMatchObject({ creditUsed: 12, creditBalance: 100 - 6 - 12 });
      for (const g of [cheapest, realism]) expect((await waitForGeneration(basic, g.generation.id)).status).toBe('SUCCEEDED');
    });

    it('a free user asking for a pro model → 403 MODEL_TIER_FORBIDDEN, nothing charged, nothing created', async () => {
      const user = await registerUser(app);
      const project = await createProject(user);
      const res = await post(user, `${BASE}/projects/${project.id}/avatars/generate`, { prompt: 'a portrait', name: 'x', modelKey: 'avatar-creator:flux-dev-hd-realism' });
      const body = expectError(res, 403, 'MODEL_TIER_FORBIDDEN');
      expect(body.details).toMatchObject({ requiredTier: 'pro', userTier: 'free' });
      expectError(
        await post(user, `${BASE}/projects/${project.id}/avatars/generate-preview`, { prompt: 'a portrait', modelKey: 'avatar-creator:flux-dev-hd-realism' }),
        403,
        'MODEL_TIER_FORBIDDEN',
      );
      expect(await balance(user)).toBe(100);
      expect(await prisma.avatarGeneration.count({ where: { userId: user.id } })).toBe(0);
      expect(await prisma.creditTransaction.count({ where: { userId: user.id } })).toBe(1);
    });

    it('unknown model → 404, malformed model key and out-of-range parameters → 400 naming the fields', async () => {
      const user = await registerUser(app);
      const project = await createProject(user);
      const url = `${BASE}/projects/${project.id}/avatars/generate`;
      expectError(await post(user, url, { prompt: 'a portrait', name: 'x', modelKey: 'avatar-creator:nope' }), 404, 'NOT_FOUND');
      expectError(await post(user, url, { prompt: 'a portrait', name: 'x', modelKey: 'background-remover:basic' }), 404, 'NOT_FOUND');
      const cases: [object, string][] = [
        [{ name: 'x' }, 'prompt'],
        [{ prompt: 'ab', name: 'x' }, 'prompt'],
        [{ prompt: 'p'.repeat(1001), name: 'x' }, 'prompt'],
        [{ prompt: 'a portrait' }, 'name'],
        [{ prompt: 'a portrait', name: 'x', modelKey: 'flux' }, 'modelKey'],
        [{ prompt: 'a portrait', name: 'x', width: 1000 }, 'width'],
        [{ prompt: 'a portrait', name: 'x', width: 1552 }, 'width'],
        [{ prompt: 'a portrait', name: 'x', height: 240 }, 'height'],
        [{ prompt: 'a portrait', name: 'x', height: 512.5 }, 'height'],
        [{ prompt: 'a portrait', name: 'x', seed: -1 }, 'seed'],
        [{ prompt: 'a portrait', name: 'x', seed: 4_294_967_296 }, 'seed'],
        [{ prompt: 'a portrait', name: 'x', steps: 50 }, 'steps'],
      ];
      for (const [payload, field] of cases) {
        const body = expectError(await post(user, url, payload), 400, 'VALIDATION_FAILED');
        const fields = (body.details as { fields: { field: string }[] }).fields.map((f) => f.field);
        expect(fields, JSON.stringify(payload)).toContain(field);
      }
      expect(await balance(user)).toBe(100);
    });

    it('not enough credits → 402 with required and balance; no generation row', async () => {
      const user = await registerUser(app);
      const project = await createProject(user);
      await credits.charge(user.id, 95, { referenceType: 'test_drain', referenceId: randomUUID() });
      const body = expectError(await post(user, `${BASE}/projects/${project.id}/avatars/generate`, { prompt: 'a portrait', name: 'x' }), 402, 'INSUFFICIENT_CREDITS');
      expect(body.details).toMatchObject({ required: 8, balance: 5 });
      expect(await prisma.avatarGeneration.count({ where: { userId: user.id } })).toBe(0);
    });

    it('Idempotency-Key: a retry replays the first response and charges once; the key with another body → 409', async () => {
      const user = await registerUser(app);
      const project = await createProject(user);
      const url = `${BASE}/projects/${project.id}/avatars/generate`;
      const key = { 'idempotency-key': `gen-${randomUUID()}` };
      const payload = { prompt: 'a portrait', name: 'Ada', ...SMALL };
      const first = await post(user, url, payload, key);
      expect(first.statusCode, first.body).toBe(202);
      const again = await post(user, url, { ...SMALL, name: 'Ada', prompt: 'a portrait' }, key);
      expect(again.statusCode).toBe(202);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()).toEqual(first.json());
      expectError(await post(user, url, { ...payload, prompt: 'another portrait' }, key), 409, 'IDEMPOTENCY_KEY_REUSED');
      expectError(await post(user, url, payload, { 'idempotency-key': 'bad key with spaces' }), 400, 'VALIDATION_FAILED');

      expect(await prisma.avatarGeneration.count({ where: { userId: user.id } })).toBe(1);
      expect(await balance(user)).toBe(92);
      await waitForGeneration(user, first.json<Accepted>().generation.id);
    });

    it('when the queue is down: 503 QUEUE_UNAVAILABLE, the generation is FAILED and refunded (no net charge)', async () => {
      const user = await registerUser(app);
      const project = await createProject(user);
      const spy = vi
        .spyOn(app.get(JobProducer), 'enqueue')
        .mockRejectedValueOnce(new DomainError('QUEUE_UNAVAILABLE', 'The job queue is unavailable; try again shortly'));
      try {
        expectError(await post(user, `${BASE}/projects/${project.id}/avatars/generate`, { prompt: 'a portrait', name: 'x' }), 503, 'QUEUE_UNAVAILABLE');
      } finally {
        spy.mockRestore();
      }
      const rows = await prisma.avatarGeneration.findMany({ where: { userId: user.id } });
      expect(rows).toEqual([expect.objectContaining({ status: 'FAILED', errorCode: 'QUEUE_UNAVAILABLE' })]);
      expect(await balance(user)).toBe(100);
      expect(await ledgerSum(user.id)).toBe(100);
    });

    it('the reconciler enqueues a generation whose job was lost (crash between commit and enqueue)', async () => {
      const user = await registerUser(app);
      const project = await createProject(user);
      const id = randomUUID();
      await prisma.$transaction(async (tx) => {
        await tx.avatarGeneration.create({
          data: {
            id,
            userId: user.id,
            projectId: project.id,
            modelKey: 'avatar-creator:flux-dev-base',
            name: 'Lost',
            prompt: 'a lost portrait',
            params: { ...SMALL, seed: 7 },
            creditCharged: 8,
          },
        });
        await credits.charge(user.id, 8, { referenceType: 'avatar_generation', referenceId: id }, tx);
      });
      await prisma.$executeRaw`UPDATE avatar_generations SET updated_at = now() - interval '1 minute' WHERE id = ${id}::uuid`;
      const result = await worker.get(ReconcilerService).reconcile();
      expect(result.requeued['avatar-generations']).toBeGreaterThanOrEqual(1);
      const done = await waitForGeneration(user, id);
      expect(done.status).toBe('SUCCEEDED');
      expect(await balance(user)).toBe(92);
    });
  });

  describe('previews', () => {
    it('a preview is charged once; save-preview makes the avatar for free; saving twice → 409', async () => {
      const user = await registerUser(app);
      const project = await createProject(user);
      const accepted = await generate(user, project.id, { name: undefined }, 'generate-preview');
      expect(accepted).toMatchObject({ creditUsed: 8, creditBalance: 92, generation: { isPreview: true, name: 'Preview' } });
      const preview = await waitForGeneration(user, accepted.generation.id);
      expect(preview).toMatchObject({ status: 'SUCCEEDED', avatarId: null, savedAt: null });
      expect(new Date(preview.expiresAt!).getTime()).toBeGreaterThan(Date.now());
      await download(preview.outputUrl!, 'png');
      expect((await get(user, `${BASE}/projects/${project.id}/avatars`)).json<Page<Avatar>>().items).toHaveLength(0);

      const saved = await post(user, `${BASE}/projects/${project.id}/avatars/save-preview`, { generationId: preview.id, name: 'Keeper' });
      expect(saved.statusCode, saved.body).toBe(201);
      const avatar = saved.json<Avatar>();
      expect(avatar).toMatchObject({ name: 'Keeper', source: 'GENERATED', generationId: preview.id, imageUrl: preview.outputUrl });
      await download(avatar.imageUrl, 'png');
      expect((await get(user, `${BASE}/generations/${preview.id}`)).json()).toMatchObject({ avatarId: avatar.id, expiresAt: null });

      const twice = expectError(await post(user, `${BASE}/projects/${project.id}/avatars/save-preview`, { generationId: preview.id }), 409, 'CONFLICT');
      expect(twice.details).toMatchObject({ reason: 'ALREADY_SAVED' });
      expect(await balance(user)).toBe(92);
      expect(await ledgerSum(user.id)).toBe(92);
      expect((await get(user, `${BASE}/projects/${project.id}/avatars`)).json<Page<Avatar>>().items).toHaveLength(1);
    });

    it('concurrent saves of one preview create one avatar', async () => {
      const user = await registerUser(app);
      const project = await createProject(user);
      const preview = await waitForGeneration(user, (await generate(user, project.id, {}, 'generate-preview')).generation.id);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => post(user, `${BASE}/projects/${project.id}/avatars/save-preview`, { generationId: preview.id })),
      );
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409]);
      expect(await prisma.avatar.count({ where: { generationId: preview.id } })).toBe(1);
    });

    it('only succeeded previews of this project can be saved', async () => {
      const user = await registerUser(app);
      const project = await createProject(user);
      const other = await createProject(user, 'Other');
      const full = await waitForGeneration(user, (await generate(user, project.id)).generation.id);
      const notPreview = expectError(await post(user, `${BASE}/projects/${project.id}/avatars/save-preview`, { generationId: full.id }), 409, 'CONFLICT');
      expect(notPreview.details).toMatchObject({ reason: 'NOT_A_PREVIEW' });
      const preview = await waitForGeneration(user, (await generate(user, project.id, {}, 'generate-preview')).generation.id);
      expectError(await post(user, `${BASE}/projects/${other.id}/avatars/save-preview`, { generationId: preview.id }), 404, 'NOT_FOUND');
      expectError(await post(user, `${BASE}/projects/${project.id}/avatars/save-preview`, { generationId: randomUUID() }), 404, 'NOT_FOUND');
      expectError(await post(user, `${BASE}/projects/${project.id}/avatars/save-preview`, { generationId: 'nope' }), 400, 'VALIDATION_FAILED');

      await prisma.avatarGeneration.update({ where: { id: preview.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      const expired = expectError(await post(user, `${BASE}/projects/${project.id}/avatars/save-preview`, { generationId: preview.id }), 409, 'CONFLICT');
      expect(expired.details).toMatchObject({ reason: 'EXPIRED' });
    });

    it('the retention sweep deletes expired unsaved previews (row and files), never saved ones', async () => {
      const user = await registerUser(app);
      const project = await createProject(user);
      const unsaved = await waitForGeneration(user, (await generate(user, project.id, {}, 'generate-preview')).generation.id);
      const kept = await waitForGeneration(user, (await generate(user, project.id, {}, 'generate-preview')).generation.id);
      const avatar = (await post(user, `${BASE}/projects/${project.id}/avatars/save-preview`, { generationId: kept.id })).json<Avatar>();
      const past = new Date(Date.now() - 1000);
      await prisma.avatarGeneration.updateMany({ where: { id: { in: [unsaved.id, kept.id] } }, data: { expiresAt: past } });

      const removed = await worker.get(AvatarPreviewRetentionSweeper).sweep(new Date());
      expect(removed).toBeGreaterThanOrEqual(1);
      expectError(await get(user, `${BASE}/generations/${unsaved.id}`), 404, 'NOT_FOUND');
      expect((await app.inject({ method: 'GET', url: unsaved.outputUrl! })).statusCode).toBe(404);
      expect((await app.inject({ method: 'GET', url: unsaved.thumbnailUrl! })).statusCode).toBe(404);
      expect((await get(user, `${BASE}/generations/${kept.id}`)).statusCode).toBe(200);
      await download(avatar.imageUrl, 'png');
      expect(await balance(user)).toBe(100 - 16);
    });
  });

  describe('uploads and avatars', () => {
    it('upload: validated by content → PNG avatar + WebP thumbnail, metadata dropped, large images downscaled', async () => {
      const user = await registerUser(app);
      const project = await createProject(user);
      const res = await upload(user, project.id, await photo(640, 480), { name: ' Me ' });
      expect(res.statusCode, res.body).toBe(201);
      const avatar = res.json<Avatar>();
      expect(avatar).toMatchObject({ name: 'Me', source: 'UPLOAD', width: 640, height: 480, generationId: null });
      expect(await download(avatar.imageUrl, 'png')).toEqual({ width: 640, height: 480 });
      expect(await download(avatar.thumbnailUrl, 'webp')).toEqual({ width: 256, height: 192 });

      const jpeg = await sharp({ create: { width: 3000, height: 1000, channels: 3, background: '#336699' } }).jpeg().toBuffer();
      const big = (await upload(user, project.id, jpeg, {}, 'wide shot.jpg')).json<Avatar>();
      expect(big).toMatchObject({ name: 'wide shot', width: 2048, height: 683 });
      expect(await balance(user)).toBe(100);
    });

    it('upload rejects what is not an image (415), corrupt images (422), missing or extra parts (400)', async () => {
      const user = await registerUser(app);
      const project = await createProject(user);
      expectError(await upload(user, project.id, Buffer.from('GIF89a not really')), 415, 'UNSUPPORTED_IMAGE');
      expectError(await upload(user, project.id, Buffer.from('hello, I am text')), 415, 'UNSUPPORTED_IMAGE');
      const png = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer();
      expectError(await upload(user, project.id, png.subarray(0, Math.floor(png.length / 2))), 422, 'UNDECODABLE_IMAGE');
      const noFile = multipart({ name: 'x' }, []);
      expectError(
        await app.inject({ method: 'POST', url: `${BASE}/projects/${project.id}/avatars/upload`, payload: noFile.payload, headers: { ...noFile.headers, ...user.auth } }),
        400,
        'VALIDATION_FAILED',
      );
      expectError(await upload(user, project.id, await photo(), { colour: 'red' }), 400, 'VALIDATION_FAILED');
      expectError(await upload(user, project.id, await photo(), { name: 'n'.repeat(101) }), 400, 'VALIDATION_FAILED');
      expectError(await post(user, `${BASE}/projects/${project.id}/avatars/upload`, { image: 'x' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(await prisma.avatar.count({ where: { userId: user.id } })).toBe(0);
    });

    it('DELETE /avatars/:id removes the avatar and its files; its generation no longer points at them', async () => {
      const user = await registerUser(app);
      const project = await createProject(user);
      const uploaded = (await upload(user, project.id, await photo())).json<Avatar>();
      const generation = await waitForGeneration(user, (await generate(user, project.id)).generation.id);
      const generated = (await get(user, `${BASE}/avatars/${generation.avatarId}`)).json<Avatar>();

      for (const avatar of [uploaded, generated]) {
        const res = await del(user, `${BASE}/avatars/${avatar.id}`);
        expect(res.statusCode, res.body).toBe(204);
        expectError(await get(user, `${BASE}/avatars/${avatar.id}`), 404, 'NOT_FOUND');
        for (const url of [avatar.imageUrl, avatar.thumbnailUrl]) expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
      }
      expect((await get(user, `${BASE}/generations/${generation.id}`)).json()).toMatchObject({ status: 'SUCCEEDED', avatarId: null, outputUrl: null });
      expectError(await del(user, `${BASE}/avatars/${uploaded.id}`), 404, 'NOT_FOUND');
      expect((await get(user, `${BASE}/projects/${project.id}`)).json()).toMatchObject({ avatarCount: 0 });
    });
  });

  describe('deleting a project', () => {
    it('removes its avatars, generations and files, and nothing else (catalogue, other projects, other users)', async () => {
      const user = await registerUser(app);
      const bystander = await registerUser(app, 'bystander');
      const doomed = await createProject(user, 'Doomed');
      const kept = await createProject(user, 'Kept');
      const theirs = await createProject(bystander, 'Theirs');

      const doomedUpload = (await upload(user, doomed.id, await photo())).json<Avatar>();
      const doomedGeneration = await waitForGeneration(user, (await generate(user, doomed.id)).generation.id);
      const doomedPreview = await waitForGeneration(user, (await generate(user, doomed.id, {}, 'generate-preview')).generation.id);
      const keptUpload = (await upload(user, kept.id, await photo())).json<Avatar>();
      const keptGeneration = await waitForGeneration(user, (await generate(user, kept.id)).generation.id);
      const theirUpload = (await upload(bystander, theirs.id, await photo())).json<Avatar>();
      const doomedUrls = [doomedUpload.imageUrl, doomedUpload.thumbnailUrl, doomedGeneration.outputUrl!, doomedGeneration.thumbnailUrl!, doomedPreview.outputUrl!];
      for (const url of doomedUrls) expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(200);

      const catalogue = await prisma.aiModel.count();
      const usageLogs = await prisma.aiUsageLog.count({ where: { userId: user.id } });
      const res = await del(user, `${BASE}/projects/${doomed.id}`);
      expect(res.statusCode, res.body).toBe(204);

      expectError(await get(user, `${BASE}/projects/${doomed.id}`), 404, 'NOT_FOUND');
      expectError(await get(user, `${BASE}/avatars/${doomedUpload.id}`), 404, 'NOT_FOUND');
      expectError(await get(user, `${BASE}/generations/${doomedGeneration.id}`), 404, 'NOT_FOUND');
      expect(await prisma.avatar.count({ where: { projectId: doomed.id } })).toBe(0);
      expect(await prisma.avatarGeneration.count({ where: { projectId: doomed.id } })).toBe(0);
      for (const url of doomedUrls) expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404);

      expect(await prisma.aiModel.count()).toBe(catalogue);
      expect(await prisma.aiModel.count({ where: { appId: 'avatar-creator', enabled: true } })).toBe(4);
      expect(await prisma.aiUsageLog.count({ where: { userId: user.id } })).toBe(usageLogs);
      expect((await get(user, `${BASE}/projects/${kept.id}`)).json()).toMatchObject({ avatarCount: 2 });
      expect((await get(user, `${BASE}/generations/${keptGeneration.id}`)).json()).toMatchObject({ status: 'SUCCEEDED' });
      expect((await get(bystander, `${BASE}/projects/${theirs.id}`)).json()).toMatchObject({ avatarCount: 1 });
      for (const url of [keptUpload.imageUrl, keptGeneration.outputUrl!, theirUpload.imageUrl]) await download(url, 'png');
      expect(await balance(user)).toBe(100 - 3 * 8); // what was delivered stays paid for
    });

    it('racing generates and a delete: no 500s, and the user pays exactly for what was delivered', async () => {
      const user = await registerUser(app);
      const project = await createProject(user);
      const url = `${BASE}/projects/${project.id}/avatars/generate`;
      const results = await Promise.all([
        ...Array.from({ length: 4 }, () => post(user, url, { prompt: 'a portrait', name: 'x', ...SMALL })),
        new Promise((r) => setTimeout(r, 30)).then(() => del(user, `${BASE}/projects/${project.id}`)), // lands among the generates
      ]);
      const deleted = results.pop()!;
      expect(deleted.statusCode, deleted.body).toBe(204);
      for (const res of results) expect([202, 404], res.body).toContain(res.statusCode);

      // Let the worker finish whatever it had started: every accepted generation's job has run.
      const accepted = results.filter((res) => res.statusCode === 202).map((res) => res.json<Accepted>().generation.id);
      const queue = app.get(JobProducer).queue(QueueName.AvatarGeneration);
      await waitFor('the accepted generations to finish', async () => {
        const states = await Promise.all(accepted.map((id) => queue.getJobState(id)));
        return states.every((state) => state === 'completed' || state === 'failed');
      }, 30_000, 100);
      expect(await prisma.avatarGeneration.count({ where: { projectId: project.id } })).toBe(0);
      const delivered = await prisma.aiUsageLog.count({ where: { userId: user.id, status: 'SUCCEEDED' } });
      expect(await balance(user)).toBe(100 - 8 * delivered);
      expect(await ledgerSum(user.id)).toBe(await balance(user));
    });

    it('refunds generations still in flight, exactly once', async () => {
      const user = await registerUser(app);
      const project = await createProject(user);
      const id = randomUUID();
      await prisma.$transaction(async (tx) => {
        await tx.avatarGeneration.create({
          data: { id, userId: user.id, projectId: project.id, modelKey: 'avatar-creator:flux-dev-base', name: 'x', prompt: 'in flight', params: SMALL, creditCharged: 8, status: 'PROCESSING' },
        });
        await credits.charge(user.id, 8, { referenceType: 'avatar_generation', referenceId: id }, tx);
      });
      expect(await balance(user)).toBe(92);
      expect((await del(user, `${BASE}/projects/${project.id}`)).statusCode).toBe(204);
      expect(await balance(user)).toBe(100);
      expect(await prisma.creditTransaction.count({ where: { referenceId: id, kind: 'REFUND' } })).toBe(1);
      expect(await ledgerSum(user.id)).toBe(100);
    });
  });

  it("another user's ids are 404 on every id route, and nothing is charged to anyone", async () => {
    const owner = await registerUser(app, 'owner');
    const intruder = await registerUser(app, 'intruder');
    const project = await createProject(owner);
    const avatar = (await upload(owner, project.id, await photo())).json<Avatar>();
    const preview = await waitForGeneration(owner, (await generate(owner, project.id, {}, 'generate-preview')).generation.id);
    const p = `${BASE}/projects/${project.id}`;
    const body = { prompt: 'a portrait', name: 'x' };

    const attempts = [
      get(intruder, p),
      app.inject({ method: 'PATCH', url: p, headers: intruder.auth, payload: { name: 'mine now' } }),
      del(intruder, p),
      get(intruder, `${p}/avatars`),
      upload(intruder, project.id, await photo()),
      post(intruder, `${p}/avatars/generate`, body),
      post(intruder, `${p}/avatars/generate-preview`, body),
      post(intruder, `${p}/avatars/save-preview`, { generationId: preview.id }),
      get(intruder, `${BASE}/generations/${preview.id}`),
      get(intruder, `${BASE}/avatars/${avatar.id}`),
      del(intruder, `${BASE}/avatars/${avatar.id}`),
    ];
    for (const res of await Promise.all(attempts)) expectError(res, 404, 'NOT_FOUND');

    // The intruder's own project cannot save the owner's preview either.
    const own = await createProject(intruder);
    expectError(await post(intruder, `${BASE}/projects/${own.id}/avatars/save-preview`, { generationId: preview.id }), 404, 'NOT_FOUND');

    expect(await balance(intruder)).toBe(100);
    expect(await balance(owner)).toBe(92);
    expect((await get(owner, p)).json()).toMatchObject({ name: 'Headshots', avatarCount: 1 });
    expect((await get(owner, `${BASE}/generations/${preview.id}`)).json()).toMatchObject({ savedAt: null });
    await download(avatar.imageUrl, 'png');
  });
});
