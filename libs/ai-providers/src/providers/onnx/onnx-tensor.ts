import type { AlphaMask } from '../../ai-provider.types';
import { ProviderError } from '../../ai-provider.types';
import type { OnnxProfile } from './onnx-profiles';

/**
 * Interleaved RGB bytes (HWC) → normalised float32 NCHW in the profile's channel order, into `out` when given (every
 * element is written: a reused buffer needs no clearing).
 */
export function toNchw(rgb: Buffer, width: number, height: number, profile: OnnxProfile, out: Float32Array = new Float32Array(3 * width * height)): Float32Array {
  const plane = width * height;
  if (out.length !== 3 * plane) throw new Error(`NCHW buffer has ${out.length} elements; ${width}×${height}×3 needs ${3 * plane}`);
  const order = profile.channelOrder === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  // 256 values per channel, computed as the per-pixel formula would (the same float32 results), looked up per pixel.
  const lut = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    const scale = 1 / (255 * profile.std[c]!);
    const offset = profile.mean[c]! / profile.std[c]!;
    for (let v = 0; v < 256; v++) lut[c * 256 + v] = v * scale - offset;
  }
  for (let c = 0; c < 3; c++) {
    const src = order[c]!;
    const table = lut.subarray(c * 256, c * 256 + 256);
    const base = c * plane;
    for (let i = 0, p = src; i < plane; i++, p += 3) out[base + i] = table[rgb[p]!]!;
  }
  return out;
}

/**
 * Math.round(x) for 0 ≤ x < 256, 2–3× faster in V8 (whose Math.round on doubles is not one instruction): for x ≥ 0.5,
 * x + 0.5 is exact or, crossing a power of two, cannot round up to the next integer, so floor(x + 0.5) is
 * Math.round(x); below 0.5 the sum can round up to 1 (x = 0.49999999999999994), and the answer is 0 anyway.
 */
export function roundByte(x: number): number {
  return x < 0.5 ? 0 : Math.floor(x + 0.5);
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
  const mask = Buffer.allocUnsafe(width * height); // every byte is written below
  if (postprocess === 'sigmoid') {
    for (let i = 0; i < data.length; i++) mask[i] = roundByte(255 / (1 + Math.exp(-data[i]!)));
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
  for (let i = 0; i < data.length; i++) mask[i] = roundByte((255 * (data[i]! - min)) / range);
  return { data: mask, width, height };
}

/**
 * A few float32 buffers kept for reuse, by length. A model's input (12 MB for 1024²) and output (4 MB) are the largest
 * allocations of a job; allocating them anew per image costs page faults and, above all, V8 garbage collections (V8
 * counts them as external memory and starts a full mark-compact of the heap every image or so).
 */
export class Float32Pool {
  private readonly free = new Map<number, Float32Array[]>();

  constructor(private readonly perLength = 2) {}

  take(length: number): Float32Array {
    return this.free.get(length)?.pop() ?? new Float32Array(length);
  }

  /** Hands a buffer back (nobody may use it afterwards). Detached or foreign-sized arrays are simply dropped. */
  give(array: Float32Array | undefined): void {
    if (!array || array.length === 0 || array.byteOffset !== 0 || array.byteLength !== array.buffer.byteLength) return;
    let list = this.free.get(array.length);
    if (!list) {
      // Only a couple of model sizes per process: drop the oldest size rather than grow.
      if (this.free.size >= 4) this.free.delete(this.free.keys().next().value!);
      this.free.set(array.length, (list = []));
    }
    if (list.length < this.perLength && !list.includes(array)) list.push(array);
  }
}
