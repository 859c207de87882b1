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
