import { describe, expect, it } from 'vitest';
import { assertValidKey, buildKey, keyProblem } from './storage-key';

describe('storage keys', () => {
  it('accepts ordinary keys', () => {
    for (const key of ['a', 'background-remover/u-1/job_2/output.png', 'x/y.tar.gz', 'A9._-/b']) {
      expect(keyProblem(key)).toBeNull();
    }
  });

  it.each([
    ['', /empty/],
    ['../x', /start with "."/],
    ['a/../../b', /start with "."/],
    ['.env', /start with "."/],
    ['/abs', /relative/],
    ['a//b', /empty segment/],
    ['a/', /empty segment/],
    ['a\\b', /only/],
    ['ü', /only/],
    ['x'.repeat(513), /longer than 512/],
    [`${'x'.repeat(256)}/y`, /segment longer/],
  ])('rejects %j', (key, reason) => {
    expect(keyProblem(key)).toMatch(reason);
    expect(() => assertValidKey(key)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });

  it('buildKey joins and validates', () => {
    expect(buildKey('background-remover', 'u1', 'j1', 'output.png')).toBe('background-remover/u1/j1/output.png');
    expect(buildKey('a/b', 'c')).toBe('a/b/c');
    expect(() => buildKey('a', '..', 'b')).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(() => buildKey('a', '')).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });
});
