import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConsoleRoot } from '../apps/api/src/console/console-files';
import { createTestApi, createTestWorker } from './support/app';
import { productPhoto, zipEntries } from './support/images';

/**
 * The /console page in a real browser (Debian's chromium driven by playwright-core): sign up, upload a photo, see
 * the cut-out load from the API; then a batch with live progress and its ZIP. Needs `npm run build` (the page is
 * assembled into dist/console) and a Chromium: in CI a missing browser fails the run, locally the test is skipped.
 */
/** CHROMIUM_PATH, when set, is the only browser tried. */
const BROWSER_CANDIDATES = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const browserPath = BROWSER_CANDIDATES.find((path) => existsSync(path));
const inCi = Boolean(process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0');
const NO_BROWSER = `No Chromium for the console e2e test (looked at ${BROWSER_CANDIDATES.join(', ')}): install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH`;
if (!browserPath && !inCi) console.warn(`SKIPPED test/console.e2e.test.ts: ${NO_BROWSER}`);

/** What the checks read off elements in the page (the root tsconfig has no DOM lib). */
interface ImageLike {
  complete: boolean;
  naturalWidth: number;
  src: string;
}
interface ProgressLike {
  value: number;
  max: number;
}

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe.skipIf(!browserPath && !inCi)('console page in a real browser (API + worker, real PostgreSQL and Redis)', () => {
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let context: BrowserContext;
  let page: Page;
  let profileDir: string;
  let baseUrl: string;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!browserPath) throw new Error(NO_BROWSER);
    if (!findConsoleRoot()) throw new Error('dist/console is missing: run `npm run build` first (it assembles the console page)');
    app = await createTestApi();
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    worker = await createTestWorker();
    profileDir = await mkdtemp(join(tmpdir(), 'lumiku-console-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, { executablePath: browserPath, headless: true, args: FLAGS, acceptDownloads: true });
    page = context.pages()[0] ?? (await context.newPage());
    // Script errors and CSP violations show up here; the page must have none.
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
    page.on('response', (res) => {
      if (res.status() >= 400) problems.push(`${res.status()} ${res.request().method()} ${res.url()}`);
    });
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
    await worker?.close();
    await app?.close();
  });

  it('sign up, drop a photo, see the cut-out from the API next to the original; credits go down', async () => {
    const response = await page.goto(`${baseUrl}/console`);
    expect(response?.status()).toBe(200);
    expect(page.url()).toBe(`${baseUrl}/console/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");

    await page.getByTestId('email').fill(`browser-${randomUUID()}@example.com`);
    await page.getByTestId('password').fill('correct horse battery staple');
    await page.getByTestId('sign-up').click();
    await expect.poll(() => page.getByTestId('credits').textContent(), { timeout: 20_000 }).toBe('100');
    await expect.poll(() => page.locator('#tier option').count(), { timeout: 20_000 }).toBeGreaterThan(0);

    await page.getByTestId('files').setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: await productPhoto(400, 300) });
    await page.getByTestId('remove-submit').click();

    const cutout = page.getByTestId('cutout');
    await cutout.waitFor({ state: 'visible', timeout: 60_000 });
    await expect.poll(() => cutout.evaluate((img: ImageLike) => img.complete && img.naturalWidth), { timeout: 20_000 }).toBe(400);
    const src = await cutout.evaluate((img: ImageLike) => img.src);
    expect(src.startsWith(`${baseUrl}/storage/`)).toBe(true);
    const original = page.getByTestId('result').locator('img').first();
    expect(await original.evaluate((img: ImageLike) => img.src.startsWith('blob:') && img.naturalWidth)).toBe(400);
    await expect.poll(() => page.getByTestId('credits').textContent(), { timeout: 20_000 }).toBe('97');
    expect(problems).toEqual([]);
  });

  it('several photos become a batch: live progress over SSE, then the ZIP downloads', async () => {
    const files = await Promise.all([0, 1].map(async (i) => ({ name: `item-${i}.jpg`, mimeType: 'image/jpeg', buffer: await productPhoto(160 + i * 10, 120) })));
    await page.getByTestId('files').setInputFiles(files);
    await page.getByTestId('remove-submit').click();

    const zipButton = page.getByTestId('download-zip');
    await zipButton.waitFor({ state: 'visible', timeout: 90_000 });
    expect(await page.getByTestId('batch-progress').evaluate((bar: ProgressLike) => [bar.value, bar.max])).toEqual([2, 2]);
    expect(await page.getByTestId('batch-cutout').count()).toBe(2);

    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), zipButton.click()]);
    expect(download.suggestedFilename()).toMatch(/^lumiku-batch-.+\.zip$/);
    const path = await download.path();
    expect(zipEntries(await readFile(path))).toHaveLength(2);
    expect(problems).toEqual([]);
  });
});
