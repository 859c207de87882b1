'use strict';
/**
 * Pipeline overhead: N images through POST /batch → worker → ZIP, end to end, vs the same images through the
 * same provider + image pipeline in one process (the baseline, same run). Target: end-to-end ≤ 1.15× in-process.
 */
const { benchEnv, prepareDatabase, dropDatabase, startProcess, stopProcess, waitForHttp, report, ROOT } = require('./lib');
const { register, postBatch, waitForBatch } = require('./api-client');
const { productPhoto } = require('./images');

async function inProcess(env, images) {
  Object.assign(process.env, env);
  const { NestFactory } = require('@nestjs/core');
  const { Module } = require('@nestjs/common');
  const { ConfigModule } = require(`${ROOT}/dist/libs/config/src`);
  const { ImagesModule, ImagesService } = require(`${ROOT}/dist/libs/images/src`);
  const { AiProvidersModule, AiProviderRegistry } = require(`${ROOT}/dist/libs/ai-providers/src`);
  class PipelineModule {}
  Module({ imports: [ConfigModule.forRoot(), ImagesModule, AiProvidersModule] })(PipelineModule);
  const ctx = await NestFactory.createApplicationContext(PipelineModule, { logger: false });
  const images2 = ctx.get(ImagesService);
  const registry = ctx.get(AiProviderRegistry);
  const model = { modelKey: 'background-remover:basic', appId: 'background-remover', provider: 'onnx', providerModel: 'isnet-general-use.onnx', capabilities: {}, maxResolution: 2048 };
  const { remover } = registry.backgroundRemover(model);
  const t = performance.now();
  for (const input of images) {
    await images2.inspect(input);
    const oriented = await images2.normalize(input);
    const mask = await remover.removeBackground({ image: oriented.data, model });
    const cut = await images2.applyAlphaMask(oriented.data, mask);
    const out = await images2.composeOutput(cut.data, cut.width, cut.height, { format: 'png', maxSide: 2048 });
    await images2.thumbnail(out.data, { size: 256, format: 'webp' });
  }
  const ms = performance.now() - t;
  await ctx.close();
  return ms;
}

async function main() {
  const n = Number(process.env.BENCH_IMAGES ?? 200);
  const [w, h] = (process.env.BENCH_SIZE ?? '640x480').split('x').map(Number);
  const images = await Promise.all(Array.from({ length: n }, (_, i) => productPhoto(w, h, i)));
  const env = benchEnv('pipeline', { PORT: '3293', WORKER_CONCURRENCY: '1', UPLOAD_MAX_FILES: String(Math.max(n, 100)) });
  prepareDatabase(env);
  const baselineMs = await inProcess(env, images);

  const api = startProcess('api', ['dist/apps/api/src/main.js'], env);
  const worker = startProcess('worker', ['dist/apps/worker/src/main.js'], env);
  const base = 'http://127.0.0.1:3293';
  try {
    await waitForHttp(`${base}/api/health/ready`, 60_000);
    const user = await register(base, env);
    const t = performance.now();
    const batch = await postBatch(base, user, images);
    const done = await waitForBatch(base, user, batch.id);
    const zip = await fetch(`${base}/api/background-remover/batch/${batch.id}/download`, { headers: user.auth });
    await zip.arrayBuffer();
    const e2eMs = performance.now() - t;
    report('pipeline-overhead', [
      { run: `in-process pipeline, ${n} × ${w}x${h} (baseline)`, seconds: +(baselineMs / 1000).toFixed(2), perImageMs: +(baselineMs / n).toFixed(1), ratio: 1 },
      {
        run: `POST /batch → worker → ZIP, ${n} images`,
        seconds: +(e2eMs / 1000).toFixed(2),
        perImageMs: +(e2eMs / n).toFixed(1),
        ratio: +(e2eMs / baselineMs).toFixed(2),
        status: done.status,
        goal: '≤ 1.15',
      },
    ]);
  } finally {
    await stopProcess(worker);
    await stopProcess(api);
    dropDatabase(env);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
