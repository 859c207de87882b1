import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { completedOutcome, thrownOutcome } from './job-outcome';

describe('job outcome for the metrics', () => {
  it('a handler that settled the job as failed reports it (PaidJobOutcome "failed")', () => {
    expect(completedOutcome('failed')).toBe('failed');
    expect(completedOutcome('succeeded')).toBe('succeeded');
    expect(completedOutcome('already-settled')).toBe('skipped');
    expect(completedOutcome('gone')).toBe('skipped');
    expect(completedOutcome(undefined)).toBe('succeeded');
  });

  it('a throw is a retry while attempts remain, a failure on the last attempt or when unrecoverable', () => {
    const err = new Error('provider busy');
    expect(thrownOutcome({ attemptsMade: 0, opts: { attempts: 5 } }, err)).toBe('retried');
    expect(thrownOutcome({ attemptsMade: 4, opts: { attempts: 5 } }, err)).toBe('failed');
    expect(thrownOutcome({ attemptsMade: 0, opts: {} }, err)).toBe('failed');
    expect(thrownOutcome({ attemptsMade: 0, opts: { attempts: 5 } }, new UnrecoverableError('bad input'))).toBe('failed');
  });
});
