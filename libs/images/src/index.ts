export * from './images.module';
export * from './images.service';
export * from './images.types';
export { sniffFormat, detectRejectedKind, decodableFormats, assertSupportedFormat } from './image-format';
export type { ImageFormat, RejectedKind } from './image-format';
export { parseHexColor } from './color';
export { alphaBoundingBox, CROP_ALPHA_THRESHOLD } from './alpha-bbox';
export type { Box } from './alpha-bbox';
