import { InferenceSession } from 'onnxruntime-node';
import { ProviderError } from '../../ai-provider.types';

export type SessionLoader = (path: string) => Promise<InferenceSession>;

export interface OnnxThreading {
  /** 0: ONNX Runtime's default (one per core). */
  intraOpThreads: number;
  interOpThreads: number;
}

/** CPU execution, full graph optimisation (what the reference background-removal tools use), threads from config. */
export function cpuSessionOptions(threads: OnnxThreading): InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: threads.interOpThreads > 1 ? 'parallel' : 'sequential',
    intraOpNumThreads: threads.intraOpThreads,
    interOpNumThreads: threads.interOpThreads,
    // Idle pool threads sleep instead of spinning: the worker's own image work, its queue I/O and whatever shares
    // the host need those cores between (and during) model runs.
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
}

export function cpuSessionLoader(threads: OnnxThreading): SessionLoader {
  return (path) => InferenceSession.create(path, cpuSessionOptions(threads));
}

/**
 * One ONNX Runtime session per model file, created on first use and reused (loading a 170 MB model takes seconds;
 * a session is safe to run concurrently). A failed load is not cached, so fixing the file needs no restart.
 */
export class OnnxSessionCache {
  private readonly sessions = new Map<string, Promise<InferenceSession>>();

  constructor(private readonly load: SessionLoader) {}

  get(path: string): Promise<InferenceSession> {
    let session = this.sessions.get(path);
    if (!session) {
      session = this.load(path).catch((err: unknown) => {
        this.sessions.delete(path);
        const reason = err instanceof Error ? err.message : String(err);
        throw new ProviderError(`Could not load ONNX model ${path}: ${reason}`, false);
      });
      this.sessions.set(path, session);
    }
    return session;
  }

  async releaseAll(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(all.map(async (s) => (await s).release()));
  }
}
