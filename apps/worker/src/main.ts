import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { loadConfigOrExit } from '@app/config';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  // Read by V8 at every full collection, so setting it at boot is enough (see WORKER_HEAP_GROWING_PERCENT).
  if (config.WORKER_HEAP_GROWING_PERCENT > 0) setFlagsFromString(`--heap-growing-percent=${config.WORKER_HEAP_GROWING_PERCENT}`);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  const logger = new Logger('Worker');

  // SIGTERM: Nest closes the BullMQ workers (no new jobs; active ones finish). If that takes too long we exit
  // anyway: the unfinished jobs' locks expire and another worker picks them up (stalled-job recovery).
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`${signal} received: draining active jobs (up to ${config.SHUTDOWN_TIMEOUT_SECONDS}s)`);
      setTimeout(() => {
        logger.warn('shutdown timeout reached; exiting with jobs still active (they will be retried)');
        process.exit(1);
      }, config.SHUTDOWN_TIMEOUT_SECONDS * 1000).unref();
      void app.close().then(() => process.exit(0));
    });
  }
  await app.init();
  logger.log({ concurrency: config.WORKER_CONCURRENCY, queuePrefix: config.QUEUE_PREFIX }, 'worker started');
}

bootstrap().catch((err: unknown) => {
  // Boot failures (bad wiring, missing job handler) must stop the process loudly.
  process.stderr.write(`worker failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
