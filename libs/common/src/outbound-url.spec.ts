import { describe, expect, it } from 'vitest';
import { assertPublicHttpUrl } from './outbound-url';

describe('assertPublicHttpUrl', () => {
  it('refuses loopback, private, link-local and non-http targets in production mode', async () => {
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://10.1.2.3/hook',
      'http://192.168.0.10/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/hook',
      'http://localhost/hook',
      'ftp://example.com/x',
      'http://user:pw@example.com/',
      'not a url',
    ]) {
      await expect(assertPublicHttpUrl(url, false), url).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });

  it('accepts a public literal address, and anything http(s) when private targets are allowed', async () => {
    await expect(assertPublicHttpUrl('https://93.184.215.14/hook', false)).resolves.toBeUndefined();
    await expect(assertPublicHttpUrl('http://127.0.0.1:9/hook', true)).resolves.toBeUndefined();
  });
});
