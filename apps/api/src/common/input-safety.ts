import { DomainError } from '@app/common';

/** Deeper than any DTO we accept; class-transformer recurses per level and overflows the stack on ~5,000. */
export const MAX_INPUT_DEPTH = 32;

/**
 * Checks a client value before anything recursive touches it: nesting depth (iteratively, so the check itself
 * cannot overflow) and NUL characters in any string or key (PostgreSQL text cannot store U+0000). Throws 400.
 */
export function assertSafeInput(value: unknown, root: string): void {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      assertNoNul(current, path);
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) {
      throw new DomainError('VALIDATION_FAILED', `Input nested deeper than ${MAX_INPUT_DEPTH} levels`, {
        fields: [{ field: root, errors: [`nesting deeper than ${MAX_INPUT_DEPTH} levels`] }],
      });
    }
    for (const [key, child] of Object.entries(current)) {
      const childPath = Array.isArray(current) ? `${path}[${key}]` : `${path}.${key}`;
      assertNoNul(key, childPath);
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
}

export function assertNoNul(value: string, field: string): void {
  if (value.includes('\u0000')) {
    throw new DomainError('VALIDATION_FAILED', `${field} contains a NUL character`, {
      fields: [{ field, errors: ['must not contain NUL (\\u0000) characters'] }],
    });
  }
}
