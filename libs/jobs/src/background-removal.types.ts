/**
 * Output options stored on a background-removal job row by the API (validated there) and applied by the worker
 * (libs/images composeOutput). Rows from before an option existed simply lack it. The background image itself is
 * the row's `bgImageKey` (private storage), not part of these options.
 */
export interface StoredRemovalOptions {
  format: 'png' | 'webp' | 'jpg';
  bgColor?: string;
  maskOnly: boolean;
  crop: boolean;
  /** Pixels (older rows, plain integers) or CSS-like px/% lengths, e.g. "10px 5%". */
  cropMargin: number | string;
  position?: string;
  scale?: string;
  decontaminate?: boolean;
  /** How the row's background image is fitted (only when it has one). */
  bgImageFit?: 'cover' | 'contain';
  /** `preview` (≤ 0.25 MP) or `full`, resolved from the requested size at acceptance; absent on older rows = full. */
  outputSize?: 'preview' | 'full';
}

/** Batch items in upload order (GET /batch/:id, the ZIP, enqueueing); creation time only for items from before `position`. */
export const BATCH_UPLOAD_ORDER: ({ position: 'asc' } | { createdAt: 'asc' } | { id: 'asc' })[] = [{ position: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }];
