import { createHash } from 'node:crypto';
import { createServer, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { channelMeanModel } from '../../providers/onnx/testing/tiny-onnx-model';
import type { ModelRegistryEntry } from '../model-registry';

/**
 * A model host for tests, bound to 127.0.0.1 only: serves a tiny ONNX model the suite encodes itself, plus the
 * failure modes a real download meets (404, redirects, a cut connection, a stalled server, the wrong bytes).
 */
export interface ModelServer {
  baseUrl: string;
  model: Buffer;
  md5: string;
  sha256: string;
  /** Paths requested so far, in order. */
  requests: string[];
  /** A registry entry for the model served at `path` (default: the good file), checksum md5 unless told. */
  entry(path?: string, overrides?: Partial<ModelRegistryEntry>): ModelRegistryEntry;
  close(): Promise<void>;
}

export async function startModelServer(): Promise<ModelServer> {
  const model = channelMeanModel(32);
  const md5 = createHash('md5').update(model).digest('hex');
  const sha256 = createHash('sha256').update(model).digest('hex');
  const requests: string[] = [];
  const send = (res: ServerResponse, body: Buffer) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    res.end(body);
  };

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push(path);
    if (path === '/files/tiny.onnx' || path.startsWith('/mirror/')) return send(res, model);
    if (path === '/files/other.onnx') return send(res, Buffer.concat([model, Buffer.from('tampered')]));
    if (path === '/redirect') {
      res.writeHead(302, { location: '/hop' }).end();
      return;
    }
    if (path === '/hop') {
      res.writeHead(301, { location: `${baseUrl}/files/tiny.onnx` }).end();
      return;
    }
    if (path === '/loop') {
      res.writeHead(302, { location: '/loop' }).end();
      return;
    }
    if (path === '/truncated') {
      // Announces the whole file, sends half, then drops the connection.
      res.writeHead(200, { 'content-length': model.length });
      res.write(model.subarray(0, model.length >> 1), () => res.socket?.destroy());
      return;
    }
    if (path === '/cut-chunked') {
      res.writeHead(200, { 'transfer-encoding': 'chunked' });
      res.write(model.subarray(0, 100), () => res.socket?.destroy());
      return;
    }
    if (path === '/stall-body') {
      res.writeHead(200, { 'content-length': model.length });
      res.write(model.subarray(0, 64)); // ...and nothing more
      return;
    }
    if (path === '/stall-headers') return; // never answers
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    model,
    md5,
    sha256,
    requests,
    entry: (path = '/files/tiny.onnx', overrides = {}) => ({
      name: 'tiny-test',
      fileName: 'tiny-test.onnx',
      urls: [`${baseUrl}${path}`],
      checksum: { algorithm: 'md5', value: md5 },
      publishedIn: 'test suite',
      licence: { code: 'MIT', weights: 'MIT' },
      commercialUse: true,
      onnx: { profile: 'u2net', inputSize: 32 },
      suggestedTier: 'basic',
      description: 'channel-mean test model',
      ...overrides,
    }),
    close: async () => {
      server.closeAllConnections(); // stalled responses would otherwise keep close() waiting
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
