import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AiProviderRegistry, AiProvidersModule } from '@app/ai-providers';
import { AppConfig, ConfigModule, parseConfig } from '@app/config';
import type { JobProducer } from '@app/jobs';
import type { PrismaService } from '@app/prisma';
import type { StorageService } from '@app/storage';
import { ReadinessService } from './readiness.service';

/**
 * The providers check with the real provider registry (production mapping: onnx rows run on onnx) and a stand-in
 * database that returns catalogue rows; the other checks are not under test here.
 */
let modelsDir: string;

const row = (modelKey: string, provider: string, providerModel: string) => ({
  modelKey,
  appId: 'background-remover',
  provider,
  providerModel,
  capabilities: {},
  maxResolution: 2048,
});

/** A ReadinessService whose catalogue is `rows`; `providers()` runs every check and returns the providers one. */
async function readinessFor(rows: ReturnType<typeof row>[]) {
  const config = parseConfig({
    NODE_ENV: 'production',
    JWT_SECRET: 'x'.repeat(40),
    WEBHOOK_SIGNING_SECRET: 'w'.repeat(32),
    MODELS_DIR: modelsDir,
    ENABLED_APPS: 'background-remover',
  }) as AppConfig;
  const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), AiProvidersModule] }).compile();
  const prisma = {
    $queryRaw: async () => [],
    aiModel: { groupBy: async () => [], findMany: async () => rows },
  } as unknown as PrismaService;
  const jobs = { queue: () => ({ getBackend: () => ({ client: Promise.reject(new Error('no redis here')) }) }) } as unknown as JobProducer;
  const storage = { checkWritable: async () => undefined } as unknown as StorageService;
  const registry = moduleRef.get(AiProviderRegistry);
  const service = new ReadinessService(config, prisma, jobs, storage, registry);
  return {
    registry,
    providers: async () => (await service.check()).checks.find((c) => c.name === 'providers')!,
    close: () => moduleRef.close(),
  };
}

async function providersCheck(rows: ReturnType<typeof row>[]) {
  const readiness = await readinessFor(rows);
  try {
    return await readiness.providers();
  } finally {
    await readiness.close();
  }
}

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'readiness-models-'));
});
afterAll(async () => rm(modelsDir, { recursive: true, force: true }));

describe('ReadinessService providers check', () => {
  it('names the exact pull command for each missing registry model file', async () => {
    const check = await providersCheck([
      row('background-remover:basic', 'onnx', 'u2netp.onnx'),
      row('background-remover:standard', 'onnx', 'birefnet-general-lite.onnx'),
    ]);
    expect(check.ok).toBe(false);
    expect(check.detail).toContain(`background-remover:basic (model file ${join(modelsDir, 'u2netp.onnx')} not found)`);
    expect(check.remedy).toBe('Run `npm run models -- pull u2netp` and `npm run models -- pull birefnet-general-lite`');
  });

  it('names the pull command for a file that is not the published model, without waiting for its hash', async () => {
    await writeFile(join(modelsDir, 'u2net.onnx'), 'not u2net');
    const readiness = await readinessFor([row('background-remover:basic', 'onnx', 'u2net.onnx')]);
    try {
      // First look: present, md5 computed in the background, so readiness is not held up by a large file.
      expect(await readiness.providers()).toMatchObject({ ok: true, detail: '1 models servable' });
      // What `doctor` does: wait for the background checks, then ask again.
      await readiness.registry.modelFileChecks();
      const check = await readiness.providers();
      expect(check.ok).toBe(false);
      expect(check.detail).toMatch(/u2net\.onnx is not u2net: checksum md5:[0-9a-f]{32}, expected md5:60024c5c889badc19c04ad937298a77b\)$/);
      expect(check.remedy).toBe('Run `npm run models -- pull u2net`');
    } finally {
      await readiness.close();
      await rm(join(modelsDir, 'u2net.onnx'));
    }
  });

  it('keeps the generic advice for models without a specific fix', async () => {
    const check = await providersCheck([
      row('background-remover:basic', 'onnx', 'u2netp.onnx'),
      row('background-remover:custom', 'onnx', 'my-own.onnx'),
    ]);
    expect(check.remedy).toBe(
      'Run `npm run models -- pull u2netp`; otherwise: Set the provider credentials / model files named above, or map the provider with AI_PROVIDER_MAP',
    );
    const hf = await providersCheck([row('background-remover:standard', 'huggingface', 'briaai/RMBG-2.0')]);
    expect(hf.remedy).toBe('Set the provider credentials / model files named above, or map the provider with AI_PROVIDER_MAP');
  });
});
