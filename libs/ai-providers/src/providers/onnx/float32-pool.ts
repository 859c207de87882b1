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
