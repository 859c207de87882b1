import sharp from 'sharp';

/**
 * The one place sharp is configured. CPU-bound image work scales by worker processes, so each libvips
 * operation gets a single thread, and the operation cache is off: inputs are one-off buffers, caching them
 * only holds memory.
 */
sharp.concurrency(1);
sharp.cache(false);

/**
 * 'error' fails on truncated data and decoder errors but tolerates libjpeg warnings such as
 * "extraneous bytes before marker" that many phone cameras produce.
 */
export const FAIL_ON = 'error' as const;

export { sharp };
export type { Sharp, SharpOptions, Metadata } from 'sharp';
