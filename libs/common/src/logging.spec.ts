import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactUrl } from './logging';

const ROOT = resolve(__dirname, '../../..');

describe('redactUrl', () => {
  it('hides credential-named query parameters and JWT-shaped values, keeps the rest', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    expect(redactUrl(`/api/x?access_token=${jwt}&limit=5`)).toBe('/api/x?access_token=[redacted]&limit=5');
    expect(redactUrl('/api/x?password=hunter2&apiKey=abc&cursor=xyz')).toBe('/api/x?password=[redacted]&apiKey=[redacted]&cursor=xyz');
    expect(redactUrl(`/api/x?q=${jwt}`)).toBe('/api/x?q=[redacted]');
    expect(redactUrl('/api/health')).toBe('/api/health');
  });
});

describe('loggerParams stdout (batched lines)', () => {
  // This source's logger in a child process (transpiled by the benches' requireTs, so no build is needed and a stale
  // one is never tested): what reaches its stdout, and in what order.
  const run = (afterLogging: string): string => {
    const script = `
      const { pino } = require('pino');
      const { loggerParams } = require('./bench/lib').requireTs('libs/common/src/logging.ts');
      const logger = pino({ level: 'info' }, loggerParams({ level: 'info' }).pinoHttp.stream);
      logger.info('the line');
      ${afterLogging}`;
    const child = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 10_000 });
    return child.stdout;
  };

  it('writes a waiting line on its own when traffic is light, well before the process ends', () => {
    // A marker written straight to fd 1 a second later must come after the line.
    const out = run(`setTimeout(() => require('node:fs').writeSync(1, 'MARKER\\n'), 1000);`);
    expect(out).toMatch(/"msg":"the line"}\nMARKER\n$/);
  });

  it('writes pending lines when the process exits at once or crashes', () => {
    expect(run('process.exit(0);')).toMatch(/"msg":"the line"/);
    expect(run(`setImmediate(() => { throw new Error('boom'); });`)).toMatch(/"msg":"the line"/);
  });
});
