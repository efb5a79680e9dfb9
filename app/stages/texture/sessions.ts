/**
 * Where the texture stage gets its ONNX Runtime sessions. In the pipeline: the engine's session pool
 * (the execution provider chosen for the engine — CUDA, DirectML or CPU — and sessions cached across
 * runs: a model depends only on the crop size and the network, so re-running after a slider change
 * reuses it). Standalone (tests, benchmarks): a CPU session loaded for the call and released after.
 */
import { writeCachedModel } from '../../../native-models/generated/index';
import { loadModelSession } from '../../ort/sessions';
import type { ModelSession, SessionConfig, SessionPool } from '../../ort/types';

export interface SessionLease {
  session: ModelSession;
  /** Gives the session back (a no-op for pooled sessions). */
  done(): Promise<void>;
}

export type SessionSource = (key: string, build: () => Uint8Array) => Promise<SessionLease>;

/** Model files already written by this process, by key: building a graph costs tens of ms. */
const written = new Map<string, Promise<string>>();

export function pooledSessions(pool: SessionPool): SessionSource {
  return async (key, build) => {
    let path = written.get(key);
    if (!path) {
      path = writeCachedModel(build(), `texture-${key}`);
      written.set(key, path);
      path.catch(() => written.delete(key));
    }
    return { session: await pool.get(await path), done: async () => {} };
  };
}

export function ownSessions(config: SessionConfig = { providers: ['cpu'] }): SessionSource {
  return async (_key, build) => {
    const session = await loadModelSession(build(), config);
    return { session, done: () => session.release() };
  };
}
