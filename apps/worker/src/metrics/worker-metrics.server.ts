import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { decideScrape, LumikuMetrics, metricsAccess } from '@app/metrics';

const DENIED = { unauthorized: 401, forbidden: 403, 'not-found': 404 } as const;

/**
 * The worker has no HTTP API, so its metrics get a small server of their own: GET /metrics on
 * WORKER_METRICS_HOST:WORKER_METRICS_PORT (unset port: no server), behind the same token rule as /api/metrics.
 */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerMetricsServer.name);
  private server?: Server;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: LumikuMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.WORKER_METRICS_PORT;
    if (port === undefined) return;
    const access = metricsAccess(this.config);
    if (access.mode === 'off') {
      this.logger.warn('WORKER_METRICS_PORT is set but METRICS_TOKEN is not: no metrics server in production without a token');
      return;
    }
    const server = createServer((req, res) => void this.answer(req, res, access));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.WORKER_METRICS_HOST, () => resolve());
    });
    this.server = server;
    this.logger.log({ address: this.address() }, 'worker metrics at /metrics');
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Where the server listens (with WORKER_METRICS_PORT=0, the port the OS picked); undefined when off. */
  address(): { host: string; port: number } | undefined {
    const address = this.server?.address() as AddressInfo | null | undefined;
    return address ? { host: address.address, port: address.port } : undefined;
  }

  private async answer(req: IncomingMessage, res: ServerResponse, access: ReturnType<typeof metricsAccess>): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) return reply(res, 404, 'Not found\n');
    const decision = decideScrape(access, req.headers.authorization);
    if (decision !== 'allowed') return reply(res, DENIED[decision], decision === 'not-found' ? 'Not found\n' : 'A valid metrics bearer token is required\n');
    try {
      reply(res, 200, await this.metrics.render(), this.metrics.contentType);
    } catch (err) {
      this.logger.error({ err }, 'rendering metrics failed');
      reply(res, 500, 'Metrics unavailable\n');
    }
  }
}

function reply(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' }).end(res.req.method === 'HEAD' ? undefined : body);
}
