import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './app-config';

describe('parseConfig', () => {
  it('has working embedded defaults with an empty environment', () => {
    const cfg = parseConfig({});
    expect(cfg.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/lumiku');
    expect(cfg.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(cfg.PORT).toBe(3000);
    expect(cfg.ENABLED_APPS).toEqual(['background-remover', 'avatar-creator']);
  });

  it('names every invalid variable', () => {
    try {
      parseConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', WORKER_CONCURRENCY: '0' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      expect(msg).toMatch(/PORT/);
      expect(msg).toMatch(/DATABASE_URL/);
      expect(msg).toMatch(/WORKER_CONCURRENCY/);
    }
  });

  it('refuses the development JWT and webhook secrets in production', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(() => parseConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) })).toThrow(/WEBHOOK_SIGNING_SECRET/);
    expect(parseConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), WEBHOOK_SIGNING_SECRET: 'w'.repeat(32) }).NODE_ENV).toBe('production');
  });

  it('production turns Swagger off and readiness details admin-only unless opted in', () => {
    const prod = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), WEBHOOK_SIGNING_SECRET: 'w'.repeat(32) };
    expect(parseConfig(prod)).toMatchObject({ SWAGGER_ENABLED: false, HEALTH_DETAILS: 'admin', DATABASE_TX_GUARD: 'off' });
    expect(parseConfig({ ...prod, SWAGGER_ENABLED: 'true', HEALTH_DETAILS: 'public' })).toMatchObject({ SWAGGER_ENABLED: true, HEALTH_DETAILS: 'public' });
    expect(parseConfig({})).toMatchObject({ SWAGGER_ENABLED: true, HEALTH_DETAILS: 'public', DATABASE_TX_GUARD: 'throw' });
  });

  it('TRUST_PROXY is a list of proxy addresses, never "everything"', () => {
    expect(parseConfig({}).TRUST_PROXY).toBe(false);
    expect(parseConfig({ TRUST_PROXY: 'loopback' }).TRUST_PROXY).toEqual(['loopback']);
    expect(parseConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,fd00::/8' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '192.168.1.7', 'fd00::/8']);
    for (const bad of ['true', '1', '10.0.0.0/33', 'lb.internal', '10.0.0.0/8/1']) expect(() => parseConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
  });

  it('metrics: a token of 16+ characters, an optional worker port (0 = any free one) on loopback by default', () => {
    const defaults = parseConfig({});
    expect([defaults.METRICS_TOKEN, defaults.WORKER_METRICS_PORT, defaults.WORKER_METRICS_HOST]).toEqual([undefined, undefined, '127.0.0.1']);
    expect(parseConfig({ WORKER_METRICS_PORT: '9464' }).WORKER_METRICS_PORT).toBe(9464);
    expect(parseConfig({ WORKER_METRICS_PORT: '0' }).WORKER_METRICS_PORT).toBe(0);
    expect(() => parseConfig({ WORKER_METRICS_PORT: '70000' })).toThrow(/WORKER_METRICS_PORT/);
    expect(() => parseConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });

  it('treats empty strings as unset', () => {
    expect(parseConfig({ PORT: '' }).PORT).toBe(3000);
  });
});
