import { describe, expect, it } from 'vitest';
import { assertSafeInput, MAX_INPUT_DEPTH } from './input-safety';

const nested = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};
const codeOf = (fn: () => void) => {
  try {
    fn();
    return 'OK';
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

describe('assertSafeInput', () => {
  it('accepts ordinary DTO-shaped input', () => {
    expect(codeOf(() => assertSafeInput({ email: 'a@b.c', tags: ['x', 'y'], nested: { n: 1, ok: true, none: null } }, 'body'))).toBe('OK');
    expect(codeOf(() => assertSafeInput(nested(MAX_INPUT_DEPTH - 1), 'body'))).toBe('OK');
  });

  it('rejects deep nesting without recursing (5,000 and 500,000 levels)', () => {
    expect(codeOf(() => assertSafeInput(nested(5_000), 'body'))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => assertSafeInput(nested(500_000), 'body'))).toBe('VALIDATION_FAILED');
  });

  it('rejects NUL in any string value or key, naming the field', () => {
    expect(() => assertSafeInput({ name: 'a\u0000b' }, 'body')).toThrow(/body\.name contains a NUL/);
    expect(() => assertSafeInput({ list: ['ok', 'x\u0000'] }, 'body')).toThrow(/body\.list\[1\]/);
    expect(codeOf(() => assertSafeInput({ ['k\u0000']: 1 }, 'body'))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => assertSafeInput('q\u0000', 'cursor'))).toBe('VALIDATION_FAILED');
  });
});
