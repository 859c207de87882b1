import { describe, expect, it } from 'vitest';
import { requestIdGenerator } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdGenerator', () => {
  it('keeps a well-formed client id and replaces a malformed one', () => {
    const next = requestIdGenerator();
    expect(next({ headers: { 'x-request-id': 'client-abc.123:7' } })).toBe('client-abc.123:7');
    for (const bad of ['bad id', 'x'.repeat(129), '<script>', '']) expect(next({ headers: { 'x-request-id': bad } })).toMatch(UUID);
    expect(next({ headers: { 'x-request-id': ['a', 'b'] } })).toMatch(UUID);
  });

  it('mints distinct UUID-shaped ids within a process and across processes', () => {
    const a = requestIdGenerator();
    const b = requestIdGenerator();
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      ids.add(a({ headers: {} }));
      ids.add(b({ headers: {} }));
    }
    expect(ids.size).toBe(2000);
    for (const id of ids) expect(id).toMatch(UUID);
    // Same process: one random prefix, a counter after it.
    expect(a({ headers: {} }).slice(0, 24)).toBe(a({ headers: {} }).slice(0, 24));
    expect(a({ headers: {} }).slice(0, 24)).not.toBe(b({ headers: {} }).slice(0, 24));
  });
});
