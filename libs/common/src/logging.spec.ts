import { describe, expect, it } from 'vitest';
import { redactUrl } from './logging';

describe('redactUrl', () => {
  it('hides credential-named query parameters and JWT-shaped values, keeps the rest', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    expect(redactUrl(`/api/x?access_token=${jwt}&limit=5`)).toBe('/api/x?access_token=[redacted]&limit=5');
    expect(redactUrl('/api/x?password=hunter2&apiKey=abc&cursor=xyz')).toBe('/api/x?password=[redacted]&apiKey=[redacted]&cursor=xyz');
    expect(redactUrl(`/api/x?q=${jwt}`)).toBe('/api/x?q=[redacted]');
    expect(redactUrl('/api/health')).toBe('/api/health');
  });
});
