/** Output options stored on a background-removal job row by the API and applied by the worker. */
export interface StoredRemovalOptions {
  format: 'png' | 'webp';
  bgColor?: string;
  maskOnly: boolean;
  crop: boolean;
  cropMargin: number;
}
