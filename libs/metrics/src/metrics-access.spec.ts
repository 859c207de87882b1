import { describe, expect, it } from 'vitest';
import { decideScrape, metricsAccess } from './metrics-access';

const TOKEN = 'metrics-token-0123456789';

describe('metrics access', () => {
  it('with METRICS_TOKEN: only that bearer token, 401 without one, 403 with another', () => {
    const access = metricsAccess({ METRICS_TOKEN: TOKEN, NODE_ENV: 'production' });
    expect(decideScrape(access, `Bearer ${TOKEN}`)).toBe('allowed');
    expect(decideScrape(access, `bearer   ${TOKEN}`)).toBe('allowed');
    expect(decideScrape(access, undefined)).toBe('unauthorized');
    expect(decideScrape(access, TOKEN)).toBe('unauthorized');
    expect(decideScrape(access, 'Bearer wrong-token')).toBe('forbidden');
    expect(decideScrape(access, `Bearer ${TOKEN}x`)).toBe('forbidden');
  });

  it('without a token: off in production, open elsewhere', () => {
    expect(decideScrape(metricsAccess({ NODE_ENV: 'production' }), `Bearer ${TOKEN}`)).toBe('not-found');
    expect(decideScrape(metricsAccess({ NODE_ENV: 'development' }), undefined)).toBe('allowed');
    expect(decideScrape(metricsAccess({ NODE_ENV: 'test' }), 'Bearer anything')).toBe('allowed');
  });
});
