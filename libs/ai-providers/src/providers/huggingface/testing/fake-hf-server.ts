import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync } from 'node:zlib';
import { pngChunk } from '@app/images/testing/test-images';

/**
 * A local fake of a Hugging Face inference endpoint on 127.0.0.1 (ephemeral port), speaking the wire protocol
 * @huggingface/inference uses with `endpointUrl`: `POST <url>` with JSON `{inputs, parameters}` and
 * `Authorization: Bearer <token>`. Text-to-image answers raw image bytes; image-segmentation answers
 * `[{label, mask: "<base64 PNG>", score}]`. Replies are scripted per path (a queue, then a default), and every
 * request is recorded so tests can assert headers, parameters and how many attempts were made.
 */
export type FakeReply =
  /** 200 image/png of parameters.width × parameters.height (or the given size / bytes). */
  | { kind: 'image'; width?: number; height?: number; body?: Buffer; contentType?: string }
  /** 200 application/json segmentation list; masks are encoded PNG bytes (base64-encoded on the wire). */
  | { kind: 'segments'; segments: Array<{ label: string; mask: Buffer | string; score?: number }> }
  /** 503 {"error":"Model is loading","estimated_time":seconds} — the serverless "cold model" answer. */
  | { kind: 'loading'; estimatedTimeSeconds: number }
  /** 429 with a Retry-After header (seconds or an HTTP date). */
  | { kind: 'rate-limited'; retryAfter: string }
  /** Any status with a JSON {"error": message} body (500, 400, 422, …). */
  | { kind: 'error'; status: number; message?: string; headers?: Record<string, string> }
  /** Anything at all, for malformed answers; `chunked` streams it without a Content-Length. */
  | { kind: 'raw'; status: number; contentType: string; body: Buffer | string; chunked?: boolean }
  /** Accept the request and never answer (until the server closes); or send headers and part of a body, then stall. */
  | { kind: 'hang'; afterHeaders?: boolean }
  /** Wait, then give another reply. */
  | { kind: 'delay'; ms: number; then: FakeReply };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** Parsed JSON body (undefined if not JSON). */
  json: unknown;
  bytes: number;
  at: number;
}

type Handler = (request: RecordedRequest) => FakeReply;

export class FakeHfServer {
  readonly requests: RecordedRequest[] = [];
  private readonly queues = new Map<string, FakeReply[]>();
  private readonly defaults = new Map<string, Handler>();

  private constructor(
    private readonly server: Server,
    private readonly port: number,
  ) {}

  static async start(): Promise<FakeHfServer> {
    const holder: { fake?: FakeHfServer } = {};
    const server = createServer((req, res) => void holder.fake!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.fake = new FakeHfServer(server, (server.address() as AddressInfo).port);
    return holder.fake;
  }

  /** URL of a path on the fake, e.g. url('/flux') → http://127.0.0.1:PORT/flux. */
  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Replies for the next requests to `path`, in order; afterwards the default applies. */
  script(path: string, ...replies: FakeReply[]): void {
    this.queues.set(path, [...(this.queues.get(path) ?? []), ...replies]);
  }

  /** The reply when nothing is scripted (default: an image sized from parameters.width/height). */
  onDefault(path: string, handler: Handler): void {
    this.defaults.set(path, handler);
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Forget scripts, defaults and recorded requests (between tests). */
  reset(): void {
    this.requests.length = 0;
    this.queues.clear();
    this.defaults.clear();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      json = undefined;
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const recorded: RecordedRequest = { method: req.method ?? '', path, headers: req.headers, json, bytes: body.length, at: Date.now() };
    this.requests.push(recorded);
    const reply = this.queues.get(path)?.shift() ?? (this.defaults.get(path) ?? defaultReply)(recorded);
    await respond(res, reply, recorded);
  }
}

function defaultReply(): FakeReply {
  return { kind: 'image' };
}

async function respond(res: ServerResponse, reply: FakeReply, req: RecordedRequest): Promise<void> {
  const requestId = `fake-${req.at}-${Math.random().toString(36).slice(2, 8)}`;
  const send = (status: number, contentType: string, body: Buffer | string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': contentType, 'x-request-id': requestId, ...headers });
    res.end(body);
  };
  switch (reply.kind) {
    case 'image': {
      const params = (req.json as { parameters?: { width?: number; height?: number } } | undefined)?.parameters;
      const body = reply.body ?? solidPng(reply.width ?? params?.width ?? 64, reply.height ?? params?.height ?? 64);
      return send(200, reply.contentType ?? 'image/png', body);
    }
    case 'segments': {
      const segments = reply.segments.map((s) => ({
        label: s.label,
        mask: typeof s.mask === 'string' ? s.mask : s.mask.toString('base64'),
        ...(s.score === undefined ? {} : { score: s.score }),
      }));
      return send(200, 'application/json', JSON.stringify(segments));
    }
    case 'loading':
      return send(503, 'application/json', JSON.stringify({ error: 'Model is loading', estimated_time: reply.estimatedTimeSeconds }));
    case 'rate-limited':
      return send(429, 'application/json', JSON.stringify({ error: 'Rate limit reached' }), { 'retry-after': reply.retryAfter });
    case 'error':
      return send(reply.status, 'application/json', JSON.stringify({ error: reply.message ?? `HTTP ${reply.status}` }), reply.headers);
    case 'raw':
      if (!reply.chunked) return send(reply.status, reply.contentType, reply.body);
      res.writeHead(reply.status, { 'content-type': reply.contentType, 'x-request-id': requestId });
      for (let i = 0; i < reply.body.length; i += 1024) res.write(reply.body.slice(i, i + 1024));
      res.end();
      return;
    case 'hang':
      if (reply.afterHeaders) {
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': '100000', 'x-request-id': requestId });
        res.write(solidPng(8, 8).subarray(0, 20));
      }
      return; // the socket stays open until the client aborts or the server closes
    case 'delay':
      await new Promise((r) => setTimeout(r, reply.ms));
      if (res.destroyed || res.socket?.destroyed) return;
      return respond(res, reply.then, req);
  }
}

/** A valid RGB PNG of one colour (encoded by hand: the fake must not depend on the code under test). */
export function solidPng(width: number, height: number, rgb: [number, number, number] = [90, 140, 200]): Buffer {
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  return encodePng(width, height, 2, Buffer.concat(Array.from({ length: height }, () => row)));
}

/** A greyscale PNG of a 0..255 mask, as image-segmentation endpoints return (PIL "L" mode). */
export function greyPng(width: number, height: number, mask: Uint8Array): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) rows.push(Buffer.concat([Buffer.from([0]), Buffer.from(mask.subarray(y * width, (y + 1) * width))]));
  return encodePng(width, height, 0, Buffer.concat(rows));
}

/** colourType 0 = grey, 2 = RGB; `filtered` is scanlines each prefixed by filter byte 0. */
function encodePng(width: number, height: number, colourType: 0 | 2, filtered: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colourType;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(filtered)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

