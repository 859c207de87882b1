import { Worker } from 'node:worker_threads';
import type { InferenceSession } from 'onnxruntime-node';
import { ProviderError } from '../../ai-provider.types';
import type { OnnxModelInfo, OnnxRunner, OnnxRunOutput, OnnxRunRequest } from './onnx-runner';

/**
 * The thread's program. onnxruntime-node's `session.run` is synchronous native code (behind a setImmediate): on the
 * worker's main thread it would freeze the event loop for the whole run (seconds), so nothing else of the process —
 * the next job's download and decode, the previous one's encode, storage, database and queue I/O — could progress
 * meanwhile. Here each run thread owns its sessions and runs one model at a time; inputs and outputs move between
 * the threads without copying (transferred ArrayBuffers).
 *
 * Plain JavaScript evaluated as the thread's script (`eval: true`), not a module file: the same code then runs from
 * dist/ and under the test runner, where a thread cannot load TypeScript. `require` resolves onnxruntime-node from the
 * path the parent resolved. Messages: {id, op: 'load'|'run'|'release', ...} → {id, ok, ...} | {id, error, stage}.
 */
const THREAD_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
const sessions = new Map();

function session(path) {
  let loading = sessions.get(path);
  if (!loading) {
    loading = ort.InferenceSession.create(path, workerData.sessionOptions);
    loading.catch(() => sessions.delete(path)); // a failed load is not remembered: a fixed file needs no restart
    sessions.set(path, loading);
  }
  return loading;
}

function info(s) {
  const first = s.inputMetadata[0];
  return {
    inputNames: s.inputNames,
    outputNames: s.outputNames,
    firstInput: first ? { isTensor: first.isTensor, shape: first.isTensor ? first.shape : [] } : undefined,
  };
}

async function handle(msg) {
  if (msg.op === 'release') {
    const all = [...sessions.values()];
    sessions.clear();
    await Promise.allSettled(all.map(async (s) => (await s).release()));
    return { ok: true };
  }
  let s;
  try {
    s = await session(msg.path);
  } catch (err) {
    return { error: String(err && err.message ? err.message : err), stage: 'load' };
  }
  if (msg.op === 'load') return { ok: true, info: info(s) };
  const input = new ort.Tensor('float32', msg.input, msg.dims);
  try {
    const outputs = await s.run({ [msg.inputName]: input }, [msg.outputName]);
    const out = outputs[msg.outputName];
    const result = { ok: true, type: out.type, dims: out.dims };
    if (out.type === 'float32') {
      // Into the caller's recycled buffer when it fits: the caller's heap then sees no new allocation.
      const spare = msg.outputBuffer;
      if (spare && spare.length === out.data.length) {
        spare.set(out.data);
        result.data = spare;
      } else {
        result.data = out.data;
      }
    }
    return result;
  } catch (err) {
    return { error: String(err && err.message ? err.message : err), stage: 'run' };
  } finally {
    input.dispose();
  }
}

/** Whole ArrayBuffers go back without copying (and the input for reuse); views into larger ones are copied. */
function movable(array) {
  return array && array.byteOffset === 0 && array.byteLength === array.buffer.byteLength && array.byteLength > 0;
}

