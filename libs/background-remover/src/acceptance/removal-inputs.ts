/** An image read into memory by the transport (the API's multipart reader), not yet validated. */
export interface UploadedImage {
  filename: string;
  size: number;
  data: Buffer;
}

/** An image streamed into private storage by the transport, not yet validated. */
export interface StoredImage {
  key: string;
  filename: string;
  size: number;
}

/**
 * Caps free test-mode images per user and day. A port: the API provides it (counted in Redis across replicas), so
 * this lib does not depend on how limits are stored. Throws 429 RATE_LIMITED when the allowance is used up.
 */
export abstract class TestModeAllowance {
  abstract take(userId: string, count: number): Promise<void>;
}
