import type { AlphaMask } from '../../ai-provider.types';
import { ProviderError } from '../../ai-provider.types';
import type { OnnxProfile } from './onnx-profiles';

/** Interleaved RGB bytes (HWC) → normalised float32 NCHW in the profile's channel order. */
export function toNchw(rgb: Buffer, width: number, height: number, profile: OnnxProfile): Float32Array {
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  const order = profile.channelOrder === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  for (let c = 0; c < 3; c++) {
    const src = order[c]!;
    const scale = 1 / (255 * profile.std[c]!);
    const offset = profile.mean[c]! / profile.std[c]!;
    const base = c * plane;
    for (let i = 0; i < plane; i++) out[base + i] = rgb[i * 3 + src]! * scale - offset;
  }
  return out;
}

/**
 * A model's mask output ([1,1,H,W], [1,H,W] or [H,W]) → 0..255 mask at the output's size. 'minmax' rescales the
 * saliency map to its own range (what IS-Net/U²-Net reference code does); 'sigmoid' maps logits to 0..1.
 * A flat map (no subject found) comes back fully opaque: an unchanged image beats an empty one.
 */
export function maskFromOutput(
  data: Float32Array,
  dims: readonly number[],
  postprocess: OnnxProfile['postprocess'],
): AlphaMask {
  const height = dims[dims.length - 2];
  const width = dims[dims.length - 1];
  const leading = dims.slice(0, -2).reduce((a, b) => a * b, 1);
  if (dims.length < 2 || !height || !width || leading !== 1 || data.length !== width * height) {
    throw new ProviderError(`ONNX model output has shape [${dims.join(', ')}]; expected one H×W mask`, false);
  }
  const mask = Buffer.alloc(width * height);
  if (postprocess === 'sigmoid') {
    for (let i = 0; i < data.length; i++) mask[i] = Math.round(255 / (1 + Math.exp(-data[i]!)));
    return { data: mask, width, height };
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) throw new ProviderError('ONNX model output contains non-finite values', false);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min;
  if (range < 1e-6) return { data: mask.fill(255), width, height };
  for (let i = 0; i < data.length; i++) mask[i] = Math.round((255 * (data[i]! - min)) / range);
  return { data: mask, width, height };
}