parentPort.on('message', (msg) => {
  handle(msg).then(
    (reply) => {
      reply.id = msg.id;
      const transfer = [];
      if (movable(reply.data)) transfer.push(reply.data.buffer);
      if (msg.op === 'run' && movable(msg.input) && !transfer.includes(msg.input.buffer)) {
        reply.input = msg.input;
        transfer.push(msg.input.buffer);
      }
      parentPort.postMessage(reply, transfer);
    },
    (err) => parentPort.postMessage({ id: msg.id, error: String(err && err.message ? err.message : err), stage: 'run' }),
  );
});
`;

function movable(array: Float32Array): boolean {
  return array.byteLength > 0 && array.byteOffset === 0 && array.byteLength === array.buffer.byteLength;
}

interface Reply {
  id: number;
  ok?: true;
  error?: string;
  stage?: 'load' | 'run';
  info?: OnnxModelInfo;
  type?: string;
  dims?: number[];
  data?: Float32Array;
  input?: Float32Array;
}

interface Pending {
  resolve: (reply: Reply) => void;
  reject: (err: Error) => void;
}

/** One thread with its own sessions; requests are answered in order. */
class RunThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure?: Error;

  constructor(ortPath: string, sessionOptions: InferenceSession.SessionOptions) {
    this.worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { ortPath, sessionOptions } });
    this.worker.unref(); // an idle thread does not keep the process alive; a request refs it (below)
    this.worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      waiter?.resolve(reply);
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      for (const waiter of this.pending.values()) waiter.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`ONNX run thread exited (code ${code})`)));
  }

  get busy(): number {
    return this.pending.size;
  }

  request(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * Runs models on `threads` dedicated threads (ONNX_CONCURRENT_RUNS; the provider's RunGate keeps at most that many
 * runs in flight, and each goes to the least busy thread). A thread starts on first use (a process that never runs an
 * ONNX model, e.g. the API, starts none) and holds its own session per model file, so memory grows with the thread
 * count. A thread that dies (native crash) fails its pending requests and is started again on next use.
 */
export class OnnxThreadRunner implements OnnxRunner {
  private readonly threads: (RunThread | undefined)[];
  private readonly models = new Map<string, Promise<OnnxModelInfo>>();

  constructor(
    private readonly sessionOptions: InferenceSession.SessionOptions,
    threads = 1,
    private readonly ortPath = require.resolve('onnxruntime-node'),
  ) {
    this.threads = Array.from({ length: Math.max(1, threads) }, () => undefined);
  }

  async load(path: string): Promise<OnnxModelInfo> {
    // Answered here once loaded: a thread answers nothing while it runs a model (its run is synchronous), so asking it
    // again would hold the next job's preprocessing until the current run ends. Like the threads' own session cache,
    // a successful load is kept and a failed one is not.
    let loading = this.models.get(path);
    if (!loading) {
      // Every thread loads it: the first run on any of them must not pay the load.
      loading = Promise.all(this.threads.map((_, i) => this.request(i, { op: 'load', path }))).then((replies) => replies[0]!.info!);
      loading.catch(() => this.models.delete(path));
      this.models.set(path, loading);
    }
    return loading;
  }

  async run(request: OnnxRunRequest): Promise<OnnxRunOutput> {
    const { path, inputName, input, dims, outputName, outputBuffer } = request;
    const index = this.leastBusy();
    const transfer = [input, outputBuffer].filter((a) => a && movable(a)).map((a) => a!.buffer as ArrayBuffer);
    const reply = await this.request(index, { op: 'run', path, inputName, input, dims, outputName, outputBuffer }, transfer);
    return { type: reply.type!, dims: reply.dims!, data: reply.data, input: reply.input };
  }

  async release(): Promise<void> {
    this.models.clear();
    const started = this.threads.filter((t): t is RunThread => t !== undefined);
    this.threads.fill(undefined);
    await Promise.allSettled(started.map((t) => t.request({ op: 'release' })));
    await Promise.allSettled(started.map((t) => t.terminate()));
  }

  private leastBusy(): number {
    const busy = (i: number) => this.threads[i]?.busy ?? 0;
    let best = 0;
    for (let i = 1; i < this.threads.length; i++) if (busy(i) < busy(best)) best = i;
    return best;
  }

  private async request(index: number, message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Reply> {
    let reply: Reply;
    try {
      reply = await this.thread(index).request(message, transfer);
    } catch (err) {
      // The thread is gone (a crash in native code): a new one starts on next use (and loads models again), this
      // request fails.
      this.threads[index] = undefined;
      this.models.clear();
      throw new Error((err as Error).message);
    }
    if (reply.error !== undefined) {
      if (reply.stage === 'load') throw new ProviderError(`Could not load ONNX model ${String(message.path)}: ${reply.error}`, false);
      throw new Error(reply.error);
    }
    return reply;
  }

  private thread(index: number): RunThread {
    return (this.threads[index] ??= new RunThread(this.ortPath, this.sessionOptions));
  }
}
