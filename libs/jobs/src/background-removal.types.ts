/** Output options stored on a background-removal job row by the API and applied by the worker. */
export interface StoredRemovalOptions {
  format: 'png' | 'webp';
  bgColor?: string;
  maskOnly: boolean;
  crop: boolean;
  cropMargin: number;
  /** `preview` (≤ 0.25 MP) or `full`, resolved from the requested size at acceptance; absent on older rows = full. */
  outputSize?: 'preview' | 'full';
}

/** Batch items in upload order (GET /batch/:id, the ZIP, enqueueing); creation time only for items from before `position`. */
export const BATCH_UPLOAD_ORDER: ({ position: 'asc' } | { createdAt: 'asc' } | { id: 'asc' })[] = [{ position: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }];
