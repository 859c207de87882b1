import { existsSync, readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import type { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noisy, pngWithDeclaredSize, sharp, solid } from '../../libs/images/src/testing/test-images';
import { Deployment, waitFor } from '../support/deployment';
import { productPhoto } from '../support/images';
import { expectLiveError, image, LiveClient, LiveResponse, LiveUser, signTestJwt } from '../support/live-http';
import { MultipartFile } from '../support/multipart';
import { expectNoSecretsInLogs } from './secrets';

/**
 * Scenario 7: a corpus of bad input against the real api process. Every case is a 4xx in the error contract with a
 * code; afterwards the attacker was charged nothing, owns no job/batch/generation row and no stored upload, and the
 * api is healthy on the same PID. Upload limits are set small so "oversize" and "too many files" are cheap.
 */
const MAX_BYTES = 256 * 1024;
const MAX_FILES = 4;
const AVATAR = '/api/apps/avatar-creator';

/** GET with the path sent byte for byte (fetch would normalise `..` away before it left the client). */
function rawGet(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<LiveResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method: 'GET', path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
        resolve({ status: res.statusCode!, headers: h, text, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A baseline JPEG whose SOF0 header declares width×height (the scan data is whatever follows). */
function jpegWithDeclaredSize(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  for (let i = 2; i < out.length - 9; i++) {
    if (out[i] === 0xff && (out[i + 1] === 0xc0 || out[i + 1] === 0xc2)) {
      out.writeUInt16BE(height, i + 5);
      out.writeUInt16BE(width, i + 7);
      return out;
    }
  }
  throw new Error('no SOF marker');
}

interface Case {
  name: string;
  send: () => Promise<LiveResponse>;
  status: number | number[];
  code: string | RegExp;
  /** Extra check on the answer (e.g. that no file content leaked). */
  also?: (res: LiveResponse) => void;
}

describe('bad-input corpus', () => {
  const dep = new Deployment('badinput', {
    // The production URL policy: an imageUrl or webhookUrl on a loopback/private address is refused before connecting.
    env: {
      UPLOAD_MAX_BYTES: String(MAX_BYTES),
      UPLOAD_MAX_FILES: String(MAX_FILES),
      UPLOAD_MAX_TOTAL_BYTES: String(4 * MAX_BYTES),
      IMAGE_URL_ALLOW_PRIVATE_TARGETS: 'false',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false',
    },
  });
  let api: Awaited<ReturnType<Deployment['startApi']>>;
  let http: LiveClient;
  let db: Client;
  let attacker: LiveUser;
  let victim: LiveUser;
  const victimIds: Record<string, string> = {};
  let pid: number;
  const cases: Case[] = [];
  const answers: { name: string; status: number; code: string }[] = [];

  // Built before the api starts (it.each needs the list at collection time, the data arrives in beforeAll).
  const files: Record<string, Buffer> = {};
  const upload = (path: string, fields: Record<string, string>, parts: MultipartFile[]) => () => http.multipart(path, fields, parts, { token: attacker.token });
  const remove = (data: () => Buffer, filename = 'photo.png', contentType = 'image/png', fields: Record<string, string> = { tier: 'basic' }) => () =>
    http.multipart('/api/background-remover/remove', fields, [image(data(), 'image', filename, contentType)], { token: attacker.token });
  const calc = (body: unknown) => () => http.post('/api/background-remover/pricing/calculate', { token: attacker.token, json: body });
  const noLeak = (res: LiveResponse) => expect(res.text).not.toMatch(/root:x:0:0|DATABASE_URL|JWT_SECRET/);

  cases.push(
    { name: 'zero-byte file', send: remove(() => Buffer.alloc(0)), status: 415, code: 'UNSUPPORTED_IMAGE' },
    { name: 'text renamed .png', send: remove(() => Buffer.from('just some text, not an image\n'.repeat(20))), status: 415, code: 'UNSUPPORTED_IMAGE' },
    { name: 'truncated JPEG', send: remove(() => files.truncated!, 'cut.jpg', 'image/jpeg'), status: 422, code: 'UNDECODABLE_IMAGE' },
    { name: 'PNG declaring 100000×100000', send: remove(() => pngWithDeclaredSize(100_000, 100_000)), status: 413, code: 'IMAGE_TOO_LARGE' },
    { name: 'JPEG declaring 60000×60000', send: remove(() => files.hugeJpeg!, 'huge.jpg', 'image/jpeg'), status: 413, code: 'IMAGE_TOO_LARGE' },
    {
      name: 'SVG with script',
      send: remove(() => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script><rect width="10" height="10"/></svg>'), 'x.png', 'image/svg+xml'),
      status: 415,
      code: 'UNSUPPORTED_IMAGE',
    },
    { name: 'PDF', send: remove(() => Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'), 'doc.pdf', 'application/pdf'), status: 415, code: 'UNSUPPORTED_IMAGE' },
    { name: 'GIF', send: remove(() => files.gif!, 'anim.gif', 'image/gif'), status: 415, code: 'UNSUPPORTED_IMAGE' },
    { name: `oversize file (> UPLOAD_MAX_BYTES=${MAX_BYTES})`, send: remove(() => files.oversize!), status: 413, code: 'PAYLOAD_TOO_LARGE' },
    { name: 'oversize file in a batch', send: () => upload('/api/background-remover/batch', { tier: 'basic' }, [image(files.ok!, 'images'), image(files.oversize!, 'images', 'big.png')])(), status: 413, code: 'PAYLOAD_TOO_LARGE' },
    { name: 'wrong multipart field (file instead of image)', send: () => upload('/api/background-remover/remove', { tier: 'basic' }, [image(files.ok!, 'file')])(), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'two files on /remove', send: () => upload('/api/background-remover/remove', { tier: 'basic' }, [image(files.ok!), image(files.ok!)])(), status: 400, code: 'VALIDATION_FAILED' },
    {
      name: `too many files in a batch (> UPLOAD_MAX_FILES=${MAX_FILES})`,
      send: () => upload('/api/background-remover/batch', { tier: 'basic' }, Array.from({ length: MAX_FILES + 1 }, (_, i) => image(files.ok!, 'images', `f${i}.jpg`)))(),
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    },
    { name: 'batch with one bad file among good ones', send: () => upload('/api/background-remover/batch', { tier: 'basic' }, [image(files.ok!, 'images'), image(Buffer.from('%PDF-1.4'), 'images', 'x.pdf')])(), status: 415, code: 'UNSUPPORTED_IMAGE' },
    { name: 'batch with no files', send: () => upload('/api/background-remover/batch', { tier: 'basic' }, [])(), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'JSON body on a multipart endpoint', send: () => http.post('/api/background-remover/remove', { token: attacker.token, json: { tier: 'basic', image: 'aGVsbG8=' } }), status: 415, code: /UNSUPPORTED_MEDIA_TYPE/ },
    { name: 'pricing/calculate imageCount -5', send: calc({ tier: 'basic', imageCount: -5 }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'pricing/calculate imageCount 1e15', send: calc({ tier: 'basic', imageCount: 1e15 }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'pricing/calculate imageCount 2.5', send: calc({ tier: 'basic', imageCount: 2.5 }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'pricing/calculate imageCount "ten"', send: calc({ tier: 'basic', imageCount: 'ten' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'pricing/calculate unknown tier', send: calc({ tier: 'ultra', imageCount: 2 }), status: 400, code: 'VALIDATION_FAILED' },
    { name: '/remove unknown tier', send: remove(() => files.ok!, 'p.jpg', 'image/jpeg', { tier: 'ultra' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: "/remove tier with SQL (basic' OR '1'='1)", send: remove(() => files.ok!, 'p.jpg', 'image/jpeg', { tier: "basic' OR '1'='1" }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'bgColor with SQL', send: remove(() => files.ok!, 'p.jpg', 'image/jpeg', { tier: 'basic', bgColor: "#ffffff'; DROP TABLE users; --" }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'bgColor with <script>', send: remove(() => files.ok!, 'p.jpg', 'image/jpeg', { tier: 'basic', bgColor: '<script>alert(1)</script>' }), status: 400, code: 'VALIDATION_FAILED' },
    {
      name: 'generate with SQL in modelKey',
      send: () => http.post(`${AVATAR}/projects/${victimIds.attackerProject}/avatars/generate`, { token: attacker.token, json: { prompt: 'a portrait', name: 'x', modelKey: "avatar-creator:flux-dev-base' OR 1=1 --" } }),
      status: [400, 404],
      code: /VALIDATION_FAILED|NOT_FOUND/,
    },
    { name: 'project name with <script> over the length limit', send: () => http.post(`${AVATAR}/projects`, { token: attacker.token, json: { name: `<script>alert(1)</script>${'x'.repeat(120)}` } }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'project with an unknown field (userId)', send: () => http.post(`${AVATAR}/projects`, { token: attacker.token, json: { name: 'ok', userId: victimIds.user } }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'malformed JSON body', send: () => http.post(`${AVATAR}/projects`, { token: attacker.token, body: '{"name": "unterminated', headers: { 'content-type': 'application/json' } }), status: 400, code: /BAD_REQUEST|VALIDATION_FAILED/ },
    { name: 'JSON body over 1 MiB', send: () => http.post(`${AVATAR}/projects`, { token: attacker.token, json: { name: 'x', description: 'y'.repeat(1_200_000) } }), status: 413, code: 'PAYLOAD_TOO_LARGE' },
    { name: "cursor with SQL (' OR 1=1 --)", send: () => http.get(`/api/background-remover/jobs?cursor=${encodeURIComponent("' OR 1=1 --")}`, { token: attacker.token }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'id that is not a uuid (1 OR 1=1)', send: () => http.get(`/api/background-remover/jobs/${encodeURIComponent('1 OR 1=1')}`, { token: attacker.token }), status: [400, 404], code: /VALIDATION_FAILED|NOT_FOUND/ },
    { name: "project id that is not a uuid (' OR ''=')", send: () => http.get(`${AVATAR}/projects/${encodeURIComponent("' OR ''='")}`, { token: attacker.token }), status: [400, 404], code: /VALIDATION_FAILED|NOT_FOUND/ },
    { name: 'invalid Idempotency-Key', send: () => http.multipart('/api/background-remover/remove', { tier: 'basic' }, [image(files.ok!)], { token: attacker.token, headers: { 'idempotency-key': 'bad key with spaces\t' } }), status: 400, code: 'VALIDATION_FAILED' },
    { name: "other user's job", send: () => http.get(`/api/background-remover/jobs/${victimIds.job}`, { token: attacker.token }), status: 404, code: 'NOT_FOUND' },
    { name: "other user's batch", send: () => http.get(`/api/background-remover/batch/${victimIds.batch}`, { token: attacker.token }), status: 404, code: 'NOT_FOUND' },
    { name: "other user's batch ZIP", send: () => http.get(`/api/background-remover/batch/${victimIds.batch}/download`, { token: attacker.token }), status: 404, code: 'NOT_FOUND' },
    { name: "other user's project", send: () => http.get(`${AVATAR}/projects/${victimIds.project}`, { token: attacker.token }), status: 404, code: 'NOT_FOUND' },
    {
      name: "generate (paid) in other user's project",
      send: () => http.post(`${AVATAR}/projects/${victimIds.project}/avatars/generate`, { token: attacker.token, json: { prompt: 'a portrait', name: 'x', width: 256, height: 256 } }),
      status: 404,
      code: 'NOT_FOUND',
    },
    { name: "delete other user's project", send: () => http.request('DELETE', `${AVATAR}/projects/${victimIds.project}`, { token: attacker.token }), status: 404, code: 'NOT_FOUND' },
    { name: 'no bearer token', send: () => http.get('/api/background-remover/stats'), status: 401, code: 'UNAUTHORIZED' },
    { name: 'token signed with another secret', send: () => http.get('/api/auth/me', { token: signTestJwt('not-the-secret-not-the-secret-000000', attacker.id) }), status: 401, code: 'UNAUTHORIZED' },
    { name: 'storage: /storage/../../etc/passwd', send: () => rawGet(http.baseUrl, '/storage/../../etc/passwd'), status: 404, code: /NOT_FOUND/, also: noLeak },
    { name: 'storage: %2e%2e%2f encoded', send: () => rawGet(http.baseUrl, '/storage/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd'), status: 404, code: /NOT_FOUND/, also: noLeak },
    { name: 'storage: ..%2f mixed', send: () => rawGet(http.baseUrl, '/storage/..%2f..%2f..%2f..%2fetc/passwd'), status: 404, code: /NOT_FOUND/, also: noLeak },
    { name: 'storage: double-encoded %252e%252e', send: () => rawGet(http.baseUrl, '/storage/%252e%252e/%252e%252e/etc/passwd'), status: 404, code: /NOT_FOUND/, also: noLeak },
    { name: 'storage: backslash ..\\..\\', send: () => rawGet(http.baseUrl, '/storage/..%5c..%5c..%5cetc%5cpasswd'), status: 404, code: /NOT_FOUND/, also: noLeak },
    { name: 'storage: private area input', send: () => rawGet(http.baseUrl, `/storage/../private/background-remover/${victimIds.user}/${victimIds.job}/input.jpg`), status: 404, code: /NOT_FOUND/, also: noLeak },
    { name: 'storage: directory listing', send: () => rawGet(http.baseUrl, '/storage/background-remover/'), status: 404, code: /NOT_FOUND/ },
    { name: 'storage: dotfile', send: () => rawGet(http.baseUrl, '/storage/.env'), status: 404, code: /NOT_FOUND/, also: noLeak },
  );

  // Hardening (issue 11): input that used to reach a 500, SSRF forms a deny-list missed, weak passwords.
  const deep = '['.repeat(5000) + ']'.repeat(5000);
  const rawJson = (path: string, body: string, token?: string) => () => http.post(path, { token, body, headers: { 'content-type': 'application/json' } });
  const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const batchWithWebhook = (webhookUrl: string) => () => upload('/api/background-remover/batch', { tier: 'basic', webhookUrl }, [image(files.ok!, 'images')])();
  cases.push(
    { name: 'login with a 5,000-deep JSON array (unauthenticated)', send: rawJson('/api/auth/login', `{"email":"a@b.co","password":${deep}}`), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'register with a 5,000-deep JSON array', send: rawJson('/api/auth/register', `{"email":"a@b.co","password":"long enough pw","name":${deep}}`), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'register with NUL in name', send: () => http.post('/api/auth/register', { json: { email: `nul-${Date.now()}@example.com`, password: 'long enough pw', name: 'Ada\u0000' } }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'register with a common password', send: () => http.post('/api/auth/register', { json: { email: `weak-${Date.now()}@example.com`, password: 'password123' } }), status: 400, code: 'WEAK_PASSWORD' },
    { name: 'register with a 9-character password', send: () => http.post('/api/auth/register', { json: { email: `short-${Date.now()}@example.com`, password: 'password1' } }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'project name with NUL', send: () => http.post(`${AVATAR}/projects`, { token: attacker.token, json: { name: 'a\u0000b' } }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'project description with NUL', send: () => http.post(`${AVATAR}/projects`, { token: attacker.token, json: { name: 'ok', description: '\u0000' } }), status: 400, code: 'VALIDATION_FAILED' },
    {
      name: 'avatar upload whose filename (the default avatar name) has NUL',
      send: () => upload(`${AVATAR}/projects/${victimIds.attackerProject}/avatars/upload`, {}, [image(files.ok!, 'image', 'me\u0000.jpg', 'image/jpeg')])(),
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    { name: 'multipart text field with NUL (bgColor)', send: remove(() => files.ok!, 'p.jpg', 'image/jpeg', { tier: 'basic', bgColor: '#fff\u0000' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'cursor whose id is 36 dashes', send: () => http.get(`/api/background-remover/jobs?cursor=${cursorOf(['2026-01-01T00:00:00.000Z', '-'.repeat(36)])}`, { token: attacker.token }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'cursor with an extreme date', send: () => http.get(`${AVATAR}/projects?cursor=${cursorOf(['+275760-09-13T00:00:00.000Z', '0b7c2a9e-5d1f-4c1e-9a53-3f2d1e0c9b8a'])}`, { token: attacker.token }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'webhookUrl http://[::127.0.0.1]/ (IPv4-compatible IPv6)', send: batchWithWebhook('http://[::127.0.0.1]/'), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'webhookUrl NAT64 of the metadata address', send: batchWithWebhook('http://[64:ff9b::a9fe:a9fe]/'), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'webhookUrl site-local fec0::1', send: batchWithWebhook('http://[fec0::1]/hook'), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'webhookUrl benchmark range 198.18.0.1', send: batchWithWebhook('http://198.18.0.1/hook'), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'webhookUrl cloud metadata 169.254.169.254', send: batchWithWebhook('http://169.254.169.254/latest/meta-data/'), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'webhookUrl multicast 224.0.0.1', send: batchWithWebhook('http://224.0.0.1/'), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'webhookUrl broadcast 255.255.255.255', send: batchWithWebhook('http://255.255.255.255/'), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'webhookUrl with credentials', send: batchWithWebhook('http://user:pw@example.com/'), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'webhookUrl file://', send: batchWithWebhook('file:///etc/passwd'), status: 400, code: 'VALIDATION_FAILED' },
  );

  // Background Remover options (issue 13). URLs are refused by the production policy before any connection.
  const removeFields = (fields: Record<string, string>) => () => upload('/api/background-remover/remove', { tier: 'basic', ...fields }, [])();
  cases.push(
    { name: 'imageUrl cloud metadata 169.254.169.254', send: removeFields({ imageUrl: 'http://169.254.169.254/latest/meta-data/' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'imageUrl loopback (the api itself)', send: () => removeFields({ imageUrl: `${http.baseUrl}/api/health` })(), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'imageUrl [::ffff:127.0.0.1]', send: removeFields({ imageUrl: 'http://[::ffff:127.0.0.1]/x.jpg' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'imageUrl file://', send: removeFields({ imageUrl: 'file:///etc/passwd' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'imageUrl not a URL', send: removeFields({ imageUrl: 'not a url' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'imageUrl and an image file together', send: () => upload('/api/background-remover/remove', { tier: 'basic', imageUrl: 'http://169.254.169.254/x.jpg' }, [image(files.ok!)])(), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'imageBase64 that is not base64', send: removeFields({ imageBase64: '<script>alert(1)</script>' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'imageBase64 of a PDF', send: removeFields({ imageBase64: Buffer.from('%PDF-1.7\n%%EOF\n').toString('base64') }), status: 415, code: 'UNSUPPORTED_IMAGE' },
    { name: `imageBase64 over UPLOAD_MAX_BYTES`, send: () => removeFields({ imageBase64: files.oversize!.toString('base64') })(), status: 413, code: 'PAYLOAD_TOO_LARGE' },
    { name: 'bgImageUrl cloud metadata 169.254.169.254', send: () => upload('/api/background-remover/remove', { tier: 'basic', bgImageUrl: 'http://169.254.169.254/bg.png' }, [image(files.ok!)])(), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'bgImageUrl together with a bgImage file', send: () => upload('/api/background-remover/remove', { tier: 'basic', bgImageUrl: 'http://10.0.0.1/bg.png' }, [image(files.ok!), image(files.ok!, 'bgImage')])(), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'Accept: image/jpeg without a background', send: () => http.multipart('/api/background-remover/remove', { tier: 'basic' }, [image(files.ok!)], { token: attacker.token, headers: { accept: 'image/jpeg' } }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'batch imageUrl to a private address', send: () => upload('/api/background-remover/batch', { tier: 'basic', imageUrl: 'http://10.0.0.1/x.jpg' }, [image(files.ok!, 'images')])(), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'size "huge"', send: remove(() => files.ok!, 'p.jpg', 'image/jpeg', { tier: 'basic', size: 'huge' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'pricing/calculate size auto without dimensions', send: calc({ tier: 'basic', imageCount: 1, size: 'auto' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'pricing/calculate width -1', send: calc({ tier: 'basic', imageCount: 1, size: 'auto', width: -1, height: 10 }), status: 400, code: 'VALIDATION_FAILED' },
  );

  // Cancel and single-job events (issue 13): every new option and endpoint refuses bad input before anything is charged.
  const removeWith = (fields: Record<string, string>) => remove(() => files.ok!, 'p.jpg', 'image/jpeg', { tier: 'basic', ...fields });
  const cancelOf = (path: () => string) => () => http.post(`/api/background-remover/${path()}/cancel`, { token: attacker.token });
  cases.push(
    { name: '/remove webhookUrl that is not a URL', send: removeWith({ webhookUrl: 'not a url' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: '/remove webhookUrl cloud metadata 169.254.169.254', send: removeWith({ webhookUrl: 'http://169.254.169.254/latest/meta-data/' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: '/remove webhookUrl file://', send: removeWith({ webhookUrl: 'file:///etc/passwd' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: '/remove webhookEvents with an unknown event', send: removeWith({ webhookUrl: 'https://example.com/hook', webhookEvents: 'completed,done' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: '/remove webhookEvents empty', send: removeWith({ webhookUrl: 'https://example.com/hook', webhookEvents: '' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: '/remove webhookEvents repeated event', send: removeWith({ webhookUrl: 'https://example.com/hook', webhookEvents: 'completed,completed' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: '/remove webhookEvents without a webhookUrl', send: removeWith({ webhookEvents: 'completed' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: "cancel other user's job", send: cancelOf(() => `jobs/${victimIds.job}`), status: 404, code: 'NOT_FOUND' },
    { name: "cancel other user's batch", send: cancelOf(() => `batch/${victimIds.batch}`), status: 404, code: 'NOT_FOUND' },
    { name: 'cancel a job id that is not a uuid', send: cancelOf(() => `jobs/${encodeURIComponent("1' OR '1'='1")}`), status: 404, code: 'NOT_FOUND' },
    { name: "events of other user's job", send: () => http.get(`/api/background-remover/jobs/${victimIds.job}/events`, { token: attacker.token }), status: 404, code: 'NOT_FOUND' },
  );

  // Output options (issue 13 part 3): each option's bad values, and a bad background image.
  const withBackground = (bg: () => Buffer, fields: Record<string, string> = {}, count = 1) => () =>
    upload('/api/background-remover/remove', { tier: 'basic', ...fields }, [image(files.ok!), ...Array.from({ length: count }, () => image(bg(), 'bgImage', 'bg.png', 'image/png'))])();
  const batchWithBackground = (bg: () => Buffer, count = 1) => () =>
    upload('/api/background-remover/batch', { tier: 'basic' }, [image(files.ok!, 'images'), ...Array.from({ length: count }, () => image(bg(), 'bgImage', 'bg.png', 'image/png'))])();
  cases.push(
    { name: 'format=gif', send: removeWith({ format: 'gif' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'format=jpg without bgColor or bgImage', send: removeWith({ format: 'jpg' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'cropMargin with 3 values', send: removeWith({ crop: 'true', cropMargin: '1 2 3' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'cropMargin 99999px', send: removeWith({ crop: 'true', cropMargin: '99999px' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'cropMargin 101%', send: removeWith({ crop: 'true', cropMargin: '101%' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'cropMargin 10 KB long', send: removeWith({ crop: 'true', cropMargin: '1 '.repeat(5000) }), status: 400, code: 'VALIDATION_FAILED' },
    { name: "position with SQL (center'; DROP TABLE users; --)", send: removeWith({ position: "center'; DROP TABLE users; --" }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'position 150% 50%', send: removeWith({ position: '150% 50%' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'scale 1000%', send: removeWith({ scale: '1000%' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'scale 0.5 (not a percentage)', send: removeWith({ scale: '0.5' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'decontaminate "yes please"', send: removeWith({ decontaminate: 'yes please' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'bgImageFit stretch', send: withBackground(() => files.ok!, { bgImageFit: 'stretch' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'bgImageFit without a bgImage', send: removeWith({ bgImageFit: 'contain' }), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'bgImage that is a PDF', send: withBackground(() => Buffer.from('%PDF-1.7\n%%EOF\n')), status: 415, code: 'UNSUPPORTED_IMAGE' },
    { name: 'bgImage PNG declaring 100000×100000', send: withBackground(() => pngWithDeclaredSize(100_000, 100_000)), status: 413, code: 'IMAGE_TOO_LARGE' },
    { name: 'bgImage truncated JPEG', send: withBackground(() => files.truncated!), status: 422, code: 'UNDECODABLE_IMAGE' },
    { name: `bgImage oversize (> UPLOAD_MAX_BYTES=${MAX_BYTES})`, send: withBackground(() => files.oversize!), status: 413, code: 'PAYLOAD_TOO_LARGE' },
    { name: 'two bgImage parts on /remove', send: withBackground(() => files.ok!, {}, 2), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'two bgImage parts on /batch', send: batchWithBackground(() => files.ok!, 2), status: 400, code: 'VALIDATION_FAILED' },
    { name: 'batch bgImage that is SVG', send: batchWithBackground(() => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), status: 415, code: 'UNSUPPORTED_IMAGE' },
  );

  beforeAll(async () => {
    const photo = await productPhoto(160, 120);
    files.ok = photo;
    const jpeg = await noisy('jpeg', 300, 200);
    files.truncated = jpeg.subarray(0, Math.floor(jpeg.length / 2));
    files.hugeJpeg = jpegWithDeclaredSize(await solid('jpeg', 64, 48), 60_000, 60_000);
    files.gif = await solid('gif', 16, 16);
    files.oversize = await sharp({ create: { width: 500, height: 500, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer();
    expect(files.oversize.length).toBeGreaterThan(MAX_BYTES);

    await dep.createDatabase();
    api = await dep.startApi();
    await dep.startWorker();
    pid = api.pid;
    http = new LiveClient(api.baseUrl);
    db = await dep.db();
    attacker = await http.register('attacker');
    victim = await http.register('victim');
    victimIds.user = victim.id;

    // The victim owns a finished job, a batch and a project; the attacker owns a project (for the modelKey case).
    const job = await http.multipart('/api/background-remover/remove', { tier: 'basic' }, [image(photo, 'image', 'v.jpg', 'image/jpeg')], { token: victim.token, headers: { prefer: 'wait=20' } });
    expect(job.status, job.text).toBe(200);
    victimIds.job = job.body.id;
    const batch = await http.multipart('/api/background-remover/batch', { tier: 'basic' }, [image(photo, 'images'), image(photo, 'images')], { token: victim.token });
    expect(batch.status, batch.text).toBe(202);
    victimIds.batch = batch.body.id;
    await waitFor('the victim batch', async () => (await http.get(`/api/background-remover/batch/${victimIds.batch}`, { token: victim.token })).body.status === 'COMPLETED', 30_000);
    const project = await http.post(`${AVATAR}/projects`, { token: victim.token, json: { name: 'Private' } });
    victimIds.project = project.body.id;
    const own = await http.post(`${AVATAR}/projects`, { token: attacker.token, json: { name: 'Mine' } });
    victimIds.attackerProject = own.body.id;
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });
  afterAll(async () => {
    await db?.end();
    await dep.destroy();
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s → 4xx with a code', async (_name, c) => {
    const res = await c.send();
    const statuses = Array.isArray(c.status) ? c.status : [c.status];
    expectLiveError(res, (s) => statuses.includes(s), c.code);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    c.also?.(res);
    answers.push({ name: c.name, status: res.status, code: res.body.code });
  });

  it('SQL/JS in a free-text field is stored literally and harmlessly (not an error: it is just text)', async () => {
    const name = "Robert'); DROP TABLE users;-- <script>alert(1)</script>";
    const created = await http.post(`${AVATAR}/projects`, { token: attacker.token, json: { name } });
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get('content-type')).toMatch(/^application\/json/);
    const read = await http.get(`${AVATAR}/projects/${created.body.id}`, { token: attacker.token });
    expect(read.body.name).toBe(name);
    expect((await db.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(2);
    await http.request('DELETE', `${AVATAR}/projects/${created.body.id}`, { token: attacker.token });
  });

  it('afterwards: nothing charged, no job/batch/generation row, no stored upload, same healthy process', async () => {
    expect(answers.length, 'every corpus case ran').toBe(cases.length);
    const money = await db.query(`SELECT credit_balance FROM users WHERE id = $1`, [attacker.id]);
    expect(money.rows[0].credit_balance).toBe(100);
    const ledger = await db.query(`SELECT kind, amount FROM credit_transactions WHERE user_id = $1`, [attacker.id]);
    expect(ledger.rows).toEqual([{ kind: 'GRANT', amount: 100 }]);
    const rows = await db.query(
      `SELECT (SELECT count(*) FROM background_removal_jobs WHERE user_id = $1)::int AS jobs,
              (SELECT count(*) FROM background_removal_batches WHERE user_id = $1)::int AS batches,
              (SELECT count(*) FROM avatar_generations WHERE user_id = $1)::int AS generations,
              (SELECT count(*) FROM idempotency_keys WHERE user_id = $1)::int AS idempotency`,
      [attacker.id],
    );
    expect(rows.rows[0]).toEqual({ jobs: 0, batches: 0, generations: 0, idempotency: 0 });
    // The victim's data is untouched.
    const victimRows = await db.query(`SELECT count(*)::int AS n FROM avatar_projects WHERE user_id = $1`, [victim.id]);
    expect(victimRows.rows[0].n).toBe(1);
    // Rejected uploads were not left in private storage.
    const dir = join(dep.env.STORAGE_ROOT!, 'private', 'background-remover', attacker.id);
    const leftFiles = existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name)) : [];
    expect(leftFiles).toEqual([]);

    const health = await http.get('/api/health');
    expect(health.status).toBe(200);
    expect(api.running).toBe(true);
    expect(api.pid).toBe(pid);
    const byStatus: Record<number, number> = {};
    for (const a of answers) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
    console.log(`[bad-input] ${answers.length} cases → ${JSON.stringify(byStatus)}; api pid ${pid} healthy`);
  });

  it('wrote no bearer token or password to the logs', async () => {
    await Promise.all(dep.processes.map((p) => p.stop('SIGTERM')));
    expectNoSecretsInLogs(dep.logs(), [attacker, victim]);
  });
});
